"""The idempotency ledger applies an effect once per (function, event id), atomically."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from firebrick.state.event_ledger import MARKER_TTL, already_applied, apply_once, marker_ref
from tests.triggers.support import value

if TYPE_CHECKING:
    from google.cloud.firestore import Client, Transaction

    from firebrick.state.event_ledger import Writer


def _bump(db: Client, path: str) -> object:
    from google.cloud.firestore import Increment

    def effect(txn: Transaction) -> Writer:
        def write(txn: Transaction) -> None:
            txn.set(db.document(path), {"n": Increment(1)}, merge=True)

        return write

    return effect


def test_a_replayed_event_is_applied_once(admin_db: Client) -> None:
    effect = _bump(admin_db, "scratch/counter")
    assert apply_once(admin_db, "fn", "evt-1", [effect])  # type: ignore[list-item]
    assert not apply_once(admin_db, "fn", "evt-1", [effect])  # type: ignore[list-item]
    assert apply_once(admin_db, "other_fn", "evt-1", [effect])  # type: ignore[list-item]
    assert value(admin_db.document("scratch/counter"), "n") == 2


def test_markers_expire_for_a_ttl_policy(admin_db: Client) -> None:
    apply_once(admin_db, "fn", "evt/with/slashes", [])
    assert already_applied(admin_db, "fn", "evt/with/slashes")
    marker = marker_ref(admin_db, "fn", "evt/with/slashes").get().to_dict() or {}
    assert marker["expiresAt"] - marker["appliedAt"] == MARKER_TTL


def test_a_failing_effect_leaves_no_marker(admin_db: Client) -> None:
    def boom(txn: Transaction) -> Writer:
        raise RuntimeError("effect failed")

    with pytest.raises(RuntimeError):
        apply_once(admin_db, "fn", "evt-2", [boom])
    assert not already_applied(admin_db, "fn", "evt-2")
