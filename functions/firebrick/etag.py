"""Strong ETags computed from a document's content, for `ETag` / `If-Match`.

Content hashes (not update times) so a server and a test can compute the same
tag from the same data, and a no-op write does not invalidate clients' copies.
Used for orgs, whose document also carries trigger-written `stats` that are not
part of the API representation: an update-time tag (`services/documents.py`,
used by projects, tasks, comments) would change on every derived write and turn
`If-Match` renames into spurious 412s. See docs/rbac.md ("Why orgs keep
content-hash ETags").
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from firebrick.errors import PreconditionFailed


def etag_of(data: Mapping[str, Any]) -> str:
    """A quoted strong ETag for `data` (any JSON-able mapping; datetimes via str)."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return '"' + hashlib.sha256(canonical.encode()).hexdigest()[:32] + '"'


def check_if_match(if_match: str | None, current: str) -> None:
    """Raise PreconditionFailed unless `If-Match` is absent, `*`, or lists `current`."""
    if if_match is None:
        return
    candidates = {tag.strip().removeprefix("W/") for tag in if_match.split(",")}
    if "*" in candidates or current in candidates:
        return
    raise PreconditionFailed("The resource changed since you read it")
