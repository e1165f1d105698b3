"""Who may do what in an org: read the caller's membership once, ask the policy.

Every org-scoped command calls `authorize` once, before anything else. Commands
that write in a transaction pass it, so the decision and the writes it allows
see the same role; commands that make one conditional write read it just
before. The membership document decides, not the token's claims (which may be
an ID token's lifetime stale), so a removed member is refused at once.
Outsiders get 404, members whose role is too low 403 (`policy.authorize`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from firebrick import paths, policy
from firebrick.auth.principal import PrincipalKind
from firebrick.context import Caller
from firebrick.errors import NotFound, PermissionDenied, raises
from firebrick.policy import Access, Action, Role

if TYPE_CHECKING:
    from google.cloud.firestore import Transaction


def _access_of(caller: Caller, org_id: str, transaction: Transaction | None) -> Access:
    """What the caller holds in `org_id`: their role (None for outsiders) and platform role; one read."""
    principal = caller.principal
    if principal.kind == PrincipalKind.service:
        # Service tokens are valid only for the org they name, with the role they carry: no read.
        in_scope = principal.service_org_id == org_id
        return Access(role=principal.service_role if in_scope else None)
    snapshot = caller.db.document(paths.member(org_id, principal.uid)).get(transaction=transaction)
    role = Role.named((snapshot.to_dict() or {}).get("role")) if snapshot.exists else None
    return Access(role=role, platform_admin=principal.platform_admin)


@raises(NotFound, PermissionDenied)
def authorize(caller: Caller, org_id: str, action: Action, *, transaction: Transaction | None = None) -> Access:
    """The caller's access to `org_id` once the policy allowed `action`; NotFound / PermissionDenied otherwise.

    Decisions finer than an action (whose comment, which role change) take the
    returned Access to the policy's own functions.
    """
    access = _access_of(caller, org_id, transaction)
    policy.authorize(access, action)
    return access
