"""Helpers for derived-state tests: seeding source documents, delivering their writes to the
deployed triggers in-process, and reading what the triggers derived."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from firebrick import paths
from firebrick_testing import document_params, firestore_event, invoke

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentReference, DocumentSnapshot


def deployed_triggers() -> list[tuple[str, Callable[..., Any]]]:
    """(document pattern, function) of every Firestore trigger `main.py` deploys."""
    import main

    return [
        (paths.ORG_PATTERN, main.derive_org),
        (paths.MEMBER_PATTERN, main.derive_member),
        (paths.MEMBER_PATTERN, main.claims_sync),
        (paths.PROJECT_PATTERN, main.derive_project),
        (paths.TASK_PATTERN, main.derive_task),
        (paths.COMMENT_PATTERN, main.derive_comment),
        (paths.USER_PATTERN, main.derive_user),
    ]


def deliver_write(ref: DocumentReference, before: DocumentSnapshot | dict[str, Any] | None = None) -> None:
    """Run every deployed trigger on `ref` with the write `before` -> its state now, in-process.

    What the Functions emulator would do for that write, without its dispatch: for
    tests about what the triggers compute, not about how events reach them.
    """
    after = ref.get()
    event = firestore_event(ref.path, before, after if after.exists else None)
    for pattern, function in deployed_triggers():
        if document_params(pattern, ref.path) is not None:
            invoke(function, event)


def settle(db: Client, roots: Iterable[DocumentReference]) -> None:
    """Deliver a create of every document at and below each root (parents first), in-process."""
    for root in roots:
        for path in dump_tree(db, root):
            deliver_write(db.document(path))


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
