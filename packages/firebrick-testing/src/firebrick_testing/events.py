"""Trigger events exactly as a deployed Python function receives them, delivered in-process.

A Firestore trigger is sent a binary-mode CloudEvent: `ce-*` headers plus a
protobuf `google.events.cloud.firestore.v1.DocumentEventData` body
(`Content-Type: application/protobuf`). functions-framework turns the request into
a `cloudevents.http.CloudEvent` (`from_http`) and calls the decorated function,
whose SDK wrapper decodes the protobuf into DocumentSnapshots, derives `params`
from its own document pattern and calls the handler. `invoke` does the same
in-process, so the encoding here is checked by the SDK's own parser on every use.
A Storage trigger is sent the object resource as JSON.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from firebrick_testing.emulators import default_bucket
from firebrick_testing.values import documents_root, encode_fields, format_timestamp

if TYPE_CHECKING:
    from cloudevents.http import CloudEvent

R = TypeVar("R")
S = TypeVar("S")

FIRESTORE_TYPE_PREFIX = "google.cloud.firestore.document.v1."
STORAGE_TYPE_PREFIX = "google.cloud.storage.object.v1."
FIRESTORE_KINDS = ("written", "created", "updated", "deleted")
STORAGE_KINDS = ("finalized", "deleted", "archived", "metadataUpdated")
#: What the Firestore emulator sends as `ce-dataschema` (and production Eventarc too).
FIRESTORE_DATASCHEMA = (
    "https://github.com/googleapis/google-cloudevents/blob/main/proto/google/events/cloud/firestore/v1/data.proto"
)


class EventMismatch(ValueError):
    """An event the function could never receive in production (wrong type, path or bucket)."""


@dataclass(frozen=True)
class CloudEventRequest:
    """The HTTP request (binary content mode) that delivers one CloudEvent to a function."""

    headers: Mapping[str, str]
    body: bytes

    def cloud_event(self) -> CloudEvent:
        """The request parsed as functions-framework parses it before calling the function."""
        from cloudevents.http import from_http

        return from_http(dict(self.headers), self.body)


def _default_project() -> str:
    return os.environ.get("GCLOUD_PROJECT") or os.environ.get("GOOGLE_CLOUD_PROJECT") or "demo-project"


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _full_type(prefix: str, kinds: tuple[str, ...], given: str | None) -> str | None:
    """`created` / `created.withAuthContext` / a full type -> the full CloudEvent type."""
    if given is None:
        return None
    short = given.removeprefix(prefix)
    if short.removesuffix(".withAuthContext") not in kinds:
        raise ValueError(f"unknown event type {given!r}: use one of {', '.join(kinds)} (or a full {prefix}* type)")
    return prefix + short


# -- Firestore ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentState:
    """A document's data and times, as one side (before/after) of a Firestore event."""

    data: Mapping[str, Any]
    create_time: datetime
    update_time: datetime


def _state(value: Any, create_time: datetime, update_time: datetime) -> DocumentState | None:
    """A before/after given as a dict, a DocumentState, a firestore DocumentSnapshot or None."""
    if value is None or isinstance(value, DocumentState):
        return value
    if hasattr(value, "to_dict") and hasattr(value, "exists"):  # google-cloud-firestore DocumentSnapshot
        if not value.exists:
            return None
        return DocumentState(
            value.to_dict() or {},
            _aware(value.create_time or create_time),
            _aware(value.update_time or update_time),
        )
    if isinstance(value, Mapping):
        return DocumentState(dict(value), create_time, update_time)
    raise TypeError(f"a document side is a dict, a DocumentSnapshot or None, got {type(value).__name__}")


_PLACEHOLDER = re.compile(r"\{([^/{}=]+)\}")


