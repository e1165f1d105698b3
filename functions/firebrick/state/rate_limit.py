"""Fixed-window rate limits kept in Firestore, so they hold across function instances.

One document per (scope, key) in `rateLimits/{sha256}`: `windowStart`, `count`,
`expiresAt` (set a Firestore TTL policy on `expiresAt` to reap old windows).
The key is hashed so emails and IPs never appear in document ids. A window
opens at the first counted event and closes `window_seconds` later; once
`count` reaches `max_events`, callers get 429 with the seconds left in the window.

Per-request cost: `check` is one batched read of the keys (1 document read each);
`record` and `consume` are one transaction reading and writing each key (1 read +
1 write each). A login therefore costs 2 reads when it succeeds and 2 reads +
2 writes more when it fails (per-email and per-IP keys).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from firebrick import paths
from firebrick.clock import now
from firebrick.errors import RateLimited, raises
from firebrick.transactions import run_in_transaction

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentReference, Transaction

COLLECTION = paths.RATE_LIMITS


@dataclass(frozen=True, slots=True)
class Limit:
    """At most `max_events` per `window_seconds` for each key of `scope`."""

    scope: str
    max_events: int
    window_seconds: int


Check = tuple[Limit, str]  # a limit and the key it applies to (email, IP, ...)


def _ref(db: Client, limit: Limit, key: str) -> DocumentReference:
    digest = hashlib.sha256(f"{limit.scope}\x00{key}".encode()).hexdigest()
    return db.collection(COLLECTION).document(f"{limit.scope}-{digest[:40]}")


def _state(data: dict[str, Any] | None, limit: Limit, at: float) -> tuple[float, int]:
    """(window start, count) of the window open at `at`; a fresh window if none is."""
    if not data:
        return at, 0
    start = float(data.get("windowStart", 0))
    if at >= start + limit.window_seconds:
        return at, 0
    return start, int(data.get("count", 0))


def _retry_after(start: float, limit: Limit, at: float) -> int:
    return max(1, int(start + limit.window_seconds - at + 0.999))


@raises(RateLimited)
def check(db: Client, checks: Sequence[Check]) -> None:
    """Raise RateLimited when any key has used up its window; counts nothing."""
    if not checks:
        return
    at = now().timestamp()
    refs = [_ref(db, limit, key) for limit, key in checks]
    by_path = {snap.reference.path: snap.to_dict() for snap in db.get_all(refs) if snap.exists}
    waits = []
    for (limit, _), ref in zip(checks, refs, strict=True):
        start, count = _state(by_path.get(ref.path), limit, at)
        if count >= limit.max_events:
            waits.append(_retry_after(start, limit, at))
    if waits:
        raise RateLimited(max(waits), "Too many attempts, try again later")


def _count(db: Client, transaction: Transaction, checks: Sequence[Check], *, refuse_when_full: bool) -> None:
    at = now().timestamp()
    refs = [_ref(db, limit, key) for limit, key in checks]
    snaps = [ref.get(transaction=transaction) for ref in refs]
    updates = []
    waits = []
    for (limit, _), ref, snap in zip(checks, refs, snaps, strict=True):
        start, count = _state(snap.to_dict() if snap.exists else None, limit, at)
        if refuse_when_full and count >= limit.max_events:
            waits.append(_retry_after(start, limit, at))
        updates.append((ref, start, count + 1, limit))
    if waits:
        raise RateLimited(max(waits), "Too many requests, try again later")
    for ref, start, count, limit in updates:
        expires = now() + timedelta(seconds=limit.window_seconds + 60)
        transaction.set(ref, {"windowStart": start, "count": count, "expiresAt": expires})


def record(db: Client, checks: Sequence[Check]) -> None:
    """Count one event (e.g. a failed login) against every key, atomically."""
    if checks:
        _run(db, checks, refuse_when_full=False)


@raises(RateLimited)
def consume(db: Client, checks: Sequence[Check]) -> None:
    """Refuse with RateLimited if any key is full, else count one event against each."""
    if checks:
        _run(db, checks, refuse_when_full=True)


def _run(db: Client, checks: Sequence[Check], *, refuse_when_full: bool) -> None:
    run_in_transaction(db, lambda transaction: _count(db, transaction, checks, refuse_when_full=refuse_when_full))
