"""call / callable_request: an `on_call` function in-process, through the SDK's callable protocol."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from firebase_functions import https_fn

from firebrick_testing import CallableError, call, callable_request, unsigned_id_token


@https_fn.on_call()
def whoami(req: https_fn.CallableRequest[Any]) -> dict[str, Any]:
    if req.auth is None:
        raise https_fn.HttpsError(https_fn.FunctionsErrorCode.UNAUTHENTICATED, "sign in first")
    if req.auth.token.get("role") != "editor":
        raise https_fn.HttpsError(
            https_fn.FunctionsErrorCode.PERMISSION_DENIED, "editors only", {"role": req.auth.token.get("role")}
        )
    return {"uid": req.auth.uid, "echo": req.data}


@https_fn.on_call()
def crashes(req: https_fn.CallableRequest[Any]) -> None:
    raise KeyError("a bug")


@pytest.fixture(autouse=True)
def _app(firebase_app: object) -> None:
    """The SDK verifies ID tokens with the default firebase_admin app."""


def test_result_of_an_authorised_call() -> None:
    assert call(whoami, {"n": [1, 2]}, auth="ed", claims={"role": "editor"}) == {"uid": "ed", "echo": {"n": [1, 2]}}


def test_https_errors_come_back_as_the_client_sees_them() -> None:
    with pytest.raises(CallableError) as denied:
        call(whoami, {}, auth="bob", claims={"role": "viewer"})
    assert (denied.value.status, denied.value.code, denied.value.http_status) == (
        "PERMISSION_DENIED",
        "permission-denied",
        403,
    )
    assert (denied.value.message, denied.value.details) == ("editors only", {"role": "viewer"})
    with pytest.raises(CallableError, match="UNAUTHENTICATED: sign in first"):
        call(whoami, {})


def test_an_unexpected_exception_is_internal_to_the_client(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR), pytest.raises(CallableError) as failure:
        call(crashes, None)
    assert (failure.value.status, failure.value.message, failure.value.http_status) == ("INTERNAL", "INTERNAL", 500)
    assert "a bug" in caplog.text  # the SDK logs the real error; the client sees only INTERNAL


def test_a_token_the_sdk_rejects_is_unauthenticated_before_the_handler_runs() -> None:
    with pytest.raises(CallableError, match="UNAUTHENTICATED: Unauthenticated"):
        call(whoami, {}, id_token="not-a-jwt")  # noqa: S106 - not a secret
    with pytest.raises(CallableError, match="UNAUTHENTICATED"):
        call(whoami, {}, auth="ed", claims={"role": "editor"}, project_id="demo-another-project")


def test_a_ready_token_is_sent_as_is() -> None:
    import firebase_admin

    token = unsigned_id_token("ed", firebase_admin.get_app().project_id, {"role": "editor"})
    assert call(whoami, "hi", id_token=token) == {"uid": "ed", "echo": "hi"}


def test_callable_request_is_what_the_sdk_hands_a_handler() -> None:
    request = callable_request({"q": 1}, auth="ann", claims={"role": "editor"}, headers={"X-Extra": "1"})
    assert request.data == {"q": 1}
    assert request.auth is not None
    assert (request.auth.uid, request.auth.token["role"]) == ("ann", "editor")
    assert request.raw_request.headers["X-Extra"] == "1"
    assert request.raw_request.method == "POST"
    assert request.raw_request.headers["Authorization"].startswith("Bearer ")
    assert callable_request("plain").auth is None


def test_misuse_is_refused_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match="not both"):
        call(whoami, {}, auth="a", id_token="t")  # noqa: S106 - not a secret
    with pytest.raises(ValueError, match="claims need a caller"):
        call(whoami, {}, claims={"role": "editor"})
    with pytest.raises(TypeError, match="not decorated"):
        call(lambda req: None, {})
    monkeypatch.delenv("FIREBASE_AUTH_EMULATOR_HOST")
    with pytest.raises(RuntimeError, match="FIREBASE_AUTH_EMULATOR_HOST"):
        call(whoami, {}, auth="a")
