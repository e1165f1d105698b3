"""Revocations reach every instance within seconds, while each keeps its verification caches.

An instance caches a user's revocation state (`REVOCATION_CACHE_SECONDS`, 30 s) and a
service token's status (10 s). Whoever changes access (logout, session end, account
deletion, `scripts/admin` disable / revoke-*, a service token's revoke) evicts its own
cache and publishes the change: one document in `revocations` (`kind`, the uid or the
token, `at` = commit time, `expiresAt` for a TTL policy). Every instance polls that
collection before it trusts a cached entry, at most every `POLL_SECONDS`, and evicts
what others revoked; its next check asks Auth (or the token's record) again.

The bound: a change published at t is seen by every request that starts after
t + POLL_SECONDS + one query (under 5 s; tests/auth/test_revocations.py). Cost: one
query read per instance per POLL_SECONDS while it serves requests (none when idle),
one document written per revocation. A disable made outside the backend (the Firebase
console) is not published: it reaches running instances within the cache windows.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from firebrick import paths
from firebrick.logs import get_logger, log_event

if TYPE_CHECKING:
    from google.cloud.firestore import Client

POLL_SECONDS = 4.0
#: How far back a poll looks past the previous one: covers clock skew between instances and Firestore.
_OVERLAP = timedelta(seconds=30)
#: Revocation documents outlive every cache that could hold what they revoke.
_KEEP = timedelta(hours=1)

logger = get_logger("auth.revocations")
_lock = threading.Lock()
_next_poll = 0.0
_since: datetime | None = None
_seen: dict[str, float] = {}  # document id -> when seen (monotonic), so one revocation evicts once


def _publish(db: Client, fields: dict[str, str]) -> None:
    from google.cloud.firestore import SERVER_TIMESTAMP

    expires = datetime.now(UTC) + _KEEP
    db.collection(paths.REVOCATIONS).add({**fields, "at": SERVER_TIMESTAMP, "expiresAt": expires})


def publish_user(db: Client, uid: str) -> None:
    """Tell every instance that `uid`'s access changed (revoked, disabled, deleted)."""
    _publish(db, {"kind": "user", "uid": uid})


def publish_service_token(db: Client, org_id: str, token_id: str) -> None:
    """Tell every instance that a service token was revoked."""
    _publish(db, {"kind": "service_token", "orgId": org_id, "tokenId": token_id})


def sync(db: Client) -> None:
    """Evict what other instances revoked since the last poll; polls at most every POLL_SECONDS.

    One thread polls while the others go on with the caches (bounded by one query).
    A failed poll is logged and retried at the next interval: the caches' own
    windows still bound staleness.
    """
    global _next_poll, _since
    if time.monotonic() < _next_poll or not _lock.acquire(blocking=False):
        return
    try:
        if time.monotonic() < _next_poll:
            return
        started = datetime.now(UTC)
        since = (_since or started - timedelta(seconds=60)) - _OVERLAP
        try:
            _evict_published(db, since)
        except Exception as exc:  # Firestore unreachable: keep serving from the caches
            log_event(logger, 30, "revocations poll failed", error=type(exc).__name__)
        else:
            _since = started
        _next_poll = time.monotonic() + POLL_SECONDS
    finally:
        _lock.release()


def _evict_published(db: Client, since: datetime) -> None:
    from google.cloud.firestore_v1.base_query import FieldFilter

    from firebrick.auth.service_tokens import forget_service_token
    from firebrick.auth.tokens import forget_user

    now_mono = time.monotonic()
    for doc in db.collection(paths.REVOCATIONS).where(filter=FieldFilter("at", ">=", since)).stream():
        if doc.id in _seen:
            continue
        _seen[doc.id] = now_mono
        data = doc.to_dict() or {}
        if data.get("kind") == "user" and isinstance(data.get("uid"), str):
            forget_user(data["uid"])
        elif data.get("kind") == "service_token":
            forget_service_token(str(data.get("orgId")), str(data.get("tokenId")))
    horizon = now_mono - 2 * (_OVERLAP.total_seconds() + 60)
    for doc_id in [doc_id for doc_id, seen in _seen.items() if seen < horizon]:
        del _seen[doc_id]
