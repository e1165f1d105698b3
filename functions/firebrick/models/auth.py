"""Accounts and sessions: what a client may send to `/v1/auth/...`, and what it gets back."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from firebrick.auth.passwords import MAX_LENGTH, MIN_LENGTH, common_passwords
from firebrick.models.common import Email, Name, RequestModel, ResponseModel

#: Bounded, never trimmed (a password's spaces are part of it).
Password = Annotated[str, StringConstraints(min_length=1, max_length=1024)]


def _not_common(schema: dict[str, Any]) -> None:
    """Document the bundled list of common passwords as values the policy refuses (read when the schema is built)."""
    schema["not"] = {"enum": sorted(p for p in common_passwords() if MIN_LENGTH <= len(p) <= MAX_LENGTH)}


#: A new password within the policy's bounds; the service also refuses the email itself, and common ones in any case.
NewPassword = Annotated[
    str, StringConstraints(min_length=MIN_LENGTH, max_length=MAX_LENGTH), Field(json_schema_extra=_not_common)
]
#: An opaque credential (ID token, refresh token).
Credential = Annotated[str, StringConstraints(min_length=1, max_length=8192)]
TotpCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")]
#: What a step-up token may unlock (`auth.step_up.Purpose`).
StepUpPurpose = Literal["delete_org", "grant_owner", "create_service_token", "delete_account", "replace_totp"]


class RegisterRequest(RequestModel):
    email: Email
    password: NewPassword = Field(description="Not a common password, and not the email address")
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


class StepUpRequest(RequestModel):
    code: TotpCode
    purpose: StepUpPurpose = Field(description="The one sensitive action the step-up token will unlock (once)")


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
