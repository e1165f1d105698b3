"""`GET /v1/orgs/{orgId}/audit`: the org's audit log (admin+, platform admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from firebrick.api.deps import CurrentPrincipal
from firebrick.api.params import Db, ListQuery, OrgId, problems
from firebrick.models.audit import AuditEntry
from firebrick.models.common import Page
from firebrick.services import audit_log

router = APIRouter(prefix="/orgs/{orgId}/audit", tags=["audit"])


@router.get("", summary="The org's audit log, newest first (admin+)", responses=problems(400, 403, 404, 422))
def list_audit(
    db: Db, principal: CurrentPrincipal, org_id: OrgId, query: Annotated[ListQuery, Query()]
) -> Page[AuditEntry]:
    return audit_log.list_audit(db, principal, org_id, limit=query.limit, cursor=query.cursor)
