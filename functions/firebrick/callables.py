"""Callable-function adapters: the REST commands for Firebase SDK clients.

A callable's payload is the REST body plus the path ids as fields (`orgId`,
`projectId`, `taskId`); it returns the REST response body. The same pydantic
models parse it and the same services run it, so REST and callables cannot
drift. Errors become `HttpsError`s with the callable code each FirebrickError
declares, and `details.code` carrying the same stable code as problem+json.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from firebrick.audit import RequestMeta
from firebrick.auth.principal import Principal
from firebrick.errors import FirebrickError, Unauthenticated, ValidationFailed
from firebrick.logs import get_logger
from firebrick.models.comments import CommentCreate
from firebrick.models.common import DocId, RequestModel
from firebrick.models.projects import ProjectCreate
from firebrick.models.tasks import TaskCreate, TaskUpdate
from firebrick.services.documents import Versioned

if TYPE_CHECKING:
    from firebase_functions.https_fn import CallableRequest

logger = get_logger("callables")

PathT = TypeVar("PathT", bound=RequestModel)
BodyT = TypeVar("BodyT", bound=BaseModel)


class NoPath(RequestModel):
    """Commands whose REST path has no ids (`POST /v1/orgs`, `POST /v1/invites/accept`)."""


class OrgPath(RequestModel):
    org_id: DocId


class ProjectPath(OrgPath):
    project_id: DocId


class TaskPath(ProjectPath):
    task_id: DocId


def _principal(request: CallableRequest[Any]) -> Principal:
    """Verify the caller's ID token ourselves: unlike the SDK's check, ours honours revocation."""
    from firebrick.auth.tokens import verify_firebase_id_token

    scheme, _, token = (request.raw_request.headers.get("Authorization") or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Sign in to call this function")
    return verify_firebase_id_token(token.strip())


def _meta(request: CallableRequest[Any]) -> RequestMeta:
    """Where the call came from, for audit entries (as the REST adapter records it)."""
    raw = request.raw_request
    return RequestMeta(ip=raw.remote_addr, user_agent=raw.headers.get("User-Agent"))


def _parse(data: Any, path_model: type[PathT], body_model: type[BodyT]) -> tuple[PathT, BodyT]:
    """Split the payload into path ids and body, each validated by its model."""
    if not isinstance(data, dict):
        raise ValidationFailed("The payload must be an object")
    path_fields = {field.alias or name for name, field in path_model.model_fields.items()}
    errors: list[dict[str, Any]] = []
    path: PathT | None = None
    body: BodyT | None = None
    try:
        path = path_model.model_validate({k: v for k, v in data.items() if k in path_fields})
    except ValidationError as exc:
        errors += _errors(exc)
    try:
        body = body_model.model_validate({k: v for k, v in data.items() if k not in path_fields})
    except ValidationError as exc:
        errors += _errors(exc)
    if errors or path is None or body is None:
        raise ValidationFailed("The request is not valid", errors=errors)
    return path, body


def _errors(exc: ValidationError) -> list[dict[str, Any]]:
    """Where and why, never the input itself (same shape as the REST 422)."""
    return [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors(include_url=False)]


def _https_error(error: FirebrickError) -> Exception:
    from firebase_functions.https_fn import FunctionsErrorCode, HttpsError

    try:
        code = FunctionsErrorCode(error.callable_code)
    except ValueError:
        code = FunctionsErrorCode.INTERNAL
    details = {"code": error.code, "status": error.status, **error.extra}
    return HttpsError(code, error.detail, details)


def _run(
    request: CallableRequest[Any],
    path_model: type[PathT],
    body_model: type[BodyT],
    command: Callable[[Any, Principal, PathT, BodyT], Versioned[Any] | BaseModel],
) -> dict[str, Any]:
    """Authenticate, parse, run the service, serialise; every failure is an HttpsError."""
    from firebrick.clients import firestore_client

    try:
        principal = _principal(request)
        path, body = _parse(request.data, path_model, body_model)
        result = command(firestore_client(), principal, path, body)
    except FirebrickError as error:
        if error.status in (401, 403):
            logger.warning("auth failure", extra={"fields": {"code": error.code, "callable": path_model.__name__}})
        raise _https_error(error) from None
    except Exception:
        logger.exception("unhandled error in callable")
        raise _https_error(FirebrickError("An unexpected error occurred")) from None
    resource: BaseModel = result.resource if isinstance(result, Versioned) else result
    return resource.model_dump(mode="json", by_alias=True)


def orgs_create(request: CallableRequest[Any]) -> dict[str, Any]:
    """`{name}` -> the created org; the caller becomes its owner."""
    from firebrick.models.orgs import Org, OrgCreate
    from firebrick.services.orgs import create_org

    def command(db: Any, principal: Principal, _path: NoPath, body: OrgCreate) -> Org:
        view = create_org(db, principal, body.name, _meta(request))
        view.pop("etag", None)
        return Org.model_validate(view)

    return _run(request, NoPath, OrgCreate, command)


def invites_accept(request: CallableRequest[Any]) -> dict[str, Any]:
    """`{token}` -> `{orgId, role}`; only the invited, verified email's user may accept."""
    from firebrick.models.invites import InviteAccept, InviteAccepted
    from firebrick.services.invites import accept_invite

    def command(db: Any, principal: Principal, _path: NoPath, body: InviteAccept) -> InviteAccepted:
        return InviteAccepted.model_validate(accept_invite(db, principal, body.token, _meta(request)))

    return _run(request, NoPath, InviteAccept, command)


def projects_create(request: CallableRequest[Any]) -> dict[str, Any]:
    """`{orgId, name, description?}` -> the created project (admin+)."""
    from firebrick.services.projects import create_project

    return _run(request, OrgPath, ProjectCreate, lambda db, p, path, body: create_project(db, p, path.org_id, body))


def tasks_create(request: CallableRequest[Any]) -> dict[str, Any]:
    """`{orgId, projectId, title, ...}` -> the created task (member+)."""
    from firebrick.services.tasks import create_task

    return _run(
        request,
        ProjectPath,
        TaskCreate,
        lambda db, p, path, body: create_task(db, p, path.org_id, path.project_id, body),
    )


def tasks_update(request: CallableRequest[Any]) -> dict[str, Any]:
    """`{orgId, projectId, taskId, <fields to change>}` -> the updated task (member+)."""
    from firebrick.services.tasks import update_task

    return _run(
        request,
        TaskPath,
        TaskUpdate,
        lambda db, p, path, body: update_task(db, p, path.org_id, path.project_id, path.task_id, body),
    )


def comments_create(request: CallableRequest[Any]) -> dict[str, Any]:
    """`{orgId, projectId, taskId, body}` -> the created comment (member+)."""
    from firebrick.services.comments import create_comment

    return _run(
        request,
        TaskPath,
        CommentCreate,
        lambda db, p, path, body: create_comment(db, p, path.org_id, path.project_id, path.task_id, body),
    )
