"""`services.service_tokens`, called directly: create (shown once), list, revoke, reissue."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from firebrick.auth.service_tokens import verify_service_token
from firebrick.errors import NotFound, PermissionDenied, Unauthenticated
from firebrick.models.tokens import ServiceTokenCreate
from firebrick.policy import Role
from firebrick.services import service_tokens
from tests.support.orgs import PrincipalsOrg

BODY = ServiceTokenCreate.model_validate({"name": "ci", "role": "member", "expiresInDays": 30})


def test_admins_create_tokens_that_verify_and_list_without_secrets(
    principals_org: Callable[..., PrincipalsOrg],
) -> None:
    org = principals_org()
    with pytest.raises(PermissionDenied):
        service_tokens.create_service_token(org["member"], org.ref, BODY)
    created = service_tokens.create_service_token(org["admin"], org.ref, BODY).resource
    robot = verify_service_token(created.token, db=org.db)
    assert (robot.service_org_id, robot.service_role) == (org.org_id, Role.member)
    listed = service_tokens.list_service_tokens(org["owner"], org.ref).items
    assert [(t.id, t.name, t.revoked) for t in listed] == [(created.id, "ci", False)]
    assert "token" not in listed[0].model_dump()
    stored = org.db.document(f"orgs/{org.org_id}/tokens/{created.id}").get().to_dict() or {}
    assert created.token not in str(stored)


def test_revoking_refuses_the_token_at_once_here(principals_org: Callable[..., PrincipalsOrg]) -> None:
    org = principals_org(roles=("admin",))
    created = service_tokens.create_service_token(org["admin"], org.ref, BODY).resource
    token = org.ref.token(created.id)
    verify_service_token(created.token, db=org.db)  # cached as active in this process
    service_tokens.revoke_service_token(org["admin"], token)
    with pytest.raises(Unauthenticated):
        verify_service_token(created.token, db=org.db)
    with pytest.raises(NotFound):
        service_tokens.reissue_service_token(org["admin"], token)
    with pytest.raises(NotFound):
        service_tokens.revoke_service_token(org["admin"], org.ref.token("missing"))
    actions = sorted(str(e.get("action")) for e in org.db.collection(f"orgs/{org.org_id}/audit").stream())
    assert actions == ["service_token.created", "service_token.revoked"]
