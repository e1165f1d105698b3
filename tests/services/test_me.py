"""`services.me`, called directly: the caller's own account, and deleting it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from firebrick.auth.principal import Principal, PrincipalKind
from firebrick.context import Caller
from firebrick.errors import FailedPrecondition, PermissionDenied
from firebrick.policy import Role
from firebrick.services import me, orgs
from tests.support.auth import AuthUser
from tests.support.orgs import PrincipalsOrg, add_member, caller_of

if TYPE_CHECKING:
    from google.cloud.firestore import Client


def test_deleting_an_account_that_owns_an_org_its_claims_do_not_show_yet_is_refused(
    admin_db: Client, make_user: Callable[..., AuthUser]
) -> None:
    user = make_user()
    admin_db.document(f"users/{user.uid}").set({"displayName": "Founder"})
    founder = caller_of(admin_db, user)  # the token predates the org: its claims show no org
    org = orgs.create_org(founder, "Just made").resource
    assert founder.principal.claimed_org_roles == {}
    with pytest.raises(FailedPrecondition) as refused:
        me.delete_me(founder)
    assert refused.value.status == 409
    assert refused.value.extra["orgId"] == org.id
    owner = admin_db.document(f"orgs/{org.id}/members/{user.uid}").get().to_dict() or {}
    assert owner["role"] == "owner"
    assert admin_db.document(f"users/{user.uid}").get().exists


def test_deleting_an_account_removes_its_memberships_and_personal_data(
    admin_db: Client, make_user: Callable[..., AuthUser], principals_org: Callable[..., PrincipalsOrg]
) -> None:
    org = principals_org(roles=("owner",))
    user = make_user()
    add_member(admin_db, org.org_id, user.uid, "admin")
    add_member(admin_db, "org-with-two-owners", user.uid, "owner")
    add_member(admin_db, "org-with-two-owners", "co-owner", "owner")
    admin_db.document(f"users/{user.uid}").set({"displayName": "Leaving"})
    admin_db.document(f"userSecrets/{user.uid}").set({"totpEnabled": False})
    me.delete_me(caller_of(admin_db, user))
    assert not admin_db.document(f"orgs/{org.org_id}/members/{user.uid}").get().exists
    assert not admin_db.document(f"orgs/org-with-two-owners/members/{user.uid}").get().exists
    assert not admin_db.document(f"users/{user.uid}").get().exists
    assert not admin_db.document(f"userSecrets/{user.uid}").get().exists
    deleted = [
        e.to_dict() or {} for e in admin_db.collection("audit").stream() if e.get("action") == "auth.account_deleted"
    ]
    assert [(e["actorUid"], e["ip"]) for e in deleted] == [(user.uid, "127.0.0.1")]


def test_me_reports_profile_claimed_roles_and_mfa(admin_db: Client) -> None:
    admin_db.document("users/u1").set({"displayName": "Ada", "photoURL": "https://example.com/a.png"})
    admin_db.document("userSecrets/u1").set({"totpEnabled": True})
    claims = {"o": {"orgA": 4, "orgB": 1}, "admin": True}
    account = me.get_me(Caller(admin_db, Principal(uid="u1", email="ada@example.com", claims=claims)))
    assert (account.display_name, account.photo_url, account.email) == (
        "Ada",
        "https://example.com/a.png",
        "ada@example.com",
    )
    assert account.orgs == {"orgA": "owner", "orgB": "viewer"}
    assert (account.platform_role, account.mfa.totp, account.claims_overflow) == ("admin", True, False)
    assert {"displayName", "photoURL", "platformRole", "claimsOverflow"} <= set(account.model_dump(by_alias=True))


def test_service_tokens_have_no_account(admin_db: Client) -> None:
    robot = Principal(uid="svc:x", kind=PrincipalKind.service, service_org_id="o", service_role=Role.member)
    with pytest.raises(PermissionDenied):
        me.get_me(Caller(admin_db, robot))
    with pytest.raises(PermissionDenied):
        me.delete_me(Caller(admin_db, robot))
