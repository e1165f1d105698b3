"""ETags for `ETag` / `If-Match` / `If-None-Match`: two kinds, one comparison.

- `version_etag`: a document's Firestore update time (projects, tasks,
  comments). Firestore can enforce it as a write precondition, so a
  conditional write cannot lose a race.
- `content_etag`: a hash of the fields clients see (orgs). Org documents also
  carry trigger-written `stats` that are not part of the API representation; an
  update-time tag would change on every derived write and turn `If-Match`
  renames into spurious 412s (docs/rbac.md, "Why orgs keep content-hash ETags").
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from firebrick.errors import PreconditionFailed, raises

#: What a client is told when its `If-Match` no longer names the current version.
STALE_VERSION = "The resource has changed; fetch it again and retry with its new ETag"
#: Longest `If-Match` / `If-None-Match` header accepted (a few dozen tags).
MAX_HEADER_CHARS = 1024


def version_etag(update_time: Any) -> str:
    """A strong ETag from a Firestore update time (DatetimeWithNanoseconds)."""
    stamp = update_time.timestamp_pb()
    return f'"{stamp.seconds:x}.{stamp.nanos:x}"'


def content_etag(data: Mapping[str, Any]) -> str:
    """A strong ETag for `data` (any JSON-able mapping; datetimes via str)."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return '"' + hashlib.sha256(canonical.encode()).hexdigest()[:32] + '"'


def _tags(header: str) -> list[str]:
    return [tag.strip() for tag in header.split(",") if tag.strip()]


def matches_if_match(if_match: str, etag: str) -> bool:
    """RFC 9110 `If-Match`, strong comparison: `*` or any listed tag equal to `etag`."""
    return any(tag in ("*", etag) for tag in _tags(if_match))


def matches_if_none_match(if_none_match: str, etag: str) -> bool:
    """RFC 9110 `If-None-Match`, weak comparison (a `W/` prefix is ignored)."""
    return any(tag.removeprefix("W/") in ("*", etag) for tag in _tags(if_none_match))


@raises(PreconditionFailed)
def check_if_match(if_match: str | None, etag: str) -> None:
    """Raise PreconditionFailed unless `If-Match` is absent or matches `etag`."""
    if if_match is not None and not matches_if_match(if_match, etag):
        raise PreconditionFailed(STALE_VERSION)
