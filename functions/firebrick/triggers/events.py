"""What derived-state handlers share: the change an event describes, and the counted-change step.

`apply_counted` is the one shape of a counted source change: count it, add its
feed entry, and mark the event applied, all in one event-ledger transaction;
then roll the owner's shards up when the count moved (or on a replay, which may
follow a crash between the two).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from firebrick import paths
from firebrick.clock import now
from firebrick.logs import get_logger
from firebrick.reducers.activity import ActivityEntry, DocState
from firebrick.state import counters, event_ledger

if TYPE_CHECKING:
    from collections.abc import Sequence

    from google.cloud.firestore import Client, DocumentReference, Transaction

    from firebrick.reducers.counters import Contribution
    from firebrick.state.counters import CountedEffect, Counter
    from firebrick.state.event_ledger import Writer

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

    def chain(self, db: Client) -> list[DocumentReference]:
        """The documents from the top-level one down to the changed one (org, project, task, ...)."""
        parts = self.path.split("/")
        return [db.document("/".join(parts[:end])) for end in range(2, len(parts) + 1, 2)]


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
    """Event-ledger effect: write one feed entry, only while the counted entity's owners still exist."""

    org: DocumentReference
    entry: ActivityEntry
    #: The counted effect of the same transaction, which read the org and parents just before.
    checked_by: CountedEffect

    def __call__(self, txn: Transaction) -> Writer | None:
        if not self.checked_by.alive:
            return None
        target = self.org.collection(paths.ACTIVITY).document(self.entry.id)

        def write(txn: Transaction) -> None:
            txn.set(target, self.entry.doc)

        return write


def apply_counted(
    db: Client,
    fn: str,
    change: DocChange,
    *,
    owner: DocumentReference,
    counter: Counter,
    entity: DocumentReference,
    guards: Sequence[DocumentReference] = (),
    entry: ActivityEntry | None = None,
) -> Contribution:
    """Count `entity` on `owner` and add `entry` to the org's feed, once per event; returns the count's change.

    `guards` (the org and parents above `owner`) must exist for anything to be written:
    a deleted subtree stays deleted.
    """
    count = counters.counted_effect(owner, counter, entity.id, entity, guards=guards)
    effects: list[event_ledger.Effect] = [count]
    if entry is not None:
        org = guards[0] if guards else owner
        effects.append(ActivityEffect(org, entry, checked_by=count))
    applied = event_ledger.apply_once(db, fn, change.event_id, effects)
    if count.deltas or not applied:
        counters.rollup(db, owner, [counter])
    return count.deltas


def cascade_delete(db: Client, ref: DocumentReference) -> int:
    """Delete `ref` and everything below it (batched; re-running resumes where it stopped)."""
    deleted = int(db.recursive_delete(ref))
    log.info("cascade delete", extra={"fields": {"path": ref.path, "deleted": deleted}})
    return deleted
