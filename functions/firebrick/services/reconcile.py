"""Recompute every derived field of one org, or of everything, from the source documents.

Recovers from lost trigger deliveries and hand edits. Safe while writes happen:
every step is its own transaction over one entity or one owner doc (the same
state-based syncs the triggers run), so a trigger and the reconcile racing on
the same entity both compute the same result and the second one writes nothing.
Storage attachment counts are event-sourced and are not recounted here (that
needs a bucket listing; see docs/derived-state.md).

CLI: `scripts/reconcile [--org ORG_ID]` prints the report as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from firebrick import paths
from firebrick.reducers import counters as reduce
from firebrick.state import counters, derived
from firebrick.state.counters import Counter
from firebrick.state.derived import Correction
from firebrick.state.event_ledger import run_reducer

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentReference, Transaction


@dataclass
class ReconcileReport:
    """What was examined and what was corrected."""

    scope: str
    checked: dict[str, int] = field(default_factory=dict)
    corrections: list[Correction] = field(default_factory=list)
    #: Org paths with documents below them but no org doc: reported, never deleted here
    #: (a seed may write members before the org); delete them with a cascade if stale.
    orphans: list[str] = field(default_factory=list)

    def saw(self, kind: str, n: int = 1) -> None:
        self.checked[kind] = self.checked.get(kind, 0) + n

    def as_dict(self) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "checked": dict(sorted(self.checked.items())),
            "corrected": len(self.corrections),
            "corrections": [c.as_dict() for c in self.corrections],
            "orphans": self.orphans,
        }


def _sync_children(
    db: Client,
    owner: DocumentReference,
    counter: Counter,
    collection: str,
    report: ReconcileReport,
    guards: Sequence[DocumentReference] = (),
) -> list[DocumentReference]:
    """Sync the counted marker of every child, and of every marker whose child is gone."""
    children = [doc.reference for doc in owner.collection(collection).select([]).stream()]
    ids = {ref.id for ref in children}
    stale = [m.id.split(":", 1)[1] for m in counters.markers_query(owner, counter).select([]).stream()]
    targets = children + [owner.collection(collection).document(i) for i in stale if i not in ids]
    for ref in targets:
        deltas = counters.sync_entity(db, owner, counter, ref.id, ref, guards)
        if deltas:
            report.corrections.append(Correction(ref.path, f"counted:{counter.name}", None, deltas))
    report.saw(collection, len(children))
    return children


def recount_shards(db: Client, owner: DocumentReference, counter: Counter) -> list[Correction]:
    """Make the shards sum to the sum of the counted markers (repairs a hand-edited shard).

    One transaction reads every marker of this counter and every shard, so it is exact
    even while triggers write: they either committed before (and are in both sums) or
    wait for this transaction.
    """

    def body(txn: Transaction) -> list[Correction]:
        if not owner.get(transaction=txn).exists:
            return []
        markers = list(txn.get(counters.markers_query(owner, counter)))
        shards = [
            s
            for s in txn.get(owner.collection(counters.SHARDS).limit(counters.MAX_SHARD_DOCS))
            if (s.to_dict() or {}).get("n") == counter.name
        ]
        want: dict[str, int] = {}
        for marker in markers:
            reduce.add(want, counters.counted_contribution(marker))
        have = counters.shard_totals(shards, [counter])[counter.name]
        fixes = [
            Correction(f"{owner.path}/{counters.SHARDS}", f"{counter.name}.{k}", have.get(k, 0), want.get(k, 0))
            for k in counter.fields
            if have.get(k, 0) != want.get(k, 0)
        ]
        if fixes:
            for shard in shards:
                txn.delete(shard.reference)
            txn.set(counters.shard_ref(owner, counter, 0), {"n": counter.name, **reduce.nest(want)})
        return fixes

    return run_reducer(db, body)


def _settle_counters(db: Client, owner: DocumentReference, kind: str, report: ReconcileReport) -> None:
    owned = counters.OWNER_COUNTERS[kind]
    for counter in owned:
        report.corrections += recount_shards(db, owner, counter)
    report.corrections += counters.rollup(db, owner, owned)


def _note(report: ReconcileReport, correction: Correction | None) -> None:
    if correction is not None:
        report.corrections.append(correction)


def reconcile_task(db: Client, org: DocumentReference, task: DocumentReference, report: ReconcileReport) -> None:
    project = task.parent.parent
    assert project is not None
    _sync_children(db, task, counters.TASK_COMMENTS, paths.COMMENTS, report, guards=[org, project])
    _settle_counters(db, task, "task", report)
    _note(report, derived.refresh_assignee(db, task))


def reconcile_project(db: Client, org: DocumentReference, project: DocumentReference, report: ReconcileReport) -> None:
    tasks = _sync_children(db, project, counters.PROJECT_TASKS, paths.TASKS, report, guards=[org])
    _settle_counters(db, project, "project", report)
    for task in tasks:
        reconcile_task(db, org, task, report)


def reconcile_org(db: Client, org_id: str, report: ReconcileReport | None = None) -> ReconcileReport:
    """Recompute the derived state of `orgs/{org_id}` and everything under it."""
    report = report or ReconcileReport(scope=paths.org(org_id))
    org = db.document(paths.org(org_id))
    if not org.get().exists:
        report.saw("missing_orgs")
        return report
    report.saw("orgs")
    members = _sync_children(db, org, counters.ORG_MEMBERS, paths.MEMBERS, report)
    projects = _sync_children(db, org, counters.ORG_PROJECTS, paths.PROJECTS, report)
    _settle_counters(db, org, "org", report)
    for member in members:
        _note(report, derived.refresh_user_org(db, member.id, org_id))
        _note(report, derived.refresh_member_name(db, org_id, member.id))
    for project in projects:
        reconcile_project(db, org, project, report)
    return report


def reconcile_all(db: Client) -> ReconcileReport:
    """Every org, then every user's `orgs` map (drops entries of orgs they left or that are gone)."""
    report = ReconcileReport(scope="all")
    # list_documents also yields ids that only have subcollections (orphans of a deleted org doc).
    for org in db.collection(paths.ORGS).list_documents():
        if org.get().exists:
            reconcile_org(db, org.id, report)
        else:
            report.orphans.append(org.path)
    for user in db.collection(paths.USERS).select(["orgs"]).stream():
        report.saw("users")
        for org_id in (user.to_dict() or {}).get("orgs") or {}:
            _note(report, derived.refresh_user_org(db, user.id, org_id))
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/reconcile", description=__doc__.splitlines()[0])
    parser.add_argument("--org", help="reconcile only this org id (default: everything)")
    args = parser.parse_args(argv)
    from firebrick.clients import firestore_client

    db = firestore_client()
    report = reconcile_org(db, args.org) if args.org else reconcile_all(db)
    json.dump(report.as_dict(), sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
