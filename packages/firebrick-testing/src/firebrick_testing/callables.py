"""Call an `https_fn.on_call` function in-process, through the SDK's callable protocol.

The decorated function takes a flask Request: a POST with a JSON body
`{"data": ...}` and, for a signed-in caller, `Authorization: Bearer <ID token>`.
The SDK verifies the token with `firebase_admin.auth.verify_id_token` on the
default app; with FIREBASE_AUTH_EMULATOR_HOST set that check skips the signature
(and expiry), so an unsigned token for the app's project is accepted. It answers
`{"result": ...}`, or `{"error": {"status", "message", "details"?}}` with the
HTTP status of the error code.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from firebrick_testing.tokens import unsigned_id_token

if TYPE_CHECKING:
    from firebase_functions.https_fn import CallableRequest
    from flask import Flask

_app: Flask | None = None


def _flask_app() -> Flask:
    """A bare app for request contexts: the SDK's CORS wrapper reads `flask.request`."""
    global _app
    if _app is None:
        from flask import Flask

        _app = Flask("firebrick_testing")
    return _app


class CallableError(Exception):
    """The error a callable answered, as a client SDK sees it (`FirebaseFunctionsException` / `HttpsError`)."""

    def __init__(self, status: str, message: str, details: Any, http_status: int) -> None:
        super().__init__(f"{status}: {message}" + (f" (details: {details!r})" if details is not None else ""))
        #: The canonical status, e.g. `PERMISSION_DENIED`.
        self.status = status
        self.message = message
        self.details = details
        self.http_status = http_status

    @property
    def code(self) -> str:
        """The client SDKs' code for the status, e.g. `permission-denied`."""
        return self.status.lower().replace("_", "-")


def _default_app_project() -> str | None:
    """The default firebase_admin app's project, None when there is no default app."""
    import firebase_admin

    try:
        app = firebase_admin.get_app()
    except ValueError:
        return None
    project = app.project_id
    return str(project) if project else None


@dataclass(frozen=True)
class _CallableCall:
    headers: dict[str, str]
    body: bytes


def _prepare(
    data: Any,
    *,
    auth: str | None,
    claims: Mapping[str, Any] | None,
    id_token: str | None,
    project_id: str | None,
    headers: Mapping[str, str] | None,
) -> _CallableCall:
    request_headers = {"Content-Type": "application/json"}
    if auth is not None and id_token is not None:
        raise ValueError("pass either auth=<uid> (the toolkit builds the token) or id_token=..., not both")
    if auth is not None:
        if not os.environ.get("FIREBASE_AUTH_EMULATOR_HOST"):
            raise RuntimeError(
                "the SDK accepts an unsigned ID token only when FIREBASE_AUTH_EMULATOR_HOST is set "
                "(firebase emulators:exec sets it); without it this call would answer UNAUTHENTICATED"
            )
        project = project_id or _default_app_project()
        if project is None:
            raise RuntimeError(
                "no default firebase_admin app: the SDK verifies a callable's ID token with it before your code "
                "runs. Initialise it where your functions are declared (firebase_admin.initialize_app()), "
                "as deployed code must, or pass project_id=..."
            )
        id_token = unsigned_id_token(auth, project, claims)
    elif claims:
        raise ValueError("claims need a caller: pass auth=<uid>")
    if id_token is not None:
        request_headers["Authorization"] = f"Bearer {id_token}"
    request_headers.update(headers or {})
    return _CallableCall(request_headers, json.dumps({"data": data}).encode())


def callable_request(
    data: Any = None,
    *,
    auth: str | None = None,
    claims: Mapping[str, Any] | None = None,
    id_token: str | None = None,
    project_id: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> CallableRequest[Any]:
    """The `CallableRequest` the SDK hands a callable's handler, built by the SDK from a client's request.

    For testing a handler below the decorator (one that takes a CallableRequest).
    Arguments as for `call`; raises CallableError where the SDK would refuse the
    request (e.g. UNAUTHENTICATED for a token it rejects). `raw_request` is the
    flask Request that was sent.
    """
    from firebase_functions import https_fn

    captured: list[https_fn.CallableRequest[Any]] = []

    @https_fn.on_call()
    def capture(req: https_fn.CallableRequest[Any]) -> None:
        captured.append(req)

    call(capture, data, auth=auth, claims=claims, id_token=id_token, project_id=project_id, headers=headers)
    return captured[0]


def call(
    function: Callable[..., Any],
    data: Any = None,
    *,
    auth: str | None = None,
    claims: Mapping[str, Any] | None = None,
    id_token: str | None = None,
    project_id: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Any:
    """Call an `on_call` function as a client would; return its result or raise CallableError.

    `auth` is the caller's uid (an unsigned ID token with `claims` is built for the
    default app's project, or `project_id`); `id_token` sends a token as is (e.g. one
    from the Auth emulator); neither calls as a signed-out client. `headers` adds or
    overrides headers (`X-Firebase-AppCheck`, `Firebase-Instance-ID-Token`).

    A werkzeug test request (POST, `{"data": data}`) runs through the SDK's own
    wrapper (body validation, token verification, error mapping) in a flask request
    context, so an exception the handler raises comes back as the client sees it:
    an `HttpsError` as its code, message and details, anything else as `INTERNAL`.
    """
    from werkzeug.test import EnvironBuilder

    if not hasattr(function, "__firebase_endpoint__"):
        raise TypeError(f"{getattr(function, '__name__', function)!r} is not decorated with https_fn.on_call")
    prepared = _prepare(data, auth=auth, claims=claims, id_token=id_token, project_id=project_id, headers=headers)
    builder = EnvironBuilder(method="POST", path="/", headers=list(prepared.headers.items()), data=prepared.body)
    try:
        # The real Request (not flask's proxy) so `raw_request` outlives the context.
        with _flask_app().request_context(builder.get_environ()) as context:
            response = function(context.request)
    finally:
        builder.close()
    status = int(response.status_code)
    try:
        body = json.loads(response.get_data())
    except ValueError as exc:
        raise AssertionError(f"the callable answered {status} without a JSON body: {response.get_data()!r}") from exc
    if status == 200 and "result" in body:
        return body["result"]
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        raise AssertionError(f"the callable answered {status} {body!r}: neither a result nor an error")
    raise CallableError(str(error.get("status")), str(error.get("message", "")), error.get("details"), status)
