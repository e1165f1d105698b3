"""The base classes and shared value types of every request and response model.

One convention: fields are snake_case in Python and camelCase on the wire and in
Firestore (the spec's names), through one alias generator. Request models are
strict: unknown fields are refused, types are not coerced (`"3"` is not a number,
`1` is not a string), strings are bounded. Each value has one type here (ids,
emails, roles), used by bodies, paths and callables alike.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, ClassVar, Generic, Literal, Self, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic.alias_generators import to_camel

#: Firestore document ids the API accepts in paths and payloads: URL-safe, bounded.
#: Stricter than Firestore itself: no "/" or dots, and no leading "_" (which rules out
#: Firestore's reserved `__x__` ids; auto ids and Auth uids are alphanumeric).
ID_PATTERN = r"^[A-Za-z0-9-][A-Za-z0-9_-]{0,127}$"
DocId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]

#: An email address: one `@`, a dotted ASCII domain, at most 254 characters; stored lower-cased.
#: A pragmatic shape check; the real proof of an address is its verification.
EMAIL_PATTERN = r"^[^@\s]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$"


def _lower(value: str) -> str:
    return value.lower()


Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=254, pattern=EMAIL_PATTERN),
    AfterValidator(_lower),
]

#: An org role as it appears in the API and in membership documents.
RoleName = Literal["owner", "admin", "member", "viewer"]

#: Page sizes: default and ceiling for `?limit=`.
DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
#: Longest pagination cursor accepted (they are much shorter; see services/documents.py).
MAX_CURSOR_CHARS = 512
#: A cursor is unpadded base64url; only `nextCursor` of the same listing is accepted (else 400 `invalid_cursor`).
CURSOR_PATTERN = r"^[A-Za-z0-9_-]+$"


def _no_control_chars(value: str) -> str:
    if any(ord(c) < 32 and c not in "\n\t" for c in value) or "\x7f" in value:
        raise ValueError("control characters are not allowed")
    return value


#: Refuses control characters (newline and tab excepted) in any text field.
NoControlChars = AfterValidator(_no_control_chars)

#: A person's or an org's name: trimmed, 1-100 characters, no control characters at all (one line).
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$")
]


class RequestModel(BaseModel):
    """Base of every request body: strict, closed, camelCase on the wire."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        alias_generator=to_camel,
        validate_by_alias=True,
        validate_by_name=False,
        serialize_by_alias=True,
        frozen=True,
    )


class QueryModel(BaseModel):
    """Base of query-string models: closed (a typoed filter must not widen a listing), values coerced from text."""

    model_config = ConfigDict(
        extra="forbid", alias_generator=to_camel, validate_by_alias=True, serialize_by_alias=True, frozen=True
    )


class ResponseModel(BaseModel):
    """Base of every response body: camelCase on the wire, built from services' values or Firestore docs."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_alias=True,
        validate_by_name=True,
        serialize_by_alias=True,
    )


class UpdateModel(RequestModel):
    """A PATCH body: only the fields sent change; at least one is required.

    Fields are declared `X | None = None` so "absent" can be told from "sent";
    an explicit null is refused unless the field is listed in `nullable`
    (e.g. `assigneeUid: null` unassigns).
    """

    nullable: ClassVar[frozenset[str]] = frozenset()

    def changes(self) -> dict[str, object]:
        """The fields the client sent, by their wire (and Firestore) names."""
        return self.model_dump(mode="python", by_alias=True, include=self.model_fields_set)

    @model_validator(mode="after")
    def _not_empty(self) -> Self:
        if not self.model_fields_set:
            raise ValueError("at least one field must be given")
        for name in self.model_fields_set:
            if getattr(self, name) is None and name not in self.nullable:
                raise ValueError(f"{to_camel(name)} may not be null")
        return self


class ListQuery(QueryModel):
    """`?limit=&cursor=` of every listing."""

    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Page size")
    cursor: str | None = Field(
        None,
        min_length=1,
        max_length=MAX_CURSOR_CHARS,
        pattern=CURSOR_PATTERN,
        description="`nextCursor` of the previous page of this same listing; any other is a 400 `invalid_cursor`",
    )


ItemT = TypeVar("ItemT")


class Page(ResponseModel, Generic[ItemT]):
    """One page of a listing; pass `nextCursor` back as `?cursor=` for the next one."""

    items: list[ItemT]
    next_cursor: str | None = Field(description="Opaque cursor of the next page; null on the last page.")


class Items(ResponseModel, Generic[ItemT]):
    """A complete, bounded listing (no pagination)."""

    items: list[ItemT]


class Created(ResponseModel):
    """Who made a resource and when (set by the backend)."""

    created_at: datetime | None = Field(None, description="When it was created (UTC)")
    created_by: str | None = Field(None, description="uid of the user who created it")


class Updated(Created):
    """Who changed a resource last and when (set by the backend on every change)."""

    updated_at: datetime | None = Field(None, description="When it last changed (UTC)")
    updated_by: str | None = Field(None, description="uid of the user who changed it last")
