"""Fixed-window rate limits kept in Firestore, spent before the attempt, so they hold across instances.

One document per (scope, key, window) in `rateLimits/{scope}-{sha256(key)}-{window}`:
`count` and `expiresAt` (a Firestore TTL policy on `expiresAt` reaps old windows).
Windows are aligned to multiples of `window_seconds`; the key is hashed so emails
and IPs never appear in document ids.

Spending is one atomic increment per key, a blind write whose new value Firestore
returns with the commit: callers racing on a key each see their own count, so at
most `max_events` pass a window however many arrive at once (the check and the
count cannot be split). A caller refused is still counted; one that succeeded
where only failures should count (a right password) gets its event back with
`refund`. Limits above two events a second are spread over shards (one picked at
random per event, each allowed its share), so no document takes more writes than
Firestore sustains; their bound is then approximate, by a few percent.

Cost: `spend` is one commit writing one document per key, no read; `refund` the same.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from firebrick import paths
from firebrick.clock import now
from firebrick.errors import RateLimited, raises

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentReference

COLLECTION = paths.RATE_LIMITS
#: Events a shard takes per second of window, on average, before a limit is spread over more shards.
_EVENTS_PER_SHARD_SECOND = 2


@dataclass(frozen=True, slots=True)
class Limit:
    """At most `max_events` per `window_seconds` for each key of `scope`."""

    scope: str
    max_events: int
    window_seconds: int

    @property
    def shards(self) -> int:
        return max(1, math.ceil(self.max_events / (self.window_seconds * _EVENTS_PER_SHARD_SECOND)))

    @property
    def per_shard(self) -> int:
        return math.ceil(self.max_events / self.shards)


Check = tuple[Limit, str]  # a limit and the key it applies to (email, IP, uid, org id)


@dataclass(frozen=True, slots=True)
class Receipt:
    """What `spend` counted: the window documents it incremented, for a `refund`."""

    refs: tuple[DocumentReference, ...] = ()


def _ref(db: Client, limit: Limit, key: str, window: int) -> DocumentReference:
    digest = hashlib.sha256(f"{limit.scope}\x00{key}".encode()).hexdigest()
    shard = f"-{random.randrange(limit.shards)}" if limit.shards > 1 else ""  # noqa: S311 - load spreading
    return db.collection(COLLECTION).document(f"{limit.scope}-{digest[:40]}-{window}{shard}")


def _count_after(result: Any) -> int:
    """The counter's value after this write (Firestore returns the result of each field transform)."""
    return int(result.transform_results[0].integer_value)


@raises(RateLimited)
def spend(db: Client, checks: Sequence[Check]) -> Receipt:
    """Count one event against every key at once; RateLimited if any key is over its limit in this window."""
    if not checks:
        return Receipt()
    from google.cloud.firestore import Increment

    at = now().timestamp()
    batch = db.batch()
    planned = []
    for limit, key in checks:
        window = int(at // limit.window_seconds)
        ends = (window + 1) * limit.window_seconds
        ref = _ref(db, limit, key, window)
        expires = datetime.fromtimestamp(ends + 60, UTC)
        batch.set(ref, {"count": Increment(1), "expiresAt": expires}, merge=True)
        planned.append((limit, ref, ends))
    results = batch.commit()
    waits = [
        max(1, math.ceil(ends - at))
        for (limit, _, ends), result in zip(planned, results, strict=True)
        if _count_after(result) > limit.per_shard
    ]
    if waits:
        raise RateLimited(max(waits), "Too many requests, try again later")
    return Receipt(tuple(ref for _, ref, _ in planned))


def refund(db: Client, receipt: Receipt) -> None:
    """Give back the events `spend` counted (same window documents, so a new window is never credited)."""
    if not receipt.refs:
        return
    from google.cloud.firestore import Increment

    batch = db.batch()
    for ref in receipt.refs:
        batch.set(ref, {"count": Increment(-1)}, merge=True)
    batch.commit()
