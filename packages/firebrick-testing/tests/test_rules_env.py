"""RulesTestEnv on the real Firestore emulator, with the tests' own rules (data/notes.rules)."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from toolkit_helpers import DATA, PROJECT

from firebrick_testing import (
    GeoPoint,
    Reference,
    RulesError,
    RulesTestEnv,
    assert_allowed,
    assert_denied,
    document_data,
    documents,
)


def seed(env: RulesTestEnv) -> None:
    admin = env.admin()
    assert_allowed(admin.set("notes/alice-1", {"owner": "alice", "text": "a"}))
    assert_allowed(admin.set("notes/bob-1", {"owner": "bob", "text": "b"}))


def test_owner_reads_own_note_and_others_are_denied(env: RulesTestEnv) -> None:
    seed(env)
    note = assert_allowed(env.authenticated("alice").get("notes/alice-1"))
    assert document_data(note) == {"owner": "alice", "text": "a"}
    assert_denied(env.authenticated("alice").get("notes/bob-1"))
    assert_denied(env.unauthenticated().get("notes/alice-1"))
    # A custom claim in the token is what the rules read (request.auth.token.role).
    assert_allowed(env.authenticated("carol", role="editor").get("notes/bob-1"))


def test_a_ready_id_token_acts_as_the_user_it_names(env: RulesTestEnv) -> None:
    seed(env)
    alice = env.with_id_token(env.id_token("alice"))
    assert (alice.caller.uid, alice.caller.claims) == ("alice", {})
    assert_allowed(alice.get("notes/alice-1"))
    assert_denied(alice.get("notes/bob-1"))
    editor = env.with_id_token(env.id_token("carol", role="editor"))
    assert editor.caller.claims == {"role": "editor"}
    assert_allowed(editor.get("notes/bob-1"))


def test_create_update_delete_follow_the_rules(env: RulesTestEnv) -> None:
    alice, bob = env.authenticated("alice"), env.authenticated("bob")
    assert_allowed(alice.create("notes/n1", {"owner": "alice", "text": "x"}))
    assert_denied(bob.create("notes/n2", {"owner": "alice", "text": "forged"}))
    assert_allowed(alice.update("notes/n1", {"text": "y", "meta.tags": ["t"]}))
    assert_denied(alice.update("notes/n1", {"owner": "bob"}))
    assert_denied(bob.update("notes/n1", {"text": "z"}))
    assert_denied(alice.delete("notes/n1"))
    assert_allowed(env.authenticated("ed", role="editor").delete("notes/n1"))
    assert assert_allowed(env.admin().get("notes/n1")).status_code == 404  # gone: an allowed read of nothing


def test_update_writes_nested_fields_only_and_set_merge_keeps_the_rest(env: RulesTestEnv) -> None:
    admin = env.admin()
    assert_allowed(admin.set("notes/n1", {"owner": "alice", "meta": {"a": 1, "b": 2}}))
    assert_allowed(env.authenticated("alice").update("notes/n1", {"meta.a": 10}))
    assert document_data(admin.get("notes/n1")) == {"owner": "alice", "meta": {"a": 10, "b": 2}}
    assert_allowed(admin.set("notes/n1", {"meta": {"c": 3}}, merge=True))
    assert document_data(admin.get("notes/n1")) == {"owner": "alice", "meta": {"a": 10, "b": 2, "c": 3}}
    assert_allowed(admin.set("notes/n1", {"owner": "alice"}))
    assert document_data(admin.get("notes/n1")) == {"owner": "alice"}


def test_queries_are_allowed_only_when_the_rules_can_prove_every_result(env: RulesTestEnv) -> None:
    seed(env)
    alice = env.authenticated("alice")
    mine = assert_allowed(alice.query("notes", {"owner": "alice"}))
    assert list(documents(mine)) == ["notes/alice-1"]
    assert_denied(alice.query("notes", [("text", "in", ["a", "b"])]))
    assert_denied(alice.list("notes"))
    listed = assert_allowed(env.authenticated("ed", role="editor").list("notes", order_by="owner"))
    assert list(documents(listed)) == ["notes/alice-1", "notes/bob-1"]
    ordered = env.admin().query("notes", order_by=[("owner", "desc")], limit=1)
    assert list(documents(assert_allowed(ordered))) == ["notes/bob-1"]


def test_collection_group_query_reaches_nested_collections(env: RulesTestEnv) -> None:
    admin = env.admin()
    assert_allowed(admin.set("boards/b1/cards/c1", {"n": 1}))
    assert_allowed(admin.set("boards/b2/cards/c2", {"n": 2}))
    found = assert_allowed(admin.query("cards", [("n", ">=", 1)], collection_group=True))
    assert sorted(documents(found)) == ["boards/b1/cards/c1", "boards/b2/cards/c2"]


def test_every_value_type_round_trips_through_the_emulator(env: RulesTestEnv) -> None:
    data = {
        "owner": "alice",
        "null": None,
        "bool": True,
        "int": -7,
        "float": 2.5,
        "bytes": b"\x00\x01",
        "when": datetime(2024, 2, 3, 4, 5, 6, 789000, tzinfo=UTC),
        "map": {"list": [1, "two", {"three": 3}]},
        "ref": Reference("notes/other"),
        "geo": GeoPoint(48.85, 2.35),
    }
    assert_allowed(env.authenticated("alice").create("notes/typed", data))
    assert document_data(env.authenticated("alice").get("notes/typed")) == data


def test_admin_bypasses_the_rules(env: RulesTestEnv) -> None:
    assert_denied(env.authenticated("alice").get("private/x"))  # no rule matches
    assert_allowed(env.admin().set("private/x", {"secret": 1}))
    assert document_data(env.admin().get("private/x")) == {"secret": 1}


def test_clear_wipes_documents_and_auth_users(env: RulesTestEnv) -> None:
    seed(env)
    auth_host = env.hosts.require("auth")
    signed_up = httpx.post(
        f"http://{auth_host}/identitytoolkit.googleapis.com/v1/projects/{PROJECT}/accounts",
        json={"email": "x@example.com", "password": "pw-123456"},
        headers={"Authorization": "Bearer owner"},
    )
    signed_up.raise_for_status()
    env.clear()
    assert documents(env.admin().list("notes")) == {}
    users = httpx.post(
        f"http://{auth_host}/identitytoolkit.googleapis.com/v1/projects/{PROJECT}/accounts:query",
        json={},
        headers={"Authorization": "Bearer owner"},
    ).json()
    assert int(users.get("recordsCount", 0)) == 0


def test_a_project_of_its_own_keeps_rules_and_data_apart(env: RulesTestEnv) -> None:
    seed(env)
    with RulesTestEnv(PROJECT + "-other") as other:
        other.load_rules_source(
            "rules_version = '2';\nservice cloud.firestore {\n  match /databases/{d}/documents {\n"
            "    match /{path=**} { allow read: if true; }\n  }\n}\n",
            name="open.rules",
        )
        assert_allowed(other.unauthenticated().get("notes/alice-1"))  # open rules, and no such document there
        assert documents(other.admin().list("notes")) == {}
    assert_denied(env.unauthenticated().get("notes/alice-1"))  # this project's rules are untouched


def test_broken_rules_are_refused_with_the_emulators_message(env: RulesTestEnv) -> None:
    with pytest.raises(RulesError, match="refused"):
        env.load_rules_source("rules_version = '2';\nservice cloud.firestore { match /x { allow read: if ; } }")
    with pytest.raises(RulesError, match="no `service"):
        env.load_rules_source("rules_version = '2';")
    assert "match /notes/{noteId}" in env.firestore_rules()  # the good rules are still loaded


def test_paths_are_checked_before_any_request(env: RulesTestEnv) -> None:
    with pytest.raises(ValueError, match="not a document path"):
        env.admin().get("notes")
    with pytest.raises(ValueError, match="document path, not a collection"):
        env.admin().list("notes/n1")
    with pytest.raises(ValueError, match="unknown query operator"):
        env.admin().query("notes", [("owner", "===", "x")])


def test_firestore_rules_reports_what_the_emulator_enforces(env: RulesTestEnv) -> None:
    assert env.firestore_rules() == (DATA / "notes.rules").read_text()
