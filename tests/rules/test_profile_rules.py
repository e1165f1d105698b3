"""users/{uid}: a user reads their own profile and edits only displayName/photoURL, validated."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from firebrick_testing import assert_denied
from tests.rules.support import RulesWorld, uid_of

if TYPE_CHECKING:
    from google.cloud.firestore import Client


def test_user_reads_own_profile_but_not_the_users_collection(world: RulesWorld) -> None:
    me = world.client("member")
    assert me.get(f"users/{uid_of('member')}").status_code == 200
    assert me.list("users").status_code == 403


@pytest.mark.parametrize(
    "fields",
    [
        {"displayName": "Ada Lovelace"},
        {"photoURL": "https://cdn.example.com/ada.png"},
        {"photoURL": None},
        {"displayName": "Ada", "photoURL": "https://cdn.example.com/a.png"},
    ],
)
def test_user_updates_own_display_name_and_photo(world: RulesWorld, admin_db: Client, fields: dict[str, Any]) -> None:
    path = f"users/{uid_of('member')}"
    assert world.client("member").update(path, fields).status_code == 200
    stored = admin_db.document(path).get().to_dict() or {}
    assert {key: stored[key] for key in fields} == fields


@pytest.mark.parametrize(
    "fields",
    [
        {"displayName": ""},
        {"displayName": "x" * 101},
        {"displayName": 42},
        {"photoURL": "javascript:alert(1)"},
        {"photoURL": "http://insecure.example.com/a.png"},
        {"email": "me@evil.example.com"},
        {"orgs": {"org-rules": "owner"}},
        {"claimsUpdatedAt": "2030-01-01"},
        {"displayName": "Ada", "role": "owner"},
    ],
)
def test_user_cannot_write_other_profile_fields_or_invalid_values(
    world: RulesWorld, admin_db: Client, fields: dict[str, Any]
) -> None:
    path = f"users/{uid_of('member')}"
    before = admin_db.document(path).get().to_dict()
    assert world.client("member").update(path, fields).status_code == 403
    assert admin_db.document(path).get().to_dict() == before


def test_user_cannot_create_or_delete_profiles(world: RulesWorld, admin_db: Client) -> None:
    me = world.client("member")
    assert me.delete(f"users/{uid_of('member')}").status_code == 403
    fresh = world.client("newcomer", claims={})
    assert_denied(fresh.create(f"users/{uid_of('newcomer')}", {"displayName": "New"}))
    assert admin_db.document(f"users/{uid_of('member')}").get().exists


def test_user_cannot_edit_someone_elses_profile(world: RulesWorld, admin_db: Client) -> None:
    path = f"users/{uid_of('viewer')}"
    assert world.client("owner").update(path, {"displayName": "Pwned"}).status_code == 403
    assert admin_db.document(path).get().get("displayName") == "viewer"
