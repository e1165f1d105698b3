"""`services.orgs`, called directly: create, list, read, rename, delete."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from firebrick.auth.principal import Principal, PrincipalKind
from firebrick.context import Caller
from firebrick.errors import Conflict, NotFound, PermissionDenied, PreconditionFailed
from firebrick.policy import Role
from firebrick.services import orgs
from tests.support.orgs import CTX, PrincipalsOrg

if TYPE_CHECKING:
    from google.cloud.firestore import Client


def audit_actions(db: Client, org_id: str) -> list[str]:
    return sorted(str(entry.get("action")) for entry in db.collection(f"orgs/{org_id}/audit").stream())


def test_creating_an_org_makes_the_caller_its_owner_in_one_step(admin_db: Client) -> None:
    founder = Caller(admin_db, Principal(uid="founder", claims={"name": "Ada"}), CTX)
    created = orgs.create_org(founder, "Acme")
    org_id = created.resource.id
    assert (created.resource.name, created.resource.role, created.resource.created_by) == ("Acme", "owner", "founder")
    assert created.etag
    member = admin_db.document(f"orgs/{org_id}/members/founder").get().to_dict() or {}
    assert (member["role"], member["uid"], member["displayName"]) == ("owner", "founder", "Ada")
    assert audit_actions(admin_db, org_id) == ["org.created"]
    entry = next(iter(admin_db.collection(f"orgs/{org_id}/audit").stream())).to_dict() or {}
    assert (entry["ip"], entry["userAgent"], entry["requestId"]) == ("127.0.0.1", "pytest", "test")


def test_a_retried_create_returns_the_same_org_and_never_anothers(admin_db: Client) -> None:
    founder = Caller(admin_db, Principal(uid="founder"))
    first = orgs.create_org(founder, "Acme", "fixed-id")
    assert orgs.create_org(founder, "Acme", "fixed-id").resource == first.resource
    with pytest.raises(Conflict):
        orgs.create_org(Caller(admin_db, Principal(uid="someone-else")), "Mine", "fixed-id")


def test_service_tokens_cannot_create_orgs(admin_db: Client) -> None:
    robot = Principal(uid="svc:x", kind=PrincipalKind.service, service_org_id="o", service_role=Role.member)
    with pytest.raises(PermissionDenied):
        orgs.create_org(Caller(admin_db, robot), "Nope")
    assert list(admin_db.collection("orgs").stream()) == []


def test_the_org_list_comes_from_membership_documents(
    admin_db: Client, principals_org: Callable[..., PrincipalsOrg]
) -> None:
    zeta = principals_org(name="zeta", roles=("owner", "viewer"))
    alpha = principals_org(name="Alpha", roles=("owner",))
    viewer = zeta["viewer"]
    admin_db.document(f"orgs/{alpha.org_id}/members/{viewer.uid}").set({"uid": viewer.uid, "role": "admin"})
    assert [(org.name, org.role) for org in orgs.list_orgs(viewer).items] == [("Alpha", "admin"), ("zeta", "viewer")]


def test_rename_honours_if_match_and_owner_only(principals_org: Callable[..., PrincipalsOrg]) -> None:
    org = principals_org()
    read = orgs.get_org(org["viewer"], org.ref)
    with pytest.raises(PermissionDenied):
        orgs.rename_org(org["admin"], org.ref, "Hijacked")
    renamed = orgs.rename_org(org["owner"], org.ref, "Renamed", if_match=read.etag)
    assert renamed.resource.name == "Renamed"
    assert renamed.etag != read.etag
    with pytest.raises(PreconditionFailed):
        orgs.rename_org(org["owner"], org.ref, "Again", if_match=read.etag)
    assert audit_actions(org.db, org.org_id) == ["org.renamed"]


def test_derived_stats_do_not_change_the_org_etag(principals_org: Callable[..., PrincipalsOrg]) -> None:
    org = principals_org(roles=("owner",))
    before = orgs.get_org(org["owner"], org.ref).etag
    org.db.document(f"orgs/{org.org_id}").update({"stats.memberCount": 7})
    assert orgs.get_org(org["owner"], org.ref).etag == before


def test_deleting_an_org_removes_it_and_its_memberships(principals_org: Callable[..., PrincipalsOrg]) -> None:
    org = principals_org()
    db = org.db
    with pytest.raises(PermissionDenied):
        orgs.delete_org(org["admin"], org.ref)
    orgs.delete_org(org["owner"], org.ref)
    assert not db.document(f"orgs/{org.org_id}").get().exists
    assert list(db.collection(f"orgs/{org.org_id}/members").stream()) == []
    top_level = [e.to_dict() or {} for e in db.collection("audit").stream()]
    assert [(e["action"], e["target"]) for e in top_level] == [("org.deleted", f"orgs/{org.org_id}")]
    with pytest.raises(NotFound):
        orgs.get_org(org["owner"], org.ref)
