"""Memberships: the one module for membership documents and the member commands.

Here live the document's shape, "the memberships of a user" (one
collection-group query, used by the claims sync, the org list, account deletion
and the user trigger) and the last-owner rule. Role changes and removals run in
one transaction that reads the caller's membership, the target's and, when an
owner is affected, the other owners, so concurrent requests can never leave an
org without an owner or let a just-demoted admin act. Every change is audited
in the same transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from firebrick import paths
from firebrick.audit import audit_by
from firebrick.auth.step_up import Purpose, StepUp, require_step_up
from firebrick.clock import now
from firebrick.context import Caller
from firebrick.errors import FailedPrecondition, NotFound, PermissionDenied, raises
from firebrick.models.common import Items
from firebrick.models.members import Member
from firebrick.models.refs import MemberRef, OrgRef
from firebrick.policy import Action, Role, authorize_member_removal, authorize_role_change
from firebrick.services.access import authorize
from firebrick.transactions import run_in_transaction

if TYPE_CHECKING:
    from datetime import datetime

    from google.cloud.firestore import Client, Transaction


def membership_doc(uid: str, role: Role, display_name: str | None, joined_at: datetime) -> dict[str, Any]:
    """A membership document. `uid` is repeated as a field so a collection-group
    query can find all of a user's memberships (`memberships_of`)."""
    return {"uid": uid, "role": role.name, "displayName": display_name, "joinedAt": joined_at}


def member_from(uid: str, data: dict[str, Any]) -> Member:
    role = Role.named(data.get("role")) or Role.viewer
    return Member(uid=uid, role=role.name, display_name=data.get("displayName"), joined_at=data.get("joinedAt"))


def memberships_of(db: Client, uid: str, *, transaction: Transaction | None = None) -> dict[str, Role | None]:
    """orgId -> role of every membership document of `uid` (None for an unreadable role)."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    query = db.collection_group(paths.MEMBERS).where(filter=FieldFilter("uid", "==", uid))
    snapshots = transaction.get(query) if transaction is not None else query.stream()
    roles: dict[str, Role | None] = {}
    for snap in snapshots:
        org = snap.reference.parent.parent
        if org is not None and org.parent.id == paths.ORGS and snap.id == uid:
            roles[org.id] = Role.named((snap.to_dict() or {}).get("role"))
    return roles


@raises(FailedPrecondition)
def ensure_owner_remains(db: Client, transaction: Transaction, org_id: str, leaving_uid: str) -> None:
    """Refuse (409) when `leaving_uid` is the org's only owner; read in `transaction` so two can't both leave."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    owners = db.collection(paths.members(org_id)).where(filter=FieldFilter("role", "==", Role.owner.name)).limit(2)
    if not any(snap.id != leaving_uid for snap in transaction.get(owners)):
        raise FailedPrecondition("An organization must keep at least one owner", orgId=org_id)


@raises(NotFound)
def list_members(caller: Caller, org: OrgRef) -> Items[Member]:
    """Every member of the org (viewer+, or a platform admin)."""
    access = authorize(caller, org.org_id, Action.read)
    # A membership implies its org exists; support staff hold none, so check for them.
    if access.role is None and not caller.db.document(org.path).get().exists:
        raise NotFound("Organization not found")
    snapshots = caller.db.collection(paths.members(org.org_id)).stream()
    return Items[Member](items=[member_from(snap.id, snap.to_dict() or {}) for snap in snapshots])


def _target(caller: Caller, transaction: Transaction, member: MemberRef) -> tuple[Any, dict[str, Any]]:
    ref = caller.db.document(member.path)
    snapshot = ref.get(transaction=transaction)
    if not snapshot.exists:
        raise NotFound("Member not found")
    return ref, snapshot.to_dict() or {}


@raises(authorize, require_step_up, ensure_owner_remains, PermissionDenied, NotFound)
def change_role(caller: Caller, member: MemberRef, new_role: Role, *, step_up_token: str | None = None) -> Member:
    """Set member `uid`'s role; never above the caller's own, never removing the last owner.

    Granting owner is a sensitive action: step-up once the caller has MFA.
    """

    def run(transaction: Transaction) -> Member:
        access = authorize(caller, member.org_id, Action.manage_members, transaction=transaction)
        ref, data = _target(caller, transaction, member)
        current = Role.named(data.get("role"))
        authorize_role_change(access, current, new_role)
        step_up: StepUp | None = None
        if new_role == Role.owner and current != Role.owner:
            step_up = require_step_up(
                caller, step_up_token, Purpose.grant_owner, transaction=transaction, subject=member.path
            )
        if current == new_role:
            return member_from(member.uid, data)  # nothing to do: no write, no audit entry
        if current == Role.owner:
            ensure_owner_remains(caller.db, transaction, member.org_id, member.uid)
        transaction.update(ref, {"role": new_role.name, "roleUpdatedAt": now()})
        change = {"from": current.name if current else None, "to": new_role.name}
        audit_by(
            caller,
            "member.role_changed",
            paths.user(member.uid),
            org_id=member.org_id,
            details=change,
            writer=transaction,
        )
        if step_up is not None:
            step_up.spend(caller.db, transaction)
        return member_from(member.uid, {**data, "role": new_role.name})

    return run_in_transaction(caller.db, run)


@raises(authorize, ensure_owner_remains, PermissionDenied, NotFound)
def remove_member(caller: Caller, member: MemberRef) -> None:
    """Remove member `member.uid` (admin+, below own role) or leave (it is the caller)."""

    def run(transaction: Transaction) -> None:
        # Outsiders: 404 before anything else is revealed; the policy decides the rest below.
        access = authorize(caller, member.org_id, Action.read, transaction=transaction, writing=True)
        ref, data = _target(caller, transaction, member)
        target = Role.named(data.get("role")) or Role.viewer
        is_self = member.uid == caller.uid
        authorize_member_removal(access, target, is_self=is_self)
        if target == Role.owner:
            ensure_owner_remains(caller.db, transaction, member.org_id, member.uid)
        transaction.delete(ref)
        action = "member.left" if is_self else "member.removed"
        audit_by(
            caller,
            action,
            paths.user(member.uid),
            org_id=member.org_id,
            details={"role": target.name},
            writer=transaction,
        )

    run_in_transaction(caller.db, run)
