"""Stale claims, both ways.

Default rules trust the token's `o` claim: a removed member whose ID token still
carries the old role is admitted until that token expires (at most 1 hour; the
claims sync bumps `claimsUpdatedAt` so the client refreshes sooner). Strict
rules read the membership document, so the same token is refused at once.
The API always reads the membership document: refused at once in both modes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import nullcontext
from typing import TYPE_CHECKING

import httpx
import pytest

from firebrick_testing import RulesTestEnv
from tests.rules.support import ORG, RulesWorld, strict_mode, uid_of
from tests.support.orgs import SeededOrg

if TYPE_CHECKING:
    from google.cloud.firestore import Client

PROJECT = f"orgs/{ORG}/projects/p1"


@pytest.fixture
def strict(world: RulesWorld) -> Iterator[None]:
    with strict_mode(world.env):
        yield


def remove_member(db: Client, caller: str) -> None:
    db.document(f"orgs/{ORG}/members/{uid_of(caller)}").delete()


def test_default_rules_admit_a_removed_member_for_their_tokens_lifetime(world: RulesWorld, admin_db: Client) -> None:
    stale = world.client("member")  # token still says {o: {ORG: 2}}
    remove_member(admin_db, "member")
    assert stale.get(PROJECT).status_code == 200
    assert stale.list(f"{PROJECT}/tasks").status_code == 200


@pytest.mark.usefixtures("strict")
def test_strict_rules_refuse_a_removed_member_at_once(world: RulesWorld, admin_db: Client) -> None:
    stale = world.client("member")
    assert stale.get(PROJECT).status_code == 200  # still a member: admitted
    remove_member(admin_db, "member")
    assert stale.get(PROJECT).status_code == 403
    assert stale.list(f"{PROJECT}/tasks").status_code == 403


@pytest.mark.usefixtures("strict")
def test_strict_rules_use_the_documents_role_not_the_claims(world: RulesWorld, admin_db: Client) -> None:
    admin_db.document(f"orgs/{ORG}/members/{uid_of('admin')}").update({"role": "viewer"})
    demoted = world.client("admin")  # token still says admin
    assert demoted.get(f"orgs/{ORG}/audit/a1").status_code == 403
    assert demoted.get(PROJECT).status_code == 200


@pytest.mark.usefixtures("strict")
def test_strict_rules_keep_every_other_answer(world: RulesWorld) -> None:
    assert world.client("viewer").get(PROJECT).status_code == 200
    assert world.client("overflow_member").get(PROJECT).status_code == 200
    assert world.client("platform_admin").get(PROJECT).status_code == 200
    assert world.client("outsider").get(PROJECT).status_code == 403
    assert world.client("anonymous").get(PROJECT).status_code == 403
    assert world.client("owner").update(PROJECT, {"name": "x"}).status_code == 403


@pytest.mark.parametrize("mode", ["default", "strict"])
def test_api_refuses_a_removed_member_at_once_in_both_modes(
    mode: str, rules_env: RulesTestEnv, api: httpx.Client, make_org: Callable[..., SeededOrg]
) -> None:
    with strict_mode(rules_env) if mode == "strict" else nullcontext():
        org = make_org()
        member = org["member"]
        assert api.get(f"/v1/orgs/{org.org_id}", headers=member.headers).status_code == 200
        removed = api.delete(f"/v1/orgs/{org.org_id}/members/{member.uid}", headers=org["owner"].headers)
        assert removed.status_code == 204
        assert api.get(f"/v1/orgs/{org.org_id}", headers=member.headers).status_code == 404
