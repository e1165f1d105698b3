"""`derive_comment`: a comment write -> task `commentCount` and activity."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from firebrick.reducers.activity import comment_activity, source_changed
from firebrick.state import counters, ledger
from firebrick.triggers.events import ActivityEffect, db_or_default, doc_change

if TYPE_CHECKING:
    from google.cloud.firestore import Client

FN = "derive_comment"


def on_comment_written(event: Any, db: Client | None = None) -> None:
    """Handle `orgs/{orgId}/projects/{projectId}/tasks/{taskId}/comments/{commentId}` written."""
    db = db_or_default(db)
    change = doc_change(event)
    p = change.params
    org = db.document(f"orgs/{p['orgId']}")
    project = org.collection("projects").document(p["projectId"])
    task = project.collection("tasks").document(p["taskId"])
    comment = task.collection("comments").document(p["commentId"])
    if not source_changed("comment", change.before.data, change.after.data):
        return
    count = counters.counted_effect(task, counters.TASK_COMMENTS, comment.id, comment, guards=[org, project])
    effects: list[ledger.Effect] = [count]
    entry = comment_activity(change.path, p, change.before, change.after, change.at)
    if entry:
        effects.append(ActivityEffect(org, entry, checked_by=count))  # count read org, project, task
    applied = ledger.apply_once(db, FN, change.event_id, effects)
    if count.deltas or not applied:
        counters.rollup(db, task, [counters.TASK_COMMENTS])
