"""The event ledger: apply a trigger's effects at most once per (function, event id).

Firestore and Storage triggers are delivered at least once. `apply_once` runs the
effects and writes a marker doc `_events/{fn}:{eventId}` in ONE transaction; a
replay finds the marker and writes nothing. Markers carry `expiresAt` for a
Firestore TTL policy on `_events.expiresAt` (see docs/derived-state.md): a replay
older than `MARKER_TTL` is no longer recognised by the ledger, and is then still
harmless because every counter effect is also state-based (see state/counters.py)
and feed entries have ids derived from the change itself.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from firebrick import paths
from firebrick.clock import now
from firebrick.transactions import run_in_transaction

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentReference, Transaction

EVENTS_COLLECTION = paths.APPLIED_EVENTS
#: Longer than Eventarc's retry window (up to 7 days for retried events) plus margin.
MARKER_TTL = timedelta(days=8)
#: Commit retries per round (each keeps its place in line), and rounds with backoff between.
TRANSACTION_ATTEMPTS = 5
TRANSACTION_ROUNDS = 6

T = TypeVar("T")
Writer = Callable[["Transaction"], None]


class Effect(Protocol):
    """One derived effect, split so a transaction can do all reads before any write."""

    def __call__(self, txn: Transaction) -> Writer | None:
        """Read what the effect needs; return the writes to make, or None for none."""


def marker_ref(db: Client, fn: str, event_id: str) -> DocumentReference:
    """`_events/{fn}:{eventId}`; ids that would not make a valid doc id are hashed."""
    key = f"{fn}:{event_id}"
    if "/" in key or len(key.encode()) > 500 or key.startswith("__"):
        key = f"{fn}:h{hashlib.sha256(event_id.encode()).hexdigest()}"
    return db.collection(EVENTS_COLLECTION).document(key)


def run_reducer(db: Client, body: Callable[[Transaction], T]) -> T:
    """Run a derived-state transaction: siblings contend by design, so it gets more attempts."""
    return run_in_transaction(db, body, attempts=TRANSACTION_ATTEMPTS, rounds=TRANSACTION_ROUNDS)


def apply_once(db: Client, fn: str, event_id: str, effects: Sequence[Effect]) -> bool:
    """Apply `effects` and mark the event done, atomically; False when it was already done."""
    marker = marker_ref(db, fn, event_id)

    def body(txn: Transaction) -> bool:
        if marker.get(transaction=txn).exists:
            return False
        writers = [w for w in (effect(txn) for effect in effects) if w is not None]
        for write in writers:
            write(txn)
        stamp = now()
        txn.set(marker, {"fn": fn, "eventId": event_id, "appliedAt": stamp, "expiresAt": stamp + MARKER_TTL})
        return True

    return run_reducer(db, body)


def already_applied(db: Client, fn: str, event_id: str) -> bool:
    """True when the ledger holds a marker for this event (for tests and diagnostics)."""
    snap: Any = marker_ref(db, fn, event_id).get()
    return bool(snap.exists)
