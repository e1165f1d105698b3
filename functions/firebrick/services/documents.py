"""Versioned document reads and writes, and cursor pages: the plumbing the resource services share.

- ETags are the document's Firestore `update_time` (`etag.version_etag`): every
  write changes it, and Firestore can check it for us as a write precondition. A
  conditional write (`If-Match`) therefore cannot lose a race: of two writers
  holding the same version, Firestore lets exactly one commit.
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

from firebrick.clock import now
from firebrick.errors import Conflict, FirebrickError, InvalidCursor, NotFound, PreconditionFailed, raises
from firebrick.etag import STALE_VERSION, check_if_match, version_etag
from firebrick.models.common import ID_PATTERN, MAX_CURSOR_CHARS, ListQuery, Page

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentReference, WriteBatch

T = TypeVar("T")

_ID = re.compile(ID_PATTERN)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_CURSOR_VERSION = 1
#: Unconditional writes re-read and retry this often when another write slips in between.
_WRITE_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class Versioned(Generic[T]):
    """A resource with the ETag of the version it was read from or written as (None: not versioned)."""

    resource: T
    etag: str | None


# --- Who wrote a document ---------------------------------------------------


def created_by(uid: str) -> dict[str, Any]:
    """The stamps of a new document (`models.common.Updated`): created, and last changed, by `uid` now."""
    at = now()
    return {"createdAt": at, "createdBy": uid, "updatedAt": at, "updatedBy": uid}


def changed_by(uid: str) -> dict[str, Any]:
    """The stamps of a change; `updatedBy` lets the activity trigger name who made it."""
    return {"updatedAt": now(), "updatedBy": uid}


# --- Versioned writes --------------------------------------------------------


@raises(Conflict)
def create_document(db: Client, path: str, data: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """Create `path` with `data`; if it already exists (an idempotent retry), return it as stored."""
    from google.api_core.exceptions import AlreadyExists
    from google.api_core.exceptions import Conflict as GoogleConflict

    ref = db.document(path)
    try:
        result = ref.create(data)
    except (AlreadyExists, GoogleConflict):
        snapshot = ref.get()
        if not snapshot.exists:  # created and deleted in between: nothing sensible to return
            raise Conflict("The resource was created and deleted concurrently") from None
        return snapshot.to_dict() or {}, version_etag(snapshot.update_time)
    return data, version_etag(result.update_time)


def _snapshot(ref: DocumentReference, not_found: FirebrickError) -> Any:
    snapshot = ref.get()
    if not snapshot.exists:
        raise not_found
    return snapshot


@raises(NotFound)
def read_document(db: Client, path: str, not_found: FirebrickError) -> tuple[dict[str, Any], str]:
    """The document's data and version ETag, or `not_found` raised."""
    return snapshot_data(db.document(path).get(), not_found)


@raises(NotFound)
def snapshot_data(snapshot: Any, not_found: FirebrickError) -> tuple[dict[str, Any], str]:
    """A read snapshot's data and version ETag, or `not_found` raised when the document does not exist."""
    if not snapshot.exists:
        raise not_found
    return snapshot.to_dict() or {}, version_etag(snapshot.update_time)


@raises(NotFound, PreconditionFailed, Conflict)
def _write_conditionally(
    db: Client,
    path: str,
    *,
    if_match: str | None,
    not_found: FirebrickError,
    write: Callable[[dict[str, Any], Any], T],
) -> T:
    """Run `write(current, option)` with `option` = "only if still the version read".

    With `If-Match`, a version other than the client's is a 412; without it, a
    concurrent change makes us re-read and decide again.
    """
    from google.api_core.exceptions import FailedPrecondition
    from google.api_core.exceptions import NotFound as GoogleNotFound

    ref = db.document(path)
    for _ in range(_WRITE_ATTEMPTS):
        snapshot = _snapshot(ref, not_found)
        check_if_match(if_match, version_etag(snapshot.update_time))
        try:
            return write(snapshot.to_dict() or {}, db.write_option(last_update_time=snapshot.update_time))
        except GoogleNotFound:
            raise not_found from None
        except FailedPrecondition:
            if if_match is not None:
                raise PreconditionFailed(STALE_VERSION) from None
    raise Conflict("The resource is being changed by others; retry")


