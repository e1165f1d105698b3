"""Callable twins of `POST /v1/orgs` and `POST /v1/invites/accept`.

Same pydantic models, same services, same policy as the REST routes; errors
become `HttpsError`s with each FirebrickError's callable code and the stable
problem `code` in `details`. (The projects/tasks/comments callables live in
`firebrick.callables`; merge the two adapters when convenient.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from firebrick.auth.principal import Principal
from firebrick.errors import FirebrickError, Unauthenticated, ValidationFailed
from firebrick.logs import get_logger
from firebrick.models.invites import InviteAccept, InviteAccepted
from firebrick.models.orgs import Org, OrgCreate

if TYPE_CHECKING:
    from firebase_functions.https_fn import CallableRequest
    from google.cloud.firestore import Client

logger = get_logger("callables.orgs")

BodyT = TypeVar("BodyT", bound=BaseModel)


def _principal(request: CallableRequest[Any]) -> Principal:
    """Verify the ID token ourselves: unlike the SDK's own check, ours honours revocation."""
    from firebrick.auth.tokens import verify_firebase_id_token

    scheme, _, token = (request.raw_request.headers.get("Authorization") or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Sign in to call this function")
    return verify_firebase_id_token(token.strip())


def _https_error(error: FirebrickError) -> Exception:
    from firebase_functions.https_fn import FunctionsErrorCode, HttpsError

    try:
        code = FunctionsErrorCode(error.callable_code)
    except ValueError:
        code = FunctionsErrorCode.INTERNAL
    return HttpsError(code, error.detail, {"code": error.code, "status": error.status, **error.extra})


def _run(
    request: CallableRequest[Any],
    model: type[BodyT],
    command: Callable[[Client, Principal, BodyT], BaseModel],
) -> dict[str, Any]:
    from firebrick.clients import firestore_client

    try:
        principal = _principal(request)
        try:
            body = model.model_validate(request.data if isinstance(request.data, dict) else {})
        except ValidationError as exc:
            errors = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
            raise ValidationFailed("The request is not valid", errors=errors) from None
        result = command(firestore_client(), principal, body)
    except FirebrickError as error:
        if error.status in (401, 403):
            logger.warning("auth failure", extra={"fields": {"code": error.code, "callable": model.__name__}})
        raise _https_error(error) from None
    except Exception:
        logger.exception("unhandled error in callable")
        raise _https_error(FirebrickError("An unexpected error occurred")) from None
    return result.model_dump(mode="json")


def orgs_create(request: CallableRequest[Any]) -> dict[str, Any]:
    """`{name}` -> the new org; the caller becomes its owner."""
    from firebrick.services.orgs import create_org

    def command(db: Client, principal: Principal, body: OrgCreate) -> Org:
        view = create_org(db, principal, body.name)
        view.pop("etag", None)
        return Org.model_validate(view)

    return _run(request, OrgCreate, command)


def invites_accept(request: CallableRequest[Any]) -> dict[str, Any]:
    """`{token}` -> `{orgId, role}`; only the invited, verified email's user."""
    from firebrick.services.invites import accept_invite

    def command(db: Client, principal: Principal, body: InviteAccept) -> InviteAccepted:
        return InviteAccepted.model_validate(accept_invite(db, principal, body.token))

    return _run(request, InviteAccept, command)
