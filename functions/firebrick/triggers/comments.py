"""`derive_comment`: a comment write -> task `commentCount` and activity."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from firebrick.reducers.activity import comment_activity, source_changed
from firebrick.state import counters
from firebrick.triggers.events import apply_counted, db_or_default, doc_change

if TYPE_CHECKING:
    from google.cloud.firestore import Client

FN = "derive_comment"


def on_comment_written(event: Any, db: Client | None = None) -> None:
    """Handle `orgs/{orgId}/projects/{projectId}/tasks/{taskId}/comments/{commentId}` written."""
    db = db_or_default(db)
    change = doc_change(event)
    if not source_changed("comment", change.before.data, change.after.data):
        return
    org, project, task, comment = change.chain(db)
    entry = comment_activity(change.path, change.params, change.before, change.after, change.at)
    apply_counted(
        db, FN, change, owner=task, counter=counters.TASK_COMMENTS, entity=comment, guards=[org, project], entry=entry
    )
