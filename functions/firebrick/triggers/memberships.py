"""`derive_member`: a membership write -> org `memberCount`, `users/{uid}.orgs`, activity.

Separate from the claims-sync trigger on the same path: each keeps its own ledger.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from firebrick.reducers.activity import member_activity
from firebrick.state import counters, derived, ledger
from firebrick.triggers.events import ActivityEffect, db_or_default, doc_change

if TYPE_CHECKING:
    from google.cloud.firestore import Client

FN = "derive_member"


def on_member_written(event: Any, db: Client | None = None) -> None:
    """Handle `orgs/{orgId}/members/{uid}` written."""
    db = db_or_default(db)
    change = doc_change(event)
    p = change.params
    org = db.document(f"orgs/{p['orgId']}")
    member = org.collection("members").document(p["uid"])
    entry = member_activity(change.path, p, change.before, change.after, change.at)
    if entry is None:
        return  # a displayName refresh: nothing derived depends on it
    count = counters.counted_effect(org, counters.ORG_MEMBERS, member.id, member)
    applied = ledger.apply_once(db, FN, change.event_id, [count, ActivityEffect(org, entry, checked_by=count)])
    if count.deltas or not applied:
        counters.rollup(db, org, [counters.ORG_MEMBERS])
    derived.refresh_user_org(db, p["uid"], p["orgId"])
