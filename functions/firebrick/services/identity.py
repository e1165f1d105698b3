"""Account commands: register, login, refresh, logout, sessions, TOTP, profile, deletion.

Knows no HTTP: takes the Firestore client, the principal and the request's
audit metadata. Talks to Firebase Auth through the Identity Toolkit REST API
(so blocking functions fire as for SDK clients) and firebase_admin.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from firebrick.audit import RequestMeta, record_audit
from firebrick.auth import identity_toolkit as idt
from firebrick.auth import mfa
from firebrick.auth.domains import email_domain_blocked
from firebrick.auth.passwords import password_problems
from firebrick.auth.principal import Principal
from firebrick.auth.settings import get_auth_settings
from firebrick.auth.step_up import issue_step_up_token, require_step_up
from firebrick.auth.tokens import decode_firebase_id_token, forget_user
from firebrick.clients import firebase_app
from firebrick.clock import now
from firebrick.errors import (
    Conflict,
    FirebrickError,
    PermissionDenied,
    RateLimited,
    Unauthenticated,
    Unavailable,
    ValidationFailed,
)
from firebrick.logs import get_logger, log_event
from firebrick.policy import Role
from firebrick.state import rate_limit
from firebrick.state.rate_limit import Limit

if TYPE_CHECKING:
    from google.cloud.firestore import Client

logger = get_logger("services.identity")

EMAIL_PATTERN = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
GENERIC_LOGIN_FAILURE = "Invalid email or password"
# Reasons Identity Toolkit gives for a bad email/password pair (new and legacy projects).
_CREDENTIAL_FAILURES = frozenset(
    {"INVALID_LOGIN_CREDENTIALS", "EMAIL_NOT_FOUND", "INVALID_PASSWORD", "USER_DISABLED", "INVALID_EMAIL"}
)
_REFRESH_FAILURES = frozenset(
    {"TOKEN_EXPIRED", "INVALID_REFRESH_TOKEN", "USER_DISABLED", "USER_NOT_FOUND", "INVALID_GRANT_TYPE",
     "MISSING_REFRESH_TOKEN", "INVALID_ID_TOKEN"}
)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _login_limits() -> tuple[Limit, Limit]:
    s = get_auth_settings()
    return (
        Limit("login-email", s.login_failures_per_email, s.login_window_seconds),
        Limit("login-ip", s.login_failures_per_ip, s.login_window_seconds),
    )


def _totp_limit() -> Limit:
    return Limit("totp-uid", 5, 900)


def _unexpected(exc: idt.IdentityToolkitError) -> FirebrickError:
    log_event(logger, 40, "identity toolkit error", reason=exc.reason, status=exc.status)
    if exc.reason == "TOO_MANY_ATTEMPTS_TRY_LATER":
        return RateLimited(60, "Too many attempts, try again later")
    if exc.reason == "UNAVAILABLE" or exc.status >= 500:
        error = Unavailable("The identity service is unavailable, try again")
        error.headers["Retry-After"] = "5"
        return error
    return FirebrickError("The identity service is unavailable")


# --- registration -------------------------------------------------------------------------


def register(db: Client, email: str, password: str, display_name: str, meta: RequestMeta) -> idt.TokenSet:
    """Create the Auth user and `users/{uid}` together; on a failed profile write the user is deleted."""
    email = normalise_email(email)
    display_name = " ".join(display_name.split())
    problems = password_problems(password, email)
    if problems:
        raise ValidationFailed("The password does not meet the policy", reasons=problems)
    if email_domain_blocked(email):
        raise ValidationFailed("This email domain is not accepted", reasons=["Email domain not accepted"])
    if meta.ip:
        s = get_auth_settings()
        rate_limit.consume(db, [(Limit("register-ip", s.register_per_ip, 3600), meta.ip)])
    try:
        tokens = idt.sign_up(email, password, display_name)
    except idt.IdentityToolkitError as exc:
        if exc.reason == "EMAIL_EXISTS":
            raise Conflict("An account with this email already exists") from exc
        if exc.reason in {"WEAK_PASSWORD", "INVALID_EMAIL", "BLOCKING_FUNCTION_ERROR_RESPONSE"}:
            raise ValidationFailed("The account could not be created with these details") from exc
        raise _unexpected(exc) from exc
    try:
        batch = db.batch()
        batch.set(
            db.document(f"users/{tokens.uid}"),
            {"displayName": display_name, "email": email, "photoURL": None, "createdAt": now()},
            merge=True,
        )
        record_audit(db, "auth.sign_up", actor_uid=tokens.uid, target=tokens.uid, meta=meta, writer=batch)
        batch.commit()
    except Exception:
        _compensate_sign_up(tokens.uid)
        raise
    return tokens


def _compensate_sign_up(uid: str) -> None:
    """Delete the just-created Auth user so no half-created account remains."""
    from firebase_admin import auth

    try:
        auth.delete_user(uid, app=firebase_app())
    except Exception:  # the original error matters more; leave a trace for the reconcile
        logger.exception("could not delete half-created user", extra={"fields": {"uid": uid}})


# --- login, refresh, logout -----------------------------------------------------------------


def login(db: Client, email: str, password: str, meta: RequestMeta) -> idt.TokenSet:
    """Password sign-in; one generic 401 for every credential failure; 429 after too many."""
    email = normalise_email(email)
    email_limit, ip_limit = _login_limits()
    checks: list[rate_limit.Check] = [(email_limit, email)]
    if meta.ip:
        checks.append((ip_limit, meta.ip))
    rate_limit.check(db, checks)
    try:
        tokens = idt.sign_in_with_password(email, password)
    except idt.IdentityToolkitError as exc:
        if exc.reason in _CREDENTIAL_FAILURES or exc.reason == "BLOCKING_FUNCTION_ERROR_RESPONSE":
            rate_limit.record(db, checks)
            record_audit(db, "auth.login_failed", actor_uid=None, target=email, meta=meta)
            raise Unauthenticated(GENERIC_LOGIN_FAILURE) from exc
        raise _unexpected(exc) from exc
    record_audit(db, "auth.login", actor_uid=tokens.uid, target=tokens.uid, meta=meta)
    return tokens


def refresh(refresh_token: str) -> idt.TokenSet:
    """New tokens for a refresh token; refused once the user's tokens were revoked."""
    try:
        tokens = idt.refresh(refresh_token)
    except idt.IdentityToolkitError as exc:
        if exc.reason in _REFRESH_FAILURES or exc.status in (400, 401, 403):
            raise Unauthenticated("Invalid or expired refresh token") from exc
        raise _unexpected(exc) from exc
    # Defence in depth: the new ID token must itself be current (not revoked, user enabled).
    decode_firebase_id_token(tokens.id_token)
    return tokens