@dataclass(frozen=True)
class FirestoreEvent:
    """A write to one document, ready to deliver to a `firestore_fn` trigger."""

    document: str
    before: DocumentState | None
    after: DocumentState | None
    id: str
    time: datetime
    #: Full CloudEvent type, or None: the type of the function it is delivered to.
    type: str | None = None
    #: The path parameters the test expects the function to see (checked on delivery).
    params: Mapping[str, str] | None = None
    project: str = field(default_factory=_default_project)
    database: str = "(default)"
    namespace: str = "(default)"
    location: str = "us-central1"
    #: Sent only for `*.withAuthContext` types (`ce-authtype`, `ce-authid`).
    auth_type: str = "unknown"
    auth_id: str = ""

    def then(
        self, after: Mapping[str, Any] | None, *, event_id: str | None = None, time: datetime | None = None
    ) -> FirestoreEvent:
        """The next write to the same document: this event's `after` becomes `before`, `after` is new.

        Its time (and the new document's update time) is strictly later, so a
        handler that orders events by time can tell which came first.
        """
        later = self.time + timedelta(milliseconds=1)
        when = max(_aware(time), later) if time is not None else max(_now(), later)
        created = self.after.create_time if self.after is not None else when
        return replace(
            self,
            before=self.after,
            after=None if after is None else DocumentState(dict(after), created, when),
            id=event_id or str(uuid.uuid4()),
            time=when,
            type=None,
        )

    def document_event_data(self) -> bytes:
        """The protobuf body: `DocumentEventData` with `value` (after) and `old_value` (before)."""
        from google.events.cloud.firestore import DocumentEventData

        root = documents_root(self.project, self.database)

        def document(state: DocumentState) -> dict[str, Any]:
            return {
                "name": f"{root}/{self.document}",
                "fields": encode_fields(state.data, root),
                "createTime": format_timestamp(state.create_time),
                "updateTime": format_timestamp(state.update_time),
            }

        # The emulator sends an empty update mask on every event; the SDK does not read it.
        payload: dict[str, Any] = {"updateMask": {}}
        if self.after is not None:
            payload["value"] = document(self.after)
        if self.before is not None:
            payload["oldValue"] = document(self.before)
        message = DocumentEventData.from_json(json.dumps(payload))
        return bytes(DocumentEventData.serialize(message))

    def request(self, event_type: str | None = None) -> CloudEventRequest:
        """The delivery as `event_type` (default: this event's type, else `written`)."""
        given = _full_type(FIRESTORE_TYPE_PREFIX, FIRESTORE_KINDS, event_type)
        full = given or self.type or FIRESTORE_TYPE_PREFIX + "written"
        kind = full.removeprefix(FIRESTORE_TYPE_PREFIX).removesuffix(".withAuthContext")
        shape = {
            "created": (False, True),
            "updated": (True, True),
            "deleted": (True, False),
        }.get(kind)
        has = (self.before is not None, self.after is not None)
        if (shape is not None and has != shape) or has == (False, False):
            raise EventMismatch(
                f"a {kind} event of {self.document} needs "
                + {"created": "only `after`", "updated": "`before` and `after`", "deleted": "only `before`"}.get(
                    kind, "`before`, `after` or both"
                )
                + f"; this one has before={self.before is not None}, after={self.after is not None}"
            )
        headers = {
            "ce-specversion": "1.0",
            "ce-type": full,
            # Production's source; the emulator (firebase-tools 15) sends `projects/projects/...`.
            "ce-source": f"//firestore.googleapis.com/projects/{self.project}/databases/{self.database}",
            "ce-id": self.id,
            "ce-subject": f"documents/{self.document}",
            "ce-time": format_timestamp(self.time),
            "ce-datacontenttype": "application/protobuf",
            "ce-dataschema": FIRESTORE_DATASCHEMA,
            "ce-location": self.location,
            "ce-project": self.project,
            "ce-database": self.database,
            "ce-namespace": self.namespace,
            "ce-document": self.document,
            "Content-Type": "application/protobuf",
        }
        if full.endswith(".withAuthContext"):
            headers["ce-authtype"] = self.auth_type
            headers["ce-authid"] = self.auth_id
        return CloudEventRequest(headers, self.document_event_data())

    def cloud_event(self, event_type: str | None = None) -> CloudEvent:
        """The CloudEvent a `firestore_fn`-decorated function is called with."""
        return self.request(event_type).cloud_event()


