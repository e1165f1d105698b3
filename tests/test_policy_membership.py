"""Who may remove whom (policy.authorize_member_removal), as pure logic."""

from __future__ import annotations

import pytest

from firebrick.errors import NotFound, PermissionDenied
from firebrick.policy import Access, Role, authorize_member_removal

VW, MB, AD, OW = Role.viewer, Role.member, Role.admin, Role.owner

# (actor, target): may the actor remove someone else holding target?
REMOVALS = {
    (OW, OW): True, (OW, AD): True, (OW, MB): True, (OW, VW): True,
    (AD, OW): False, (AD, AD): False, (AD, MB): True, (AD, VW): True,
    (MB, OW): False, (MB, AD): False, (MB, MB): False, (MB, VW): False,
    (VW, OW): False, (VW, AD): False, (VW, MB): False, (VW, VW): False,
}  # fmt: skip


@pytest.mark.parametrize(("actor", "target"), list(REMOVALS))
def test_removing_someone_else_follows_the_table(actor: Role, target: Role) -> None:
    if REMOVALS[(actor, target)]:
        authorize_member_removal(Access(actor), target, is_self=False)
    else:
        with pytest.raises(PermissionDenied):
            authorize_member_removal(Access(actor), target, is_self=False)


@pytest.mark.parametrize("role", list(Role))
def test_any_member_may_leave(role: Role) -> None:
    authorize_member_removal(Access(role), role, is_self=True)  # the last-owner rule is the service's


def test_outsider_learns_nothing_and_platform_admin_may_not_remove() -> None:
    with pytest.raises(NotFound):
        authorize_member_removal(Access(None), VW, is_self=False)
    with pytest.raises(NotFound):
        authorize_member_removal(Access(None), VW, is_self=True)
    with pytest.raises(PermissionDenied):
        authorize_member_removal(Access(None, platform_admin=True), VW, is_self=False)
