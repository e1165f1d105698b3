"""Act on the Firestore emulator as a given end user, so security rules apply.

The Python server client sends `Bearer owner`, which bypasses rules; this client
speaks the REST API with the user's ID token instead (or none at all).
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

import httpx


def encode_value(value: Any) -> dict[str, Any]:
    """Python value -> Firestore REST `Value`."""
    if value is None:
        return {"nullValue": None}
    if isinstance(value, bool):
        return {"booleanValue": value}
    if isinstance(value, int):
        return {"integerValue": str(value)}
    if isinstance(value, float):
        return {"doubleValue": value}
    if isinstance(value, str):
        return {"stringValue": value}
    if isinstance(value, bytes):
        return {"bytesValue": base64.b64encode(value).decode()}
    if isinstance(value, datetime):
        return {"timestampValue": value.astimezone(UTC).isoformat().replace("+00:00", "Z")}
    if isinstance(value, dict):
        return {"mapValue": {"fields": {k: encode_value(v) for k, v in value.items()}}}
    if isinstance(value, list | tuple):
        return {"arrayValue": {"values": [encode_value(v) for v in value]}}
    raise TypeError(f"cannot encode {type(value).__name__}")


def decode_value(value: dict[str, Any]) -> Any:
    """Firestore REST `Value` -> Python value (timestamps stay ISO strings)."""
    ((kind, inner),) = value.items()
    if kind == "integerValue":
        return int(inner)
    if kind == "mapValue":
        return {k: decode_value(v) for k, v in inner.get("fields", {}).items()}
    if kind == "arrayValue":
        return [decode_value(v) for v in inner.get("values", [])]
    return inner


def decode_fields(document: dict[str, Any]) -> dict[str, Any]:
    return {k: decode_value(v) for k, v in document.get("fields", {}).items()}


class FirestoreAs:
    """Firestore REST client carrying one user's token; returns raw responses to assert on."""

    def __init__(self, host: str, project_id: str, token: str | None) -> None:
        self.root = f"http://{host}/v1/projects/{project_id}/databases/(default)/documents"
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.http = httpx.Client(headers=headers, timeout=30)

    def get(self, path: str) -> httpx.Response:
        return self.http.get(f"{self.root}/{path}")

    def list(self, collection: str) -> httpx.Response:
        return self.http.get(f"{self.root}/{collection}")

    def create(self, collection: str, doc_id: str, data: dict[str, Any]) -> httpx.Response:
        return self.http.post(
            f"{self.root}/{collection}",
            params={"documentId": doc_id},
            json={"fields": {k: encode_value(v) for k, v in data.items()}},
        )

    def update(self, path: str, data: dict[str, Any]) -> httpx.Response:
        """Update the named fields of an existing document (a client `update()`)."""
        params: list[tuple[str, str]] = [("updateMask.fieldPaths", k) for k in data]
        params.append(("currentDocument.exists", "true"))
        return self.http.patch(
            f"{self.root}/{path}", params=params, json={"fields": {k: encode_value(v) for k, v in data.items()}}
        )

    def delete(self, path: str) -> httpx.Response:
        return self.http.delete(f"{self.root}/{path}")

    def query(self, parent: str, collection_id: str, *, all_descendants: bool = False, **equals: Any) -> httpx.Response:
        """A `where(field == value)` query over `parent`/`collection_id` (or a collection group)."""
        query: dict[str, Any] = {"from": [{"collectionId": collection_id, "allDescendants": all_descendants}]}
        filters = [
            {"fieldFilter": {"field": {"fieldPath": k}, "op": "EQUAL", "value": encode_value(v)}}
            for k, v in equals.items()
        ]
        if len(filters) == 1:
            query["where"] = filters[0]
        elif filters:
            query["where"] = {"compositeFilter": {"op": "AND", "filters": filters}}
        url = f"{self.root}/{parent}:runQuery" if parent else f"{self.root}:runQuery"
        return self.http.post(url, json={"structuredQuery": query})
