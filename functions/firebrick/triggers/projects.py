"""`derive_project`: a project write -> org `projectCount`, activity, catch-up, cascade."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from firebrick import paths
from firebrick.reducers.activity import project_activity, source_changed
from firebrick.state import counters
from firebrick.triggers.events import apply_counted, cascade_delete, db_or_default, doc_change

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentReference

FN = "derive_project"


def on_project_written(event: Any, db: Client | None = None) -> None:
    """Handle `orgs/{orgId}/projects/{projectId}` written."""
    db = db_or_default(db)
    change = doc_change(event)
    before, after = change.before.data, change.after.data
    if not source_changed("project", before, after):
        return  # our own stats rollup, or a no-op write
    org, project = change.chain(db)
    entry = project_activity(change.path, change.params, change.before, change.after, change.at)
    apply_counted(db, FN, change, owner=org, counter=counters.ORG_PROJECTS, entity=project, entry=entry)
    if before is None and after is not None:
        catch_up_project(db, project)
    if after is None:
        cascade_delete(db, project)


def catch_up_project(db: Client, project: DocumentReference) -> None:
    """Count tasks written before their project existed (their own events found no project)."""
    changed = False
    for task in project.collection(paths.TASKS).select([]).stream():
        changed |= bool(counters.sync_entity(db, project, counters.PROJECT_TASKS, task.id, task.reference))
    if changed:
        counters.rollup(db, project, [counters.PROJECT_TASKS])
