"""`derive_task`: a task write -> project task counters, activity, assignee, cascade."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from firebrick.reducers.activity import source_changed, task_activity
from firebrick.state import counters, derived, ledger
from firebrick.triggers.events import ActivityEffect, cascade_delete, db_or_default, doc_change

if TYPE_CHECKING:
    from google.cloud.firestore import Client

FN = "derive_task"


def on_task_written(event: Any, db: Client | None = None) -> None:
    """Handle `orgs/{orgId}/projects/{projectId}/tasks/{taskId}` written (any delivery, any order)."""
    db = db_or_default(db)
    change = doc_change(event)
    p = change.params
    org = db.document(f"orgs/{p['orgId']}")
    project = org.collection("projects").document(p["projectId"])
    task = project.collection("tasks").document(p["taskId"])
    before, after = change.before.data, change.after.data

    if source_changed("task", before, after):
        count = counters.counted_effect(project, counters.PROJECT_TASKS, task.id, task, guards=[org])
        effects: list[ledger.Effect] = [count]
        entry = task_activity(change.path, p, change.before, change.after, change.at)
        if entry:
            effects.append(ActivityEffect(org, entry, checked_by=count))  # count read org + project
        applied = ledger.apply_once(db, FN, change.event_id, effects)
        # A replay may follow a crash between the ledger commit and the rollup: roll up then too.
        if count.deltas or not applied:
            counters.rollup(db, project, [counters.PROJECT_TASKS])

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
