"""Account commands: register, login, refresh, logout, sessions, TOTP and step-up.

Knows no HTTP. Commands of a signed-in user take the `Caller`; those that come
before any sign-in (register, login, refresh, session) take the database and the
request context. Talks to Firebase Auth through the Identity Toolkit REST API
(so blocking functions fire as for SDK clients) and firebase_admin.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from firebrick import paths
from firebrick.audit import record_audit
from firebrick.auth import identity_toolkit as idt
from firebrick.auth import mfa
from firebrick.auth.domains import email_domain_blocked
from firebrick.auth.passwords import password_problems
from firebrick.auth.step_up import Purpose, issue_step_up_token, require_step_up
from firebrick.auth.tokens import decode_firebase_id_token, revoke_user_sessions
from firebrick.clients import firebase_app
from firebrick.config import get_settings
from firebrick.context import Caller, RequestContext
from firebrick.errors import (
    Conflict,
    FailedPrecondition,
    FirebrickError,
    PermissionDenied,
    RateLimited,
    Unauthenticated,
    Unavailable,
    ValidationFailed,
    raises,
)
from firebrick.logs import get_logger, log_event
from firebrick.models.auth import StepUpToken, Tokens, TotpEnrollment
from firebrick.services.access import spend_write
from firebrick.services.me import require_user
from firebrick.services.profiles import profile_doc
from firebrick.state import rate_limit
from firebrick.state.rate_limit import Limit

if TYPE_CHECKING:
    from google.cloud.firestore import Client

logger = get_logger("services.identity")

GENERIC_LOGIN_FAILURE = "Invalid email or password"
# Reasons Identity Toolkit gives for a bad email/password pair (new and legacy projects).
_CREDENTIAL_FAILURES = frozenset(
    {"INVALID_LOGIN_CREDENTIALS", "EMAIL_NOT_FOUND", "INVALID_PASSWORD", "USER_DISABLED", "INVALID_EMAIL"}
)
_REFRESH_FAILURES = frozenset(
    {
        "TOKEN_EXPIRED",
        "INVALID_REFRESH_TOKEN",
        "USER_DISABLED",
        "USER_NOT_FOUND",
        "INVALID_GRANT_TYPE",
        "MISSING_REFRESH_TOKEN",
        "INVALID_ID_TOKEN",
    }
)


def _login_limits() -> tuple[Limit, Limit]:
    s = get_settings()
    return (
        Limit("login-email", s.login_failures_per_email, s.login_window_seconds),
        Limit("login-ip", s.login_failures_per_ip, s.login_window_seconds),
    )


def _totp_limit() -> Limit:
    return Limit("totp-uid", 5, 900)


@raises(RateLimited, Unavailable, FirebrickError)
def _unexpected(exc: idt.IdentityToolkitError) -> FirebrickError:
    log_event(logger, 40, "identity toolkit error", reason=exc.reason, status=exc.status)
    if exc.reason == "TOO_MANY_ATTEMPTS_TRY_LATER":
        return RateLimited(60, "Too many attempts, try again later")
    if exc.reason == "UNAVAILABLE" or exc.status >= 500:
        error = Unavailable("The identity service is unavailable, try again")
        error.headers["Retry-After"] = "5"
        return error
    return FirebrickError("The identity service is unavailable")


def tokens_from(tokens: idt.TokenSet) -> Tokens:
    return Tokens(
        uid=tokens.uid, id_token=tokens.id_token, refresh_token=tokens.refresh_token, expires_in=tokens.expires_in
    )


# --- registration -------------------------------------------------------------------------


@raises(ValidationFailed, rate_limit.spend, Conflict, _unexpected)
def register(db: Client, email: str, password: str, display_name: str, *, ctx: RequestContext) -> Tokens:
    """Create the Auth user and `users/{uid}` together; on a failed profile write the user is deleted."""
    problems = password_problems(password, email)
    if problems:
        raise ValidationFailed("The password does not meet the policy", reasons=problems)
    if email_domain_blocked(email):
        raise ValidationFailed("This email domain is not accepted", reasons=["Email domain not accepted"])
    if ctx.client_ip:
        rate_limit.spend(db, [(Limit("register-ip", get_settings().register_per_ip, 3600), ctx.client_ip)])
    profile = profile_doc(display_name, email)
    try:
        tokens = idt.sign_up(email, password, str(profile["displayName"]))
    except idt.IdentityToolkitError as exc:
        if exc.reason == "EMAIL_EXISTS":
            raise Conflict("An account with this email already exists") from exc
        if exc.reason in {"WEAK_PASSWORD", "INVALID_EMAIL", "BLOCKING_FUNCTION_ERROR_RESPONSE"}:
            raise ValidationFailed("The account could not be created with these details") from exc
        raise _unexpected(exc) from exc
    try:
        batch = db.batch()
        # merge: the sign-up's own sign-in may have created the same profile already.
        batch.set(db.document(paths.user(tokens.uid)), profile, merge=True)
        record_audit(db, "auth.sign_up", actor_uid=tokens.uid, target=tokens.uid, ctx=ctx, writer=batch)
        batch.commit()
    except Exception:
        _compensate_sign_up(tokens.uid)
        raise
    return tokens_from(tokens)


def _compensate_sign_up(uid: str) -> None:
    """Delete the just-created Auth user so no half-created account remains."""
    from firebase_admin import auth

    try:
        auth.delete_user(uid, app=firebase_app())
    except Exception:  # the original error matters more; leave a trace for the reconcile
        logger.exception("could not delete half-created user", extra={"fields": {"uid": uid}})


# --- login, refresh, logout -----------------------------------------------------------------


@raises(rate_limit.spend, Unauthenticated, _unexpected)
def login(db: Client, email: str, password: str, *, ctx: RequestContext) -> Tokens:
    """Password sign-in; one generic 401 for every credential failure; 429 after too many.

    The attempt is counted before it is made (so parallel guesses cannot all slip
    under the limit) and given back when it was not a wrong credential.
    """
    email_limit, ip_limit = _login_limits()
    checks: list[rate_limit.Check] = [(email_limit, email)]
    if ctx.client_ip:
        checks.append((ip_limit, ctx.client_ip))
    receipt = rate_limit.spend(db, checks)
    try:
        tokens = idt.sign_in_with_password(email, password)
    except idt.IdentityToolkitError as exc:
        if exc.reason in _CREDENTIAL_FAILURES or exc.reason == "BLOCKING_FUNCTION_ERROR_RESPONSE":
            record_audit(db, "auth.login_failed", actor_uid=None, target=email, ctx=ctx)
            raise Unauthenticated(GENERIC_LOGIN_FAILURE) from exc
        rate_limit.refund(db, receipt)
        raise _unexpected(exc) from exc
    rate_limit.refund(db, receipt)
    record_audit(db, "auth.login", actor_uid=tokens.uid, target=tokens.uid, ctx=ctx)
    return tokens_from(tokens)


@raises(Unauthenticated, _unexpected, spend_write)
def refresh(db: Client, refresh_token: str) -> Tokens:
    """New tokens for a refresh token; refused once the user's tokens were revoked (a write: it spends the budget)."""
    try:
        tokens = idt.refresh(refresh_token)
    except idt.IdentityToolkitError as exc:
        if exc.reason in _REFRESH_FAILURES or exc.status in (400, 401, 403):
            raise Unauthenticated("Invalid or expired refresh token") from exc
        raise _unexpected(exc) from exc
    # Defence in depth: the new ID token must itself be current (not revoked, user enabled).
    decode_firebase_id_token(tokens.id_token)
    spend_write(db, tokens.uid)
    return tokens_from(tokens)


