"""Memberships: list, change roles, remove (or leave).

Role changes and removals run in one transaction that re-reads the caller's
own membership, the target's and (when an owner is affected) the other
owners, so concurrent requests can never leave an org without an owner or let
a just-demoted admin act. Every change is audited in the same transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from firebrick.audit import RequestMeta, record_audit
from firebrick.auth.principal import Principal
from firebrick.auth.step_up import require_step_up
from firebrick.clock import now
from firebrick.errors import FailedPrecondition, NotFound
from firebrick.policy import Access, Action, Role, authorize, authorize_member_removal, authorize_role_change
from firebrick.services.access import member_path, org_access

if TYPE_CHECKING:
    from datetime import datetime

    from google.cloud.firestore import Client, Transaction


def membership_doc(uid: str, role: Role, display_name: str | None, joined_at: datetime) -> dict[str, Any]:
    """A membership document. `uid` is repeated as a field so a collection-group
    query can find all of a user's memberships (the claims sync needs that)."""
    return {"uid": uid, "role": role.name, "displayName": display_name, "joinedAt": joined_at}


def role_of(data: dict[str, Any] | None) -> Role | None:
    raw = (data or {}).get("role")
    return Role[raw] if isinstance(raw, str) and raw in Role.__members__ else None


def member_view(uid: str, data: dict[str, Any]) -> dict[str, Any]:
    role = role_of(data)
    return {
        "uid": uid,
        "role": role.name if role else "viewer",
        "displayName": data.get("displayName"),
        "joinedAt": data.get("joinedAt"),
    }


def _require_org(db: Client, org_id: str, transaction: Transaction | None = None) -> dict[str, Any]:
    snapshot = db.document(f"orgs/{org_id}").get(transaction=transaction)
    if not snapshot.exists:
        raise NotFound("Organization not found")
    return snapshot.to_dict() or {}


def _other_owner_exists(db: Client, transaction: Transaction, org_id: str, uid: str) -> bool:
    from google.cloud.firestore_v1.base_query import FieldFilter

    query = db.collection(f"orgs/{org_id}/members").where(filter=FieldFilter("role", "==", "owner")).limit(2)
    return any(snap.id != uid for snap in transaction.get(query))


def list_members(db: Client, access: Access, org_id: str) -> list[dict[str, Any]]:
    """Every member of the org (viewer+ or platform admin)."""
    authorize(access, Action.read)
    _require_org(db, org_id)
    return [member_view(snap.id, snap.to_dict() or {}) for snap in db.collection(f"orgs/{org_id}/members").stream()]


def change_role(
    db: Client,
    principal: Principal,
    org_id: str,
    uid: str,
    new_role: Role,
    meta: RequestMeta | None = None,
    *,
    step_up_token: str | None = None,
) -> dict[str, Any]:
    """Set member `uid`'s role; never above the caller's own, never removing the last owner.

    Granting owner is a sensitive action: step-up once the caller has MFA.
    """

    from google.cloud import firestore

    @firestore.transactional
    def run(transaction: Transaction) -> dict[str, Any]:
        access = org_access(db, principal, org_id, transaction=transaction)
        authorize(access, Action.manage_members)
        _require_org(db, org_id, transaction)
        ref = db.document(member_path(org_id, uid))
        snapshot = ref.get(transaction=transaction)
        if not snapshot.exists:
            raise NotFound("Member not found")
        data = snapshot.to_dict() or {}
        current = role_of(data)
        authorize_role_change(access, current, new_role)
        if new_role == Role.owner and current != Role.owner:
            require_step_up(principal, step_up_token, db=db)
        if current == new_role:
            return member_view(uid, data)  # nothing to do: no write, no audit entry
        if current == Role.owner and not _other_owner_exists(db, transaction, org_id, uid):
            raise FailedPrecondition("An organization must keep at least one owner")
        transaction.update(ref, {"role": new_role.name, "roleUpdatedAt": now()})
        record_audit(
            db,
            "member.role_changed",
            org_id=org_id,
            actor_uid=principal.uid,
            target=f"users/{uid}",
            meta=meta,
            details={"from": current.name if current else None, "to": new_role.name},
            writer=transaction,
        )
        return member_view(uid, {**data, "role": new_role.name})

    result: dict[str, Any] = run(db.transaction())
    return result


def remove_member(
    db: Client, principal: Principal, org_id: str, uid: str, meta: RequestMeta | None = None
) -> None:
    """Remove member `uid` (admin+, below own role) or leave (`uid` is the caller)."""

    from google.cloud import firestore

    @firestore.transactional
    def run(transaction: Transaction) -> None:
        access = org_access(db, principal, org_id, transaction=transaction)
        authorize(access, Action.read)  # outsiders: 404 before anything else is revealed
        _require_org(db, org_id, transaction)
        ref = db.document(member_path(org_id, uid))
        snapshot = ref.get(transaction=transaction)
        if not snapshot.exists:
            raise NotFound("Member not found")
        target = role_of(snapshot.to_dict()) or Role.viewer
        is_self = uid == principal.uid
        authorize_member_removal(access, target, is_self=is_self)
        if target == Role.owner and not _other_owner_exists(db, transaction, org_id, uid):
            raise FailedPrecondition("An organization must keep at least one owner")
        transaction.delete(ref)
        record_audit(
            db,
            "member.left" if is_self else "member.removed",
            org_id=org_id,
            actor_uid=principal.uid,
            target=f"users/{uid}",
            meta=meta,
            details={"role": target.name},
            writer=transaction,
        )

    run(db.transaction())
