"""RFC 9457 problem details, as every error is answered (`api/problems.py`, `errors.py`)."""

from __future__ import annotations

from pydantic import Field

from firebrick.models.common import ResponseModel


class FieldProblem(ResponseModel):
    loc: list[str | int] = Field(description="Where the input failed, e.g. ['body', 'title']")
    msg: str
    type: str


class Problem(ResponseModel):
    """RFC 9457 problem details; `code` is stable, switch on it."""

    type: str = Field(examples=["https://firebrick.dev/problems/not_found"])
    title: str
    status: int
    code: str = Field(examples=["not_found"], description="Stable machine-readable error code")
    detail: str
    instance: str | None = None
    errors: list[FieldProblem] | None = Field(None, description="Validation failures (422 only)")
