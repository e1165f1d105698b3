"""`derive_user`: a profile write -> refreshed assignee/member names; a deletion -> memberships go."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from firebrick import paths
from firebrick.services.members import memberships_of
from firebrick.state import derived
from firebrick.triggers.events import cascade_delete, db_or_default, doc_change

if TYPE_CHECKING:
    from google.cloud.firestore import Client


def on_user_written(event: Any, db: Client | None = None) -> None:
    """Handle `users/{uid}` written. State-based refreshes: replays and reordering are harmless."""
    db = db_or_default(db)
    change = doc_change(event)
    uid = change.params["uid"]
    before, after = change.before.data, change.after.data
    if after is None:
        delete_personal_data(db, uid, before or {})
        return
    org_ids = membership_org_ids(db, uid, after)
    if before is None:
        # A profile created after its memberships: their events found no user doc to update.
        for org_id in org_ids:
            derived.refresh_user_org(db, uid, org_id)
    if (before or {}).get("displayName") != after.get("displayName"):
        refresh_user_name(db, uid, org_ids)


def membership_org_ids(db: Client, uid: str, profile: Mapping[str, Any]) -> list[str]:
    """Orgs the user belongs to (membership documents), plus stale entries of the derived `orgs` map."""
    return sorted(set(profile.get("orgs") or {}) | set(memberships_of(db, uid)))


def refresh_user_name(db: Client, uid: str, org_ids: list[str]) -> int:
    """Propagate a new displayName to the user's member docs and the tasks assigned to them."""
    from google.cloud.firestore import FieldFilter

    changed = 0
    for org_id in org_ids:
        changed += derived.refresh_member_name(db, org_id, uid) is not None
    tasks = db.collection_group(paths.TASKS).where(filter=FieldFilter("assigneeUid", "==", uid)).select([]).stream()
    for task in tasks:
        changed += derived.refresh_assignee(db, task.reference) is not None
    return changed


def delete_personal_data(db: Client, uid: str, last_profile: Mapping[str, Any]) -> None:
    """A deleted user leaves no membership and nothing under `users/{uid}`."""
    for org_id in membership_org_ids(db, uid, last_profile):
        db.document(paths.member(org_id, uid)).delete()
    cascade_delete(db, db.document(paths.user(uid)))
