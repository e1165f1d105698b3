"""Firestore and Storage as one caller, over the emulators' REST APIs, so the rules apply.

The Python Firestore client always sends `Authorization: Bearer owner` to the
emulator, which skips the rules; a client SDK user sends their ID token. These
contexts send exactly what a client would (an ID token, nothing, or `owner`) and
return the raw `httpx.Response`, so a test can assert the rules' decision.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote

import httpx

from firebrick_testing.emulators import not_running
from firebrick_testing.values import decode_fields, documents_root, encode_fields, encode_value, field_path, leaf_paths

#: Query operators as written in client code -> the REST `FieldFilter.Operator`.
OPERATORS: Mapping[str, str] = {
    "==": "EQUAL",
    "!=": "NOT_EQUAL",
    "<": "LESS_THAN",
    "<=": "LESS_THAN_OR_EQUAL",
    ">": "GREATER_THAN",
    ">=": "GREATER_THAN_OR_EQUAL",
    "array-contains": "ARRAY_CONTAINS",
    "array-contains-any": "ARRAY_CONTAINS_ANY",
    "in": "IN",
    "not-in": "NOT_IN",
}

Where = Mapping[str, Any] | Sequence[tuple[str, str, Any]]
OrderBy = Sequence[str | tuple[str, Literal["asc", "desc"]]]


@dataclass(frozen=True)
class Caller:
    """Who a context acts as: a uid with claims, nobody, or the admin (rules off)."""

    kind: Literal["user", "unauthenticated", "admin"]
    uid: str | None = None
    claims: Mapping[str, Any] | None = None

    def __str__(self) -> str:
        if self.kind == "user":
            return f"uid {self.uid!r}" + (f" with claims {dict(self.claims)}" if self.claims else "")
        return "an unauthenticated caller" if self.kind == "unauthenticated" else "the admin (rules off)"


def _split_collection(collection: str) -> tuple[str, str]:
    """`a/b/c` -> (`a/b`, `c`): the parent document path and the collection id."""
    parts = collection.strip("/").split("/")
    if len(parts) % 2 == 0:
        raise ValueError(f"{collection!r} is a document path, not a collection path")
    return "/".join(parts[:-1]), parts[-1]


def _check_document_path(path: str) -> str:
    path = path.strip("/")
    if not path or len(path.split("/")) % 2:
        raise ValueError(f"{path!r} is not a document path (collection/id[/collection/id...])")
    return path


class RulesContext:
    """Firestore (and `.storage`) as one caller; every method returns the raw response."""

    def __init__(
        self,
        http: httpx.Client,
        *,
        firestore: str | None,
        storage: str | None,
        project_id: str,
        caller: Caller,
        authorization: str | None,
        bucket: str,
        database: str = "(default)",
    ) -> None:
        self.caller = caller
        self.project_id = project_id
        self.database = database
        self._http = http
        self._firestore = firestore
        self._storage_host = storage
        self._bucket = bucket
        self._authorization = authorization
        self._root = documents_root(project_id, database)

    def __repr__(self) -> str:
        return f"<RulesContext {self.caller} in {self.project_id}>"

    @property
    def storage(self) -> StorageContext:
        """The same caller on Cloud Storage (the Storage emulator must be running)."""
        if self._storage_host is None:
            raise not_running("storage")
        return StorageContext(self._http, self._storage_host, self._bucket, self.caller, self._authorization)

    # -- Firestore -------------------------------------------------------------------------

    def _url(self, path: str = "") -> str:
        if self._firestore is None:
            raise not_running("firestore")
        base = f"http://{self._firestore}/v1/{self._root}"
        return f"{base}/{quote(path)}" if path else base

    def _headers(self) -> dict[str, str]:
        return {"Authorization": self._authorization} if self._authorization else {}

    def get(self, path: str) -> httpx.Response:
        """Read one document (a client `getDoc`)."""
        return self._http.get(self._url(_check_document_path(path)), headers=self._headers())

    def list(self, collection: str, *, page_size: int | None = None, order_by: str | None = None) -> httpx.Response:
        """List a collection (a client query without filters)."""
        params: dict[str, str | int] = {}
        if page_size is not None:
            params["pageSize"] = page_size
        if order_by is not None:
            params["orderBy"] = order_by
        _split_collection(collection)
        return self._http.get(self._url(collection.strip("/")), params=params, headers=self._headers())

    def query(
        self,
        collection: str,
        where: Where = (),
        *,
        order_by: OrderBy = (),
        limit: int | None = None,
        collection_group: bool = False,
    ) -> httpx.Response:
        """Run a structured query over `collection` (a path like `orgs/o1/projects`).

        `where` is `{field: value}` (equality) or `[(field, op, value), ...]` with the
        client operators (`==`, `<`, `array-contains`, `in`, ...). With
        `collection_group=True` the last segment names a collection group queried
        under the parent (`tasks` alone queries every `tasks` collection).
        """
        parent, collection_id = _split_collection(collection)
        triples = [(k, "==", v) for k, v in where.items()] if isinstance(where, Mapping) else list(where)
        query: dict[str, Any] = {"from": [{"collectionId": collection_id, "allDescendants": collection_group}]}
        clauses = [self._filter(field, op, value) for field, op, value in triples]
        if len(clauses) == 1:
            query["where"] = clauses[0]
        elif clauses:
            query["where"] = {"compositeFilter": {"op": "AND", "filters": clauses}}
        if order_by:
            query["orderBy"] = [
                {"field": {"fieldPath": o}, "direction": "ASCENDING"}
                if isinstance(o, str)
                else {"field": {"fieldPath": o[0]}, "direction": "DESCENDING" if o[1] == "desc" else "ASCENDING"}
                for o in order_by
            ]
        if limit is not None:
            query["limit"] = limit
        url = f"{self._url(parent)}:runQuery" if parent else f"{self._url()}:runQuery"
        return self._http.post(url, json={"structuredQuery": query}, headers=self._headers())

    def _filter(self, field: str, op: str, value: Any) -> dict[str, Any]:
        if op not in OPERATORS:
            raise ValueError(f"unknown query operator {op!r}; use one of {sorted(OPERATORS)}")
        if value is None and op in ("==", "!="):
            unary = "IS_NULL" if op == "==" else "IS_NOT_NULL"
            return {"unaryFilter": {"field": {"fieldPath": field}, "op": unary}}
        value_json = encode_value(value, self._root)
        return {"fieldFilter": {"field": {"fieldPath": field}, "op": OPERATORS[op], "value": value_json}}

    def create(self, path: str, data: Mapping[str, Any]) -> httpx.Response:
        """Create a document that must not exist yet (a client `setDoc` on a new id is also a create)."""
        parent, _, doc_id = _check_document_path(path).rpartition("/")
        return self._http.post(
            self._url(parent),
            params={"documentId": doc_id},
            json={"fields": encode_fields(data, self._root)},
            headers=self._headers(),
        )

    def set(self, path: str, data: Mapping[str, Any], *, merge: bool = False) -> httpx.Response:
        """Write a whole document, creating or replacing it (`merge=True` writes only the given fields)."""
        params: list[tuple[str, str]] = []
        if merge:
            params = [("updateMask.fieldPaths", p) for p in leaf_paths(data)]
        return self._http.patch(
            self._url(_check_document_path(path)),
            params=tuple(params),
            json={"fields": encode_fields(data, self._root)},
            headers=self._headers(),
        )

    def update(self, path: str, data: Mapping[str, Any]) -> httpx.Response:
        """Change the given fields of an existing document (a client `updateDoc`; `a.b` keys are nested)."""
        nested: dict[str, Any] = {}
        params: list[tuple[str, str]] = []
        for key, value in data.items():
            segments = key.split(".")
            node = nested
            for segment in segments[:-1]:
                node = node.setdefault(segment, {})
            node[segments[-1]] = value
            params.append(("updateMask.fieldPaths", field_path(segments)))
        params.append(("currentDocument.exists", "true"))
        return self._http.patch(
            self._url(_check_document_path(path)),
            params=tuple(params),
            json={"fields": encode_fields(nested, self._root)},
            headers=self._headers(),
        )

    def delete(self, path: str) -> httpx.Response:
        """Delete a document (succeeds when it is already absent, as in the client SDKs)."""
        return self._http.delete(self._url(_check_document_path(path)), headers=self._headers())


class StorageContext:
    """Cloud Storage as one caller, over the Storage emulator's Firebase API (`/v0/b/...`)."""

    def __init__(self, http: httpx.Client, host: str, bucket: str, caller: Caller, authorization: str | None) -> None:
        self.caller = caller
        self.bucket = bucket
        self._http = http
        self._host = host
        # The Firebase client SDKs send `Firebase <idToken>`; the emulator takes `Bearer owner` as admin.
        if authorization and authorization.startswith("Bearer ") and authorization != "Bearer owner":
            authorization = "Firebase " + authorization.removeprefix("Bearer ")
        self._authorization = authorization

    def _url(self, name: str | None = None, bucket: str | None = None) -> str:
        base = f"http://{self._host}/v0/b/{bucket or self.bucket}/o"
        return f"{base}/{quote(name, safe='')}" if name is not None else base

    def _headers(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        headers = {"Authorization": self._authorization} if self._authorization else {}
        headers.update(extra or {})
        return headers

    def upload(
        self,
        name: str,
        data: bytes,
        *,
        content_type: str = "application/octet-stream",
        metadata: Mapping[str, str] | None = None,
        bucket: str | None = None,
    ) -> httpx.Response:
        """Upload an object as the Firebase SDKs do (one multipart request: metadata, then bytes)."""
        import json
        import uuid

        boundary = f"firebrick-testing-{uuid.uuid4().hex}"
        resource: dict[str, Any] = {"name": name, "contentType": content_type}
        if metadata:
            resource["metadata"] = dict(metadata)
        body = (
            (
                f"--{boundary}\r\nContent-Type: application/json; charset=utf-8\r\n\r\n{json.dumps(resource)}\r\n"
                f"--{boundary}\r\nContent-Type: {content_type}\r\n\r\n"
            ).encode()
            + data
            + f"\r\n--{boundary}--".encode()
        )
        headers = {"Content-Type": f"multipart/related; boundary={boundary}", "X-Goog-Upload-Protocol": "multipart"}
        return self._http.post(
            self._url(bucket=bucket), params={"name": name}, content=body, headers=self._headers(headers)
        )

    def get(self, name: str, *, bucket: str | None = None) -> httpx.Response:
        """Read an object's metadata."""
        return self._http.get(self._url(name, bucket), headers=self._headers())

    def download(self, name: str, *, bucket: str | None = None) -> httpx.Response:
        """Read an object's bytes."""
        return self._http.get(self._url(name, bucket), params={"alt": "media"}, headers=self._headers())

    def update_metadata(self, name: str, metadata: Mapping[str, Any], *, bucket: str | None = None) -> httpx.Response:
        """Change an object's metadata (e.g. `{"contentType": ..., "metadata": {...}}`)."""
        return self._http.patch(self._url(name, bucket), json=dict(metadata), headers=self._headers())

    def list(self, prefix: str = "", *, bucket: str | None = None) -> httpx.Response:
        """List the objects under `prefix` (empty, or ending in `/`)."""
        params = {"prefix": prefix, "delimiter": "/"} if prefix else {"delimiter": "/"}
        return self._http.get(self._url(bucket=bucket), params=params, headers=self._headers())

    def delete(self, name: str, *, bucket: str | None = None) -> httpx.Response:
        """Delete an object."""
        return self._http.delete(self._url(name, bucket), headers=self._headers())


def document_data(response: httpx.Response) -> dict[str, Any]:
    """The decoded data of the document a get/create/set/update returned."""
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    return decode_fields(body)


def documents(response: httpx.Response) -> dict[str, dict[str, Any]]:
    """`{path: data}` of the documents a `list` or `query` returned, in their order."""
    response.raise_for_status()
    body = response.json()
    found = body.get("documents", []) if isinstance(body, dict) else [r["document"] for r in body if "document" in r]
    return {doc["name"].partition("/documents/")[2]: decode_fields(doc) for doc in found}
