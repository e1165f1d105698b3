"""`derive_member`: a membership write -> org `memberCount`, `users/{uid}.orgs`, activity.

Separate from the claims-sync trigger on the same path: each keeps its own event-ledger entries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from firebrick.reducers.activity import member_activity
from firebrick.state import counters, derived
from firebrick.triggers.events import apply_counted, db_or_default, doc_change

if TYPE_CHECKING:
    from google.cloud.firestore import Client

FN = "derive_member"


def on_member_written(event: Any, db: Client | None = None) -> None:
    """Handle `orgs/{orgId}/members/{uid}` written."""
    db = db_or_default(db)
    change = doc_change(event)
    entry = member_activity(change.path, change.params, change.before, change.after, change.at)
    if entry is None:
        return  # a displayName refresh: nothing derived depends on it
    org, member = change.chain(db)
    apply_counted(db, FN, change, owner=org, counter=counters.ORG_MEMBERS, entity=member, entry=entry)
    derived.refresh_user_org(db, member.id, org.id)
