"""The idempotency ledger against the Firestore emulator: one reservation per key, replays, expiry."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest

from firebrick.clock import now
from firebrick.errors import IdempotencyInProgress, IdempotencyKeyReused
from firebrick.state.idempotency import IdempotencyKeys, Reservation, StoredResponse, request_fingerprint

if TYPE_CHECKING:
    from google.cloud.firestore import Client

SCOPE = "user:u1 POST /v1/orgs/o/projects"
RESPONSE = StoredResponse(201, {"id": "abc", "name": "P"}, {"ETag": '"1.2"'})


def test_first_begin_reserves_and_later_begins_replay_the_completed_response(admin_db: Client) -> None:
    keys = IdempotencyKeys(admin_db)
    fingerprint = request_fingerprint({"name": "P"})
    reservation = keys.begin(SCOPE, "key-00000001", fingerprint)
    assert isinstance(reservation, Reservation)
    keys.complete(reservation, RESPONSE)
    assert keys.begin(SCOPE, "key-00000001", fingerprint) == RESPONSE
    # Another scope (another caller or endpoint) with the same key is independent.
    assert isinstance(keys.begin("user:u2 POST /v1/orgs/o/projects", "key-00000001", fingerprint), Reservation)


def test_fingerprint_ignores_key_order_but_not_values() -> None:
    assert request_fingerprint({"a": 1, "b": [1, 2]}) == request_fingerprint({"b": [1, 2], "a": 1})
    assert request_fingerprint({"a": 1}) != request_fingerprint({"a": 2})


def test_same_key_with_another_body_is_refused(admin_db: Client) -> None:
    keys = IdempotencyKeys(admin_db)
    reservation = keys.begin(SCOPE, "key-00000002", request_fingerprint({"name": "A"}))
    assert isinstance(reservation, Reservation)
    with pytest.raises(IdempotencyKeyReused):
        keys.begin(SCOPE, "key-00000002", request_fingerprint({"name": "B"}))
    keys.complete(reservation, RESPONSE)
    with pytest.raises(IdempotencyKeyReused):
        keys.begin(SCOPE, "key-00000002", request_fingerprint({"name": "B"}))


def test_concurrent_begins_grant_exactly_one_reservation_and_the_rest_replay(admin_db: Client) -> None:
    keys = IdempotencyKeys(admin_db, wait_seconds=30)
    fingerprint = request_fingerprint({"name": "P"})
    barrier = threading.Barrier(8)

    def attempt(_: int) -> Reservation | StoredResponse:
        barrier.wait()
        outcome = keys.begin(SCOPE, "key-00000003", fingerprint)
        if isinstance(outcome, Reservation):
            keys.complete(outcome, RESPONSE)
        return outcome

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(attempt, range(8)))

    assert sum(isinstance(o, Reservation) for o in outcomes) == 1
    assert [o for o in outcomes if isinstance(o, StoredResponse)] == [RESPONSE] * 7


def test_a_retry_while_the_first_request_runs_waits_then_gives_409(admin_db: Client) -> None:
    keys = IdempotencyKeys(admin_db, wait_seconds=0.2)
    fingerprint = request_fingerprint({})
    assert isinstance(keys.begin(SCOPE, "key-00000004", fingerprint), Reservation)
    with pytest.raises(IdempotencyInProgress) as raised:
        keys.begin(SCOPE, "key-00000004", fingerprint)
    assert raised.value.status == 409
    assert raised.value.headers["Retry-After"] == "1"


def test_released_key_can_be_reserved_again(admin_db: Client) -> None:
    keys = IdempotencyKeys(admin_db, wait_seconds=0)
    first = keys.begin(SCOPE, "key-00000005", "f")
    assert isinstance(first, Reservation)
    keys.release(first)
    second = keys.begin(SCOPE, "key-00000005", "f")
    assert isinstance(second, Reservation)


def test_a_dead_first_attempt_is_taken_over_with_the_same_resource_id(admin_db: Client) -> None:
    keys = IdempotencyKeys(admin_db, lease=timedelta(seconds=-1), wait_seconds=0)
    first = keys.begin(SCOPE, "key-00000006", "f")
    assert isinstance(first, Reservation)
    # The lease has lapsed: the first attempt is presumed dead; the retry resumes its work.
    second = keys.begin(SCOPE, "key-00000006", "f")
    assert isinstance(second, Reservation)
    assert second.resource_id == first.resource_id


def test_expired_entries_are_ignored_and_carry_a_ttl_field(admin_db: Client) -> None:
    keys = IdempotencyKeys(admin_db, ttl=timedelta(seconds=-1))
    first = keys.begin(SCOPE, "key-00000007", "f")
    assert isinstance(first, Reservation)
    keys.complete(first, RESPONSE)
    entry = first.ref.get().to_dict()
    assert entry is not None
    assert entry["expiresAt"] < now()
    # Past expiresAt (TTL deletion may lag): the key is fresh again, even with another body.
    again = keys.begin(SCOPE, "key-00000007", "another-fingerprint")
    assert isinstance(again, Reservation)
    assert again.resource_id != first.resource_id

    fresh = IdempotencyKeys(admin_db)
    reservation = fresh.begin(SCOPE, "key-00000008", "f")
    assert isinstance(reservation, Reservation)
    stored = reservation.ref.get().to_dict()
    assert stored is not None
    assert timedelta(hours=23) < stored["expiresAt"] - now() <= timedelta(hours=24)
