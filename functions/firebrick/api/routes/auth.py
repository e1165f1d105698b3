"""`/v1/auth/...` and `/v1/me`: accounts, sessions, TOTP and step-up; the caller's own account.

Thin adapter: parse, identify, call `services.identity`; cookies are the only
HTTP this module adds (the service hands back the cookie and its CSRF token).
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from firebrick.api.deps import Ctx, CurrentCaller, Db, StepUpHeader
from firebrick.auth.sessions import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, session_max_age
from firebrick.auth.step_up import Purpose
from firebrick.context import Caller
from firebrick.models.auth import (
    LoginRequest,
    RefreshRequest,
    RegisterRequest,
    SessionRequest,
    StepUpRequest,
    StepUpToken,
    Tokens,
    TotpCodeRequest,
    TotpEnrollment,
)
from firebrick.models.me import Me
from firebrick.services import identity, me

router = APIRouter(prefix="/auth", tags=["auth"])


def _signed_out(caller: Caller, action: str) -> Response:
    """Revoke the caller's sessions and clear the session cookies."""
    identity.revoke_sessions(caller, action=action)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="strict")
    response.delete_cookie(CSRF_COOKIE, path="/", secure=True, samesite="strict")
    return response


@router.post("/register", status_code=201, summary="Create an account and sign in")
def register(db: Db, ctx: Ctx, body: RegisterRequest) -> Tokens:
    return identity.register(db, body.email, body.password, body.display_name, ctx=ctx)


@router.post("/login", summary="Sign in with email and password")
def login(db: Db, ctx: Ctx, body: LoginRequest) -> Tokens:
    return identity.login(db, body.email, body.password, ctx=ctx)


@router.post("/refresh", summary="Exchange a refresh token for new tokens")
def refresh(db: Db, body: RefreshRequest) -> Tokens:
    return identity.refresh(db, body.refresh_token)


@router.post("/logout", status_code=204, summary="Revoke all the caller's sessions")
def logout(caller: CurrentCaller) -> Response:
    return _signed_out(caller, "auth.logout")


@router.post("/session", status_code=204, summary="Trade a fresh ID token for a session cookie")
def create_session(db: Db, ctx: Ctx, body: SessionRequest) -> Response:
    cookie, csrf = identity.start_session(db, body.id_token, ctx=ctx)
    response = Response(status_code=204, headers={CSRF_HEADER: csrf})
    max_age = session_max_age()
    response.set_cookie(
        SESSION_COOKIE, cookie, max_age=max_age, path="/", secure=True, httponly=True, samesite="strict"
    )
    # Readable by the page's script, which echoes it in X-CSRF-Token.
    response.set_cookie(CSRF_COOKIE, csrf, max_age=max_age, path="/", secure=True, httponly=False, samesite="strict")
    return response


@router.delete("/session", status_code=204, summary="End the session and revoke")
def delete_session(caller: CurrentCaller) -> Response:
    return _signed_out(caller, "auth.session_revoked")


@router.post("/mfa/totp/enroll", summary="Start TOTP enrollment (replacing one needs step-up)")
def totp_enroll(caller: CurrentCaller, step_up_token: StepUpHeader = None) -> TotpEnrollment:
    return identity.totp_enroll(caller, step_up_token=step_up_token)


@router.post("/mfa/totp/confirm", status_code=204, summary="Confirm TOTP with a current code")
def totp_confirm(caller: CurrentCaller, body: TotpCodeRequest) -> Response:
    identity.totp_confirm(caller, body.code)
    return Response(status_code=204)


@router.post("/mfa/step-up", summary="Trade a TOTP code for a short-lived, single-use step-up token for one purpose")
def step_up(caller: CurrentCaller, body: StepUpRequest) -> StepUpToken:
    return identity.step_up(caller, body.code, Purpose(body.purpose))


# --- The caller's own account ----------------------------------------------------------

me_router = APIRouter(tags=["me"])


@me_router.get("/me", summary="The caller's profile, org roles, platform role and MFA status")
def get_me(caller: CurrentCaller) -> Me:
    return me.get_me(caller)


@me_router.delete("/me", status_code=204, summary="Delete the account (not while an org's last owner)")
def delete_me(caller: CurrentCaller, step_up_token: StepUpHeader = None) -> Response:
    me.delete_me(caller, step_up_token=step_up_token)
    return Response(status_code=204)