def firestore_event(
    document: str,
    before: Any = None,
    after: Any = None,
    *,
    event_id: str | None = None,
    type: str | None = None,  # noqa: A002 - named after the CloudEvent attribute
    params: Mapping[str, str] | None = None,
    time: datetime | None = None,
    project: str | None = None,
    database: str = "(default)",
    namespace: str = "(default)",
    location: str = "us-central1",
    auth_type: str = "unknown",
    auth_id: str = "",
) -> FirestoreEvent:
    """A write to `document` that turned `before` into `after` (either None: created / deleted).

    `before`/`after` are dicts (or DocumentSnapshots read from the emulator). `document`
    may be a pattern such as `orgs/{orgId}/members/{uid}` filled from `params`; given
    with a concrete path, `params` are what the test expects the function to derive,
    and `invoke` checks that. `type` (`written`, `created`, `updated`, `deleted`, with
    or without `.withAuthContext`) defaults to the type of the function it is
    delivered to. Times default to now: `after` updated at the event time, `before`
    a second earlier.
    """
    when = _aware(time) if time is not None else _now()
    if _PLACEHOLDER.search(document):
        missing = [name for name in _PLACEHOLDER.findall(document) if name not in (params or {})]
        if missing:
            raise ValueError(f"{document!r} needs params for {missing}")
        document = _PLACEHOLDER.sub(lambda m: (params or {})[m.group(1)], document)
    document = document.strip("/")
    if not document or len(document.split("/")) % 2:
        raise ValueError(f"{document!r} is not a document path (collection/id[/collection/id...])")
    old = _state(before, when - timedelta(seconds=1), when - timedelta(seconds=1))
    new = _state(after, old.create_time if old is not None else when, when)
    return FirestoreEvent(
        document=document,
        before=old,
        after=new,
        id=event_id or str(uuid.uuid4()),
        time=when,
        type=_full_type(FIRESTORE_TYPE_PREFIX, FIRESTORE_KINDS, type),
        params=dict(params) if params is not None else None,
        project=project or _default_project(),
        database=database,
        namespace=namespace,
        location=location,
        auth_type=auth_type,
        auth_id=auth_id,
    )


