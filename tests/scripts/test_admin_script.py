"""scripts/admin against the emulators: platform admin grant/revoke, show, strict rules."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.support.auth import AuthUser
from tests.support.orgs import SeededOrg

if TYPE_CHECKING:
    from google.cloud.firestore import Client

ADMIN = Path(__file__).resolve().parents[2] / "scripts" / "admin"


def run_admin(*args: str) -> Any:
    command = [sys.executable, str(ADMIN), *args]
    done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=120)
    return json.loads(done.stdout) if done.stdout.lstrip().startswith("{") else done.stdout


def test_grant_and_revoke_platform_admin_keeps_org_claims(admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    org = make_org()
    user: AuthUser = org["member"]
    granted = run_admin("grant-admin", user.email)
    assert granted["claims"] == {"admin": True, "o": {org.org_id: 2}}
    shown = run_admin("show", user.uid)
    assert shown["platformAdmin"] is True
    assert shown["memberships"] == {org.org_id: "member"}
    assert shown["claimsBytes"] < 1000
    revoked = run_admin("revoke-admin", user.uid)
    assert revoked["claims"] == {"o": {org.org_id: 2}}
    # The top-level log also holds the seeded users' sign-ins (`auth.sign_in`, blocking function).
    actions = sorted(str(s.get("action")) for s in admin_db.collection("audit").stream())
    assert [a for a in actions if not a.startswith("auth.")] == ["platform_admin.granted", "platform_admin.revoked"]


def test_strict_rules_variant_differs_only_in_the_switch() -> None:
    strict = run_admin("strict-rules")
    source = (ADMIN.parents[1] / "firestore.rules").read_text()
    assert "function strictMembership() { return true; }" in strict
    assert strict.replace("return true; } // firebrick:strict", "return false; } // firebrick:strict") == source
