"""firestore_event: the encoding the Firestore emulator sends, parsed by the SDK's own wrapper.

`data/firestore_emulator_events.json` holds requests the Firestore emulator sent to
Python functions (captured inside functions-framework). The toolkit's encoding of
the same writes must be the same message, and must reach a handler as the same
snapshots when both go through `firestore_fn`.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from firebase_functions import firestore_fn, storage_fn
from firebase_functions.core import Change, CloudEvent
from google.cloud.firestore_v1 import DocumentSnapshot
from google.events.cloud.firestore import DocumentEventData
from toolkit_helpers import DATA, PROJECT

from firebrick_testing import (
    CloudEventRequest,
    DocumentState,
    EventMismatch,
    GeoPoint,
    Reference,
    document_params,
    firestore_event,
    invoke,
    storage_event,
)
from firebrick_testing.values import parse_timestamp

CAPTURED = json.loads((DATA / "firestore_emulator_events.json").read_text())
CAPTURE_BEFORE: dict[str, Any] = {
    "s": "x",
    "i": 1,
    "f": 1.5,
    "b": True,
    "n": None,
    "t": datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=UTC),
    "by": b"\x00\x01",
    "m": {"k": [1, "a"]},
    "ref": Reference("other/o1"),
    "geo": GeoPoint(1.5, 2.5),
}
CAPTURE_AFTER = {**CAPTURE_BEFORE, "s": "y", "m": {"k": [2]}}

seen: list[Any] = []


@pytest.fixture(autouse=True)
def _app(firebase_app: object) -> None:
    """The SDK wrapper builds snapshots with the default app; the plugin's fixture provides one."""
    seen.clear()


@firestore_fn.on_document_written(document="capture/{cid}")
def on_capture(event: firestore_fn.Event[Change[DocumentSnapshot[Any] | None]]) -> None:
    seen.append(event)


@firestore_fn.on_document_created_with_auth_context(document="capture2/{cid}")
def on_capture_created(event: Any) -> None:  # the SDK's decorator is typed for Event, not AuthEvent
    seen.append(event)


@firestore_fn.on_document_created(document="boards/{boardId}/cards/{cardId}")
def on_card_created(event: firestore_fn.Event[DocumentSnapshot[Any] | None]) -> None:
    seen.append(event)


@firestore_fn.on_document_deleted(document="boards/{boardId}/cards/{cardId}")
def on_card_deleted(event: firestore_fn.Event[DocumentSnapshot[Any] | None]) -> None:
    seen.append(event)


@firestore_fn.on_document_updated(document="logs/{path=**}")
def on_any_log_updated(event: firestore_fn.Event[Change[DocumentSnapshot[Any] | None]]) -> None:
    seen.append(event)


def captured_request(name: str) -> CloudEventRequest:
    capture = CAPTURED[name]
    return CloudEventRequest(capture["headers"], base64.b64decode(capture["body_b64"]))


def capture_update_event() -> Any:
    """The toolkit's encoding of the captured update (same data, times, id)."""
    headers = {k.lower(): v for k, v in CAPTURED["update"]["headers"].items()}
    created, updated = parse_timestamp("2026-11-29T16:24:45.255030Z"), parse_timestamp("2026-11-29T16:24:48.401694Z")
    return firestore_event(
        "capture/c1",
        DocumentState(CAPTURE_BEFORE, created, created),
        DocumentState(CAPTURE_AFTER, created, updated),
        event_id=headers["ce-id"],
        time=parse_timestamp(headers["ce-time"]),
        project="demo-firebrick",
    )


