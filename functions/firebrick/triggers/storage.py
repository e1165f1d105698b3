"""`derive_attachment_finalized` / `derive_attachment_deleted`: Storage events -> counts and bytes.

Attachments live at `orgs/{orgId}/projects/{projectId}/tasks/{taskId}/attachments/{fileName}`.
Each object name has a counted marker holding the generation it last applied, so
events for one name are ordered by generation, not by arrival: a finalize applies
only if its generation is newer, a delete only if it is not older. Overwriting an
object emits a delete for the old generation, which therefore nets out.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from firebrick import paths
from firebrick.state import counters, event_ledger
from firebrick.triggers.events import db_or_default

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentReference, Transaction

FN_FINALIZED = "derive_attachment_finalized"
FN_DELETED = "derive_attachment_deleted"

_PATH = re.compile(paths.ATTACHMENT_PATTERN)


@dataclass(frozen=True)
class ObjectEvent:
    """What the handlers need from a Storage CloudEvent."""

    event_id: str
    name: str
    generation: int
    size: int


def object_event(event: Any) -> ObjectEvent:
    data = event.data
    return ObjectEvent(str(event.id), str(data.name), int(data.generation), int(data.size or 0))


@dataclass
class GenerationEffect:
    """Ledger effect: move one object's counted contribution to (generation, size or deleted)."""

    owner: DocumentReference
    counter: counters.Counter
    object_key: str
    generation: int
    size: int | None
    guards: Sequence[DocumentReference] = ()
    deltas: dict[str, int] = field(default_factory=dict)

    def __call__(self, txn: Transaction) -> event_ledger.Writer | None:
        self.deltas = {}
        if not all(ref.get(transaction=txn).exists for ref in (*self.guards, self.owner)):
            return None
        counted = counters.marker_ref(self.owner, self.counter, self.object_key).get(transaction=txn)
        seen = int(counted.get("gen")) if counted.exists and counted.get("gen") is not None else None
        finalize = self.size is not None
        if seen is not None and (self.generation <= seen if finalize else self.generation < seen):
            return None  # an event about an older generation than the one already counted
        self.deltas, writer = counters.transition_writer(
            self.owner,
            self.counter,
            self.object_key,
            counted,
            None,
            contribution=self.counter.contribution(self.size),
            marker_extra={"gen": self.generation, "deleted": not finalize},
        )
        return writer


def on_object_finalized(event: Any, db: Client | None = None) -> bool:
    """An object was written: count it on its task and its bytes on its org. False if ignored."""
    return _apply(FN_FINALIZED, object_event(event), deleted=False, db=db)


def on_object_deleted(event: Any, db: Client | None = None) -> bool:
    """An object generation was deleted (or overwritten): uncount it."""
    return _apply(FN_DELETED, object_event(event), deleted=True, db=db)


def _apply(fn: str, obj: ObjectEvent, *, deleted: bool, db: Client | None) -> bool:
    match = _PATH.match(obj.name)
    if not match:
        return False  # not an attachment: not ours to count
    db = db_or_default(db)
    org = db.document(paths.org(match["orgId"]))
    project = db.document(paths.project(match["orgId"], match["projectId"]))
    task = db.document(paths.task(match["orgId"], match["projectId"], match["taskId"]))
    key = hashlib.sha256(obj.name.encode()).hexdigest()[:40]
    size = None if deleted else obj.size
    on_task = GenerationEffect(task, counters.TASK_ATTACHMENTS, key, obj.generation, size, guards=[org, project])
    on_org = GenerationEffect(org, counters.ORG_STORAGE, key, obj.generation, size)
    applied = event_ledger.apply_once(db, fn, obj.event_id, [on_task, on_org])
    if on_task.deltas or not applied:
        counters.rollup(db, task, [counters.TASK_ATTACHMENTS])
    if on_org.deltas or not applied:
        counters.rollup(db, org, counters.OWNER_COUNTERS["org"])
    return applied
