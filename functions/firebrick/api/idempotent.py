"""REST glue for creates: `Idempotency-Key`, 201 + `ETag` + `Location`, replays.

Every POST that creates something answers through `create_response`, which
runs the create once per (caller, path, key) via the idempotency ledger.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from firebrick.auth.principal import Principal
from firebrick.policy import Action, authorize
from firebrick.services.access import org_access
from firebrick.services.documents import Versioned
from firebrick.state.idempotency import KEY_PATTERN, IdempotencyLedger, StoredResponse, request_fingerprint

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


@dataclass(frozen=True, slots=True)
class Secret:
    """A body field shown once (an invite or service token): never written to the ledger.

    A replay answers with `reissue(resource_id)` in that field instead: a fresh
    credential for the same resource, after the service re-checked the caller.
    """

    field: str
    reissue: Callable[[str], str]


def _created(request: Request, created: Versioned[Any], *, location: bool = True) -> StoredResponse:
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


def create_response(
    request: Request,
    db: Any,
    principal: Principal,
    key: str | None,
    body: BaseModel,
    create: Callable[[str | None], Versioned[Any]],
    *,
    org_id: str | None = None,
    location: bool = True,
    secret: Secret | None = None,
) -> JSONResponse:
    """Run `create(resource_id)` at most once per key and answer 201 (or the first answer, replayed).

    A replay skips the service, so for org-scoped creates (`org_id`) it first checks
    the caller is still in the org: someone removed since learns nothing (404).
    """
    if key is None:
        return _respond(_created(request, create(None), location=location))
    ledger = IdempotencyLedger(db)
    # Keys are per caller and per endpoint: one user's key never replays another's response.
    scope = f"{principal.kind}:{principal.uid} {request.method} {request.url.path}"
    outcome = ledger.begin(scope, key, request_fingerprint(body.model_dump(mode="json", by_alias=True)))
    if isinstance(outcome, StoredResponse):
        if org_id is not None:
            authorize(org_access(db, principal, org_id), Action.read)
        if secret is not None and outcome.status == 201:
            fresh = secret.reissue(str(outcome.body["id"]))
            outcome = StoredResponse(outcome.status, {**outcome.body, secret.field: fresh}, outcome.headers)
        return _respond(outcome, replayed=True)
    try:
        stored = _created(request, create(outcome.resource_id), location=location)
    except Exception:
        # Failed creates are not recorded: the client may fix the cause and retry with the key.
        ledger.release(outcome)
        raise
    ledger.complete(outcome, _without(stored, secret))
    return _respond(stored)
