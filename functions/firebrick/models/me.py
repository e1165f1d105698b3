"""`/v1/me`: the caller's own account as they see it."""

from __future__ import annotations

from pydantic import Field

from firebrick.models.common import ResponseModel, RoleName


class Mfa(ResponseModel):
    totp: bool


class Me(ResponseModel):
    uid: str
    email: str | None
    display_name: str | None
    photo_url: str | None = Field(alias="photoURL")
    orgs: dict[str, RoleName] = Field(description="orgId -> role, as the caller's ID token carries them")
    platform_role: str | None
    mfa: Mfa
    claims_overflow: bool = Field(description="Some org roles did not fit in the token's claims")
