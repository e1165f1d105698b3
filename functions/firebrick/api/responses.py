"""How routes answer: versioned reads (`ETag`, 304), and creates (201, `Idempotency-Key` replays).

Every POST that creates something answers through `create_response`, which runs
the create once per (caller, path, key) through the idempotency keys.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Header, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from firebrick.context import Caller
from firebrick.errors import raises
from firebrick.etag import matches_if_none_match
from firebrick.policy import Action
from firebrick.services.access import authorize
from firebrick.services.documents import Versioned
from firebrick.state.idempotency import KEY_PATTERN, IdempotencyKeys, StoredResponse, request_fingerprint

T = TypeVar("T")

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        pattern=KEY_PATTERN,
        description=(
            "Client-chosen key (8-255 printable ASCII chars, e.g. a UUID). A retry with the same key and "
            "body returns the first response (header `Idempotent-Replayed: true`) and creates nothing; "
            "the same key with another body is a 422. Keys expire after 24 hours."
        ),
    ),
]

REPLAYED_HEADER = "Idempotent-Replayed"

# --- Reads and updates ---------------------------------------------------------------------


def read_response(response: Response, versioned: Versioned[T], if_none_match: str | None) -> T | Response:
    """The resource with its ETag, or 304 Not Modified when the client already holds this version."""
    if if_none_match is not None and versioned.etag and matches_if_none_match(if_none_match, versioned.etag):
        return Response(status_code=304, headers={"ETag": versioned.etag})
    return with_etag(response, versioned)


def with_etag(response: Response, versioned: Versioned[T]) -> T:
    """Put the version in the ETag header and return the resource for the body."""
    if versioned.etag:
        response.headers["ETag"] = versioned.etag
    return versioned.resource


# --- Creates ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Secret:
    """A body field shown once (an invite or service token): never written to the idempotency keys.

    A replay answers with `reissue(resource_id)` in that field instead: a fresh
    credential for the same resource, after the service re-checked the caller.
    """

    field: str
    reissue: Callable[[str], str]


def _created(request: Request, created: Versioned[Any], *, location: bool) -> StoredResponse:
    resource: BaseModel = created.resource
    body = resource.model_dump(mode="json", by_alias=True)
    headers = {"ETag": created.etag} if created.etag else {}
    if location:
        headers["Location"] = f"{request.url.path.rstrip('/')}/{body['id']}"
    return StoredResponse(201, body, headers)


def _without(stored: StoredResponse, secret: Secret | None) -> StoredResponse:
    if secret is None:
        return stored
    body = {k: v for k, v in stored.body.items() if k != secret.field}
    return StoredResponse(stored.status, body, stored.headers)


def _respond(stored: StoredResponse, *, replayed: bool = False) -> JSONResponse:
    headers = dict(stored.headers)
    if replayed:
        headers[REPLAYED_HEADER] = "true"
    return JSONResponse(stored.body, status_code=stored.status, headers=headers)


@raises(IdempotencyKeys.begin, authorize)
def create_response(
    request: Request,
    caller: Caller,
    key: str | None,
    body: BaseModel,
    create: Callable[[str | None], Versioned[Any]],
    *,
    org_id: str | None = None,
    location: bool = True,
    secret: Secret | None = None,
) -> JSONResponse:
    """Run `create(resource_id)` at most once per key and answer 201 (or the first answer, replayed).

    A replay skips the service, so for org-scoped creates (`org_id`) the caller
    must still see the org: someone removed since learns nothing (404). A
    `secret` field is re-issued by its service, which re-runs the create's checks.
    """
    if key is None:
        return _respond(_created(request, create(None), location=location))
    keys = IdempotencyKeys(caller.db)
    # Keys are per caller and per endpoint: one user's key never replays another's response.
    scope = f"{caller.principal.kind}:{caller.uid} {request.method} {request.url.path}"
    outcome = keys.begin(scope, key, request_fingerprint(body.model_dump(mode="json", by_alias=True)))
    if isinstance(outcome, StoredResponse):
        if secret is not None and outcome.status == 201:
            fresh = secret.reissue(str(outcome.body["id"]))
            outcome = StoredResponse(outcome.status, {**outcome.body, secret.field: fresh}, outcome.headers)
        elif org_id is not None:
            authorize(caller, org_id, Action.read)
        return _respond(outcome, replayed=True)
    try:
        stored = _created(request, create(outcome.resource_id), location=location)
    except Exception:
        # Failed creates are not recorded: the client may fix the cause and retry with the key.
        keys.release(outcome)
        raise
    keys.complete(outcome, _without(stored, secret))
    return _respond(stored)
