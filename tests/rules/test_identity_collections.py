"""Server-only identity collections stay closed to every client, whatever else the rules allow."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from firebrick_testing import RulesTestEnv, assert_denied
from tests.support.orgs import SeededOrg

if TYPE_CHECKING:
    from google.cloud.firestore import Client


@pytest.mark.parametrize("role", ["owner", "admin", "viewer"])
def test_clients_cannot_read_or_write_identity_secrets_and_tokens(
    make_org: Callable[..., SeededOrg],
    admin_db: Client,
    rules_env: RulesTestEnv,
    role: str,
) -> None:
    org = make_org(roles=("owner", "admin", "viewer"))
    user = org[role]
    admin_db.document(f"userSecrets/{user.uid}").set({"totpEnabled": True, "totpSecret": "sealed"})
    admin_db.document(f"orgs/{org.org_id}/tokens/t1").set({"orgId": org.org_id, "name": "bot", "revokedAt": None})
    admin_db.document("rateLimits/login-email-x").set({"count": 1})
    admin_db.document("audit/a1").set({"action": "auth.login", "actorUid": user.uid})
    client = rules_env.with_id_token(user.id_token)
    for path in (f"userSecrets/{user.uid}", f"orgs/{org.org_id}/tokens/t1", "rateLimits/login-email-x", "audit/a1"):
        assert_denied(client.get(path))
    assert_denied(client.list(f"orgs/{org.org_id}/tokens"))
    assert_denied(client.create(f"userSecrets/{user.uid}x", {"totpEnabled": False}))
    assert_denied(client.create(f"orgs/{org.org_id}/tokens/t2", {"orgId": org.org_id}))
    assert_denied(client.update(f"userSecrets/{user.uid}", {"totpEnabled": False}))
