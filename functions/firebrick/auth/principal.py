"""The authenticated caller, whatever credential they presented."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from firebrick.auth.claims import is_platform_admin, org_roles_from_claims
from firebrick.policy import Role


class PrincipalKind(StrEnum):
    user = "user"  # a Firebase Auth user (ID token or session cookie)
    service = "service"  # a service token bound to one org
    operator = "operator"  # a person running scripts/admin with the project's credentials; never from a request


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling. Built only from a verified credential."""

    uid: str
    kind: PrincipalKind = PrincipalKind.user
    email: str | None = None
    email_verified: bool = False
    claims: Mapping[str, Any] = field(default_factory=dict)
    #: Service tokens only: the one org they are valid for, and their role there.
    service_org_id: str | None = None
    service_role: Role | None = None

    @property
    def platform_admin(self) -> bool:
        return self.kind == PrincipalKind.user and is_platform_admin(self.claims)

    @property
    def claimed_org_roles(self) -> dict[str, Role]:
        """Org roles as carried by the token's claims (may be stale or incomplete)."""
        return org_roles_from_claims(self.claims)
