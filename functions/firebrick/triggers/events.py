"""Read what derived-state handlers need out of a Firestore event, and common effects."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from firebrick.clock import now
from firebrick.logs import get_logger
from firebrick.reducers.activity import ActivityEntry, DocState

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentReference, Transaction

    from firebrick.state.counters import CountedEffect
    from firebrick.state.ledger import Writer

log = get_logger("firebrick.triggers")


@dataclass(frozen=True)
class DocChange:
    """One Firestore write as the handlers see it."""

    event_id: str
    path: str
    params: dict[str, str]
    before: DocState
    after: DocState
    at: datetime


def _state(snapshot: Any) -> DocState:
    if snapshot is None or not getattr(snapshot, "exists", False):
        return DocState(None, None)
    return DocState(snapshot.to_dict() or {}, snapshot.update_time)


def doc_change(event: Any) -> DocChange:
    """A `firestore_fn.Event[Change[DocumentSnapshot | None]]` -> DocChange."""
    data = event.data
    before = _state(getattr(data, "before", None))
    after = _state(getattr(data, "after", None))
    at = event.time if isinstance(event.time, datetime) else now()
    return DocChange(str(event.id), str(event.document), dict(event.params), before, after, at)


def db_or_default(db: Client | None) -> Client:
    """The given client (tests, reconcile), or the process's own, with JSON logging set up."""
    if db is not None:
        return db
    from firebrick.clients import firestore_client
    from firebrick.config import get_settings
    from firebrick.logs import configure_logging

    configure_logging(get_settings().log_level)
    return firestore_client()


@dataclass
class ActivityEffect:
    """Ledger effect: write one feed entry, only while its org and parent still exist."""

    org: DocumentReference
    entry: ActivityEntry
    guards: Sequence[DocumentReference] = ()
    #: An effect of the same transaction that already read these docs (run before this one).
    checked_by: CountedEffect | None = None

    def __call__(self, txn: Transaction) -> Writer | None:
        if self.checked_by is not None:
            if not self.checked_by.alive:
                return None
        elif not all(ref.get(transaction=txn).exists for ref in (self.org, *self.guards)):
            return None
        target = self.org.collection("activity").document(self.entry.id)

        def write(txn: Transaction) -> None:
            txn.set(target, self.entry.doc)

        return write


def cascade_delete(db: Client, ref: DocumentReference) -> int:
    """Delete `ref` and everything below it (batched; re-running resumes where it stopped)."""
    deleted = int(db.recursive_delete(ref))
    log.info("cascade delete", extra={"fields": {"path": ref.path, "deleted": deleted}})
    return deleted
