"""Exact counters: per-entity "counted" markers, sharded increments, rolled-up stats.

For every counted entity (a task in a project, a member in an org...) the owner
keeps a marker `{owner}/_counted/{counter}:{entityId}` holding the contribution
last applied for it. Syncing an entity reads its source doc and its marker in one
transaction and applies `contribution(now) - contribution(marker)` to the
counter: a replayed event, a stale out-of-order event, a concurrent reconcile
all compute a zero delta; a lost event is repaired by the next sync of that
entity. Increments go to one of `shards` docs `{owner}/_shards/{counter}-{n}`
(no read needed, so concurrent writers don't contend on one document); a
rollup sums the shards into the fields clients read (`stats.taskCount`...).
"""

from __future__ import annotations

import random
import secrets
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from firebrick.reducers import counters as reduce
from firebrick.state.derived import Correction
from firebrick.state.event_ledger import Writer, run_reducer

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentReference, DocumentSnapshot, Transaction

    Snapshot = DocumentSnapshot[DocumentReference]

SHARDS = "_shards"
COUNTED = "_counted"
#: Upper bound on shard docs under one owner (all its counters together).
MAX_SHARD_DOCS = 100
#: Rollups of one owner that may lose the write race before one gives up.
ROLLUP_ATTEMPTS = 20


@dataclass(frozen=True)
class Counter:
    """A family of counter fields on one kind of owner document."""

    name: str
    fields: tuple[str, ...]
    #: Prefix of the target fields on the owner doc ("stats." or "").
    target: str
    #: Shard docs per owner: each absorbs ~1 sustained write/s (see docs/derived-state.md).
    shards: int = 1
    contribution: Callable[[Any], reduce.Contribution] = field(default=reduce.member_contribution)

    def target_path(self, key: str) -> str:
        return self.target + key


PROJECT_TASKS = Counter(
    "tasks",
    ("taskCount", "byStatus.todo", "byStatus.doing", "byStatus.done"),
    "stats.",
    shards=10,
    contribution=reduce.task_contribution,
)
ORG_MEMBERS = Counter("members", ("memberCount",), "stats.", contribution=reduce.member_contribution)
ORG_PROJECTS = Counter("projects", ("projectCount",), "stats.", contribution=reduce.project_contribution)
ORG_STORAGE = Counter("storage", ("storageBytes",), "stats.", shards=4, contribution=reduce.storage_contribution)
TASK_COMMENTS = Counter("comments", ("commentCount",), "", contribution=reduce.comment_contribution)
TASK_ATTACHMENTS = Counter("attachments", ("attachmentCount",), "", contribution=reduce.attachment_contribution)

#: Which counters roll up into which kind of owner.
OWNER_COUNTERS: dict[str, tuple[Counter, ...]] = {
    "org": (ORG_MEMBERS, ORG_PROJECTS, ORG_STORAGE),
    "project": (PROJECT_TASKS,),
    "task": (TASK_COMMENTS, TASK_ATTACHMENTS),
}


def marker_ref(owner: DocumentReference, counter: Counter, entity_id: str) -> DocumentReference:
    ref: DocumentReference = owner.collection(COUNTED).document(f"{counter.name}:{entity_id}")
    return ref


def markers_query(owner: DocumentReference, counter: Counter) -> Any:
    """Every counted marker of `counter` under `owner`."""
    from google.cloud.firestore import FieldFilter

    return owner.collection(COUNTED).where(filter=FieldFilter("n", "==", counter.name))


def shard_ref(owner: DocumentReference, counter: Counter, index: int) -> DocumentReference:
    ref: DocumentReference = owner.collection(SHARDS).document(f"{counter.name}-{index}")
    return ref


def counted_contribution(marker: Snapshot) -> reduce.Contribution:
    return reduce.flatten(marker.get("c")) if marker.exists else {}


def increment_writer(owner: DocumentReference, counter: Counter, deltas: Mapping[str, int]) -> Writer:
    """Blind increments of one random shard: no read, so no contention between writers."""
    from google.cloud.firestore import Increment

    shard = shard_ref(owner, counter, secrets.randbelow(counter.shards))

    def write(txn: Transaction) -> None:
        txn.set(shard, {"n": counter.name, **reduce.nest({k: Increment(v) for k, v in deltas.items()})}, merge=True)

    return write


def transition_writer(
    owner: DocumentReference,
    counter: Counter,
    entity_id: str,
    counted: Snapshot,
    source: Mapping[str, Any] | None,
    *,
    contribution: reduce.Contribution | None = None,
    marker_extra: Mapping[str, Any] | None = None,
) -> tuple[reduce.Contribution, Writer | None]:
    """The counter change that brings `entity_id` from its counted state to `source`, and its writes.

    Call after reading `counted` (its marker) in the same transaction.
    """
    new = counter.contribution(source) if contribution is None else contribution
    old = counted_contribution(counted)
    deltas = reduce.delta(old, new)
    marker = marker_ref(owner, counter, entity_id)
    if not deltas and (counted.exists == bool(new)) and not marker_extra:
        return {}, None
    bump = increment_writer(owner, counter, deltas) if deltas else None

    def write(txn: Transaction) -> None:
        if bump:
            bump(txn)
        if new or marker_extra:
            txn.set(marker, {"n": counter.name, "c": reduce.nest(new), **(marker_extra or {})})
        else:
            txn.delete(marker)

    return deltas, write


