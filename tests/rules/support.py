"""Shared setup for the rules tests: an org with every kind of caller, through firebrick-testing.

Callers present unsigned tokens with exactly the claims a test names
(`RulesTestEnv.authenticated`), so a test can say "this user's org is only in the
membership document" without waiting for the claims sync. Membership documents
are written as the backend writes them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from firebrick_testing import RulesContext, RulesTestEnv
from tests.support.orgs import ROLE_NUMBERS, add_member

if TYPE_CHECKING:
    from google.cloud.firestore import Client

ROOT = Path(__file__).resolve().parents[2]
ORG = "org-rules"
OTHER_ORG = "org-elsewhere"

#: Every caller the rules must tell apart. `overflow_member` holds `member` in ORG,
#: but their claims overflowed (`ox`) so ORG is only in the membership document.
CALLERS = (
    "owner",
    "admin",
    "member",
    "viewer",
    "overflow_member",
    "outsider",
    "platform_admin",
    "anonymous",
)


def caller_claims(caller: str) -> dict[str, Any] | None:
    if caller in ROLE_NUMBERS:
        return {"o": {ORG: ROLE_NUMBERS[caller]}}
    return {
        "overflow_member": {"o": {OTHER_ORG: 4}, "ox": True},
        "outsider": {"o": {OTHER_ORG: 4}},
        "platform_admin": {"admin": True},
        "anonymous": None,
    }[caller]


def uid_of(caller: str) -> str:
    return f"uid-{caller}"


@dataclass
class RulesWorld:
    env: RulesTestEnv

    def client(self, caller: str, claims: dict[str, Any] | None = None) -> RulesContext:
        """Firestore as `caller`, with its standard claims unless `claims` are given."""
        if caller == "anonymous":
            return self.env.unauthenticated()
        claims = claims if claims is not None else caller_claims(caller)
        return self.env.authenticated(
            uid_of(caller), **(claims or {}), email=f"{caller}@example.com", email_verified=True
        )


def seed_rules_world(db: Client) -> None:
    """ORG with its memberships and one document in every collection of the spec."""
    db.document(f"orgs/{ORG}").set({"name": "Rules Inc", "createdBy": uid_of("owner")})
    for role in ROLE_NUMBERS:
        add_member(db, ORG, uid_of(role), role)
    add_member(db, ORG, uid_of("overflow_member"), "member")
    db.document(f"orgs/{OTHER_ORG}").set({"name": "Elsewhere"})
    add_member(db, OTHER_ORG, uid_of("outsider"), "owner")
    add_member(db, OTHER_ORG, uid_of("overflow_member"), "owner")
    db.document(f"orgs/{ORG}/invites/inv1").set({"email": "x@example.com", "role": "member", "status": "pending"})
    db.document(f"orgs/{ORG}/projects/p1").set({"name": "P", "description": "", "archived": False})
    db.document(f"orgs/{ORG}/projects/p1/tasks/t1").set({"title": "T", "status": "todo"})
    db.document(f"orgs/{ORG}/projects/p1/tasks/t1/comments/c1").set({"body": "hi", "authorUid": uid_of("member")})
    db.document(f"orgs/{ORG}/activity/e1").set({"what": "task.created"})
    db.document(f"orgs/{ORG}/audit/a1").set({"action": "member.role_changed"})
    db.document("audit/a1").set({"action": "auth.sign_in"})
    db.document("config/rules").set({"note": "server only"})
    # Server-only state of the other features (paths as on their branches): no client access.
    db.document(f"orgs/{ORG}/tokens/tk1").set({"name": "ci", "role": "member", "keyHash": "x"})
    db.document(f"userSecrets/{uid_of('member')}").set({"totpSecret": "server-only"})
    db.document("rateLimits/login-x").set({"count": 1})
    db.document("idempotency/key-x").set({"response": {}})
    db.document("_events/claims_sync-x").set({"done": True})
    for caller in (*ROLE_NUMBERS, "outsider", "platform_admin", "overflow_member", "stranger"):
        db.document(f"users/{uid_of(caller)}").set(
            {"displayName": caller, "photoURL": None, "email": f"{caller}@example.com", "orgs": {}}
        )


def rules_source(*, strict: bool) -> str:
    from scripts.lib.rules_variant import strict_rules

    source = (ROOT / "firestore.rules").read_text()
    return strict_rules(source) if strict else source


@contextmanager
def strict_mode(env: RulesTestEnv) -> Iterator[None]:
    """Run the block under the strict rules variant, then restore the default rules.

    Loading through the session's env keeps the rule-coverage counts of both variants.
    """
    env.load_rules_source(rules_source(strict=True), name="firestore.rules")
    try:
        yield
    finally:
        env.load_rules_source(rules_source(strict=False), name="firestore.rules")
