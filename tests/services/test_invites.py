"""`services.invites`, called directly: signed single-use invitations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from firebrick.auth.principal import Principal
from firebrick.context import Caller
from firebrick.errors import BadRequest, Conflict, FailedPrecondition, NotFound, PermissionDenied
from firebrick.models.invites import InviteCreate
from firebrick.services import invites
from tests.support.orgs import PrincipalsOrg


def invite_body(email: str = "guest@example.com", role: str = "member") -> InviteCreate:
    return InviteCreate.model_validate({"email": email, "role": role})


def guest(org: PrincipalsOrg, email: str = "guest@example.com", *, verified: bool = True) -> Caller:
    return Caller(org.db, Principal(uid="guest-uid", email=email, email_verified=verified))


def test_an_invite_is_stored_as_a_hash_and_joins_its_verified_email_once(
    principals_org: Callable[..., PrincipalsOrg],
) -> None:
    org = principals_org()
    created = invites.create_invite(org["admin"], org.ref, invite_body("Guest@Example.com")).resource
    stored = org.db.document(f"orgs/{org.org_id}/invites/{created.id}").get().to_dict() or {}
    assert stored["tokenHash"] == invites.token_hash(created.token)
    assert created.token not in str(stored)
    assert stored["email"] == "guest@example.com"
    with pytest.raises(PermissionDenied):
        invites.accept_invite(guest(org, "someone@example.com"), created.token)
    with pytest.raises(PermissionDenied):
        invites.accept_invite(guest(org, verified=False), created.token)
    accepted = invites.accept_invite(guest(org), created.token)
    assert (accepted.org_id, accepted.role) == (org.org_id, "member")
    with pytest.raises(FailedPrecondition):
        invites.accept_invite(guest(org), created.token)
    assert (org.db.document(f"orgs/{org.org_id}/members/guest-uid").get().to_dict() or {})["role"] == "member"


def test_only_admins_invite_and_only_below_their_own_role(principals_org: Callable[..., PrincipalsOrg]) -> None:
    org = principals_org()
    with pytest.raises(PermissionDenied):
        invites.create_invite(org["member"], org.ref, invite_body())
    with pytest.raises(PermissionDenied):
        invites.create_invite(org["admin"], org.ref, invite_body(role="admin"))
    with pytest.raises(NotFound):
        invites.create_invite(Caller(org.db, Principal(uid="stranger")), org.ref, invite_body())
    assert invites.create_invite(org["owner"], org.ref, invite_body(role="owner")).resource.id


def test_forged_expired_and_already_member_tokens_are_refused(principals_org: Callable[..., PrincipalsOrg]) -> None:
    org = principals_org()
    with pytest.raises(BadRequest):
        invites.accept_invite(guest(org), "x" * 40)
    stale = invites.create_invite(org["owner"], org.ref, invite_body(), ttl=timedelta(seconds=-5)).resource
    with pytest.raises(BadRequest):
        invites.accept_invite(guest(org), stale.token)
    viewer = org["viewer"]
    own = invites.create_invite(org["owner"], org.ref, invite_body(viewer.principal.email or "")).resource
    with pytest.raises(Conflict):
        invites.accept_invite(viewer, own.token)


def test_a_reissued_token_replaces_the_first(principals_org: Callable[..., PrincipalsOrg]) -> None:
    org = principals_org()
    first = invites.create_invite(org["admin"], org.ref, invite_body()).resource
    with pytest.raises(NotFound):  # only its creator may have it re-signed
        invites.reissue_invite_token(org["owner"], org.ref, first.id)
    second = invites.reissue_invite_token(org["admin"], org.ref, first.id)
    with pytest.raises(BadRequest):
        invites.accept_invite(guest(org), first.token)
    assert invites.accept_invite(guest(org), second).role == "member"