def sync_entity(
    db: Client,
    owner: DocumentReference,
    counter: Counter,
    entity_id: str,
    source_ref: DocumentReference,
    guards: Sequence[DocumentReference] = (),
) -> reduce.Contribution:
    """One transaction: bring the counter's view of one entity in line with its source doc.

    Nothing is written when the owner or a guard doc (e.g. the org) is gone: a
    deleted subtree must stay deleted, and a late owner catches up by syncing
    its children when it is created.
    """

    def body(txn: Transaction) -> reduce.Contribution:
        effect = counted_effect(owner, counter, entity_id, source_ref, guards)
        deltas, writer = effect.read(txn)
        if writer:
            writer(txn)
        return deltas

    return run_reducer(db, body)


@dataclass
class CountedEffect:
    """An event-ledger effect syncing one counted entity (see `sync_entity`)."""

    owner: DocumentReference
    counter: Counter
    entity_id: str
    source_ref: DocumentReference
    guards: Sequence[DocumentReference]
    deltas: reduce.Contribution = field(default_factory=dict)
    #: Whether the owner and guards existed at the last read (lets other effects skip re-reading them).
    alive: bool = False

    def read(self, txn: Transaction) -> tuple[reduce.Contribution, Writer | None]:
        refs = [*self.guards, self.owner]
        snaps = [ref.get(transaction=txn) for ref in refs]
        self.deltas, self.alive = {}, all(s.exists for s in snaps)
        if not self.alive:
            return {}, None
        source = self.source_ref.get(transaction=txn)
        counted = marker_ref(self.owner, self.counter, self.entity_id).get(transaction=txn)
        self.deltas, writer = transition_writer(
            self.owner, self.counter, self.entity_id, counted, source.to_dict() if source.exists else None
        )
        return self.deltas, writer

    def __call__(self, txn: Transaction) -> Writer | None:
        return self.read(txn)[1]


def counted_effect(
    owner: DocumentReference,
    counter: Counter,
    entity_id: str,
    source_ref: DocumentReference,
    guards: Sequence[DocumentReference] = (),
) -> CountedEffect:
    return CountedEffect(owner, counter, entity_id, source_ref, guards)


def shard_totals(snaps: Iterable[Snapshot], counters: Sequence[Counter]) -> dict[str, dict[str, int]]:
    names = {c.name for c in counters}
    totals: dict[str, dict[str, int]] = {c.name: {} for c in counters}
    for snap in snaps:
        data = snap.to_dict() or {}
        name = data.get("n") or snap.id.rsplit("-", 1)[0]
        if name in names:
            reduce.add(totals[name], reduce.flatten({k: v for k, v in data.items() if k != "n"}))
    return totals


def rollup(db: Client, owner: DocumentReference, counters: Sequence[Counter]) -> list[Correction]:
    """Sum the shards into the owner's target fields; returns what changed.

    Every counted delivery ends with a rollup, so sibling deliveries roll up the same
    owner at once. In one transaction each would hold a read lock on the owner while
    waiting to write it: a deadlock that only a lock timeout ends. Instead the rollup
    reads the owner, then its shards (no locks), and writes only if the owner is still
    the version it read (update-time precondition); a rollup that lost that race reads
    again, as does one whose write timed out behind a transaction's lock on the owner
    (Aborted: a sibling delivery's guard read). Its shard read follows its own
    increment, so the last writer is exact. Writes only when a value differs: a burst
    of rollups costs one write.
    """
    from google.api_core.exceptions import Aborted, FailedPrecondition, NotFound

    for attempt in range(ROLLUP_ATTEMPTS):
        snap = owner.get()
        if not snap.exists:
            return []
        shards = list(owner.collection(SHARDS).limit(MAX_SHARD_DOCS).stream())
        changes, updates = _rollup_changes(owner, snap.to_dict() or {}, shard_totals(shards, counters), counters)
        if not updates:
            return changes
        try:
            owner.update(updates, option=db.write_option(last_update_time=snap.update_time))
        except NotFound:
            return []
        except (FailedPrecondition, Aborted):  # another writer got there first, or held a lock: read again
            time.sleep(random.uniform(0, min(0.5, 0.01 * 2**attempt)))  # noqa: S311 - jitter
            continue
        return changes
    raise RollupContended(owner.path)


class RollupContended(RuntimeError):
    """The owner kept changing under every rollup attempt (the delivery is retried, or reconcile repairs)."""


def _rollup_changes(
    owner: DocumentReference,
    data: Mapping[str, Any],
    totals: Mapping[str, Mapping[str, int]],
    counters: Sequence[Counter],
) -> tuple[list[Correction], dict[str, int]]:
    """The target fields that differ from the shard totals, and the update that fixes them."""
    changes: list[Correction] = []
    updates: dict[str, int] = {}
    for counter in counters:
        values = {counter.target_path(k): totals[counter.name].get(k, 0) for k in counter.fields}
        # An absent counter reads as 0 (a new doc has none until its first count) ...
        wrong = [
            Correction(owner.path, path, reduce.get_path(data, path), want)
            for path, want in values.items()
            if reduce.get_path(data, path) != want and not (reduce.get_path(data, path) is None and want == 0)
        ]
        if wrong:  # ... but once a family is written, all its fields are, zeros included.
            changes += wrong
            updates.update(values)
    return changes, updates