def revoke_sessions(db: Client, principal: Principal, meta: RequestMeta, action: str = "auth.logout") -> None:
    """Revoke every refresh token and session of the user; their current ID tokens stop working.

    Revocation compares whole seconds (`auth_time < validSince`), so when the
    credential was issued this very second we wait for the next one: otherwise
    the presented token would survive its own logout.
    """
    from firebase_admin import auth

    auth_time = int(principal.claims.get("auth_time", 0))
    deadline = time.monotonic() + 1.5
    while int(time.time()) <= auth_time and time.monotonic() < deadline:
        time.sleep(0.05)
    auth.revoke_refresh_tokens(principal.uid, app=firebase_app())
    forget_user(principal.uid)
    record_audit(db, action, actor_uid=principal.uid, target=principal.uid, meta=meta)


# --- sessions ---------------------------------------------------------------------------


def start_session(db: Client, id_token: str, meta: RequestMeta) -> tuple[str, str]:
    """A session cookie and its CSRF token, from a recent ID token."""
    from firebrick.auth.sessions import create_session_cookie, csrf_token_for

    cookie, principal = create_session_cookie(id_token)
    record_audit(db, "auth.session_created", actor_uid=principal.uid, target=principal.uid, meta=meta)
    return cookie, csrf_token_for(cookie)


# --- TOTP -------------------------------------------------------------------------------


def _user_only(principal: Principal) -> None:
    if principal.kind != "user":
        raise PermissionDenied("This action needs a signed-in user")


def totp_enroll(db: Client, principal: Principal, step_up_token: str | None, meta: RequestMeta) -> mfa.Enrollment:
    """Start enrollment; replacing an active TOTP needs a step-up first."""
    _user_only(principal)
    require_step_up(principal, step_up_token, db=db)
    enrollment = mfa.enroll(db, principal.uid, principal.email)
    record_audit(db, "auth.mfa.totp_enroll_started", actor_uid=principal.uid, target=principal.uid, meta=meta)
    return enrollment


def _checked_code(db: Client, principal: Principal, meta: RequestMeta, verify: Any, action: str) -> None:
    """Run `verify`, counting failures per uid so codes cannot be brute-forced."""
    checks: list[rate_limit.Check] = [(_totp_limit(), principal.uid)]
    rate_limit.check(db, checks)
    try:
        verify()
    except PermissionDenied:
        rate_limit.record(db, checks)
        record_audit(db, f"{action}_failed", actor_uid=principal.uid, target=principal.uid, meta=meta)
        raise


