"""Operator commands (services/admin.py, services/org_data.py) against the emulators.

The API runs in this process (`api_in_process`, the same app as the `api`
function), so an operator command run here reaches its verifier: revoking and
disabling take effect on the very next request. Other instances follow within
REVOCATION_CACHE_SECONDS (auth/tokens.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from firebrick.auth.principal import Principal
from firebrick.context import Caller
from firebrick.errors import NotFound, PermissionDenied
from firebrick.models.refs import OrgRef
from firebrick.services import admin, org_data
from tests.support.auth import AuthEmulator, AuthUser
from tests.support.orgs import CTX, SeededOrg

if TYPE_CHECKING:
    from google.cloud.firestore import Client


@pytest.fixture
def operator(admin_db: Client) -> Caller:
    return admin.operator_caller(admin_db, "test-operator", tool="pytest")


def audit_actions(db: Client) -> list[str]:
    entries = [snap.to_dict() or {} for snap in db.collection("audit").stream()]
    return sorted(str(e["action"]) for e in entries if str(e.get("actorUid")).startswith("operator:"))


def test_revoke_admin_ends_support_reads_at_once(
    local_api: httpx.Client,
    operator: Caller,
    admin_db: Client,
    make_org: Callable[..., SeededOrg],
    make_user: Callable[..., AuthUser],
) -> None:
    org = make_org(roles=("owner",))
    support = make_user(claims={"admin": True})
    assert local_api.get(f"/v1/orgs/{org.org_id}", headers=support.headers).status_code == 200

    claims = admin.set_platform_admin(operator, support.uid, granted=False)
    assert "admin" not in claims
    # The token still carries `admin: true`, but it was issued before the revocation.
    assert local_api.get(f"/v1/orgs/{org.org_id}", headers=support.headers).status_code == 401
    shown = admin.describe_user(operator, support.uid)
    assert shown["platformAdmin"] is False
    assert shown["tokensValidAfter"] is not None
    assert audit_actions(admin_db) == ["platform_admin.revoked"]


def test_disable_refuses_the_users_next_request(
    local_api: httpx.Client,
    operator: Caller,
    admin_db: Client,
    make_user: Callable[..., AuthUser],
    auth_emulator: AuthEmulator,
) -> None:
    user = make_user(sign_in=True)
    assert local_api.get("/v1/me", headers=user.headers).status_code == 200  # its state is now cached here

    admin.set_disabled(operator, user.uid, disabled=True)
    assert local_api.get("/v1/me", headers=user.headers).status_code == 401
    assert auth_emulator.sign_in(user.email, user.password).status_code == 400  # USER_DISABLED
    assert admin.describe_user(operator, user.uid)["disabled"] is True

    admin.set_disabled(operator, user.uid, disabled=False)
    # Disabling revoked the sessions: the old token stays refused, a new sign-in works.
    assert local_api.get("/v1/me", headers=user.headers).status_code == 401
    assert local_api.get("/v1/me", headers=user.sign_in().headers).status_code == 200
    assert audit_actions(admin_db) == ["auth.user_disabled", "auth.user_enabled"]


def test_revoke_sessions_refuses_the_current_token_and_the_refresh_token(
    local_api: httpx.Client, operator: Caller, make_user: Callable[..., AuthUser]
) -> None:
    user = make_user(sign_in=True)
    assert local_api.get("/v1/me", headers=user.headers).status_code == 200
    admin.revoke_sessions(operator, user.uid)
    assert local_api.get("/v1/me", headers=user.headers).status_code == 401
    refreshed = local_api.post("/v1/auth/refresh", json={"refreshToken": user.refresh_token})
    assert refreshed.status_code == 401


def seed_tree(db: Client, org_id: str) -> None:
    """Project, task, comment, and a comment whose task document is gone (still the org's data)."""
    at = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    project = db.document(f"orgs/{org_id}/projects/p1")
    project.set({"name": "Launch", "createdAt": at, "owner": db.document(f"orgs/{org_id}")})
    project.collection("tasks").document("t1").set({"title": "Ship", "blob": b"\x00\x01"})
    project.collection("tasks").document("t1").collection("comments").document("c1").set({"body": "ok"})
    project.collection("tasks").document("gone").collection("comments").document("c2").set({"body": "orphan"})


def test_export_returns_every_document_of_the_org_and_nothing_else(
    operator: Caller, admin_db: Client, make_org: Callable[..., SeededOrg]
) -> None:
    org, other = make_org(roles=("owner", "member")), make_org(roles=("owner",))
    seed_tree(admin_db, org.org_id)
    seed_tree(admin_db, other.org_id)

    exported = org_data.export_org(operator, OrgRef(org_id=org.org_id))
    base = f"orgs/{org.org_id}"
    assert set(exported["documents"]) == {
        base,
        f"{base}/members/{org['owner'].uid}",
        f"{base}/members/{org['member'].uid}",
        f"{base}/projects/p1",
        f"{base}/projects/p1/tasks/t1",
        f"{base}/projects/p1/tasks/t1/comments/c1",
        f"{base}/projects/p1/tasks/gone/comments/c2",
    }
    assert exported["count"] == 7
    project: dict[str, Any] = exported["documents"][f"{base}/projects/p1"]
    assert project == {"name": "Launch", "createdAt": "2026-05-01T12:00:00+00:00", "owner": base}
    assert exported["documents"][f"{base}/projects/p1/tasks/t1"]["blob"] == "AAE="
    assert audit_actions(admin_db) == ["org.exported"]
    with pytest.raises(NotFound):
        org_data.export_org(operator, OrgRef(org_id="no-such-org"))


def test_delete_org_data_removes_the_subtree_and_the_members_claims(
    operator: Caller, admin_db: Client, make_org: Callable[..., SeededOrg], auth_emulator: AuthEmulator
) -> None:
    from firebase_admin import auth

    from firebrick.clients import firebase_app

    org, other = make_org(roles=("owner", "member")), make_org(roles=("owner",))
    seed_tree(admin_db, org.org_id)
    seed_tree(admin_db, other.org_id)
    member = org["member"]
    admin_db.document(f"users/{member.uid}").set({"orgs": {org.org_id: {"role": "member", "name": "Acme"}}}, merge=True)

    deleted = org_data.delete_org_data(operator, OrgRef(org_id=org.org_id))
    assert deleted == {"org": f"orgs/{org.org_id}", "name": "Acme", "documents": 7, "members": 2}
    assert list(admin_db.document(f"orgs/{org.org_id}").collections()) == []
    assert not admin_db.document(f"orgs/{org.org_id}").get().exists
    assert admin_db.document(f"orgs/{other.org_id}/projects/p1").get().exists
    assert not auth.get_user(member.uid, app=firebase_app()).custom_claims
    assert (admin_db.document(f"users/{member.uid}").get().to_dict() or {}).get("orgs") == {}
    assert audit_actions(admin_db) == ["org.data_deleted"]


def test_operator_commands_refuse_any_other_caller(admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    org = make_org(roles=("owner",))
    owner = Caller(admin_db, Principal(uid=org["owner"].uid), CTX)
    with pytest.raises(PermissionDenied):
        org_data.export_org(owner, OrgRef(org_id=org.org_id))
    with pytest.raises(PermissionDenied):
        admin.set_disabled(owner, org["owner"].uid, disabled=True)


def test_sync_claims_and_reconcile_are_audited_when_they_act(
    operator: Caller, admin_db: Client, make_org: Callable[..., SeededOrg], auth_emulator: AuthEmulator
) -> None:
    org = make_org(roles=("owner",), claims=False)
    uid = org["owner"].uid
    assert admin.sync_claims(operator, uid) is True
    assert admin.sync_claims(operator, uid) is False  # nothing left to repair: not audited again
    report = admin.reconcile_derived(operator, org.org_id)
    assert report["scope"] == f"orgs/{org.org_id}"
    assert audit_actions(admin_db) == ["claims.synced", "derived.reconciled"]
