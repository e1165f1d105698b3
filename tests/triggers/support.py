"""Helpers for derived-state tests: seeding, reading derived fields, and hand-built trigger events."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from firebase_functions import firestore_fn
from firebase_functions.core import Change

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentReference, DocumentSnapshot


def seed_project(db: Client, org_id: str, project_id: str = "p1", name: str = "Roadmap") -> DocumentReference:
    ref = db.document(f"orgs/{org_id}/projects/{project_id}")
    ref.set({"name": name, "description": "", "archived": False, "createdAt": datetime.now(UTC)})
    return ref


def seed_task(db: Client, project: DocumentReference, task_id: str, **fields: Any) -> DocumentReference:
    ref = project.collection("tasks").document(task_id)
    data = {
        "title": f"Task {task_id}",
        "description": "",
        "status": "todo",
        "labels": [],
        "createdAt": datetime.now(UTC),
        "createdBy": "u-seed",
    }
    data.update(fields)
    ref.set(data)
    return ref


def stats(db: Client, path: str) -> dict[str, Any]:
    return (db.document(path).get().to_dict() or {}).get("stats") or {}


def task_stats(db: Client, project: DocumentReference) -> tuple[Any, Any]:
    s = (project.get().to_dict() or {}).get("stats") or {}
    return s.get("taskCount"), s.get("byStatus")


def written_event(
    ref: DocumentReference,
    before: DocumentSnapshot | None,
    after: DocumentSnapshot | None,
    params: Mapping[str, str],
    event_id: str,
) -> firestore_fn.Event[Change[Any]]:
    """A `document.written` event as the SDK builds it, from snapshots read from the emulator."""
    return firestore_fn.Event(
        specversion="1.0",
        id=event_id,
        source="//firestore.googleapis.com/projects/demo-firebrick/databases/(default)",
        type="google.cloud.firestore.document.v1.written",
        time=datetime.now(UTC),
        data=Change(
            before=before if before is not None and before.exists else None,
            after=after if after is not None and after.exists else None,
        ),
        subject=f"documents/{ref.path}",
        location="us-central1",
        project="demo-firebrick",
        database="(default)",
        namespace="(default)",
        document=ref.path,
        params=dict(params),
    )


def dump_tree(db: Client, root: DocumentReference) -> dict[str, Any]:
    """Every document at and below `root`, path -> data (to prove a replay changed nothing)."""
    out: dict[str, Any] = {}

    def walk(doc: DocumentReference) -> None:
        snap = doc.get()
        if snap.exists:
            out[doc.path] = snap.to_dict()
        for coll in doc.collections():
            for child in coll.list_documents():
                walk(child)

    walk(root)
    return out


def value(ref: DocumentReference, field_path: str) -> Any:
    """A field of the doc as stored now; None when the field or the doc is absent."""
    node: Any = ref.get().to_dict() or {}
    for part in field_path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def storage_event(name: str, generation: int, size: int, event_id: str | None = None) -> Any:
    """A Storage finalize CloudEvent shaped as `storage_fn` builds it (no Storage emulator here)."""
    import uuid

    from firebase_functions.core import CloudEvent
    from firebase_functions.storage_fn import StorageObjectData

    data = StorageObjectData(
        bucket="demo-firebrick.appspot.com",
        cache_control=None,
        component_count=None,
        content_disposition=None,
        content_encoding=None,
        content_language=None,
        content_type="image/png",
        crc32c=None,
        customer_encryption=None,
        etag=None,
        generation=generation,
        id=f"b/{name}/{generation}",
        kind=None,
        md5_hash=None,
        media_link=None,
        metadata=None,
        metageneration=1,
        name=name,
        self_link=None,
        size=size,
        storage_class="STANDARD",
        time_created=None,
        time_deleted=None,
        time_storage_class_updated=None,
        updated=None,
    )
    return CloudEvent(
        specversion="1.0",
        id=event_id or uuid.uuid4().hex,
        source="//storage.googleapis.com",
        type="google.cloud.storage.object.v1.finalized",
        time=datetime.now(UTC),
        data=data,
        subject=f"objects/{name}",
    )
