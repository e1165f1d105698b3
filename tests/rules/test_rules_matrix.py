"""firestore.rules: every caller x every collection x get/list/create/update/delete.

Acting as real users through the Firestore emulator's REST API (rules enforced).
The expected answer comes from one table of who may read what; no client may
write anything but its own profile (tested in test_profile_rules.py). The table's
rows must cover every `match` path of firestore.rules, so a new collection cannot
ship without its row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

from firebrick_testing import assert_allowed, assert_denied, documents, outcome
from tests.rules.support import CALLERS, ORG, ROOT, RulesWorld

if TYPE_CHECKING:
    from google.cloud.firestore import Client

OPS = ("get", "list", "create", "update", "delete")
VIEWER_UP = frozenset({"owner", "admin", "member", "viewer", "overflow_member"})
ADMIN_UP = frozenset({"owner", "admin"})
SUPPORT = frozenset({"platform_admin"})
NOBODY: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Target:
    name: str
    collection: str  # listed and created in
    document: str  # an existing document: read, updated, deleted
    readers: frozenset[str]
    listers: frozenset[str] | None = None  # when listing differs from reading

    def expected(self) -> dict[tuple[str, str], str]:
        listers = self.readers if self.listers is None else self.listers
        allowed = {"get": self.readers, "list": listers, "create": NOBODY, "update": NOBODY, "delete": NOBODY}
        return {(caller, op): "allowed" if caller in allowed[op] else "denied" for caller in CALLERS for op in OPS}


P = f"orgs/{ORG}/projects/p1"
TARGETS = [
    Target("org", "orgs", f"orgs/{ORG}", VIEWER_UP | SUPPORT, listers=SUPPORT),
    Target("members", f"orgs/{ORG}/members", f"orgs/{ORG}/members/uid-owner", VIEWER_UP | SUPPORT),
    Target("invites", f"orgs/{ORG}/invites", f"orgs/{ORG}/invites/inv1", ADMIN_UP),
    Target("projects", f"orgs/{ORG}/projects", P, VIEWER_UP | SUPPORT),
    Target("tasks", f"{P}/tasks", f"{P}/tasks/t1", VIEWER_UP | SUPPORT),
    Target("comments", f"{P}/tasks/t1/comments", f"{P}/tasks/t1/comments/c1", VIEWER_UP | SUPPORT),
    Target("activity", f"orgs/{ORG}/activity", f"orgs/{ORG}/activity/e1", VIEWER_UP | SUPPORT),
    Target("org_audit", f"orgs/{ORG}/audit", f"orgs/{ORG}/audit/a1", ADMIN_UP | SUPPORT),
    Target("platform_audit", "audit", "audit/a1", NOBODY),
    Target("config", "config", "config/rules", NOBODY),
    Target("someone_elses_profile", "users", "users/uid-stranger", NOBODY),
    Target("service_tokens", f"orgs/{ORG}/tokens", f"orgs/{ORG}/tokens/tk1", NOBODY),
    Target("own_mfa_secret", "userSecrets", "userSecrets/uid-member", NOBODY),
    Target("rate_limits", "rateLimits", "rateLimits/login-x", NOBODY),
    Target("idempotency_ledger", "idempotency", "idempotency/key-x", NOBODY),
    Target("trigger_ledger", "_events", "_events/claims_sync-x", NOBODY),
]


def rules_match_paths(source: str) -> list[str]:
    """Every document path pattern that `firestore.rules` matches, nested `match` blocks joined."""
    stack: list[tuple[int, str]] = []  # (brace depth at which the block opened, its full path)
    found: list[str] = []
    depth = 0
    for line in source.splitlines():
        code = line.split("//", 1)[0]
        match = re.search(r"\bmatch\s+(\S+)\s*\{", code)
        if match:
            parent = stack[-1][1] if stack else ""
            path = parent + match.group(1)
            stack.append((depth, path))
            found.append(path)
        depth += code.count("{") - code.count("}")
        while stack and depth <= stack[-1][0]:
            stack.pop()
    prefix = "/databases/{database}/documents"
    return [p.removeprefix(prefix) for p in found if p.startswith(prefix) and p != prefix]


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """`/orgs/{orgId}/members/{uid}` -> a regex for concrete document paths (`{x=**}` spans segments)."""
    parts = []
    for segment in pattern.strip("/").split("/"):
        if re.fullmatch(r"\{\w+=\*\*\}", segment):
            parts.append(".+")
        elif re.fullmatch(r"\{\w+\}", segment):
            parts.append("[^/]+")
        else:
            parts.append(re.escape(segment))
    return re.compile("^" + "/".join(parts) + "$")


def test_every_collection_the_rules_match_has_a_row() -> None:
    patterns = rules_match_paths((ROOT / "firestore.rules").read_text())
    assert "/orgs/{orgId}/projects/{projectId}/tasks/{taskId}" in patterns  # the parser sees nested blocks
    uncovered = [p for p in patterns if not any(pattern_regex(p).match(t.document) for t in TARGETS)]
    assert uncovered == [], "collections matched by firestore.rules without a row in TARGETS"


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.name)
def test_collection_answers_each_caller_as_the_roles_table_says(
    target: Target, world: RulesWorld, admin_db: Client
) -> None:
    got: dict[tuple[str, str], str] = {}
    for caller in CALLERS:
        client = world.client(caller)
        got[(caller, "get")] = outcome(client.get(target.document))
        got[(caller, "list")] = outcome(client.list(target.collection))
        got[(caller, "create")] = outcome(client.create(f"{target.collection}/new-{caller}", {"name": "x"}))
        got[(caller, "update")] = outcome(client.update(target.document, {"name": "hacked"}))
        got[(caller, "delete")] = outcome(client.delete(target.document))
    mismatches = {key: (got[key], want) for key, want in target.expected().items() if got[key] != want}
    assert mismatches == {}, "(caller, op): (got, expected)"
    # Nothing a client attempted reached the database.
    snapshot = admin_db.document(target.document).get()
    assert snapshot.exists
    assert (snapshot.to_dict() or {}).get("name") != "hacked"
    assert not any(snap.id.startswith("new-") for snap in admin_db.collection(target.collection).stream())


def test_overflow_member_reads_through_the_membership_document(world: RulesWorld) -> None:
    """Claims over capacity: the org is not in `o`, the rules fall back to the membership doc."""
    overflow = world.client("overflow_member")
    assert_allowed(overflow.get(f"orgs/{ORG}/projects/p1"))
    assert_denied(overflow.get(f"orgs/{ORG}/invites/inv1"))  # member, not admin


def test_member_lists_own_memberships_across_orgs_only(world: RulesWorld) -> None:
    member = world.client("overflow_member")
    mine = assert_allowed(member.query("members", {"uid": "uid-overflow_member"}, collection_group=True))
    orgs = sorted(name.split("/")[-3] for name in documents(mine))
    assert orgs == ["org-elsewhere", ORG]
    assert_denied(member.query("members", {"uid": "uid-owner"}, collection_group=True))


def test_claims_for_a_role_the_membership_doc_lacks_are_still_bounded_by_the_claim(world: RulesWorld) -> None:
    """A viewer's token never reads admin data, whatever the fallback would say."""
    viewer = world.client("viewer")
    assert_denied(viewer.get(f"orgs/{ORG}/audit/a1"))
    assert_denied(viewer.get(f"orgs/{ORG}/invites/inv1"))
