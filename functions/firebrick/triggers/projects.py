"""`derive_project`: a project write -> org `projectCount`, activity, catch-up, cascade."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from firebrick.reducers.activity import project_activity, source_changed
from firebrick.state import counters, ledger
from firebrick.triggers.events import ActivityEffect, cascade_delete, db_or_default, doc_change

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentReference

FN = "derive_project"


def on_project_written(event: Any, db: Client | None = None) -> None:
    """Handle `orgs/{orgId}/projects/{projectId}` written."""
    db = db_or_default(db)
    change = doc_change(event)
    p = change.params
    org = db.document(f"orgs/{p['orgId']}")
    project = org.collection("projects").document(p["projectId"])
    before, after = change.before.data, change.after.data
    if not source_changed("project", before, after):
        return  # our own stats rollup, or a no-op write
    count = counters.counted_effect(org, counters.ORG_PROJECTS, project.id, project)
    effects: list[ledger.Effect] = [count]
    entry = project_activity(change.path, p, change.before, change.after, change.at)
    if entry:
        effects.append(ActivityEffect(org, entry, checked_by=count))
    applied = ledger.apply_once(db, FN, change.event_id, effects)
    if count.deltas or not applied:
        counters.rollup(db, org, [counters.ORG_PROJECTS])
    if before is None and after is not None:
        catch_up_project(db, project)
    if after is None:
        cascade_delete(db, project)


def catch_up_project(db: Client, project: DocumentReference) -> None:
    """Count tasks written before their project existed (their own events found no project)."""
    changed = False
    for task in project.collection("tasks").select([]).stream():
        changed |= bool(counters.sync_entity(db, project, counters.PROJECT_TASKS, task.id, task.reference))
    if changed:
        counters.rollup(db, project, [counters.PROJECT_TASKS])
