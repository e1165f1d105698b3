"""Parameters and response declarations shared by the resource routers.

Path ids, list queries (closed: unknown query parameters are refused, like
unknown body fields), `If-Match`, the ETag response header, and the
problem+json error responses each route declares in OpenAPI.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, Path, Response
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from firebrick.clients import firestore_client
from firebrick.models.common import DEFAULT_PAGE_SIZE, ID_PATTERN, MAX_PAGE_SIZE
from firebrick.services.documents import Versioned, etag_matches_weakly

T = TypeVar("T")

Db = Annotated[Any, Depends(firestore_client)]

OrgId = Annotated[str, Path(alias="orgId", pattern=ID_PATTERN, description="Organization id")]
ProjectId = Annotated[str, Path(alias="projectId", pattern=ID_PATTERN, description="Project id")]
TaskId = Annotated[str, Path(alias="taskId", pattern=ID_PATTERN, description="Task id")]
CommentId = Annotated[str, Path(alias="commentId", pattern=ID_PATTERN, description="Comment id")]

IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=1024,
        description="ETag of the version the change is based on; 412 when the resource has changed since.",
    ),
]


IfNoneMatch = Annotated[
    str | None,
    Header(
        alias="If-None-Match",
        max_length=1024,
        description="ETag(s) the client holds; 304 without a body when the resource is unchanged.",
    ),
]


class ListQuery(BaseModel):
    """`?limit=&cursor=`; unknown query parameters are refused (a typoed filter must not widen a listing)."""

    model_config = ConfigDict(extra="forbid", alias_generator=to_camel, validate_by_alias=True, frozen=True)

    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Page size")
    cursor: str | None = Field(None, min_length=1, max_length=512, description="`nextCursor` of the previous page")


ETAG_HEADER = {"ETag": {"description": "Version of the resource, for `If-Match`", "schema": {"type": "string"}}}
NOT_MODIFIED: dict[int | str, dict[str, Any]] = {304: {"description": "Not modified (`If-None-Match`)"}}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI error responses; their problem+json content (and 401/413/500) come from `api.openapi`."""
    descriptions = {
        400: "Bad request (e.g. invalid cursor)",
        401: "Missing or invalid credentials",
        403: "The caller's role does not allow this",
        404: "Not found, or not visible to the caller",
        409: "Conflict",
        412: "`If-Match` does not match the current ETag",
        413: "Request body too large",
        422: "Invalid input",
        429: "Rate limited",
    }
    return {status: {"description": descriptions[status]} for status in statuses}


def read_response(response: Response, versioned: Versioned[T], if_none_match: str | None) -> T | Response:
    """The resource with its ETag, or 304 Not Modified when the client already holds this version."""
    if if_none_match is not None and etag_matches_weakly(if_none_match, versioned.etag):
        return Response(status_code=304, headers={"ETag": versioned.etag})
    return with_etag(response, versioned)


def with_etag(response: Response, versioned: Versioned[T]) -> T:
    """Put the version in the ETag header and return the resource for the body."""
    response.headers["ETag"] = versioned.etag
    return versioned.resource
