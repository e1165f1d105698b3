"""Orgs: create (caller becomes owner), list the caller's, read, rename, delete.

Creating writes the org, the owner's membership and the audit entry in one
transaction, so an org never exists without an owner. Deleting removes the
org document first (the org is gone for everyone at once), then the
memberships, whose deletion lets the claims sync drop the org from tokens; the
cascade trigger removes everything else under the org.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from firebrick import paths
from firebrick.audit import audit_by
from firebrick.auth.principal import PrincipalKind
from firebrick.auth.step_up import Purpose, require_step_up
from firebrick.clock import now
from firebrick.context import Caller
from firebrick.errors import Conflict, NotFound, PermissionDenied, raises
from firebrick.etag import check_if_match, content_etag
from firebrick.ids import new_id
from firebrick.models.common import Items
from firebrick.models.orgs import Org
from firebrick.models.refs import OrgRef
from firebrick.policy import Action, Role
from firebrick.services.access import authorize, read_authorized, spend_write
from firebrick.services.documents import Versioned
from firebrick.services.members import membership_doc, memberships_of
from firebrick.transactions import run_in_transaction

if TYPE_CHECKING:
    from google.cloud.firestore import Client, Transaction

#: Firestore allows 500 writes per batch.
_BATCH = 400


def _not_found() -> NotFound:
    return NotFound("Organization not found")


def org_from(org_id: str, data: dict[str, Any], role: Role | None) -> Org:
    return Org(
        id=org_id,
        name=data.get("name", ""),
        created_at=data.get("createdAt"),
        created_by=data.get("createdBy"),
        role=role.name if role else None,
    )


def _org_etag(data: dict[str, Any]) -> str:
    # Only the fields clients see (not the derived `stats`): see firebrick/etag.py.
    return content_etag({k: data.get(k) for k in ("name", "createdAt", "createdBy", "updatedAt")})


def _versioned(org_id: str, data: dict[str, Any], role: Role | None) -> Versioned[Org]:
    return Versioned(org_from(org_id, data, role), _org_etag(data))


def _display_name(caller: Caller, transaction: Transaction) -> str | None:
    profile = caller.db.document(paths.user(caller.uid)).get(transaction=transaction)
    name = (profile.to_dict() or {}).get("displayName") if profile.exists else None
    return name if isinstance(name, str) else caller.principal.claims.get("name")


@raises(PermissionDenied, spend_write, Conflict)
def create_org(caller: Caller, name: str, org_id: str | None = None) -> Versioned[Org]:
    """A new org with the caller as its owner.

    `org_id` is fixed by the idempotency keys: a retry that takes over from a
    crashed first attempt finds the org that attempt created and returns it.
    """
    if caller.principal.kind != PrincipalKind.user:
        raise PermissionDenied("Only users may create organizations")
    spend_write(caller.db, caller.principal)
    retry = org_id is not None  # a fresh id cannot exist yet: no need to look
    org_id = org_id or new_id()
    db = caller.db
    org_ref = db.document(paths.org(org_id))
    created_at = now()
    org = {"name": name, "createdAt": created_at, "createdBy": caller.uid}

    def run(transaction: Transaction) -> dict[str, Any]:
        existing = org_ref.get(transaction=transaction) if retry else None
        if existing is not None and existing.exists:
            data = existing.to_dict() or {}
            if data.get("createdBy") != caller.uid:
                raise Conflict("This organization id is taken")  # never hand out another's org
            return data
        display_name = _display_name(caller, transaction)
        transaction.create(org_ref, org)
        transaction.create(
            db.document(paths.member(org_id, caller.uid)),
            membership_doc(caller.uid, Role.owner, display_name, created_at),
        )
        audit_by(caller, "org.created", paths.org(org_id), org_id=org_id, details={"name": name}, writer=transaction)
        return org

    return _versioned(org_id, run_in_transaction(db, run), Role.owner)


@raises()
def list_orgs(caller: Caller) -> Items[Org]:
    """The orgs the caller belongs to, with their role in each (source: membership docs)."""
    principal, db = caller.principal, caller.db
    roles: dict[str, Role | None]
    if principal.kind == PrincipalKind.service:
        roles = {principal.service_org_id: principal.service_role} if principal.service_org_id else {}
    else:
        roles = memberships_of(db, principal.uid)
    snapshots = db.get_all([db.document(paths.org(org_id)) for org_id in roles])
    orgs = [org_from(snap.id, snap.to_dict() or {}, roles.get(snap.id)) for snap in snapshots if snap.exists]
    return Items[Org](items=sorted(orgs, key=lambda org: (org.name.lower(), org.id)))


@raises(read_authorized)
def get_org(caller: Caller, org: OrgRef) -> Versioned[Org]:
    """The org, for members and platform admins; outsiders get 404."""
    access, data, _etag = read_authorized(caller, org.org_id, org.path, _not_found())
    return _versioned(org.org_id, data, access.role)


@raises(authorize, check_if_match, NotFound)
def rename_org(caller: Caller, org: OrgRef, name: str, *, if_match: str | None = None) -> Versioned[Org]:
    """Rename (owner only); honours `If-Match`."""
    org_id = org.org_id
    ref = caller.db.document(org.path)

    def run(transaction: Transaction) -> Versioned[Org]:
        access = authorize(caller, org_id, Action.manage_org, transaction=transaction)
        snapshot = ref.get(transaction=transaction)
        if not snapshot.exists:
            raise _not_found()
        data = snapshot.to_dict() or {}
        check_if_match(if_match, _org_etag(data))
        if data.get("name") == name:
            return _versioned(org_id, data, access.role)
        updated = {**data, "name": name, "updatedAt": now()}
        transaction.update(ref, {"name": name, "updatedAt": updated["updatedAt"]})
        audit_by(
            caller,
            "org.renamed",
            org.path,
            org_id=org_id,
            details={"from": data.get("name"), "to": name},
            writer=transaction,
        )
        return _versioned(org_id, updated, access.role)

    return run_in_transaction(caller.db, run)


@raises(authorize, require_step_up, NotFound)
def delete_org(caller: Caller, org: OrgRef, *, step_up_token: str | None = None) -> None:
    """Delete the org (owner, with step-up once MFA is on), then its memberships so claims drop it."""
    ref = caller.db.document(org.path)

    def run(transaction: Transaction) -> None:
        authorize(caller, org.org_id, Action.manage_org, transaction=transaction)
        # After authorize: outsiders still get 404, too-low roles 403 permission_denied.
        step_up = require_step_up(caller, step_up_token, Purpose.delete_org, transaction=transaction, subject=org.path)
        snapshot = ref.get(transaction=transaction)
        if not snapshot.exists:
            raise _not_found()
        transaction.delete(ref)
        # The org's own audit log is deleted with it: keep the record at the top level.
        audit_by(
            caller,
            "org.deleted",
            org.path,
            details={"name": (snapshot.to_dict() or {}).get("name")},
            writer=transaction,
        )
        step_up.spend(caller.db, transaction)

    run_in_transaction(caller.db, run)
    delete_memberships(caller.db, org.org_id)


def delete_memberships(db: Client, org_id: str) -> int:
    """Delete every membership of an org (idempotent: safe to rerun); returns how many."""
    deleted = 0
    members = db.collection(paths.members(org_id))
    while True:
        refs = [snap.reference for snap in members.limit(_BATCH).stream()]
        if not refs:
            return deleted
        batch = db.batch()
        for member_ref in refs:
            batch.delete(member_ref)
        batch.commit()
        deleted += len(refs)
