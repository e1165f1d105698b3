"""Python values <-> Firestore `Value`s in their JSON form (REST API, CloudEvent JSON).

One encoding serves the REST client (acting as users, so the rules apply) and the
trigger events (whose protobuf is parsed from this JSON by the Firestore event types
the SDK uses), so a value means the same in a rules test and in a trigger test.
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True)
class Reference:
    """A document reference value, by its path below the database's documents root."""

    path: str


@dataclass(frozen=True)
class GeoPoint:
    """A geographic point value."""

    latitude: float
    longitude: float


def documents_root(project_id: str, database: str = "(default)") -> str:
    """`projects/{p}/databases/{d}/documents`: the prefix of every document name."""
    return f"projects/{project_id}/databases/{database}/documents"


def format_timestamp(value: datetime) -> str:
    """RFC 3339 in UTC with microseconds (a naive datetime is taken as UTC, as the Firestore client does)."""
    rfc3339 = getattr(value, "rfc3339", None)  # google-api-core's DatetimeWithNanoseconds keeps nanoseconds
    if callable(rfc3339):
        return str(rfc3339())
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_FRACTION = re.compile(r"\.(\d+)")


def parse_timestamp(text: str) -> datetime:
    """RFC 3339 -> aware datetime; digits beyond microseconds are dropped."""
    text = _FRACTION.sub(lambda m: "." + m.group(1)[:6].ljust(6, "0"), text.replace("Z", "+00:00"), count=1)
    return datetime.fromisoformat(text).astimezone(UTC)


def encode_value(value: Any, root: str | None = None) -> dict[str, Any]:
    """A Python value as a Firestore `Value`.

    `root` (see `documents_root`) is needed only for references: a Reference or a
    google-cloud-firestore DocumentReference becomes `{root}/{path}`.
    """
    if value is None:
        return {"nullValue": None}
    if isinstance(value, bool):
        return {"booleanValue": value}
    if isinstance(value, int):
        if not -(2**63) <= value < 2**63:
            raise OverflowError(f"Firestore integers are 64-bit: {value}")
        return {"integerValue": str(value)}
    if isinstance(value, float):
        if math.isnan(value):
            return {"doubleValue": "NaN"}
        if math.isinf(value):
            return {"doubleValue": "Infinity" if value > 0 else "-Infinity"}
        return {"doubleValue": value}
    if isinstance(value, str):
        return {"stringValue": value}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"bytesValue": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, datetime):
        return {"timestampValue": format_timestamp(value)}
    if isinstance(value, Mapping):
        return {"mapValue": {"fields": encode_fields(value, root)}}
    if isinstance(value, list | tuple):
        return {"arrayValue": {"values": [encode_value(v, root) for v in value]}}
    if isinstance(value, Reference) or _is_document_reference(value):
        if root is None:
            raise ValueError("encoding a document reference needs the documents root (project and database)")
        return {"referenceValue": f"{root}/{value.path}"}
    if isinstance(value, GeoPoint) or (hasattr(value, "latitude") and hasattr(value, "longitude")):
        return {"geoPointValue": {"latitude": float(value.latitude), "longitude": float(value.longitude)}}
    raise TypeError(f"cannot encode {type(value).__name__} as a Firestore value: {value!r}")


def _is_document_reference(value: Any) -> bool:
    """A google-cloud-firestore DocumentReference, recognised without importing that package."""
    return any(cls.__name__ in ("DocumentReference", "AsyncDocumentReference") for cls in type(value).__mro__) and (
        hasattr(value, "path")
    )


def encode_fields(data: Mapping[str, Any], root: str | None = None) -> dict[str, Any]:
    """A document's data as its `fields` map."""
    for key in data:
        if not isinstance(key, str):
            raise TypeError(f"Firestore field names are strings, got {key!r}")
    return {key: encode_value(value, root) for key, value in data.items()}


def decode_value(value: Mapping[str, Any]) -> Any:
    """A Firestore `Value` as a Python value (timestamps as aware datetimes)."""
    if len(value) != 1:
        raise ValueError(f"a Firestore value has exactly one kind, got {sorted(value)}")
    ((kind, inner),) = value.items()
    match kind:
        case "nullValue":
            return None
        case "booleanValue":
            return bool(inner)
        case "integerValue":
            return int(inner)
        case "doubleValue":
            return float(inner)
        case "stringValue":
            return str(inner)
        case "bytesValue":
            return base64.b64decode(inner)
        case "timestampValue":
            return parse_timestamp(inner)
        case "mapValue":
            return decode_fields(inner)
        case "arrayValue":
            return [decode_value(v) for v in inner.get("values", [])]
        case "referenceValue":
            _, _, path = str(inner).partition("/documents/")
            return Reference(path)
        case "geoPointValue":
            return GeoPoint(float(inner.get("latitude", 0.0)), float(inner.get("longitude", 0.0)))
    raise ValueError(f"unknown Firestore value kind {kind!r}")


def decode_fields(document: Mapping[str, Any]) -> dict[str, Any]:
    """The data of a REST `Document` (or of a map value): its `fields`, decoded."""
    return {k: decode_value(v) for k, v in document.get("fields", {}).items()}


_SIMPLE_FIELD = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")


def field_path(segments: Sequence[str]) -> str:
    """A field path from its segments, quoting the ones that are not simple names."""
    quoted = []
    for segment in segments:
        if _SIMPLE_FIELD.fullmatch(segment):
            quoted.append(segment)
        else:
            escaped = segment.replace("\\", "\\\\").replace("`", "\\`")
            quoted.append(f"`{escaped}`")
    return ".".join(quoted)


def leaf_paths(data: Mapping[str, Any], prefix: tuple[str, ...] = ()) -> list[str]:
    """Field paths of every leaf of `data` (what a client `set(..., merge=True)` writes)."""
    paths: list[str] = []
    for key, value in data.items():
        if isinstance(value, Mapping) and value:
            paths.extend(leaf_paths(value, (*prefix, key)))
        else:
            paths.append(field_path((*prefix, key)))
    return paths
