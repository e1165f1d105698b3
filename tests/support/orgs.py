"""Seed an org directly in Firestore with a signed-in user of every role.

Writes the source documents (org, members, user profiles) with the admin client
and gives each user the claims the claims-sync trigger would give, so tests of
rules, API and triggers can start from a known org without going through the API.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from firebrick.auth.principal import Principal
from firebrick.context import Caller, RequestContext
from firebrick.models.refs import OrgRef
from tests.support.auth import AuthEmulator, AuthUser

if TYPE_CHECKING:
    from google.cloud.firestore import Client

#: The request context of a command called straight from a test (no HTTP request around it).
CTX = RequestContext(request_id="test", client_ip="127.0.0.1", user_agent="pytest")

ROLES = ("owner", "admin", "member", "viewer")
ROLE_NUMBERS = {"viewer": 1, "member": 2, "admin": 3, "owner": 4}


@dataclass
class SeededOrg:
    org_id: str
    name: str
    users: dict[str, AuthUser] = field(default_factory=dict)

    def __getitem__(self, role: str) -> AuthUser:
        return self.users[role]


def seed_org(
    db: Client,
    auth: AuthEmulator,
    *,
    name: str = "Acme",
    roles: tuple[str, ...] = ROLES,
    org_id: str | None = None,
    claims: bool = True,
) -> SeededOrg:
    """An org with one user per role in `roles`; `claims=False` leaves roles out of the tokens."""
    org_id = org_id or f"org{uuid.uuid4().hex[:12]}"
    now = datetime.now(UTC)
    org = SeededOrg(org_id, name)
    owner_uid: str | None = None
    for role in roles:
        display_name = f"{role.title()} of {name}"
        user = auth.create_user(
            display_name=display_name,
            claims={"o": {org_id: ROLE_NUMBERS[role]}} if claims else None,
        )
        owner_uid = owner_uid or user.uid
        db.document(f"users/{user.uid}").set({"displayName": display_name, "email": user.email, "photoURL": None})
        add_member(db, org_id, user.uid, role, display_name=display_name, joined_at=now)
        org.users[role] = user
    db.document(f"orgs/{org_id}").set({"name": name, "createdAt": now, "createdBy": owner_uid})
    return org


def add_member(
    db: Client,
    org_id: str,
    uid: str,
    role: str,
    *,
    display_name: str | None = None,
    joined_at: datetime | None = None,
) -> None:
    """A membership document as the backend writes it (`uid` repeated for collection-group queries)."""
    db.document(f"orgs/{org_id}/members/{uid}").set(
        {"uid": uid, "role": role, "displayName": display_name, "joinedAt": joined_at or datetime.now(UTC)}
    )


def caller_of(db: Client, user: AuthUser) -> Caller:
    """A seeded user calling a service directly, as its verified ID token would make it."""
    return Caller(db, Principal(uid=user.uid, email=user.email, email_verified=True, claims=dict(user.claims)), CTX)


@dataclass
class PrincipalsOrg:
    """An org whose members exist only as membership documents; `org[role]` calls services as one of them."""

    db: Client
    org_id: str
    principals: dict[str, Principal] = field(default_factory=dict)

    def __getitem__(self, role: str) -> Caller:
        return Caller(self.db, self.principals[role], CTX)

    @property
    def ref(self) -> OrgRef:
        return OrgRef(org_id=self.org_id)


def seed_principals_org(
    db: Client, *, name: str = "Acme", roles: tuple[str, ...] = ROLES, org_id: str | None = None
) -> PrincipalsOrg:
    """An org with one member per role, written straight to Firestore: no Auth users, for calling services."""
    org_id = org_id or f"org{uuid.uuid4().hex[:12]}"
    org = PrincipalsOrg(db, org_id)
    for role in roles:
        uid = f"u-{role}-{uuid.uuid4().hex[:8]}"
        display_name = f"{role.title()} of {name}"
        db.document(f"users/{uid}").set({"displayName": display_name, "email": f"{uid}@example.com"})
        add_member(db, org_id, uid, role, display_name=display_name)
        org.principals[role] = Principal(uid=uid, email=f"{uid}@example.com", email_verified=True)
    owner = org.principals["owner"].uid if "owner" in roles else None
    db.document(f"orgs/{org_id}").set({"name": name, "createdAt": datetime.now(UTC), "createdBy": owner})
    return org
