"""An org's data as a whole (`scripts/admin export` / `delete-org-data`): a customer's data request.

Everything an org owns is one Firestore subtree: `orgs/{orgId}` and all its
subcollections (members, invites, tokens, activity, audit, projects, tasks,
comments). Export writes that subtree as JSON; deletion removes it, then brings
each former member's claims and `users/{uid}.orgs` up to date at once (the
triggers would, a moment later). Both are operator commands, audited in the
top-level `audit` (the org's own audit log goes with the org). What lies outside
the subtree is in docs/operations.md ("Org data").
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from firebrick import paths
from firebrick.audit import audit_by
from firebrick.clock import now
from firebrick.context import Caller
from firebrick.errors import NotFound
from firebrick.models.refs import OrgRef
from firebrick.services.admin import require_operator

if TYPE_CHECKING:
    from google.cloud.firestore import DocumentReference, DocumentSnapshot


def _subtree(root: DocumentReference) -> Iterator[DocumentSnapshot[Any]]:
    """The document `root` (if it exists) and every document below it, one query per subcollection."""
    snapshot = root.get()
    if snapshot.exists:
        yield snapshot
    for collection in root.collections():
        # recursive(): the collection's documents and all their descendants, even under deleted parents.
        yield from collection.recursive().stream()


def plain(value: Any) -> Any:
    """A Firestore value as JSON: timestamps ISO 8601, references their path, bytes base64, geo points a map."""
    from google.cloud.firestore import DocumentReference, GeoPoint

    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, DocumentReference):
        return value.path
    if isinstance(value, GeoPoint):
        return {"latitude": value.latitude, "longitude": value.longitude}
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def export_org(caller: Caller, org: OrgRef) -> dict[str, Any]:
    """Every document of the org's subtree, by path; NotFound when there is none."""
    require_operator(caller)
    documents = {snap.reference.path: plain(snap.to_dict() or {}) for snap in _subtree(caller.db.document(org.path))}
    if not documents:
        raise NotFound(f"Nothing stored under {org.path}")
    audit_by(caller, "org.exported", org.path, details={"documents": len(documents)})
    return {"org": org.path, "exportedAt": now().isoformat(), "count": len(documents), "documents": documents}


def delete_org_data(caller: Caller, org: OrgRef) -> dict[str, Any]:
    """Delete the org's whole subtree, then sync its former members' claims and org lists; what was deleted.

    Rerunning after a failure resumes: every step is idempotent.
    """
    from firebrick.state.derived import refresh_user_org
    from firebrick.triggers.claims import sync_user_claims

    require_operator(caller)
    db, root = caller.db, caller.db.document(org.path)
    members = [snap.id for snap in db.collection(paths.members(org.org_id)).select([]).stream()]
    snapshot = root.get()
    name = (snapshot.to_dict() or {}).get("name") if snapshot.exists else None
    # recursive_delete counts the root document whether or not it existed.
    deleted = int(db.recursive_delete(root)) - (0 if snapshot.exists else 1)
    for uid in members:
        sync_user_claims(db, uid)
        refresh_user_org(db, uid, org.org_id)
    details = {"name": name, "documents": deleted, "members": len(members)}
    audit_by(caller, "org.data_deleted", org.path, details=details)
    return {"org": org.path, **details}
