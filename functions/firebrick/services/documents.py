"""Versioned document reads and writes, and cursor pages: the plumbing the resource services share.

- ETags are the document's Firestore `update_time`: every write changes it, and
  Firestore can check it for us as a write precondition. A conditional write
  (`If-Match`) therefore cannot lose a race: of two writers holding the same
  version, Firestore lets exactly one commit.
- Pages are ordered by (`createdAt`, document id), a total order that new
  documents only extend at the end, so a walk sees every document that existed
  when it started exactly once. Cursors are opaque to clients and bound to the
  listing that issued them (collection and filters); a cursor from another
  listing, or a forged one, is refused with 400 `invalid_cursor`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from firebrick.errors import Conflict, FirebrickError, InvalidCursor, PreconditionFailed
from firebrick.models.common import ID_PATTERN
from firebrick.policy import Access, Action, authorize
from firebrick.services.access import org_access

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentReference

    from firebrick.auth.principal import Principal

T = TypeVar("T")

_ID = re.compile(ID_PATTERN)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_CURSOR_VERSION = 1
_MAX_CURSOR_CHARS = 512
#: Unconditional writes re-read and retry this often when another write slips in between.
_WRITE_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class Versioned(Generic[T]):
    """A resource with the ETag of the document version it was read from (or written as)."""

    resource: T
    etag: str


# --- ETags -----------------------------------------------------------------


def etag_of(update_time: Any) -> str:
    """A strong ETag from a Firestore update time (DatetimeWithNanoseconds)."""
    stamp = update_time.timestamp_pb()
    return f'"{stamp.seconds:x}.{stamp.nanos:x}"'


def etag_matches(if_match: str, etag: str) -> bool:
    """RFC 9110 `If-Match` with strong comparison: `*` or any listed tag equal to `etag`."""
    candidates = [c.strip() for c in if_match.split(",")]
    return any(c == "*" or c == etag for c in candidates if c)


def etag_matches_weakly(if_none_match: str, etag: str) -> bool:
    """RFC 9110 `If-None-Match`: weak comparison (a `W/` prefix is ignored), `*` matches."""
    candidates = [c.strip().removeprefix("W/") for c in if_none_match.split(",")]
    return any(c == "*" or c == etag for c in candidates if c)


# --- Versioned writes --------------------------------------------------------


def create_document(ref: DocumentReference, data: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """Create `ref` with `data`; if it already exists (an idempotent retry), return it as stored."""
    from google.api_core.exceptions import AlreadyExists
    from google.api_core.exceptions import Conflict as GoogleConflict

    try:
        result = ref.create(data)
    except (AlreadyExists, GoogleConflict):
        snapshot = ref.get()
        if not snapshot.exists:  # created and deleted in between: nothing sensible to return
            raise Conflict("The resource was created and deleted concurrently") from None
        return snapshot.to_dict() or {}, etag_of(snapshot.update_time)
    return data, etag_of(result.update_time)


def read_document(ref: DocumentReference, not_found: FirebrickError) -> Any:
    """The document's snapshot, or `not_found` raised."""
    snapshot = ref.get()
    if not snapshot.exists:
        raise not_found
    return snapshot


def update_document(
    db: Client,
    ref: DocumentReference,
    *,
    if_match: str | None,
    not_found: FirebrickError,
    decide: Callable[[dict[str, Any]], dict[str, Any]],
) -> tuple[dict[str, Any], str]:
    """Apply `decide(current)` (the fields to change; raises to refuse) as a conditional write.

    The write is conditioned on the version `decide` saw, so its checks (who
    may edit, what the document holds) still hold when the write lands. With
    `If-Match`, a version other than the client's is a 412; without it, a
    concurrent change makes us re-read and decide again.
    """
    from google.api_core.exceptions import FailedPrecondition
    from google.api_core.exceptions import NotFound as GoogleNotFound

    for _ in range(_WRITE_ATTEMPTS):
        snapshot = read_document(ref, not_found)
        current_etag = etag_of(snapshot.update_time)
        if if_match is not None and not etag_matches(if_match, current_etag):
            raise PreconditionFailed("The resource has changed; fetch it again and retry with its new ETag")
        current = snapshot.to_dict() or {}
        changes = decide(current)
        try:
            result = ref.update(changes, option=db.write_option(last_update_time=snapshot.update_time))
        except GoogleNotFound:
            raise not_found from None
        except FailedPrecondition:
            if if_match is not None:
                raise PreconditionFailed(
                    "The resource has changed; fetch it again and retry with its new ETag"
                ) from None
            continue
        return {**current, **changes}, etag_of(result.update_time)
    raise Conflict("The resource is being changed by others; retry")


