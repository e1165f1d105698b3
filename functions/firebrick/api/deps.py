"""FastAPI dependencies and parameters: everything a route declares in its signature.

Routes ask for the `Caller` (database, verified principal, request context), a
reference to the resource their path names (`ProjectPath`, `TaskPath`, ...) and
typed headers; they never touch tokens, headers or Firestore themselves, and
hand all of it to a service.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Header, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from firebrick.auth.app_check import APP_CHECK_HEADER, MAX_APP_CHECK_CHARS, verify_app_check_token
from firebrick.auth.credentials import authenticate
from firebrick.auth.principal import Principal
from firebrick.auth.step_up import MAX_TOKEN_CHARS, STEP_UP_HEADER
from firebrick.clients import firestore_client
from firebrick.context import Caller, RequestContext, request_context
from firebrick.errors import Unauthenticated, raises
from firebrick.etag import MAX_HEADER_CHARS
from firebrick.logs import annotate, request_id_var
from firebrick.models.common import ID_PATTERN, ListQuery
from firebrick.models.projects import ProjectListQuery
from firebrick.models.refs import CommentRef, MemberRef, OrgRef, ProjectRef, TaskRef, TokenRef
from firebrick.models.tasks import TaskListQuery

if TYPE_CHECKING:
    from google.cloud.firestore import Client

bearer_scheme = HTTPBearer(auto_error=False, description="Firebase ID token or service token")


@raises(Unauthenticated, authenticate)
def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Principal:
    """The verified caller (Bearer token, else `__session` cookie + CSRF); 401 problem+json otherwise."""
    from firebrick.auth.credentials import Presented
    from firebrick.auth.sessions import CSRF_HEADER, SESSION_COOKIE

    bearer = None
    if credentials is not None and credentials.scheme.lower() == "bearer" and credentials.credentials:
        bearer = credentials.credentials
    elif request.headers.get("authorization"):
        raise Unauthenticated("A bearer token is required")
    principal = authenticate(
        Presented(
            bearer=bearer,
            session_cookie=request.cookies.get(SESSION_COOKIE),
            method=request.method,
            csrf_token=request.headers.get(CSRF_HEADER),
            origin=request.headers.get("origin"),
        )
    )
    annotate(uid=principal.uid)
    return principal


@raises(verify_app_check_token, authenticate)
def require_app_check(
    request: Request,
    token: Annotated[
        str | None,
        Header(
            alias=APP_CHECK_HEADER,
            max_length=MAX_APP_CHECK_CHARS,
            description="App Check token of the calling app (required while App Check is enforced).",
        ),
    ] = None,
) -> None:
    """With App Check enforced (`api/app.py` adds this to the routers): a valid `X-Firebase-AppCheck` token.

    Service tokens are exempt, but only valid ones, verified here: a made-up `fbst_`
    bearer must not open the sign-in routes, which read no bearer themselves.
    """
    from firebrick.auth.credentials import Presented
    from firebrick.auth.service_tokens import SERVICE_TOKEN_PREFIX

    scheme, _, bearer = (request.headers.get("authorization") or "").partition(" ")
    if scheme.lower() == "bearer" and bearer.strip().startswith(SERVICE_TOKEN_PREFIX):
        authenticate(Presented(bearer=bearer.strip(), session_cookie=None, method=request.method))
        return
    verify_app_check_token(token)


def current_context(request: Request) -> RequestContext:
    """Request id, client address (trusted proxy hops) and user agent, for audit entries and rate limits."""
    peer = request.client.host if request.client else None
    return request_context(request.headers, peer, request_id_var.get())


if TYPE_CHECKING:
    Db = Annotated[Client, Depends(firestore_client)]
else:  # FastAPI evaluates this at import: keep google.cloud.firestore out of the app's cold start
    Db = Annotated[Any, Depends(firestore_client)]
Ctx = Annotated[RequestContext, Depends(current_context)]


def current_caller(db: Db, principal: Annotated[Principal, Depends(current_principal)], ctx: Ctx) -> Caller:
    """Who runs the command, from where, against which database: what every service takes first."""
    return Caller(db, principal, ctx)


CurrentCaller = Annotated[Caller, Depends(current_caller)]

# --- Path ids: Firestore-safe and bounded, so a bad id is a 422, never a query ----------

OrgId = Annotated[str, Path(alias="orgId", pattern=ID_PATTERN, description="Organization id")]
ProjectId = Annotated[str, Path(alias="projectId", pattern=ID_PATTERN, description="Project id")]
TaskId = Annotated[str, Path(alias="taskId", pattern=ID_PATTERN, description="Task id")]
CommentId = Annotated[str, Path(alias="commentId", pattern=ID_PATTERN, description="Comment id")]
MemberUid = Annotated[str, Path(alias="uid", pattern=ID_PATTERN, description="The member's uid")]
TokenId = Annotated[str, Path(alias="tokenId", pattern=ID_PATTERN, description="Service token id")]


def _org(org_id: OrgId) -> OrgRef:
    return OrgRef(org_id=org_id)


def _member(org_id: OrgId, uid: MemberUid) -> MemberRef:
    return MemberRef(org_id=org_id, uid=uid)


def _token(org_id: OrgId, token_id: TokenId) -> TokenRef:
    return TokenRef(org_id=org_id, token_id=token_id)


def _project(org_id: OrgId, project_id: ProjectId) -> ProjectRef:
    return ProjectRef(org_id=org_id, project_id=project_id)


def _task(org_id: OrgId, project_id: ProjectId, task_id: TaskId) -> TaskRef:
    return TaskRef(org_id=org_id, project_id=project_id, task_id=task_id)


def _comment(org_id: OrgId, project_id: ProjectId, task_id: TaskId, comment_id: CommentId) -> CommentRef:
    return CommentRef(org_id=org_id, project_id=project_id, task_id=task_id, comment_id=comment_id)


#: The resource a route's path names, as the reference its service takes.
OrgPath = Annotated[OrgRef, Depends(_org)]
MemberPath = Annotated[MemberRef, Depends(_member)]
TokenPath = Annotated[TokenRef, Depends(_token)]
ProjectPath = Annotated[ProjectRef, Depends(_project)]
TaskPath = Annotated[TaskRef, Depends(_task)]
CommentPath = Annotated[CommentRef, Depends(_comment)]

# --- Query strings: closed models (an unknown parameter is a 422, never a wider listing) ---

ListParams = Annotated[ListQuery, Query()]
ProjectListParams = Annotated[ProjectListQuery, Query()]
TaskListParams = Annotated[TaskListQuery, Query()]

# --- Headers ----------------------------------------------------------------------------------

IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=MAX_HEADER_CHARS,
        description=(
            'ETag of the version the change is based on (`"..."` as read from `ETag`, or `*`); '
            "412 `precondition_failed` when it names any other version."
        ),
    ),
]
IfNoneMatch = Annotated[
    str | None,
    Header(
        alias="If-None-Match",
        max_length=MAX_HEADER_CHARS,
        description="ETag(s) the client holds, comma-separated; 304 without a body when one is current.",
    ),
]
StepUpHeader = Annotated[
    str | None,
    Header(
        alias=STEP_UP_HEADER,
        max_length=MAX_TOKEN_CHARS,
        description=(
            "Step-up token from POST /v1/auth/mfa/step-up, asked for this action's purpose; required once the "
            "caller has TOTP (403 `step_up_required` when missing, expired, another's, for another purpose or "
            "already used: each token unlocks one action)."
        ),
    ),
]
