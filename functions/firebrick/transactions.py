"""The one way to run a Firestore transaction.

`body(transaction)` must be re-runnable: Firestore retries it on contention,
re-reading everything, so a decision and the writes it allows always see the
same data. Services use the client's default attempts; trigger reducers, which
contend with their siblings by design, pass more.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from google.cloud.firestore import Client, Transaction

T = TypeVar("T")

#: Firestore's own default number of attempts.
DEFAULT_ATTEMPTS = 5


def run_in_transaction(db: Client, body: Callable[[Transaction], T], *, attempts: int = DEFAULT_ATTEMPTS) -> T:
    """Run `body` in a transaction, retried up to `attempts` times on contention."""
    from google.cloud import firestore

    return firestore.transactional(body)(db.transaction(max_attempts=attempts))  # type: ignore[no-any-return]
