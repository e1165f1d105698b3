"""The role matrix of the spec, as pure logic (the API and rules matrices test it end to end)."""

from __future__ import annotations

import pytest

from firebrick.errors import NotFound, PermissionDenied
from firebrick.policy import Access, Action, Role, allows, authorize, authorize_role_change

SPEC_TABLE = {
    # action: (viewer, member, admin, owner)
    Action.read: (True, True, True, True),
    Action.write_task: (False, True, True, True),
    Action.comment: (False, True, True, True),
    Action.upload_attachment: (False, True, True, True),
    Action.moderate_comment: (False, False, True, True),
    Action.manage_projects: (False, False, True, True),
    Action.manage_members: (False, False, True, True),
    Action.read_audit: (False, False, True, True),
    Action.manage_tokens: (False, False, True, True),
    Action.manage_owners: (False, False, False, True),
    Action.manage_org: (False, False, False, True),
    Action.delete_task: (False, False, True, True),
}


@pytest.mark.parametrize("action", list(Action))
def test_every_action_has_a_row(action: Action) -> None:
    assert action in SPEC_TABLE


@pytest.mark.parametrize(("action", "expected"), SPEC_TABLE.items())
def test_role_matrix_matches_spec(action: Action, expected: tuple[bool, ...]) -> None:
    got = tuple(allows(Access(role), action) for role in (Role.viewer, Role.member, Role.admin, Role.owner))
    assert got == expected


def test_outsider_gets_not_found() -> None:
    with pytest.raises(NotFound):
        authorize(Access(None), Action.read)


def test_platform_admin_may_read_but_not_write() -> None:
    authorize(Access(None, platform_admin=True), Action.read)
    with pytest.raises(PermissionDenied):
        authorize(Access(None, platform_admin=True), Action.write_task)


def test_admin_cannot_grant_admin_or_owner() -> None:
    with pytest.raises(PermissionDenied):
        authorize_role_change(Access(Role.admin), Role.member, Role.admin)
    with pytest.raises(PermissionDenied):
        authorize_role_change(Access(Role.admin), Role.member, Role.owner)


def test_admin_cannot_demote_another_admin() -> None:
    with pytest.raises(PermissionDenied):
        authorize_role_change(Access(Role.admin), Role.admin, Role.viewer)


def test_admin_may_promote_viewer_to_member() -> None:
    authorize_role_change(Access(Role.admin), Role.viewer, Role.member)


def test_owner_may_grant_owner() -> None:
    authorize_role_change(Access(Role.owner), Role.admin, Role.owner)
