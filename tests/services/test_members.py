"""`services.members`, called directly: the one module for memberships and the last-owner rule."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from firebrick.auth.principal import Principal
from firebrick.context import Caller
from firebrick.errors import FailedPrecondition, NotFound, PermissionDenied
from firebrick.models.refs import OrgRef
from firebrick.policy import Role
from firebrick.services import members
from tests.support.orgs import PrincipalsOrg, add_member

if TYPE_CHECKING:
    from google.cloud.firestore import Client


def role_in(org: PrincipalsOrg, uid: str) -> str | None:
    snapshot = org.db.document(f"orgs/{org.org_id}/members/{uid}").get()
    return (snapshot.to_dict() or {}).get("role") if snapshot.exists else None


def test_memberships_of_a_user_span_orgs(admin_db: Client) -> None:
    add_member(admin_db, "orgA", "u1", "owner")
    add_member(admin_db, "orgB", "u1", "viewer")
    add_member(admin_db, "orgB", "u2", "admin")
    admin_db.document("orgs/orgC/members/u1").set({"uid": "u1", "role": "emperor"})
    assert members.memberships_of(admin_db, "u1") == {"orgA": Role.owner, "orgB": Role.viewer, "orgC": None}


def test_listing_members_is_for_members_and_support(principals_org: Callable[..., PrincipalsOrg]) -> None:
    org = principals_org()
    assert sorted(m.role for m in members.list_members(org["viewer"], org.ref).items) == [
        "admin",
        "member",
        "owner",
        "viewer",
    ]
    support = Caller(org.db, Principal(uid="support", claims={"admin": True}))
    assert len(members.list_members(support, org.ref).items) == 4
    with pytest.raises(NotFound):
        members.list_members(Caller(org.db, Principal(uid="stranger")), org.ref)
    with pytest.raises(NotFound):
        members.list_members(support, OrgRef(org_id="no-such-org"))


def test_admins_change_roles_below_their_own_only(principals_org: Callable[..., PrincipalsOrg]) -> None:
    org = principals_org()
    viewer = org.ref.member(org["viewer"].uid)
    assert members.change_role(org["admin"], viewer, Role.member).role == "member"
    for forbidden in (Role.admin, Role.owner):
        with pytest.raises(PermissionDenied):
            members.change_role(org["admin"], viewer, forbidden)
    with pytest.raises(PermissionDenied):
        members.change_role(org["member"], viewer, Role.viewer)
    with pytest.raises(NotFound):
        members.change_role(org["owner"], org.ref.member("nobody"), Role.viewer)
    assert role_in(org, viewer.uid) == "member"


def test_the_last_owner_can_neither_step_down_nor_leave(principals_org: Callable[..., PrincipalsOrg]) -> None:
    org = principals_org(roles=("owner", "admin"))
    owner = org.ref.member(org["owner"].uid)
    with pytest.raises(FailedPrecondition):
        members.change_role(org["owner"], owner, Role.admin)
    with pytest.raises(FailedPrecondition):
        members.remove_member(org["owner"], owner)
    members.change_role(org["owner"], org.ref.member(org["admin"].uid), Role.owner)
    members.remove_member(org["owner"], owner)
    assert role_in(org, owner.uid) is None


def test_anyone_may_leave_but_only_admins_remove_others(principals_org: Callable[..., PrincipalsOrg]) -> None:
    org = principals_org()
    with pytest.raises(PermissionDenied):
        members.remove_member(org["member"], org.ref.member(org["viewer"].uid))
    members.remove_member(org["viewer"], org.ref.member(org["viewer"].uid))
    members.remove_member(org["admin"], org.ref.member(org["member"].uid))
    assert sorted(m.role for m in members.list_members(org["owner"], org.ref).items) == ["admin", "owner"]
    actions = sorted(str(e.get("action")) for e in org.db.collection(f"orgs/{org.org_id}/audit").stream())
    assert actions == ["member.left", "member.removed"]
