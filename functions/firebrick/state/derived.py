"""Denormalised fields, recomputed from their sources in one transaction.

Each refresher reads the current source docs and the derived field together and
writes only when they differ. An event delivered twice, late, or out of order
therefore cannot roll a field back: whatever event triggers the refresh, the
result is a function of the sources as they are now.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from firebrick import paths
from firebrick.state.event_ledger import run_reducer

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentReference, Transaction


@dataclass(frozen=True)
class Correction:
    """One derived value that was wrong and was set right."""

    path: str
    field: str
    was: Any
    now: Any

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "field": self.field, "was": self.was, "now": self.now}


def assignee_for(assignee_uid: Any, user: dict[str, Any] | None) -> dict[str, Any] | None:
    """The task's `assignee` given its `assigneeUid` and that user's profile (pure)."""
    if not isinstance(assignee_uid, str) or not assignee_uid:
        return None
    return {"uid": assignee_uid, "displayName": (user or {}).get("displayName")}


def refresh_assignee(db: Client, task: DocumentReference) -> Correction | None:
    """Set `assignee` = {uid, displayName} of the task's current `assigneeUid`."""

    def body(txn: Transaction) -> Correction | None:
        snap = task.get(transaction=txn)
        if not snap.exists:
            return None
        uid = (snap.to_dict() or {}).get("assigneeUid")
        user = db.document(paths.user(uid)).get(transaction=txn) if isinstance(uid, str) and uid else None
        want = assignee_for(uid, user.to_dict() if user is not None and user.exists else None)
        have = (snap.to_dict() or {}).get("assignee")
        if have == want:
            return None
        txn.update(task, {"assignee": want})
        return Correction(task.path, "assignee", have, want)

    return run_reducer(db, body)


def refresh_member_name(db: Client, org_id: str, uid: str) -> Correction | None:
    """Copy `users/{uid}.displayName` onto `orgs/{orgId}/members/{uid}.displayName`."""
    member = db.document(paths.member(org_id, uid))
    user_ref = db.document(paths.user(uid))

    def body(txn: Transaction) -> Correction | None:
        snap, user = member.get(transaction=txn), user_ref.get(transaction=txn)
        if not snap.exists or not user.exists:
            return None
        want, have = (user.to_dict() or {}).get("displayName"), (snap.to_dict() or {}).get("displayName")
        if want is None or want == have:
            return None
        txn.update(member, {"displayName": want})
        return Correction(member.path, "displayName", have, want)

    return run_reducer(db, body)


def user_org_entry(member: dict[str, Any] | None, org: dict[str, Any] | None) -> dict[str, Any] | None:
    """`users/{uid}.orgs[orgId]` for a membership (pure): {role, name}, or None when not a member."""
    if member is None or org is None:
        return None
    return {"role": member.get("role"), "name": org.get("name")}


def refresh_user_org(db: Client, uid: str, org_id: str) -> Correction | None:
    """Set or remove `users/{uid}.orgs.{orgId}` from the membership and the org's name."""
    from google.cloud.firestore import DELETE_FIELD
    from google.cloud.firestore_v1.field_path import FieldPath

    user_ref = db.document(paths.user(uid))
    member_ref = db.document(paths.member(org_id, uid))
    org_ref = db.document(paths.org(org_id))

    def body(txn: Transaction) -> Correction | None:
        user, member, org = (r.get(transaction=txn) for r in (user_ref, member_ref, org_ref))
        if not user.exists:
            return None
        want = user_org_entry(member.to_dict() if member.exists else None, org.to_dict() if org.exists else None)
        have = ((user.to_dict() or {}).get("orgs") or {}).get(org_id)
        if have == want:
            return None
        path = FieldPath("orgs", org_id).to_api_repr()
        txn.update(user_ref, {path: want if want is not None else DELETE_FIELD})
        return Correction(user_ref.path, f"orgs.{org_id}", have, want)

    return run_reducer(db, body)
