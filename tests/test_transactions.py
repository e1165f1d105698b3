"""run_in_transaction: an aborted read or a round of refused commits gets a fresh round after a backoff."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from google.api_core.exceptions import Aborted

from firebrick.transactions import run_in_transaction

if TYPE_CHECKING:
    from google.cloud.firestore import Client, Transaction


def _flaky(db: Client, failures: int) -> tuple[list[int], object]:
    """A body whose first `failures` runs abort (as a read that timed out on a lock does), then writes."""
    calls: list[int] = []
    ref = db.document("counters/flaky")

    def body(txn: Transaction) -> str:
        calls.append(1)
        ref.get(transaction=txn)
        if len(calls) <= failures:
            raise Aborted("Transaction lock timeout.")
        txn.set(ref, {"runs": len(calls)})
        return "done"

    return calls, body


def test_an_aborted_read_is_retried_in_a_new_round(admin_db: Client) -> None:
    calls, body = _flaky(admin_db, failures=2)
    assert run_in_transaction(admin_db, body, rounds=3) == "done"  # type: ignore[arg-type]
    assert len(calls) == 3
    assert (admin_db.document("counters/flaky").get().to_dict() or {}) == {"runs": 3}


def test_the_last_round_raises_and_writes_nothing(admin_db: Client) -> None:
    calls, body = _flaky(admin_db, failures=5)
    with pytest.raises(Aborted):
        run_in_transaction(admin_db, body, rounds=2)  # type: ignore[arg-type]
    assert len(calls) == 2
    assert not admin_db.document("counters/flaky").get().exists


def test_other_errors_are_not_retried(admin_db: Client) -> None:
    calls: list[int] = []

    def body(txn: Transaction) -> None:
        calls.append(1)
        raise ValueError("a bug, not contention")

    with pytest.raises(ValueError, match="a bug"):
        run_in_transaction(admin_db, body, rounds=5)
    assert calls == [1]
