"""Helpers for derived-state tests: seeding source documents and reading what the triggers derived."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentReference


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
