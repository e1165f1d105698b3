"""Accounts and sessions: what a client may send to `/v1/auth/...`, and what it gets back."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from firebrick.models.common import Email, Name, RequestModel, ResponseModel

#: Bounded, never trimmed (a password's spaces are part of it); the policy is checked by the service.
Password = Annotated[str, StringConstraints(min_length=1, max_length=1024)]
#: An opaque credential (ID token, refresh token).
Credential = Annotated[str, StringConstraints(min_length=1, max_length=8192)]
TotpCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")]


class RegisterRequest(RequestModel):
    email: Email
    password: Password
    display_name: Name


class LoginRequest(RequestModel):
    email: Email
    password: Password


class RefreshRequest(RequestModel):
    refresh_token: Credential


class SessionRequest(RequestModel):
    id_token: Credential


class TotpCodeRequest(RequestModel):
    code: TotpCode


class Tokens(ResponseModel):
    uid: str
    id_token: str
    refresh_token: str
    expires_in: int = Field(description="ID token lifetime in seconds")


class TotpEnrollment(ResponseModel):
    secret: str
    otpauth_uri: str


class StepUpToken(ResponseModel):
    step_up_token: str
    expires_in: int = Field(description="Lifetime in seconds")
