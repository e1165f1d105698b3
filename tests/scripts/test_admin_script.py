"""scripts/admin against the emulators: each subcommand's wiring, its output, its audit entry, its refusals.

What each command does is tested on the services (tests/services/test_admin.py);
here the CLI runs as an operator runs it, in a process of its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from tests.support.auth import AuthEmulator, AuthUser
from tests.support.orgs import SeededOrg

if TYPE_CHECKING:
    from google.cloud.firestore import Client

ADMIN = Path(__file__).resolve().parents[2] / "scripts" / "admin"


def admin(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(ADMIN), *args]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120, env=env)


def run_admin(*args: str) -> Any:
    done = admin(*args)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout) if done.stdout.lstrip().startswith("{") else done.stdout


def operator_actions(db: Client) -> list[str]:
    entries = [snap.to_dict() or {} for snap in db.collection("audit").stream()]
    return sorted(str(e["action"]) for e in entries if str(e.get("actorUid")).startswith("operator:"))


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
    after = run_admin("show", user.uid)["tokensValidAfter"]
    assert after is not None
    assert after != shown["tokensValidAfter"]  # the sessions went with the claim
    assert operator_actions(admin_db) == ["platform_admin.granted", "platform_admin.revoked"]


def test_disable_refuses_the_users_next_request(
    api: httpx.Client, admin_db: Client, make_user: Callable[..., AuthUser], auth_emulator: AuthEmulator
) -> None:
    user = make_user(sign_in=True)
    assert run_admin("disable", user.email)["disabled"] is True
    # Through the `api` function: no instance holds this user's state, so it asks Auth and refuses.
    assert api.get("/v1/me", headers=user.headers).status_code == 401
    assert auth_emulator.sign_in(user.email, user.password).status_code == 400
    assert run_admin("enable", user.uid)["disabled"] is False
    assert auth_emulator.sign_in(user.email, user.password).status_code == 200
    assert operator_actions(admin_db) == ["auth.user_disabled", "auth.user_enabled"]


def test_revoke_sessions_and_sync_claims(admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    org = make_org(roles=("owner",), claims=False)
    owner = org["owner"]
    before = run_admin("show", owner.uid)["tokensValidAfter"]
    assert run_admin("revoke-sessions", owner.uid)["tokensValidAfter"] not in (None, before)
    synced = run_admin("sync-claims", owner.email)
    assert synced["changed"] is True
    assert synced["claims"] == {"o": {org.org_id: 4}}
    assert operator_actions(admin_db) == ["auth.sessions_revoked", "claims.synced"]


def test_export_returns_the_orgs_documents(
    admin_db: Client, make_org: Callable[..., SeededOrg], tmp_path: Path
) -> None:
    org = make_org(roles=("owner", "viewer"))
    admin_db.document(f"orgs/{org.org_id}/projects/p1/tasks/t1").set({"title": "Ship"})
    exported = run_admin("export", org.org_id)
    assert set(exported["documents"]) == {
        f"orgs/{org.org_id}",
        f"orgs/{org.org_id}/members/{org['owner'].uid}",
        f"orgs/{org.org_id}/members/{org['viewer'].uid}",
        f"orgs/{org.org_id}/projects/p1/tasks/t1",
    }
    assert exported["documents"][f"orgs/{org.org_id}"]["name"] == "Acme"
    written = run_admin("export", org.org_id, "-o", str(tmp_path / "org.json"))
    assert written["count"] == 4
    assert json.loads((tmp_path / "org.json").read_text())["count"] == 4
    missing = admin("export", "no-such-org")
    assert missing.returncode == 1
    assert "Nothing stored under orgs/no-such-org" in missing.stderr


def test_delete_org_data_needs_yes(admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    org = make_org(roles=("owner",))
    refused = admin("delete-org-data", org.org_id)
    assert refused.returncode == 2
    assert "add --yes" in refused.stderr
    assert admin_db.document(f"orgs/{org.org_id}").get().exists
    assert run_admin("delete-org-data", org.org_id, "--yes")["documents"] == 2
    assert not admin_db.document(f"orgs/{org.org_id}").get().exists
    assert operator_actions(admin_db) == ["org.data_deleted"]


def test_reconcile_reports_and_is_audited(admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    org = make_org(roles=("owner",))
    report = run_admin("reconcile", "--org", org.org_id)
    assert report["scope"] == f"orgs/{org.org_id}"
    assert report["checked"]["orgs"] == 1
    assert operator_actions(admin_db) == ["derived.reconciled"]


def test_harden_auth_against_the_auth_emulator(admin_db: Client, auth_config: str) -> None:
    planned = run_admin("harden-auth", "--dry-run")
    assert planned["dryRun"] is True
    applied = run_admin("harden-auth")
    assert "emailPrivacyConfig.enableImprovedEmailPrivacy" in applied["changed"]
    assert run_admin("harden-auth")["changed"] == []
    assert operator_actions(admin_db) == ["platform.auth_hardened"]


def test_a_real_project_only_with_project_and_never_a_demo_one() -> None:
    demo = admin("--project", "demo-other", "show", "someone")
    assert demo.returncode == 2
    assert "demo-other is a demo project" in demo.stderr
    # This shell points at the emulators: acting on a real project from it is refused, naming why.
    real = admin("show", "someone", "--project", "acme-prod")
    assert real.returncode == 2
    assert "emulator variables are set" in real.stderr
    no_emulators = {k: v for k, v in os.environ.items() if "EMULATOR" not in k and k != "GCLOUD_PROJECT"}
    lost = admin("show", "someone", env={**no_emulators, "FIREBRICK_PORT_OFFSET": "3"})
    assert lost.returncode == 2
    assert "start scripts/dev, or pass --project P" in lost.stderr


def test_strict_rules_variant_differs_only_in_the_switch() -> None:
    strict = run_admin("strict-rules")
    source = (ADMIN.parents[1] / "firestore.rules").read_text()
    assert "function strictMembership() { return true; }" in strict
    assert strict.replace("return true; } // firebrick:strict", "return false; } // firebrick:strict") == source