# -- Storage -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StorageEvent:
    """A change to one Cloud Storage object, ready to deliver to a `storage_fn` trigger."""

    name: str
    id: str
    time: datetime
    generation: int
    metageneration: int
    size: int
    content_type: str | None
    md5_hash: str | None
    metadata: Mapping[str, str] | None
    #: None: the bucket of the function it is delivered to (or the project's default).
    bucket: str | None = None
    #: Full CloudEvent type, or None: the type of the function it is delivered to.
    type: str | None = None
    #: More object resource fields, verbatim (e.g. `{"cacheControl": "no-cache"}`).
    extra: Mapping[str, Any] = field(default_factory=dict)

    def object_resource(self, bucket: str) -> dict[str, Any]:
        """The object as the Cloud Storage JSON API (and so the event) spells it: int64s are strings."""
        stamp = self.time.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{self.time.microsecond // 1000:03d}Z"
        resource: dict[str, Any] = {
            "kind": "storage#object",
            "id": f"{bucket}/{self.name}/{self.generation}",
            "name": self.name,
            "bucket": bucket,
            "generation": str(self.generation),
            "metageneration": str(self.metageneration),
            "contentType": self.content_type,
            "timeCreated": stamp,
            "updated": stamp,
            "storageClass": "STANDARD",
            "timeStorageClassUpdated": stamp,
            "size": str(self.size),
            "md5Hash": self.md5_hash,
            "metadata": dict(self.metadata) if self.metadata is not None else None,
        }
        resource.update(self.extra)
        return {k: v for k, v in resource.items() if v is not None}

    def request(self, event_type: str | None = None, *, bucket: str | None = None) -> CloudEventRequest:
        """The delivery as `event_type` (default: this event's type, else `finalized`) from `bucket`."""
        given = _full_type(STORAGE_TYPE_PREFIX, STORAGE_KINDS, event_type)
        full = given or self.type or STORAGE_TYPE_PREFIX + "finalized"
        bucket = bucket or self.bucket or default_bucket(_default_project())
        stamp = self.time.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        headers = {
            "ce-specversion": "1.0",
            "ce-type": full,
            "ce-source": f"//storage.googleapis.com/projects/_/buckets/{bucket}",
            "ce-id": self.id,
            "ce-subject": f"objects/{self.name}",
            "ce-time": stamp,
            "Content-Type": "application/json",
        }
        return CloudEventRequest(headers, json.dumps(self.object_resource(bucket)).encode())

    def cloud_event(self, event_type: str | None = None, *, bucket: str | None = None) -> CloudEvent:
        """The CloudEvent a `storage_fn`-decorated function is called with."""
        return self.request(event_type, bucket=bucket).cloud_event()


def storage_event(
    name: str,
    *,
    data: bytes | None = None,
    size: int | None = None,
    content_type: str | None = "application/octet-stream",
    metadata: Mapping[str, str] | None = None,
    generation: int | None = None,
    metageneration: int = 1,
    bucket: str | None = None,
    type: str | None = None,  # noqa: A002 - named after the CloudEvent attribute
    event_id: str | None = None,
    time: datetime | None = None,
    **fields: Any,
) -> StorageEvent:
    """A change to object `name` (finalized, deleted, archived or metadataUpdated).

    `data` sets the size and MD5 hash; `generation` defaults to the event time in
    microseconds, as Cloud Storage numbers generations, so a later event of the same
    name has a higher one. `type` and `bucket` default to the function's own.
    """
    when = _aware(time) if time is not None else _now()
    if data is not None and size is not None and size != len(data):
        raise ValueError(f"size={size} but data has {len(data)} bytes")
    return StorageEvent(
        name=name,
        id=event_id or str(uuid.uuid4()),
        time=when,
        generation=generation if generation is not None else int(when.timestamp() * 1_000_000),
        metageneration=metageneration,
        size=len(data) if data is not None else (size or 0),
        content_type=content_type,
        md5_hash=base64.b64encode(hashlib.md5(data).digest()).decode() if data is not None else None,  # noqa: S324
        metadata=metadata,
        bucket=bucket,
        type=_full_type(STORAGE_TYPE_PREFIX, STORAGE_KINDS, type),
        extra=fields,
    )


# -- delivery ----------------------------------------------------------------------------------

Event = FirestoreEvent | StorageEvent


def _setting(value: Any) -> str:
    """A trigger filter as a string (an SDK params Expression resolves from the environment)."""
    return value if isinstance(value, str) else str(getattr(value, "value", value))


def _event_trigger(function: Callable[..., Any]) -> Mapping[str, Any]:
    endpoint = getattr(function, "__firebase_endpoint__", None)
    trigger = getattr(endpoint, "eventTrigger", None)
    if not isinstance(trigger, Mapping):
        name = getattr(function, "__name__", repr(function))
        raise TypeError(f"{name} is not decorated with a firebase_functions event trigger (firestore_fn, storage_fn)")
    return trigger


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    """An Eventarc path pattern (`users/{uid}`, `{rest=**}`, `*`, `**`) as a regex with named captures."""
    parts = []
    for segment in pattern.strip("/").split("/"):
        capture = re.fullmatch(r"\{([^/{}=]+)(?:=(\*\*?))?\}", segment)
        if capture:
            name, wildcard = capture.group(1), capture.group(2) or "*"
            parts.append(f"(?P<{name}>{'.+' if wildcard == '**' else '[^/]+'})")
        elif segment == "**":
            parts.append(".+")
        elif segment == "*":
            parts.append("[^/]+")
        else:
            parts.append(re.escape(segment))
    return re.compile("/".join(parts))


def document_params(pattern: str, document: str) -> dict[str, str] | None:
    """The params a trigger on `pattern` gets for `document`; None when it would not fire."""
    match = _pattern_regex(pattern).fullmatch(document.strip("/"))
    return match.groupdict() if match else None


def delivery_request(function: Callable[..., Any], event: Event) -> CloudEventRequest:
    """The request production would send `function` for `event`, after checking it could send it at all."""
    trigger = _event_trigger(function)
    function_type = str(trigger["eventType"])
    filters = {k: _setting(v) for k, v in (trigger.get("eventFilters") or {}).items()}
    patterns = {k: _setting(v) for k, v in (trigger.get("eventFilterPathPatterns") or {}).items()}
    name = getattr(function, "__name__", "the function")
    if event.type is not None and event.type != function_type:
        raise EventMismatch(f"{name} listens to {function_type}, the event is a {event.type}")
    if isinstance(event, FirestoreEvent):
        if not function_type.startswith(FIRESTORE_TYPE_PREFIX):
            raise EventMismatch(f"{name} listens to {function_type}: a Firestore event cannot reach it")
        for setting in ("database", "namespace"):
            wanted, got = filters.get(setting, "(default)"), getattr(event, setting)
            if wanted != got:
                raise EventMismatch(f"{name} listens to {setting} {wanted!r}, the event is from {got!r}")
        pattern = patterns.get("document") or filters.get("document") or ""
        params = document_params(pattern, event.document)
        if params is None:
            raise EventMismatch(f"{name} listens to {pattern!r}; it is never sent a write to {event.document!r}")
        if event.params is not None and dict(event.params) != params:
            raise EventMismatch(f"{name} derives params {params} from {event.document!r}, not {dict(event.params)}")
        return event.request(function_type)
    if not function_type.startswith(STORAGE_TYPE_PREFIX):
        raise EventMismatch(f"{name} listens to {function_type}: a Storage event cannot reach it")
    bucket = filters.get("bucket")
    if event.bucket is not None and bucket is not None and event.bucket != bucket:
        raise EventMismatch(f"{name} listens to bucket {bucket!r}, the event is from {event.bucket!r}")
    return event.request(function_type, bucket=event.bucket or bucket)


def invoke(function: Callable[..., R], event: Event | CloudEventRequest) -> R:
    """Run a `firestore_fn` / `storage_fn`-decorated function on `event`, in-process, through the SDK.

    A CloudEventRequest (e.g. one recorded from the emulator) is delivered as it is.

    The event is encoded as production delivers it, parsed as functions-framework
    parses it, and handed to the decorated function, whose SDK wrapper decodes it
    and calls the handler (so the handler's exceptions propagate to the test). A
    Firestore wrapper builds its snapshots with the default firebase_admin app
    (initialising one if none exists) and a Firestore client for it, which needs
    FIRESTORE_EMULATOR_HOST (or credentials).
    """
    request = event if isinstance(event, CloudEventRequest) else delivery_request(function, event)
    return function(request.cloud_event())


@dataclass(frozen=True)
class Deliveries(Generic[S]):
    """What happened when events were delivered one after another."""

    #: The events, in delivery order.
    events: tuple[Event, ...]
    #: What the function returned for each.
    results: tuple[Any, ...]
    #: `observe()` after each delivery (empty without `observe`).
    observed: tuple[S, ...]

    @property
    def final(self) -> S:
        """The state observed after the last delivery."""
        if not self.observed:
            raise ValueError("nothing was observed: pass observe=... to see the state after each delivery")
        return self.observed[-1]


def deliver(function: Callable[..., Any], *events: Event, observe: Callable[[], S] | None = None) -> Deliveries[S]:
    """Invoke `function` on each event in turn; `observe()` (e.g. read a counter) after each."""
    results, observed = [], []
    for event in events:
        results.append(invoke(function, event))
        if observe is not None:
            observed.append(observe())
    return Deliveries(tuple(events), tuple(results), tuple(observed))


def deliver_twice(
    function: Callable[..., Any], event: Event, *, observe: Callable[[], S] | None = None
) -> Deliveries[S]:
    """Deliver the same event twice (at-least-once delivery); an idempotent handler observes no change."""
    return deliver(function, event, event, observe=observe)


def deliver_out_of_order(
    function: Callable[..., Any], earlier: Event, later: Event, *, observe: Callable[[], S] | None = None
) -> Deliveries[S]:
    """Deliver `later` before `earlier` (no ordering guarantee); a robust handler ends as if in order."""
    if not earlier.time < later.time:
        raise ValueError(f"`earlier` ({earlier.time.isoformat()}) is not before `later` ({later.time.isoformat()})")
    return deliver(function, later, earlier, observe=observe)
