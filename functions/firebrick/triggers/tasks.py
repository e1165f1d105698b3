"""`derive_task`: a task write -> project task counters, activity, assignee, cascade."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from firebrick.reducers.activity import source_changed, task_activity
from firebrick.state import counters, derived
from firebrick.triggers.events import apply_counted, cascade_delete, db_or_default, doc_change

if TYPE_CHECKING:
    from google.cloud.firestore import Client

FN = "derive_task"


def on_task_written(event: Any, db: Client | None = None) -> None:
    """Handle `orgs/{orgId}/projects/{projectId}/tasks/{taskId}` written (any delivery, any order)."""
    db = db_or_default(db)
    change = doc_change(event)
    org, project, task = change.chain(db)
    before, after = change.before.data, change.after.data
    if source_changed("task", before, after):
        entry = task_activity(change.path, change.params, change.before, change.after, change.at)
        apply_counted(
            db, FN, change, owner=project, counter=counters.PROJECT_TASKS, entity=task, guards=[org], entry=entry
        )
    if after is not None and _assignee_stale(before, after):
        derived.refresh_assignee(db, task)
    if after is None:
        cascade_delete(db, task)


def _assignee_stale(before: Any, after: Any) -> bool:
    """Refresh when the assignee changed, or the derived copy doesn't match `assigneeUid`."""
    want_uid = after.get("assigneeUid") or None
    have = after.get("assignee") or {}
    moved = (before or {}).get("assigneeUid") != after.get("assigneeUid")
    return bool(moved or have.get("uid") != want_uid or (want_uid and "displayName" not in have))
