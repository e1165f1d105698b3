"""Resolve what a principal holds in one org, for the policy to judge.

The API reads the membership document on every org-scoped request (one read):
claims may be up to an ID token's lifetime stale, the membership doc is not,
so a removed member is refused at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from firebrick.auth.principal import Principal, PrincipalKind
from firebrick.policy import Access, Role

if TYPE_CHECKING:
    from google.cloud.firestore import Client, Transaction


def member_path(org_id: str, uid: str) -> str:
    return f"orgs/{org_id}/members/{uid}"


def org_access(db: Client, principal: Principal, org_id: str, *, transaction: Transaction | None = None) -> Access:
    """The caller's current role in `org_id` (None for outsiders) and platform role.

    Pass `transaction` to read the membership inside it, so a decision and the
    write it allows see the same role.
    """
    if principal.kind == PrincipalKind.service:
        # Service tokens are valid only for the org they name, with the role they carry.
        in_scope = principal.service_org_id == org_id
        return Access(role=principal.service_role if in_scope else None, platform_admin=False)
    snapshot = db.document(member_path(org_id, principal.uid)).get(transaction=transaction)
    role: Role | None = None
    if snapshot.exists:
        raw = (snapshot.to_dict() or {}).get("role")
        role = Role[raw] if isinstance(raw, str) and raw in Role.__members__ else None
    return Access(role=role, platform_admin=principal.platform_admin)
