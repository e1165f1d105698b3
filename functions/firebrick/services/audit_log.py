"""Reading an org's audit log (admin+, platform admins for support): newest first, paged."""

from __future__ import annotations

from firebrick import paths
from firebrick.context import Caller
from firebrick.errors import raises
from firebrick.models.audit import AuditEntry
from firebrick.models.common import ListQuery, Page
from firebrick.models.refs import OrgRef
from firebrick.policy import Action
from firebrick.services.access import authorize
from firebrick.services.documents import list_page


@raises(authorize, list_page)
def list_audit(caller: Caller, org: OrgRef, query: ListQuery) -> Page[AuditEntry]:
    """A page of `orgs/{orgId}/audit`, ordered by (`at`, id) descending: an investigation starts at the latest."""
    authorize(caller, org.org_id, Action.read_audit)
    collection = paths.audit(org.org_id)
    return list_page(
        caller.db.collection(collection),
        scope=f"{collection}?order=at-desc",
        limit=query.limit,
        cursor=query.cursor,
        build=lambda i, d: AuditEntry.model_validate({**d, "id": i}),
        order_field="at",
        newest_first=True,
    )