@raises(_write_conditionally)
def update_document(
    db: Client,
    path: str,
    *,
    if_match: str | None,
    not_found: FirebrickError,
    decide: Callable[[dict[str, Any]], dict[str, Any]],
) -> tuple[dict[str, Any], str]:
    """Apply `decide(current)` (the fields to change; raises to refuse) as a conditional write.

    The write is conditioned on the version `decide` saw, so its checks (who
    may edit, what the document holds) still hold when the write lands.
    """

    def write(current: dict[str, Any], option: Any) -> tuple[dict[str, Any], str]:
        changes = decide(current)
        result = db.document(path).update(changes, option=option)
        return {**current, **changes}, version_etag(result.update_time)

    return _write_conditionally(db, path, if_match=if_match, not_found=not_found, write=write)


@raises(_write_conditionally)
def delete_document(
    db: Client,
    path: str,
    *,
    if_match: str | None,
    not_found: FirebrickError,
    decide: Callable[[dict[str, Any]], None] | None = None,
    audit: Callable[[dict[str, Any], WriteBatch], None] | None = None,
) -> dict[str, Any]:
    """Delete `ref` (conditionally, like `update_document`); returns what was deleted.

    `audit(current, batch)` adds the audit entry to the same batch: the deletion and
    its entry land together or not at all.
    """

    def write(current: dict[str, Any], option: Any) -> dict[str, Any]:
        if decide is not None:
            decide(current)
        batch = db.batch()
        batch.delete(db.document(path), option=option)
        if audit is not None:
            audit(current, batch)
        batch.commit()
        return current

    return _write_conditionally(db, path, if_match=if_match, not_found=not_found, write=write)


# --- Cursor pages ------------------------------------------------------------


def _fingerprint(scope: str) -> str:
    return hashlib.sha256(scope.encode()).hexdigest()[:16]


def _micros(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)


def encode_cursor(scope: str, position: datetime, doc_id: str) -> str:
    """An opaque cursor: the last item's position, bound to the listing's scope."""
    raw = json.dumps([_CURSOR_VERSION, _fingerprint(scope), _micros(position), doc_id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).rstrip(b"=").decode()


@raises(InvalidCursor)
def decode_cursor(scope: str, cursor: str) -> tuple[datetime, str]:
    """The position a cursor points at; InvalidCursor when it is malformed or foreign."""
    invalid = InvalidCursor("The cursor is not valid for this listing")
    if not cursor or len(cursor) > MAX_CURSOR_CHARS:
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


@raises(decode_cursor)
def list_page(
    query: Any,
    *,
    scope: str,
    limit: int,
    cursor: str | None,
    build: Callable[[str, Mapping[str, Any]], T],
    order_field: str = "createdAt",
    newest_first: bool = False,
) -> Page[T]:
    """One page of `query` in (`order_field`, id) order, and the cursor of the next page (or None)."""
    direction = "DESCENDING" if newest_first else "ASCENDING"
    ordered = query.order_by(order_field, direction=direction).order_by("__name__", direction=direction)
    if cursor is not None:
        position, doc_id = decode_cursor(scope, cursor)
        ordered = ordered.start_after({order_field: position, "__name__": doc_id})
    snapshots = list(ordered.limit(limit + 1).stream())
    page = snapshots[:limit]
    items = [build(s.id, s.to_dict() or {}) for s in page]
    next_cursor = None
    if len(snapshots) > limit:
        last = page[-1]
        next_cursor = encode_cursor(scope, (last.to_dict() or {})[order_field], last.id)
    return Page[T](items=items, next_cursor=next_cursor)


@raises(list_page)
def list_where(
    db: Client,
    collection: str,
    query: ListQuery,
    build: Callable[[str, Mapping[str, Any]], T],
    filters: Mapping[str, object] | None = None,
) -> Page[T]:
    """A page of `collection`, oldest first, of the documents whose fields equal `filters` (None: not filtered).

    The filters, set or not, are part of the listing's scope, so a cursor only
    continues the listing that issued it. Each combination needs its composite
    index in firestore.indexes.json.
    """
    found: Any = db.collection(collection)
    for field, value in (filters or {}).items():
        if value is not None:
            from google.cloud.firestore import FieldFilter

            found = found.where(filter=FieldFilter(field, "==", value))
    scope = collection + ("?" + "&".join(f"{field}={value}" for field, value in filters.items()) if filters else "")
    return list_page(found, scope=scope, limit=query.limit, cursor=query.cursor, build=build)
