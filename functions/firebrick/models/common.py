"""Shared pieces of the request/response models: strictness, ids, pages.

Request models are strict: unknown fields are refused, types are not coerced
(`"3"` is not a number, `1` is not a string), strings are bounded. Field names
are snake_case in Python and camelCase on the wire and in Firestore, as the
spec names them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, ClassVar, Generic, Self, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic.alias_generators import to_camel

#: Firestore document ids the API accepts in paths and payloads: URL-safe, bounded.
#: Stricter than Firestore itself: no "/" or dots, and no leading "_" (which rules out
#: Firestore's reserved `__x__` ids; auto ids and Auth uids are alphanumeric).
ID_PATTERN = r"^[A-Za-z0-9-][A-Za-z0-9_-]{0,127}$"
DocId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]

#: Page sizes: default and ceiling for `?limit=`.
DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


def _no_control_chars(value: str) -> str:
    if any(ord(c) < 32 and c not in "\n\t" for c in value):
        raise ValueError("control characters are not allowed")
    return value


#: Refuses control characters (newline and tab excepted) in any text field.
NoControlChars = AfterValidator(_no_control_chars)


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


class ResponseModel(BaseModel):
    """Base of every response body: camelCase on the wire, built from Firestore docs."""

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


ItemT = TypeVar("ItemT")


class Page(ResponseModel, Generic[ItemT]):
    """One page of a listing; pass `nextCursor` back as `?cursor=` for the next one."""

    items: list[ItemT]
    next_cursor: str | None = Field(description="Opaque cursor of the next page; null on the last page.")


class Timestamps(ResponseModel):
    created_at: datetime | None = None
    updated_at: datetime | None = None