def delete_document(
    db: Client,
    ref: DocumentReference,
    *,
    if_match: str | None,
    not_found: FirebrickError,
    decide: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Delete `ref` (conditionally, like `update_document`); returns what was deleted."""
    from google.api_core.exceptions import FailedPrecondition
    from google.api_core.exceptions import NotFound as GoogleNotFound

    for _ in range(_WRITE_ATTEMPTS):
        snapshot = read_document(ref, not_found)
        if if_match is not None and not etag_matches(if_match, etag_of(snapshot.update_time)):
            raise PreconditionFailed("The resource has changed; fetch it again and retry with its new ETag")
        current = snapshot.to_dict() or {}
        if decide is not None:
            decide(current)
        try:
            ref.delete(option=db.write_option(last_update_time=snapshot.update_time))
        except GoogleNotFound:
            raise not_found from None
        except FailedPrecondition:
            if if_match is not None:
                raise PreconditionFailed(
                    "The resource has changed; fetch it again and retry with its new ETag"
                ) from None
            continue
        return current
    raise Conflict("The resource is being changed by others; retry")


# --- Cursor pages ------------------------------------------------------------


def _fingerprint(scope: str) -> str:
    return hashlib.sha256(scope.encode()).hexdigest()[:16]


def _micros(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)


def encode_cursor(scope: str, created_at: datetime, doc_id: str) -> str:
    """An opaque cursor: the last item's position, bound to the listing's scope."""
    raw = json.dumps([_CURSOR_VERSION, _fingerprint(scope), _micros(created_at), doc_id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).rstrip(b"=").decode()


def decode_cursor(scope: str, cursor: str) -> tuple[datetime, str]:
    """The position a cursor points at; InvalidCursor when it is malformed or foreign."""
    invalid = InvalidCursor("The cursor is not valid for this listing")
    if not cursor or len(cursor) > _MAX_CURSOR_CHARS:
        raise invalid
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        version, fingerprint, micros, doc_id = json.loads(raw)
    except (binascii.Error, ValueError, TypeError):
        raise invalid from None
    valid = (
        version == _CURSOR_VERSION
        and fingerprint == _fingerprint(scope)
        and isinstance(micros, int)
        and not isinstance(micros, bool)
        and 0 <= micros < 2**62
        and isinstance(doc_id, str)
        and _ID.match(doc_id) is not None
    )
    if not valid:
        raise invalid
    return _EPOCH + timedelta(microseconds=micros), doc_id


def list_page(
    query: Any,
    *,
    scope: str,
    limit: int,
    cursor: str | None,
    build: Callable[[str, Mapping[str, Any]], T],
) -> tuple[list[T], str | None]:
    """One page of `query` in (createdAt, id) order, and the cursor of the next page (or None)."""
    ordered = query.order_by("createdAt").order_by("__name__")
    if cursor is not None:
        created_at, doc_id = decode_cursor(scope, cursor)
        ordered = ordered.start_after({"createdAt": created_at, "__name__": doc_id})
    snapshots = list(ordered.limit(limit + 1).stream())
    page = snapshots[:limit]
    items = [build(s.id, s.to_dict() or {}) for s in page]
    next_cursor = None
    if len(snapshots) > limit:
        last = page[-1]
        next_cursor = encode_cursor(scope, (last.to_dict() or {})["createdAt"], last.id)
    return items, next_cursor


# --- Access ------------------------------------------------------------------


def require(db: Client, principal: Principal, org_id: str, action: Action) -> Access:
    """The caller's access in `org_id`, after the policy allowed `action` (outsiders: 404)."""
    access = org_access(db, principal, org_id)
    authorize(access, action)
    return access
