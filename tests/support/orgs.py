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

from tests.support.auth import AuthEmulator, AuthUser

if TYPE_CHECKING:
    from google.cloud.firestore import Client

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
