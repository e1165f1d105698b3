"""The base classes and shared value types of every request and response model.

One convention: fields are snake_case in Python and camelCase on the wire and in
Firestore (the spec's names), through one alias generator. Request models are
strict: unknown fields are refused, types are not coerced (`"3"` is not a number,
`1` is not a string), strings are bounded. Each value has one type here (ids,
emails, roles), used by bodies, paths and callables alike.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar, Generic, Literal, Self, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    StringConstraints,
    model_validator,
)
from pydantic.alias_generators import to_camel
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

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


Email = Annotated[str, StringConstraints(max_length=254, pattern=EMAIL_PATTERN), AfterValidator(_lower)]


def _json_number(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be an integer")
    return value


#: An integer as JSON Schema defines one (JavaScript has only numbers): 3 and 3.0 alike, never "3" or true.
JsonInt = Annotated[int, Field(strict=False), BeforeValidator(_json_number)]

#: An org role as it appears in the API and in membership documents.
RoleName = Literal["owner", "admin", "member", "viewer"]

#: Page sizes: default and ceiling for `?limit=`.
DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
#: Longest pagination cursor accepted (they are much shorter; see services/documents.py).
MAX_CURSOR_CHARS = 512
#: A cursor is unpadded base64url; only `nextCursor` of the same listing is accepted (else 400 `invalid_cursor`).
CURSOR_PATTERN = r"^[A-Za-z0-9_-]+$"


# Text is checked as sent, against exactly the length and pattern the OpenAPI document
# shows, and only then trimmed: what the document calls valid is what the server accepts.
# Text never holds the bidi embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069): they
# reorder what other members see ("invoice\u202egpj.exe" reads as "invoiceexe.jpg").
_BIDI = r"\u202a-\u202e\u2066-\u2069"
_TEXT_CHAR = rf"[^\x00-\x08\x0b-\x1f\x7f{_BIDI}]"  # no control characters but newline and tab
_LINE_CHAR = rf"[^\x00-\x1f\x7f{_BIDI}]"  # no control characters at all
_VISIBLE_CHAR = rf"[^\s\x00-\x1f\x7f{_BIDI}]"
#: Multi-line text, possibly empty.
TEXT_PATTERN = f"^{_TEXT_CHAR}*$"
#: Multi-line text with at least one visible character.
NONBLANK_TEXT_PATTERN = f"^{_TEXT_CHAR}*{_VISIBLE_CHAR}{_TEXT_CHAR}*$"
#: One line with at least one visible character.
NONBLANK_LINE_PATTERN = f"^{_LINE_CHAR}*{_VISIBLE_CHAR}{_LINE_CHAR}*$"
#: Leading and trailing whitespace is dropped once the text is valid.
Trimmed = AfterValidator(str.strip)

#: A person's or an org's name: one line, at most 100 characters, trimmed.
Name = Annotated[str, StringConstraints(max_length=100, pattern=NONBLANK_LINE_PATTERN), Trimmed]


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


def drop_null(schema: dict[str, Any]) -> None:
    """Take `null` out of a JSON Schema `anyOf` (in place): for values that may be absent but never null."""
    branches = [branch for branch in schema.get("anyOf", ()) if branch != {"type": "null"}]
    if "anyOf" in schema and len(branches) == 1:
        del schema["anyOf"]
        schema.update(branches[0])
    elif "anyOf" in schema:
        schema["anyOf"] = branches
    if schema.get("default", 0) is None:
        del schema["default"]


class UpdateModel(RequestModel):
    """A PATCH body: only the fields sent change; at least one is required.

    Fields are declared `X | None = None` so "absent" can be told from "sent";
    an explicit null is refused unless the field is listed in `nullable`
    (e.g. `assigneeUid: null` unassigns).
    """

    nullable: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def __get_pydantic_json_schema__(cls, core: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        """Document what `_not_empty` enforces: only `nullable` fields accept null."""
        schema = handler.resolve_ref_schema(handler(core))
        schema["minProperties"] = 1
        for name, field in cls.model_fields.items():
            if name not in cls.nullable:
                drop_null(schema.get("properties", {}).get(field.alias or to_camel(name), {}))
        return schema

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
