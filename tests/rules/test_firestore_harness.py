"""The harness acts on Firestore as real users, so rules are enforced (not `owner`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from firebrick_testing import RulesTestEnv, assert_denied
from tests.support.auth import AuthUser

if TYPE_CHECKING:
    from google.cloud.firestore import Client


def test_unauthenticated_client_is_denied(admin_db: Client, rules_env: RulesTestEnv) -> None:
    admin_db.document("orgs/acme").set({"name": "Acme"})
    assert_denied(rules_env.unauthenticated().get("orgs/acme"))


def test_owner_client_bypasses_rules(admin_db: Client) -> None:
    admin_db.document("orgs/acme").set({"name": "Acme"})
    snapshot = admin_db.document("orgs/acme").get()
    assert snapshot.exists
    assert snapshot.get("name") == "Acme"


def test_signed_in_user_is_subject_to_rules(
    admin_db: Client, make_user: Callable[..., AuthUser], rules_env: RulesTestEnv
) -> None:
    admin_db.document("orgs/acme").set({"name": "Acme"})
    as_user = rules_env.with_id_token(make_user(sign_in=True).id_token)  # a token the Auth emulator minted
    assert_denied(as_user.get("orgs/acme"))
    assert_denied(as_user.create("orgs/evil", {"name": "Evil"}))
    assert not admin_db.document("orgs/evil").get().exists
