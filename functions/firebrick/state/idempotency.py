"""Idempotency keys of client requests: a retried create returns the first result and creates nothing new.

Any POST adopts them in three steps (see `api/responses.py` for the REST glue):

1. `begin(scope, key, fingerprint)` reserves the key atomically (Firestore
   create-if-absent / update-if-unchanged preconditions). Exactly one of any
   number of concurrent requests gets the `Reservation`; the others wait
   (bounded) for its outcome and then replay it.
   A key replayed with another body is refused (422 `idempotency_key_reused`).
2. The owner runs the command, creating its resource under
   `reservation.resource_id`: the id is fixed at reservation, so even a retry
   that takes over from a crashed first attempt lands on the same document.
3. `complete(reservation, response)` stores the response to replay; or
   `release(reservation)` when the command failed, so the client may retry.

Entries live in `idempotency/{sha256(scope, key)}` (no client access) and carry
`expiresAt`; a Firestore TTL policy on that field deletes them (see
docs/resources.md). An entry past `expiresAt` is treated as absent even before
the TTL sweeper removes it.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from firebrick import paths
from firebrick.clock import now
from firebrick.errors import IdempotencyInProgress, IdempotencyKeyReused, raises
from firebrick.ids import new_id

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentReference

COLLECTION = paths.IDEMPOTENCY_KEYS
#: Printable ASCII, no spaces: UUIDs, ULIDs and random tokens all fit.
KEY_PATTERN = r"^[\x21-\x7e]{8,255}$"
DEFAULT_TTL = timedelta(hours=24)
#: How long a reservation is honoured before a retry may take it over (the first attempt died).
DEFAULT_LEASE = timedelta(seconds=60)
#: How long a concurrent retry waits for the first attempt before answering 409.
DEFAULT_WAIT_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """What the first request answered; replayed verbatim to retries."""

    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)

    def to_document(self) -> dict[str, Any]:
        # The body as JSON text: Firestore would otherwise re-type its values.
        return {"status": self.status, "body": json.dumps(self.body), "headers": dict(self.headers)}

    @classmethod
    def from_document(cls, data: dict[str, Any]) -> StoredResponse:
        return cls(int(data["status"]), json.loads(data["body"]), dict(data.get("headers") or {}))


@dataclass(frozen=True, slots=True)
class Reservation:
    """The right to run the command for a key, and the id its resource must get."""

    ref: DocumentReference
    resource_id: str


def request_fingerprint(payload: Any) -> str:
    """A stable hash of a request body (any JSON-compatible value), key order ignored."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class IdempotencyKeys:
    """Reserve, complete or release idempotency keys; scoped so keys never collide across callers."""

    def __init__(
        self,
        db: Client,
        *,
        ttl: timedelta = DEFAULT_TTL,
        lease: timedelta = DEFAULT_LEASE,
        wait_seconds: float = DEFAULT_WAIT_SECONDS,
    ) -> None:
        self.db = db
        self.ttl = ttl
        self.lease = lease
        self.wait_seconds = wait_seconds

    def entry(self, scope: str, key: str) -> DocumentReference:
        """The document of `key` within `scope` (e.g. caller uid + method + path)."""
        digest = hashlib.sha256(f"{scope}\n{key}".encode()).hexdigest()
        return self.db.collection(COLLECTION).document(digest)

    @raises(IdempotencyKeyReused, IdempotencyInProgress)
    def begin(self, scope: str, key: str, fingerprint: str) -> Reservation | StoredResponse:
        """Reserve `key`, or return the response of the request that already used it.

        Raises IdempotencyKeyReused for another body, IdempotencyInProgress when
        the first request is still running after the wait.
        """
        ref = self.entry(scope, key)
        deadline = time.monotonic() + self.wait_seconds
        pause = 0.05
        while True:
            outcome = self._reserve(ref, fingerprint)
            if outcome is not None:
                return outcome
            if time.monotonic() >= deadline:
                error = IdempotencyInProgress("A request with this Idempotency-Key is still being processed")
                error.headers["Retry-After"] = "1"
                raise error
            time.sleep(pause)
            pause = min(pause * 2, 0.5)

    def complete(self, reservation: Reservation, response: StoredResponse) -> None:
        """Record the response to replay for the rest of the key's lifetime."""
        reservation.ref.update({"state": "done", "response": response.to_document(), "completedAt": now()})

    def release(self, reservation: Reservation) -> None:
        """Forget a reservation whose command failed, so a retry runs it again."""
        from google.api_core.exceptions import NotFound

        try:
            snapshot = reservation.ref.get()
            if snapshot.exists and (snapshot.to_dict() or {}).get("state") == "pending":
                reservation.ref.delete(option=self.db.write_option(last_update_time=snapshot.update_time))
        except NotFound:
            pass
        except Exception:
            from firebrick.logs import get_logger

            get_logger("state.idempotency").warning("could not release idempotency reservation", exc_info=True)

    def _reserve(self, ref: DocumentReference, fingerprint: str) -> Reservation | StoredResponse | None:
        """One atomic look at the entry: reserve it, replay it, refuse, or None (still pending).

        Every state change is a single-document conditional write (create-if-absent,
        update-if-unchanged), Firestore's cheapest transaction: of racing requests
        exactly one write lands, and the losers look again. Unlike a read-write
        transaction it cannot abort on lock contention when many retries arrive at once.
        """
        from google.api_core.exceptions import AlreadyExists, Conflict, FailedPrecondition, NotFound

        at = now()
        resource_id = new_id()
        fresh = {
            "state": "pending",
            "fingerprint": fingerprint,
            "resourceId": resource_id,
            "leaseUntil": at + self.lease,
            "createdAt": at,
            "expiresAt": at + self.ttl,
        }
        try:
            ref.create(fresh)
            return Reservation(ref, resource_id)
        except (AlreadyExists, Conflict):
            pass
        snapshot = ref.get()
        if not snapshot.exists:  # released or swept in between: look again after the pause
            return None
        data = snapshot.to_dict() or {}
        unchanged = self.db.write_option(last_update_time=snapshot.update_time)
        try:
            if data["expiresAt"] <= at:
                # Expired (the TTL sweeper lags): the key is new again.
                ref.update({**fresh, "response": None}, option=unchanged)
                return Reservation(ref, resource_id)
            if data["fingerprint"] != fingerprint:
                raise IdempotencyKeyReused("This Idempotency-Key was already used with a different request")
            if data["state"] == "done":
                return StoredResponse.from_document(data["response"])
            if data["leaseUntil"] <= at:
                # The first attempt died mid-way: take over, keeping its resource id.
                ref.update({"leaseUntil": at + self.lease}, option=unchanged)
                return Reservation(ref, str(data["resourceId"]))
        except (FailedPrecondition, NotFound):
            return None  # someone else changed it first; look again after the pause
        return None