def totp_confirm(db: Client, principal: Principal, code: str, meta: RequestMeta) -> None:
    _user_only(principal)
    _checked_code(db, principal, meta, lambda: mfa.confirm(db, principal.uid, code), "auth.mfa.totp_confirm")
    record_audit(db, "auth.mfa.totp_enabled", actor_uid=principal.uid, target=principal.uid, meta=meta)


def step_up(db: Client, principal: Principal, code: str, meta: RequestMeta) -> tuple[str, int]:
    """A step-up token for a correct, unused TOTP code."""
    _user_only(principal)
    _checked_code(db, principal, meta, lambda: mfa.verify_code(db, principal.uid, code), "auth.mfa.step_up")
    record_audit(db, "auth.mfa.step_up", actor_uid=principal.uid, target=principal.uid, meta=meta)
    return issue_step_up_token(principal.uid)


# --- me ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Me:
    uid: str
    email: str | None
    display_name: str | None
    photo_url: str | None
    orgs: dict[str, str]
    platform_admin: bool
    totp_enabled: bool
    claims_overflow: bool


def get_me(db: Client, principal: Principal) -> Me:
    """The caller's profile, org roles (from their token's claims) and MFA status."""
    from firebrick.auth.claims import claims_overflowed

    _user_only(principal)
    profile_ref = db.document(f"users/{principal.uid}")
    secret_ref = db.document(mfa.secret_path(principal.uid))
    docs = {snap.reference.path: snap for snap in db.get_all([profile_ref, secret_ref])}
    profile_snap = docs.get(profile_ref.path)
    profile = (profile_snap.to_dict() or {}) if profile_snap is not None and profile_snap.exists else {}
    secret_snap = docs.get(secret_ref.path)
    secrets_doc = (secret_snap.to_dict() or {}) if secret_snap is not None and secret_snap.exists else {}
    return Me(
        uid=principal.uid,
        email=principal.email or profile.get("email"),
        display_name=profile.get("displayName") or principal.claims.get("name"),
        photo_url=profile.get("photoURL"),
        orgs={org_id: role.name for org_id, role in principal.claimed_org_roles.items()},
        platform_admin=principal.platform_admin,
        totp_enabled=secrets_doc.get("totpEnabled") is True,
        claims_overflow=claims_overflowed(principal.claims),
    )


def _member_org_ids(db: Client, principal: Principal) -> set[str]:
    """Orgs the user belongs to: from claims, and from the derived `users/{uid}.orgs` map."""
    org_ids = set(principal.claimed_org_roles)
    profile = db.document(f"users/{principal.uid}").get()
    orgs = (profile.to_dict() or {}).get("orgs") if profile.exists else None
    if isinstance(orgs, dict):
        org_ids.update(str(k) for k in orgs)
    return org_ids


def delete_me(db: Client, principal: Principal, step_up_token: str | None, meta: RequestMeta) -> None:
    """Delete the account and its personal data; 409 while the user is an org's last owner.

    The owner counts and the deletions happen in one transaction, so two owners
    leaving at once cannot both pass the last-owner check. The Auth user is
    deleted last: if that fails the account still exists, without its data.
    """
    from firebase_admin import auth
    from google.cloud import firestore
    from google.cloud.firestore_v1.base_query import FieldFilter

    _user_only(principal)
    require_step_up(principal, step_up_token, db=db)
    org_ids = sorted(_member_org_ids(db, principal))

    def body(transaction: Any) -> None:
        memberships = []
        for org_id in org_ids:
            ref = db.document(f"orgs/{org_id}/members/{principal.uid}")
            snap = ref.get(transaction=transaction)
            if not snap.exists:
                continue
            memberships.append(ref)
            if (snap.to_dict() or {}).get("role") == Role.owner.name:
                owners = (
                    db.collection(f"orgs/{org_id}/members")
                    .where(filter=FieldFilter("role", "==", Role.owner.name))
                    .limit(2)
                    .get(transaction=transaction)
                )
                if len(owners) < 2:
                    raise Conflict("You are the last owner of an organization; transfer ownership first", orgId=org_id)
        for ref in memberships:
            transaction.delete(ref)
        transaction.delete(db.document(f"users/{principal.uid}"))
        transaction.delete(db.document(mfa.secret_path(principal.uid)))
        record_audit(db, "auth.account_deleted", actor_uid=principal.uid, target=principal.uid, meta=meta,
                     writer=transaction)

    firestore.transactional(body)(db.transaction())
    auth.delete_user(principal.uid, app=firebase_app())
    forget_user(principal.uid)
