"""Who may do what in an org, and how often: read the caller's membership once, ask the policy, spend.

Every org-scoped command calls `authorize` once, before anything else (a read of
one document calls `read_authorized`, which fetches the membership and the document
in one round trip). Commands
that write in a transaction pass it, so the decision and the writes it allows
see the same role; commands that make one conditional write read it just
before. The membership document decides, not the token's claims (which may be
an ID token's lifetime stale), so a removed member is refused at once.
Outsiders get 404, members whose role is too low 403 (`policy.authorize`).

Write budgets: an allowed write action (`policy.WRITE_ACTIONS`, or `writing=True`
for a command gated by a read) also spends the caller's and the org's write budget
(`spend_write`; 429 past it), after the policy allowed it, so outsiders cannot use up
an org's budget. Writes outside any org (creating an org, accepting an invitation,
sessions, MFA, refresh, deleting the account) call `spend_write` themselves. Service
tokens spend only their org's budget; operators (`scripts/admin`) none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from firebrick import paths, policy
from firebrick.auth.principal import Principal, PrincipalKind
from firebrick.config import get_settings
from firebrick.context import Caller
from firebrick.errors import FirebrickError, NotFound, PermissionDenied, raises
from firebrick.policy import WRITE_ACTIONS, Access, Action, Role
from firebrick.services import documents
from firebrick.state import rate_limit

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentSnapshot, Transaction

#: The window of the write budgets.
WRITE_WINDOW_SECONDS = 60


def _access_of(caller: Caller, org_id: str, transaction: Transaction | None) -> Access:
    """What the caller holds in `org_id`: their role (None for outsiders) and platform role; one read."""
    principal = caller.principal
    if principal.kind == PrincipalKind.service:
        # Service tokens are valid only for the org they name, with the role they carry: no read.
        in_scope = principal.service_org_id == org_id
        return Access(role=principal.service_role if in_scope else None)
    snapshot = caller.db.document(paths.member(org_id, principal.uid)).get(transaction=transaction)
    return _access_from(principal, snapshot)


def _access_from(principal: Principal, membership: DocumentSnapshot[Any]) -> Access:
    role = Role.named((membership.to_dict() or {}).get("role")) if membership.exists else None
    return Access(role=role, platform_admin=principal.platform_admin)


@raises(NotFound, PermissionDenied, rate_limit.spend)
def authorize(
    caller: Caller,
    org_id: str,
    action: Action,
    *,
    transaction: Transaction | None = None,
    writing: bool | None = None,
) -> Access:
    """The caller's access to `org_id` once the policy allowed `action`; NotFound / PermissionDenied otherwise.

    Decisions finer than an action (whose comment, which role change) take the
    returned Access to the policy's own functions. A write (`action` in
    `WRITE_ACTIONS`, or `writing=True`) then spends the write budgets.
    """
    access = _access_of(caller, org_id, transaction)
    policy.authorize(access, action)
    if action in WRITE_ACTIONS if writing is None else writing:
        spend_write(caller.db, caller.principal, org_id)
    return access


@raises(NotFound, PermissionDenied)  # a write action's callers also declare `spend_write`
def read_authorized(
    caller: Caller, org_id: str, path: str, not_found: FirebrickError, action: Action = Action.read
) -> tuple[Access, dict[str, Any], str]:
    """`authorize(action)`, then the document at `path`: its data and version ETag, or `not_found`.

    The membership and the document come in one batch get, one round trip where
    `authorize` and a read take two (every GET, and commands that check a parent
    first). The document is looked at only after the policy allowed, so an outsider
    learns nothing from it; a write action spends the budgets as `authorize` does.
    """
    principal = caller.principal
    if principal.kind == PrincipalKind.service:
        access = authorize(caller, org_id, action)
        return (access, *documents.read_document(caller.db, path, not_found))
    membership, ref = caller.db.document(paths.member(org_id, principal.uid)), caller.db.document(path)
    found = {snapshot.reference.path: snapshot for snapshot in caller.db.get_all([membership, ref])}
    access = _access_from(principal, found[membership.path])
    policy.authorize(access, action)
    if action in WRITE_ACTIONS:
        spend_write(caller.db, principal, org_id)
    return (access, *documents.snapshot_data(found[ref.path], not_found))


@raises(rate_limit.spend)
def spend_write(db: Client, principal: Principal | str, org_id: str | None = None) -> None:
    """Count one write command against the user's budget and, in an org, the org's; 429 past either.

    `principal` may be a bare uid, for commands that learn who the caller is only
    as they run (refresh, session). One commit, one small document per budget.
    """
    settings = get_settings()
    checks: list[rate_limit.Check] = []
    uid = principal if isinstance(principal, str) else principal.uid
    kind = PrincipalKind.user if isinstance(principal, str) else principal.kind
    if kind == PrincipalKind.user:
        per_user = settings.writes_per_user_per_minute
        checks.append((rate_limit.Limit("writes-user", per_user, WRITE_WINDOW_SECONDS), uid))
    if org_id is not None and kind != PrincipalKind.operator:
        per_org = settings.writes_per_org_per_minute
        checks.append((rate_limit.Limit("writes-org", per_org, WRITE_WINDOW_SECONDS), org_id))
    rate_limit.spend(db, checks)