@raises(require_user, spend_write)
def revoke_sessions(caller: Caller, *, action: str = "auth.logout") -> None:
    """Revoke every refresh token and session of the user; their current ID tokens stop working.

    Everything issued up to the presented credential's sign-in goes, that credential
    included (`revoke_user_sessions` waits out its second when it is this one).
    """
    require_user(caller)
    spend_write(caller.db, caller.principal)
    revoke_user_sessions(caller.uid, issued_up_to=float(caller.principal.claims.get("auth_time", 0)))
    _audit_own(caller, action)


# --- sessions ---------------------------------------------------------------------------


@raises(Unauthenticated, spend_write)
def start_session(db: Client, id_token: str, *, ctx: RequestContext) -> tuple[str, str]:
    """A session cookie and its CSRF token, from a recent ID token."""
    from firebrick.auth.sessions import create_session_cookie, csrf_token_for

    cookie, principal = create_session_cookie(id_token)
    spend_write(db, principal)
    record_audit(db, "auth.session_created", actor_uid=principal.uid, target=principal.uid, ctx=ctx)
    return cookie, csrf_token_for(cookie)


# --- TOTP -------------------------------------------------------------------------------


@raises(require_user, spend_write, require_step_up)
def totp_enroll(caller: Caller, *, step_up_token: str | None = None) -> TotpEnrollment:
    """Start enrollment; replacing an active TOTP needs a step-up first."""
    require_user(caller)
    spend_write(caller.db, caller.principal)
    require_step_up(caller, step_up_token, Purpose.replace_totp).spend(caller.db)
    enrollment = mfa.enroll(caller.db, caller.uid, caller.principal.email)
    _audit_own(caller, "auth.mfa.totp_enroll_started")
    return TotpEnrollment(secret=enrollment.secret, otpauth_uri=enrollment.otpauth_uri)


def _audit_own(caller: Caller, action: str) -> None:
    """An audit entry about the caller's own account (top-level `audit`)."""
    record_audit(caller.db, action, actor_uid=caller.uid, target=caller.uid, ctx=caller.ctx)


@raises(rate_limit.spend, PermissionDenied, FailedPrecondition)
def _checked_code(caller: Caller, verify: Callable[[], None], action: str) -> None:
    """Run `verify`, counted first per uid so codes cannot be brute-forced (given back unless the code was wrong)."""
    receipt = rate_limit.spend(caller.db, [(_totp_limit(), caller.uid)])
    try:
        verify()
    except PermissionDenied:
        _audit_own(caller, f"{action}_failed")
        raise
    except Exception:
        rate_limit.refund(caller.db, receipt)
        raise
    rate_limit.refund(caller.db, receipt)


@raises(require_user, spend_write, _checked_code, mfa.confirm)
def totp_confirm(caller: Caller, code: str) -> None:
    require_user(caller)
    spend_write(caller.db, caller.principal)
    _checked_code(caller, lambda: mfa.confirm(caller.db, caller.uid, code), "auth.mfa.totp_confirm")
    _audit_own(caller, "auth.mfa.totp_enabled")


@raises(require_user, spend_write, _checked_code, mfa.verify_code)
def step_up(caller: Caller, code: str, purpose: Purpose) -> StepUpToken:
    """A step-up token for a correct, unused TOTP code, good for one action of `purpose`."""
    require_user(caller)
    spend_write(caller.db, caller.principal)
    _checked_code(caller, lambda: mfa.verify_code(caller.db, caller.uid, code), "auth.mfa.step_up")
    _audit_own(caller, "auth.mfa.step_up")
    token, ttl = issue_step_up_token(caller.uid, purpose)
    return StepUpToken(step_up_token=token, expires_in=ttl)