def plain(value: Any) -> Any:
    """Snapshot data made comparable across clients (a DocumentReference compares by client too)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if type(value).__name__ == "DocumentReference":
        return ("ref", value.path)
    return value


def test_update_is_the_message_the_emulator_sends() -> None:
    ours = capture_update_event().request("written")
    theirs = captured_request("update")
    assert DocumentEventData.deserialize(ours.body) == DocumentEventData.deserialize(theirs.body)

    mine = {k.lower(): v for k, v in ours.headers.items()}
    emulator = {k.lower(): v for k, v in theirs.headers.items()}
    assert sorted(mine) == sorted(emulator)
    for name in set(emulator) - {"ce-source", "ce-time"}:
        assert mine[name] == emulator[name], name
    assert parse_timestamp(mine["ce-time"]) == parse_timestamp(emulator["ce-time"])
    # Production's source; the emulator doubles `projects/` (a firebase-tools quirk the SDK ignores).
    assert mine["ce-source"] == "//firestore.googleapis.com/projects/demo-firebrick/databases/(default)"
    assert emulator["ce-source"] == "//firestore.googleapis.com/projects/projects/demo-firebrick/databases/(default)"


def test_the_sdk_hands_the_handler_the_same_event_from_either_encoding() -> None:
    invoke(on_capture, captured_request("update"))
    invoke(on_capture, capture_update_event())
    theirs, ours = seen
    for side in ("before", "after"):
        mine, emulator = getattr(ours.data, side), getattr(theirs.data, side)
        assert plain(mine.to_dict()) == plain(emulator.to_dict())
        assert (mine.create_time, mine.update_time) == (emulator.create_time, emulator.update_time)
        assert mine.reference.path == emulator.reference.path == "capture/c1"
    for attribute in ("id", "type", "subject", "time", "document", "params", "database", "namespace", "location"):
        assert getattr(ours, attribute) == getattr(theirs, attribute), attribute
    assert plain(ours.data.after.to_dict()) == {
        **CAPTURE_AFTER,
        "ref": ("ref", "other/o1"),
        "geo": ours.data.after.to_dict()["geo"],
    }
    geo = ours.data.after.to_dict()["geo"]
    assert (geo.latitude, geo.longitude) == (1.5, 2.5)
    assert ours.params == {"cid": "c1"}


def test_auth_context_event_matches_the_emulators() -> None:
    headers = {k.lower(): v for k, v in CAPTURED["created_with_auth"]["headers"].items()}
    body = DocumentEventData.deserialize(base64.b64decode(CAPTURED["created_with_auth"]["body_b64"]))
    ours = firestore_event(
        "capture2/c2",
        after=DocumentState({"a": 1}, body.value.create_time, body.value.update_time),
        event_id=headers["ce-id"],
        time=parse_timestamp(headers["ce-time"]),
        project="demo-firebrick",
        auth_type=headers["ce-authtype"],
        auth_id=headers["ce-authid"],
    )
    request = ours.request("created.withAuthContext")
    assert DocumentEventData.deserialize(request.body) == body
    assert {k.lower() for k in request.headers} == set(headers)
    invoke(on_capture_created, captured_request("created_with_auth"))
    invoke(on_capture_created, ours)
    theirs, mine = seen
    assert (mine.auth_type, mine.auth_id) == (theirs.auth_type, theirs.auth_id) == ("unknown", "fake-auth-id@gmail.com")
    assert mine.data.to_dict() == theirs.data.to_dict() == {"a": 1}


def test_created_and_deleted_functions_get_a_snapshot_not_a_change() -> None:
    created = firestore_event("boards/b1/cards/c1", after={"title": "t"}, project=PROJECT)
    invoke(on_card_created, created)
    invoke(on_card_deleted, created.then(None))
    made, gone = seen
    assert made.type == "google.cloud.firestore.document.v1.created"
    assert made.data.to_dict() == {"title": "t"}
    assert gone.type == "google.cloud.firestore.document.v1.deleted"
    assert gone.data.to_dict() == {"title": "t"}
    assert made.params == gone.params == {"boardId": "b1", "cardId": "c1"}


def test_events_a_function_could_never_receive_are_refused() -> None:
    with pytest.raises(EventMismatch, match="only `after`"):
        invoke(on_card_created, firestore_event("boards/b1/cards/c1", before={"a": 1}, after={"a": 2}))
    with pytest.raises(EventMismatch, match=r"listens to google\.cloud\.firestore\.document\.v1\.created"):
        invoke(on_card_created, firestore_event("boards/b1/cards/c1", after={}, type="written"))
    with pytest.raises(EventMismatch, match="never sent a write to 'boards/b1'"):
        invoke(on_card_created, firestore_event("boards/b1", after={}))
    with pytest.raises(EventMismatch, match="database"):
        invoke(on_card_created, firestore_event("boards/b1/cards/c1", after={}, database="other"))
    with pytest.raises(EventMismatch, match="a Storage event cannot reach it"):
        invoke(on_card_created, storage_event("x.png", bucket="b"))
    with pytest.raises(EventMismatch, match="derives params"):
        invoke(on_card_created, firestore_event("boards/b1/cards/c1", after={}, params={"boardId": "b2"}))
    with pytest.raises(TypeError, match="not decorated"):
        invoke(lambda event: None, firestore_event("a/b", after={}))
    assert seen == []


def test_document_may_be_a_pattern_filled_from_params() -> None:
    event = firestore_event("boards/{boardId}/cards/{cardId}", after={}, params={"boardId": "b7", "cardId": "c9"})
    assert event.document == "boards/b7/cards/c9"
    invoke(on_card_created, event)
    assert seen[0].params == {"boardId": "b7", "cardId": "c9"}
    with pytest.raises(ValueError, match="needs params for"):
        firestore_event("boards/{boardId}", after={})


def test_multi_segment_patterns_capture_the_rest_of_the_path() -> None:
    event = firestore_event("logs/2024/days/d1", before={"n": 1}, after={"n": 2})
    invoke(on_any_log_updated, event)
    assert seen[0].params == {"path": "2024/days/d1"}
    assert document_params("users/{uid}", "users/u1") == {"uid": "u1"}
    assert document_params("users/{uid}", "users/u1/x/y") is None
    assert document_params("users/*/posts/{post=*}", "users/u1/posts/p1") == {"post": "p1"}
    assert document_params("users/**", "users/a/b/c") == {}


def test_then_chains_writes_with_increasing_times() -> None:
    first = firestore_event("boards/b1/cards/c1", after={"v": 1}, time=datetime(2024, 1, 1, tzinfo=UTC))
    second = first.then({"v": 2})
    third = second.then({"v": 3}, time=first.time)  # a time not after `second` is moved after it
    assert first.after is not None
    assert second.after is not None
    assert second.before == first.after
    assert second.after.create_time == first.after.create_time
    assert first.time < second.time < third.time
    assert third.time == second.time + timedelta(milliseconds=1)
    assert third.after is not None
    assert third.after.update_time == third.time
    assert len({first.id, second.id, third.id}) == 3


# -- Storage ------------------------------------------------------------------------------------

BUCKET = f"{PROJECT}.appspot.com"


@storage_fn.on_object_finalized(bucket=BUCKET)
def on_finalized(event: CloudEvent[storage_fn.StorageObjectData]) -> None:
    seen.append(event)


@storage_fn.on_object_metadata_updated(bucket=BUCKET)
def on_metadata_updated(event: CloudEvent[storage_fn.StorageObjectData]) -> None:
    seen.append(event)


def test_storage_event_reaches_the_handler_as_the_sdk_parses_it() -> None:
    when = datetime(2024, 3, 4, 5, 6, 7, 891000, tzinfo=UTC)
    event = storage_event("users/u1/a.txt", data=b"hello", content_type="text/plain", metadata={"k": "v"}, time=when)
    invoke(on_finalized, event)
    (got,) = seen
    assert got.type == "google.cloud.storage.object.v1.finalized"
    assert got.subject == "objects/users/u1/a.txt"
    assert got.source == f"//storage.googleapis.com/projects/_/buckets/{BUCKET}"
    assert got.time == when
    data = got.data
    assert (data.bucket, data.name, data.content_type, data.metadata) == (
        BUCKET,
        "users/u1/a.txt",
        "text/plain",
        {"k": "v"},
    )
    # As Cloud Storage (and the emulator) send them: 64-bit numbers are strings.
    assert (data.size, data.generation, data.metageneration) == ("5", str(event.generation), "1")
    assert data.md5_hash == "XUFAKrxLKna5cZ2REBfFkg=="
    assert data.id == f"{BUCKET}/users/u1/a.txt/{event.generation}"
    assert event.generation == int(when.timestamp() * 1_000_000)


def test_storage_event_takes_the_functions_type_and_checks_its_bucket() -> None:
    invoke(on_metadata_updated, storage_event("x.bin", size=3, cacheControl="no-cache"))
    assert seen[0].type == "google.cloud.storage.object.v1.metadataUpdated"
    assert (seen[0].data.size, seen[0].data.cache_control) == ("3", "no-cache")
    with pytest.raises(EventMismatch, match="listens to bucket"):
        invoke(on_finalized, storage_event("x.bin", bucket="elsewhere"))
    with pytest.raises(EventMismatch, match="metadataUpdated"):
        invoke(on_metadata_updated, storage_event("x.bin", type="finalized"))
    with pytest.raises(ValueError, match="unknown event type"):
        storage_event("x.bin", type="created")
    with pytest.raises(ValueError, match="size=2 but data has 1 bytes"):
        storage_event("x.bin", data=b"1", size=2)


def test_storage_function_without_a_bucket_uses_firebase_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIREBASE_CONFIG", json.dumps({"projectId": PROJECT, "storageBucket": "cfg-bucket"}))

    @storage_fn.on_object_deleted()
    def on_deleted(event: CloudEvent[storage_fn.StorageObjectData]) -> None:
        seen.append(event)

    invoke(on_deleted, storage_event("gone.png"))
    assert (seen[0].data.bucket, seen[0].type) == ("cfg-bucket", "google.cloud.storage.object.v1.deleted")
