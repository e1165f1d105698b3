"""Reading an org's audit log (admin+, platform admins for support): newest first, paged."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from firebrick.audit import audit_path
from firebrick.models.audit import AuditEntry
from firebrick.models.common import Page
from firebrick.policy import Action
from firebrick.services.documents import decode_cursor, encode_cursor, require

if TYPE_CHECKING:
    from google.cloud.firestore import Client

    from firebrick.auth.principal import Principal


def list_audit(
    db: Client, principal: Principal, org_id: str, *, limit: int, cursor: str | None = None
) -> Page[AuditEntry]:
    """A page of `orgs/{orgId}/audit`, ordered by (`at`, id) descending: an investigation starts at the latest."""
    from google.cloud.firestore import Query

    require(db, principal, org_id, Action.read_audit)
    path = audit_path(org_id)
    scope = f"{path}?order=at-desc"
    query: Any = (
        db.collection(path).order_by("at", direction=Query.DESCENDING).order_by("__name__", direction=Query.DESCENDING)
    )
    if cursor is not None:
        at, entry_id = decode_cursor(scope, cursor)
        query = query.start_after({"at": at, "__name__": entry_id})
    snapshots = list(query.limit(limit + 1).stream())
    page = snapshots[:limit]
    items = [AuditEntry.model_validate({**(s.to_dict() or {}), "id": s.id}) for s in page]
    next_cursor = None
    if len(snapshots) > limit:
        last = page[-1]
        next_cursor = encode_cursor(scope, (last.to_dict() or {})["at"], last.id)
    return Page[AuditEntry](items=items, next_cursor=next_cursor)
