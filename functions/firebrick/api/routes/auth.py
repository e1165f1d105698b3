"""`/v1/auth/...`: register, login, refresh, logout, session cookies, TOTP and step-up.

Thin adapter: parse (strict pydantic), identify, call `services.identity`,
shape the response. Handlers are sync: FastAPI runs them in a worker thread,
which the blocking Firebase clients need anyway.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from firebrick.api.deps import CurrentPrincipal
from firebrick.api.request_meta import StepUpHeader, request_meta
from firebrick.auth.identity_toolkit import TokenSet
from firebrick.auth.sessions import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, session_max_age
from firebrick.clients import firestore_client
from firebrick.services import identity

router = APIRouter(prefix="/auth", tags=["auth"])

Email = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=254)]
Password = Annotated[str, StringConstraints(min_length=1, max_length=1024)]
Token = Annotated[str, StringConstraints(min_length=1, max_length=8192)]
TotpCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class RegisterBody(_Strict):
    email: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=254, pattern=identity.EMAIL_PATTERN.pattern)
    ]
    password: Password
    displayName: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]  # noqa: N815


class LoginBody(_Strict):
    email: Email
    password: Password


class RefreshBody(_Strict):
    refreshToken: Token  # noqa: N815


class SessionBody(_Strict):
    idToken: Token  # noqa: N815


class CodeBody(_Strict):
    code: TotpCode


class Tokens(BaseModel):
    uid: str
    idToken: str  # noqa: N815
    refreshToken: str  # noqa: N815
    expiresIn: int = Field(description="ID token lifetime in seconds")  # noqa: N815


class TotpEnrollment(BaseModel):
    secret: str
    otpauthUri: str  # noqa: N815


class StepUpToken(BaseModel):
    stepUpToken: str  # noqa: N815
    expiresIn: int  # noqa: N815


def _tokens(t: TokenSet) -> Tokens:
    return Tokens(uid=t.uid, idToken=t.id_token, refreshToken=t.refresh_token, expiresIn=t.expires_in)


def _clear_session_cookies(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="strict")
    response.delete_cookie(CSRF_COOKIE, path="/", secure=True, samesite="strict")


@router.post("/register", status_code=201, summary="Create an account and sign in")
def register(body: RegisterBody, request: Request) -> Tokens:
    tokens = identity.register(firestore_client(), body.email, body.password, body.displayName, request_meta(request))
    return _tokens(tokens)


@router.post("/login", summary="Sign in with email and password")
def login(body: LoginBody, request: Request) -> Tokens:
    return _tokens(identity.login(firestore_client(), body.email, body.password, request_meta(request)))


@router.post("/refresh", summary="Exchange a refresh token for new tokens")
def refresh(body: RefreshBody) -> Tokens:
    return _tokens(identity.refresh(body.refreshToken))


@router.post("/logout", status_code=204, summary="Revoke all of the caller's sessions and refresh tokens")
def logout(principal: CurrentPrincipal, request: Request) -> Response:
    identity.revoke_sessions(firestore_client(), principal, request_meta(request))
    response = Response(status_code=204)
    _clear_session_cookies(response)
    return response


@router.post("/session", status_code=204, summary="Exchange a fresh ID token for a session cookie")
def create_session(body: SessionBody, request: Request) -> Response:
    cookie, csrf = identity.start_session(firestore_client(), body.idToken, request_meta(request))
    response = Response(status_code=204, headers={CSRF_HEADER: csrf})
    max_age = session_max_age()
    response.set_cookie(
        SESSION_COOKIE, cookie, max_age=max_age, path="/", secure=True, httponly=True, samesite="strict"
    )
    # Readable by the page's script, which echoes it in X-CSRF-Token.
    response.set_cookie(CSRF_COOKIE, csrf, max_age=max_age, path="/", secure=True, httponly=False, samesite="strict")
    return response


@router.delete("/session", status_code=204, summary="End the session: clear the cookie and revoke")
def delete_session(principal: CurrentPrincipal, request: Request) -> Response:
    identity.revoke_sessions(firestore_client(), principal, request_meta(request), action="auth.session_revoked")
    response = Response(status_code=204)
    _clear_session_cookies(response)
    return response


@router.post("/mfa/totp/enroll", summary="Start TOTP enrollment (step-up needed to replace an active one)")
def totp_enroll(principal: CurrentPrincipal, request: Request, step_up: StepUpHeader = None) -> TotpEnrollment:
    enrollment = identity.totp_enroll(
        firestore_client(), principal, step_up, request_meta(request)
    )
    return TotpEnrollment(secret=enrollment.secret, otpauthUri=enrollment.otpauth_uri)


@router.post("/mfa/totp/confirm", status_code=204, summary="Confirm TOTP enrollment with a current code")
def totp_confirm(body: CodeBody, principal: CurrentPrincipal, request: Request) -> Response:
    identity.totp_confirm(firestore_client(), principal, body.code, request_meta(request))
    return Response(status_code=204)


@router.post("/mfa/step-up", summary="Trade a TOTP code for a short-lived step-up token")
def step_up(body: CodeBody, principal: CurrentPrincipal, request: Request) -> StepUpToken:
    token, ttl = identity.step_up(firestore_client(), principal, body.code, request_meta(request))
    return StepUpToken(stepUpToken=token, expiresIn=ttl)
