"""`services.access.authorize`: one membership read decides, with the policy, for every command."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from firebrick.auth.principal import Principal, PrincipalKind
from firebrick.context import Caller
from firebrick.errors import NotFound, PermissionDenied
from firebrick.policy import Action, Role
from firebrick.services.access import authorize
from firebrick.transactions import run_in_transaction
from tests.support.orgs import PrincipalsOrg, add_member

if TYPE_CHECKING:
    from google.cloud.firestore import Client, Transaction


def test_members_are_allowed_what_their_role_allows(principals_org: Callable[..., PrincipalsOrg]) -> None:
    org = principals_org()
    assert authorize(org["viewer"], org.org_id, Action.read).role == Role.viewer
    assert authorize(org["member"], org.org_id, Action.write_task).role == Role.member
    with pytest.raises(PermissionDenied):
        authorize(org["member"], org.org_id, Action.manage_projects)
    with pytest.raises(PermissionDenied):
        authorize(org["admin"], org.org_id, Action.manage_org)
    assert authorize(org["owner"], org.org_id, Action.manage_org).role == Role.owner


def test_outsiders_learn_nothing_and_platform_admins_only_read(
    admin_db: Client, principals_org: Callable[..., PrincipalsOrg]
) -> None:
    org = principals_org(roles=("owner",))
    with pytest.raises(NotFound):
        authorize(Caller(admin_db, Principal(uid="stranger")), org.org_id, Action.read)
    support = Caller(admin_db, Principal(uid="support", claims={"admin": True}))
    assert authorize(support, org.org_id, Action.read_audit).platform_admin
    with pytest.raises(PermissionDenied):
        authorize(support, org.org_id, Action.write_task)


def test_the_membership_document_decides_not_the_claims(
    admin_db: Client, principals_org: Callable[..., PrincipalsOrg]
) -> None:
    org = principals_org(roles=("owner", "viewer"))
    # A token still claiming owner, for someone the membership document says is a viewer.
    stale = Caller(admin_db, Principal(uid=org["viewer"].uid, claims={"o": {org.org_id: 4}}))
    with pytest.raises(PermissionDenied):
        authorize(stale, org.org_id, Action.manage_org)
    admin_db.document(f"orgs/{org.org_id}/members/{stale.uid}").delete()
    with pytest.raises(NotFound):
        authorize(stale, org.org_id, Action.read)


def test_service_tokens_act_only_in_their_org_with_their_role(admin_db: Client) -> None:
    robot = Principal(uid="svc:t1", kind=PrincipalKind.service, service_org_id="orgA", service_role=Role.member)
    caller = Caller(admin_db, robot)
    assert authorize(caller, "orgA", Action.write_task).role == Role.member
    with pytest.raises(PermissionDenied):
        authorize(caller, "orgA", Action.manage_members)
    with pytest.raises(NotFound):
        authorize(caller, "orgB", Action.read)


def test_inside_a_transaction_a_refusal_writes_nothing(admin_db: Client) -> None:
    add_member(admin_db, "orgT", "u-admin", "admin")
    add_member(admin_db, "orgT", "u-viewer", "viewer")

    def create_project_as(uid: str) -> Callable[[Transaction], None]:
        def command(transaction: Transaction) -> None:
            authorize(Caller(admin_db, Principal(uid=uid)), "orgT", Action.manage_projects, transaction=transaction)
            transaction.set(admin_db.document(f"orgs/orgT/projects/by-{uid}"), {"name": "x"})

        return command

    with pytest.raises(PermissionDenied):
        run_in_transaction(admin_db, create_project_as("u-viewer"))
    run_in_transaction(admin_db, create_project_as("u-admin"))
    assert [p.id for p in admin_db.collection("orgs/orgT/projects").stream()] == ["by-u-admin"]
