"""assert_allowed / assert_denied tell a rules decision from any other failure, and say what came back."""

from __future__ import annotations

import httpx
import pytest

from firebrick_testing import RulesTestEnv, assert_allowed, assert_denied, outcome


def test_denial_message_names_request_caller_and_the_rules_answer(env: RulesTestEnv) -> None:
    with pytest.raises(AssertionError) as failure:
        assert_allowed(env.authenticated("mallory", role="guest").create("notes/n1", {"owner": "alice"}))
    message = str(failure.value)
    assert "expected the rules to ALLOW, but they DENIED" in message
    assert "POST http://" in message
    assert "notes?documentId=n1" in message
    assert "as uid 'mallory' with claims {'role': 'guest'}" in message
    assert "PERMISSION_DENIED" in message


def test_allowed_request_fails_assert_denied(env: RulesTestEnv) -> None:
    with pytest.raises(AssertionError, match="expected the rules to DENY, but they ALLOWED"):
        assert_denied(env.authenticated("alice").create("notes/n1", {"owner": "alice"}))


def test_a_missing_document_is_not_a_denial(env: RulesTestEnv) -> None:
    response = env.authenticated("alice", role="editor").get("notes/absent")
    assert response.status_code == 404
    assert outcome(response) == "allowed"  # the read passed the rules; there is nothing to read
    with pytest.raises(AssertionError, match="expected the rules to DENY, but they ALLOWED"):
        assert_denied(response)


def test_a_failed_precondition_is_neither_allowed_nor_denied(env: RulesTestEnv) -> None:
    admin = env.admin()
    response = admin.create("notes/n1", {"owner": "alice"})
    assert_allowed(response)
    again = admin.create("notes/n1", {"owner": "alice"})  # 409 ALREADY_EXISTS
    assert outcome(again) == "error"
    with pytest.raises(AssertionError, match="not a rules denial") as failure:
        assert_denied(again)
    assert "409" in str(failure.value)
    assert "ALREADY_EXISTS" in str(failure.value)
    with pytest.raises(AssertionError, match="failed otherwise"):
        assert_allowed(again)


def test_a_malformed_request_is_not_a_denial(env: RulesTestEnv) -> None:
    host = env.hosts.require("firestore")
    bad = httpx.post(
        f"http://{host}/v1/projects/{env.project_id}/databases/(default)/documents/notes",
        json={"fields": {"x": {"noSuchValue": 1}}},
    )
    assert 400 <= bad.status_code < 500
    assert bad.status_code != 403
    with pytest.raises(AssertionError, match="not a rules denial"):
        assert_denied(bad)


def test_no_emulator_is_not_a_denial() -> None:
    unreachable = "http://127.0.0.1:9/v1/projects/p/databases/(default)/documents/x/y"
    with pytest.raises(AssertionError, match="got no response"):
        assert_denied(lambda: httpx.get(unreachable, timeout=2))
    with pytest.raises(AssertionError, match="got no response"):
        assert_allowed(lambda: httpx.get(unreachable, timeout=2))


def test_callables_are_run_for_their_response(env: RulesTestEnv) -> None:
    alice = env.authenticated("alice")
    created = assert_allowed(lambda: alice.create("notes/n1", {"owner": "alice"}))
    assert created.status_code == 200
    assert_denied(lambda: env.unauthenticated().get("notes/n1"))


def test_storage_denials_count_but_a_missing_ruleset_does_not() -> None:
    request = httpx.Request("GET", "http://storage/v0/b/bucket/o/x")
    denied = httpx.Response(
        403, json={"error": {"code": 403, "message": "Permission denied. No READ permission."}}, request=request
    )
    assert outcome(denied) == "denied"
    no_rules = httpx.Response(
        403,
        json={"error": {"code": 403, "message": "Permission denied. Storage Emulator has no loaded ruleset."}},
        request=request,
    )
    assert outcome(no_rules) == "error"
    missing = httpx.Response(404, text="Not Found", request=request)
    assert outcome(missing) == "error"
