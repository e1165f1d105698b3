"""Orgs: create (caller becomes owner), list the caller's, read, rename, delete.

Creating writes the org, the owner's membership and the audit entry in one
transaction, so an org never exists without an owner. Deleting removes the
org document first (the org is gone for everyone at once), then the
memberships, whose deletion lets the claims sync drop the org from tokens; the
cascade trigger removes everything else under the org.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from firebrick.audit import RequestMeta, record_audit
from firebrick.auth.principal import Principal, PrincipalKind
from firebrick.auth.step_up import require_step_up
from firebrick.clock import now
from firebrick.errors import Conflict, NotFound, PermissionDenied
from firebrick.etag import check_if_match, etag_of
from firebrick.ids import new_id
from firebrick.policy import Access, Action, Role, authorize
from firebrick.services.access import member_path, org_access
from firebrick.services.members import membership_doc, role_of

if TYPE_CHECKING:
    from google.cloud.firestore import Client, Transaction

#: Firestore allows 500 writes per batch.
_BATCH = 400


def org_etag(data: dict[str, Any]) -> str:
    return etag_of({k: data.get(k) for k in ("name", "createdAt", "createdBy", "updatedAt")})


def org_view(org_id: str, data: dict[str, Any], role: Role | None) -> dict[str, Any]:
    return {
        "id": org_id,
        "name": data.get("name", ""),
        "createdAt": data.get("createdAt"),
        "createdBy": data.get("createdBy"),
        "role": role.name if role else None,
    }


def _display_name(db: Client, principal: Principal, transaction: Transaction) -> str | None:
    profile = db.document(f"users/{principal.uid}").get(transaction=transaction)
    name = (profile.to_dict() or {}).get("displayName") if profile.exists else None
    return name if isinstance(name, str) else principal.claims.get("name")


def create_org(
    db: Client, principal: Principal, name: str, meta: RequestMeta | None = None, *, org_id: str | None = None
) -> dict[str, Any]:
    """A new org with the caller as its owner.

    `org_id` is fixed by the idempotency ledger: a retry that takes over from a
    crashed first attempt finds the org that attempt created and returns it.
    """
    if principal.kind != PrincipalKind.user:
        raise PermissionDenied("Only users may create organizations")
    retry = org_id is not None  # a fresh id cannot exist yet: no need to look
    org_id = org_id or new_id()
    org_ref = db.document(f"orgs/{org_id}")
    created_at = now()
    org = {"name": name, "createdAt": created_at, "createdBy": principal.uid}

    from google.cloud import firestore

    @firestore.transactional
    def run(transaction: Transaction) -> dict[str, Any]:
        existing = org_ref.get(transaction=transaction) if retry else None
        if existing is not None and existing.exists:
            data = existing.to_dict() or {}
            if data.get("createdBy") != principal.uid:
                raise Conflict("This organization id is taken")  # never hand out another's org
            return data
        display_name = _display_name(db, principal, transaction)
        transaction.create(org_ref, org)
        transaction.create(
            db.document(member_path(org_id, principal.uid)),
            membership_doc(principal.uid, Role.owner, display_name, created_at),
        )
        record_audit(
            db,
            "org.created",
            org_id=org_id,
            actor_uid=principal.uid,
            target=f"orgs/{org_id}",
            meta=meta,
            details={"name": name},
            writer=transaction,
        )
        return org

    stored: dict[str, Any] = run(db.transaction())
    return {**org_view(org_id, stored, Role.owner), "etag": org_etag(stored)}


def list_orgs(db: Client, principal: Principal) -> list[dict[str, Any]]:
    """The orgs the caller belongs to, with their role in each (source: membership docs)."""
    if principal.kind == PrincipalKind.service:
        if principal.service_org_id is None:
            return []
        roles = {principal.service_org_id: principal.service_role}
    else:
        from google.cloud.firestore_v1.base_query import FieldFilter

        query = db.collection_group("members").where(filter=FieldFilter("uid", "==", principal.uid))
        roles = {}
        for snap in query.stream():
            parent = snap.reference.parent.parent
            if parent is not None and parent.parent.id == "orgs":
                roles[parent.id] = role_of(snap.to_dict())
    refs = [db.document(f"orgs/{org_id}") for org_id in roles]
    orgs = [
        org_view(snap.id, snap.to_dict() or {}, roles.get(snap.id)) for snap in db.get_all(refs) if snap.exists
    ]
    return sorted(orgs, key=lambda org: (str(org["name"]).lower(), org["id"]))


def get_org(db: Client, access: Access, org_id: str) -> dict[str, Any]:
    """The org, for members and platform admins; outsiders get 404."""
    authorize(access, Action.read)
    snapshot = db.document(f"orgs/{org_id}").get()
    if not snapshot.exists:
        raise NotFound("Organization not found")
    data = snapshot.to_dict() or {}
    return {**org_view(org_id, data, access.role), "etag": org_etag(data)}


def rename_org(
    db: Client,
    principal: Principal,
    org_id: str,
    name: str,
    *,
    if_match: str | None = None,
    meta: RequestMeta | None = None,
) -> dict[str, Any]:
    """Rename (owner only); honours `If-Match`."""
    ref = db.document(f"orgs/{org_id}")

    from google.cloud import firestore

    @firestore.transactional
    def run(transaction: Transaction) -> dict[str, Any]:
        access = org_access(db, principal, org_id, transaction=transaction)
        authorize(access, Action.manage_org)
        snapshot = ref.get(transaction=transaction)
        if not snapshot.exists:
            raise NotFound("Organization not found")
        data = snapshot.to_dict() or {}
        check_if_match(if_match, org_etag(data))
        if data.get("name") == name:
            return {**org_view(org_id, data, access.role), "etag": org_etag(data)}
        updated = {**data, "name": name, "updatedAt": now()}
        transaction.update(ref, {"name": name, "updatedAt": updated["updatedAt"]})
        record_audit(
            db,
            "org.renamed",
            org_id=org_id,
            actor_uid=principal.uid,
            target=f"orgs/{org_id}",
            meta=meta,
            details={"from": data.get("name"), "to": name},
            writer=transaction,
        )
        return {**org_view(org_id, updated, access.role), "etag": org_etag(updated)}

    result: dict[str, Any] = run(db.transaction())
    return result


def delete_org(
    db: Client,
    principal: Principal,
    org_id: str,
    meta: RequestMeta | None = None,
    *,
    step_up_token: str | None = None,
) -> None:
    """Delete the org (owner, with step-up once MFA is on), then its memberships so claims drop it."""
    ref = db.document(f"orgs/{org_id}")

    from google.cloud import firestore

    @firestore.transactional
    def run(transaction: Transaction) -> None:
        access = org_access(db, principal, org_id, transaction=transaction)
        authorize(access, Action.manage_org)
        # After authorize: outsiders still get 404, too-low roles 403 permission_denied.
        require_step_up(principal, step_up_token, db=db)
        snapshot = ref.get(transaction=transaction)
        if not snapshot.exists:
            raise NotFound("Organization not found")
        transaction.delete(ref)
        # The org's own audit log is deleted with it: keep the record at the top level.
        record_audit(
            db,
            "org.deleted",
            actor_uid=principal.uid,
            target=f"orgs/{org_id}",
            meta=meta,
            details={"name": (snapshot.to_dict() or {}).get("name")},
            writer=transaction,
        )

    run(db.transaction())
    delete_memberships(db, org_id)


def delete_memberships(db: Client, org_id: str) -> int:
    """Delete every membership of an org (idempotent: safe to rerun); returns how many."""
    deleted = 0
    members = db.collection(f"orgs/{org_id}/members")
    while True:
        refs = [snap.reference for snap in members.limit(_BATCH).stream()]
        if not refs:
            return deleted
        batch = db.batch()
        for member_ref in refs:
            batch.delete(member_ref)
        batch.commit()
        deleted += len(refs)
