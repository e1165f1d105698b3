"""Platform operations on one account (`scripts/admin`): support access, sessions, disabling, claims.

Run by an operator with the project's credentials, never by an API caller: each
command takes a `Caller` whose principal is the operator (`operator_caller`) and
refuses any other. Every change is audited in the top-level `audit`.

Revoking support access, sessions or a whole account ends it at once for new
sign-ins and refresh tokens everywhere, and for ID tokens in this process
(`auth.tokens.user_access_changed`), which also publishes the change: every running
API instance refuses the user's tokens within 5 s (`auth/revocations.py`).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from firebrick import paths
from firebrick.audit import audit_by
from firebrick.auth.claims import PLATFORM_ADMIN_CLAIM, claims_size, encode_claims
from firebrick.auth.principal import Principal, PrincipalKind
from firebrick.auth.tokens import revoke_user_sessions, user_access_changed
from firebrick.clients import firebase_app
from firebrick.clock import now
from firebrick.context import Caller, RequestContext
from firebrick.errors import NotFound, PermissionDenied
from firebrick.ids import new_id
from firebrick.services.members import memberships_of

if TYPE_CHECKING:
    from google.cloud.firestore import Client


def operator_caller(db: Client, operator: str, tool: str = "scripts/admin") -> Caller:
    """The Caller of an operator's command: audited as `operator:<name>`, with `tool` as user agent."""
    principal = Principal(uid=f"operator:{operator}", kind=PrincipalKind.operator)
    return Caller(db, principal, RequestContext(request_id=new_id(), user_agent=tool))


def require_operator(caller: Caller) -> None:
    if caller.principal.kind != PrincipalKind.operator:
        raise PermissionDenied("This is an operator command (scripts/admin)")


def find_user(who: str) -> str:
    """The uid of a user given by uid or email; NotFound otherwise."""
    from firebase_admin import auth

    try:
        user = auth.get_user_by_email(who, app=firebase_app()) if "@" in who else auth.get_user(who, app=firebase_app())
    except auth.UserNotFoundError as exc:
        raise NotFound(f"No user {who}") from exc
    return str(user.uid)


def set_platform_admin(caller: Caller, uid: str, granted: bool) -> dict[str, Any]:
    """Grant or revoke the `admin` claim (support staff), keeping every org claim; revoking ends their sessions.

    The claim lives in ID tokens for up to an hour, so revoking also revokes the
    user's refresh tokens: support reads stop with the next request, not the next refresh.
    """
    from firebase_admin import auth

    require_operator(caller)
    started = time.time()
    app, db = firebase_app(), caller.db
    claims = dict(auth.get_user(uid, app=app).custom_claims or {})
    if granted:
        claims[PLATFORM_ADMIN_CLAIM] = True
    else:
        claims.pop(PLATFORM_ADMIN_CLAIM, None)
    # Re-pack the org roles around the flag so the whole object stays under the limit.
    roles = {org_id: role for org_id, role in memberships_of(db, uid).items() if role is not None}
    claims = encode_claims(roles, claims)
    auth.set_custom_user_claims(uid, claims, app=app)
    if not granted:
        revoke_user_sessions(uid, issued_up_to=started)
    db.document(paths.user(uid)).set({"claimsUpdatedAt": now()}, merge=True)
    audit_by(caller, "platform_admin.granted" if granted else "platform_admin.revoked", paths.user(uid))
    return claims


def revoke_sessions(caller: Caller, uid: str) -> None:
    """Revoke every refresh token and session of `uid`; the ID tokens they hold stop working."""
    require_operator(caller)
    revoke_user_sessions(uid, issued_up_to=time.time())
    audit_by(caller, "auth.sessions_revoked", paths.user(uid))


def set_disabled(caller: Caller, uid: str, disabled: bool) -> None:
    """Disable (sign-in refused, sessions revoked, the API refuses the user) or enable an account."""
    from firebase_admin import auth

    require_operator(caller)
    started = time.time()
    auth.update_user(uid, disabled=disabled, app=firebase_app())
    if disabled:
        revoke_user_sessions(uid, issued_up_to=started)
    user_access_changed(uid)
    audit_by(caller, "auth.user_disabled" if disabled else "auth.user_enabled", paths.user(uid))


def sync_claims(caller: Caller, uid: str) -> bool:
    """Recompute the user's claims from their memberships now (a repair); True when they changed."""
    from firebrick.triggers.claims import sync_user_claims

    require_operator(caller)
    changed = sync_user_claims(caller.db, uid)
    if changed:
        audit_by(caller, "claims.synced", paths.user(uid))
    return changed


def describe_user(caller: Caller, uid: str) -> dict[str, Any]:
    """The account as support sees it: state, memberships (the source of truth) and current claims."""
    from firebase_admin import auth

    require_operator(caller)
    user = auth.get_user(uid, app=firebase_app())
    claims = dict(user.custom_claims or {})
    profile = caller.db.document(paths.user(uid)).get()
    stamp = (profile.to_dict() or {}).get("claimsUpdatedAt") if profile.exists else None
    valid_after = user.tokens_valid_after_timestamp
    return {
        "uid": uid,
        "email": user.email,
        "disabled": bool(user.disabled),
        "platformAdmin": claims.get(PLATFORM_ADMIN_CLAIM) is True,
        "memberships": {o: r.name if r else None for o, r in sorted(memberships_of(caller.db, uid).items())},
        "claims": claims,
        "claimsBytes": claims_size(claims),
        "claimsUpdatedAt": stamp.isoformat() if stamp else None,
        "tokensValidAfter": datetime.fromtimestamp(valid_after / 1000, UTC).isoformat() if valid_after else None,
    }


def reconcile_derived(caller: Caller, org_id: str | None = None) -> dict[str, Any]:
    """Recompute derived state (one org, or everything) from the sources; what was corrected."""
    from firebrick.services.reconcile import reconcile_all, reconcile_org

    require_operator(caller)
    report = (reconcile_org(caller.db, org_id) if org_id else reconcile_all(caller.db)).as_dict()
    details = {"scope": report["scope"], "corrected": report["corrected"]}
    audit_by(caller, "derived.reconciled", report["scope"], details=details)
    return report


def record_hardening(caller: Caller, project: str, changed: list[str]) -> None:
    """Audit an Identity Platform hardening that changed `changed` (field paths; `scripts/lib/harden_auth.py`)."""
    require_operator(caller)
    audit_by(caller, "platform.auth_hardened", f"projects/{project}/config", details={"fields": changed})
