"""The activity feed: one entry per source change, with an id derived from the change.

The id hashes the document path and the write's update time (or, for a delete,
the deleted version's update time), so every delivery of the same change, under
any event id, lands on the same entry: duplicates overwrite, never double.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import Any

#: Fields the backend derives; a write touching only these is not activity.
DERIVED_FIELDS: dict[str, frozenset[str]] = {
    "task": frozenset({"assignee", "commentCount", "attachmentCount"}),
    "project": frozenset({"stats"}),
    "org": frozenset({"stats"}),
    "member": frozenset({"displayName"}),
    "comment": frozenset(),
    "user": frozenset({"orgs", "claimsUpdatedAt"}),
}


@dataclass(frozen=True)
class DocState:
    """A document version as a trigger sees it: data (None if absent) and its update time."""

    data: Mapping[str, Any] | None
    update_time: datetime | None = None

    @property
    def exists(self) -> bool:
        return self.data is not None


@dataclass(frozen=True)
class ActivityEntry:
    id: str
    doc: dict[str, Any]


def source_changed(kind: str, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> bool:
    """True when a write changed something other than derived fields (creates and deletes always do)."""
    if before is None or after is None:
        return before is not after
    derived = DERIVED_FIELDS[kind]
    keys = {*before, *after} - derived
    return any(before.get(k) != after.get(k) for k in keys)


def changed_fields(kind: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    derived = DERIVED_FIELDS[kind]
    return sorted(k for k in {*before, *after} - derived if before.get(k) != after.get(k))


def version_key(ts: Any) -> str:
    """A stable string for a Firestore timestamp (nanosecond precision when available)."""
    if ts is None:
        return "-"
    rfc3339 = getattr(ts, "rfc3339", None)
    if callable(rfc3339):
        return str(rfc3339())
    to_json = getattr(ts, "ToJsonString", None)
    if callable(to_json):
        return str(to_json())
    return ts.isoformat() if isinstance(ts, datetime) else str(ts)


def entry_id(path: str, before: DocState, after: DocState) -> str:
    """Deterministic id of the change `before -> after` of the document at `path`."""
    version = f"w@{version_key(after.update_time)}" if after.exists else f"d@{version_key(before.update_time)}"
    return hashlib.sha256(f"{path}|{version}".encode()).hexdigest()[:32]


def _actor(after: Mapping[str, Any] | None, before: Mapping[str, Any] | None, *keys: str) -> str | None:
    for data in (after, before):
        if data:
            for key in keys:
                value = data.get(key)
                if isinstance(value, str) and value:
                    return value
    return None


def _when(before: DocState, after: DocState, fallback: datetime) -> datetime:
    stamp = after.update_time if after.exists else None
    return stamp if isinstance(stamp, datetime) else fallback


def _entry(
    path: str, before: DocState, after: DocState, at: datetime, *, type_: str, actor: str | None, **fields: Any
) -> ActivityEntry:
    doc: dict[str, Any] = {"type": type_, "actorUid": actor, "at": _when(before, after, at), "path": path}
    doc.update({k: v for k, v in fields.items() if v is not None})
    return ActivityEntry(entry_id(path, before, after), doc)


#: A reducer: (path, ids of the path, before, after, fallback time) -> the feed entry, or None.
Reducer = Callable[[str, Mapping[str, str], DocState, DocState, datetime], ActivityEntry | None]


def _of_source_changes(kind: str) -> Callable[[Reducer], Reducer]:
    """A write of `kind` that touched only derived fields (`source_changed`) makes no entry."""

    def decorate(reduce: Reducer) -> Reducer:
        @wraps(reduce)
        def reducer(
            path: str, ids: Mapping[str, str], before: DocState, after: DocState, at: datetime
        ) -> ActivityEntry | None:
            return reduce(path, ids, before, after, at) if source_changed(kind, before.data, after.data) else None

        return reducer

    return decorate


def _created_or_deleted(
    kind: str, path: str, before: DocState, after: DocState, at: datetime, base: Mapping[str, Any]
) -> ActivityEntry:
    """`<kind>.created` by its `createdBy`, or `<kind>.deleted` by its `deletedBy`: projects and tasks alike."""
    if before.data is None:
        return _entry(
            path, before, after, at, type_=f"{kind}.created", actor=_actor(after.data, None, "createdBy"), **base
        )
    return _entry(
        path, before, after, at, type_=f"{kind}.deleted", actor=_actor(None, before.data, "deletedBy"), **base
    )


@_of_source_changes("task")
def task_activity(
    path: str, ids: Mapping[str, str], before: DocState, after: DocState, at: datetime
) -> ActivityEntry | None:
    """Feed entry for a task write: created, status changed, (re)assigned, updated or deleted."""
    b, a = before.data, after.data
    base = {"projectId": ids["projectId"], "taskId": ids["taskId"], "title": (a or b or {}).get("title")}
    if b is None or a is None:
        return _created_or_deleted("task", path, before, after, at, base)
    actor = _actor(a, b, "updatedBy", "createdBy")
    if b.get("status") != a.get("status"):
        return _entry(
            path,
            before,
            after,
            at,
            type_="task.status_changed",
            actor=actor,
            **base,
            **{"from": b.get("status"), "to": a.get("status")},
        )
    if b.get("assigneeUid") != a.get("assigneeUid"):
        return _entry(path, before, after, at, type_="task.assigned", actor=actor, **base, to=a.get("assigneeUid"))
    fields = changed_fields("task", b, a)
    return _entry(path, before, after, at, type_="task.updated", actor=actor, **base, fields=fields)


@_of_source_changes("comment")
def comment_activity(
    path: str, ids: Mapping[str, str], before: DocState, after: DocState, at: datetime
) -> ActivityEntry | None:
    b, a = before.data, after.data
    base = {"projectId": ids["projectId"], "taskId": ids["taskId"], "commentId": ids["commentId"]}
    actor = _actor(a, b, "authorUid")
    kind = "comment.created" if b is None else "comment.deleted" if a is None else "comment.edited"
    if kind == "comment.deleted":
        actor = _actor(None, b, "deletedBy", "authorUid")
    return _entry(path, before, after, at, type_=kind, actor=actor, **base)


@_of_source_changes("project")
def project_activity(
    path: str, ids: Mapping[str, str], before: DocState, after: DocState, at: datetime
) -> ActivityEntry | None:
    b, a = before.data, after.data
    base = {"projectId": ids["projectId"], "name": (a or b or {}).get("name")}
    if b is None or a is None:
        return _created_or_deleted("project", path, before, after, at, base)
    actor = _actor(a, b, "updatedBy", "createdBy")
    if bool(b.get("archived")) != bool(a.get("archived")):
        kind = "project.archived" if a.get("archived") else "project.unarchived"
        return _entry(path, before, after, at, type_=kind, actor=actor, **base)
    return _entry(
        path, before, after, at, type_="project.updated", actor=actor, **base, fields=changed_fields("project", b, a)
    )


def member_activity(
    path: str, ids: Mapping[str, str], before: DocState, after: DocState, at: datetime
) -> ActivityEntry | None:
    """Joins, role changes and departures; a refreshed displayName is not activity."""
    b, a = before.data, after.data
    if b is not None and a is not None and b.get("role") == a.get("role"):
        return None
    base = {"memberUid": ids["uid"]}
    if b is None:
        return _entry(
            path,
            before,
            after,
            at,
            type_="member.joined",
            actor=_actor(a, None, "invitedBy", "addedBy") or ids["uid"],
            **base,
            role=(a or {}).get("role"),
        )
    if a is None:
        return _entry(path, before, after, at, type_="member.left", actor=_actor(None, b, "removedBy"), **base)
    return _entry(
        path,
        before,
        after,
        at,
        type_="member.role_changed",
        actor=_actor(a, None, "updatedBy"),
        **base,
        **{"from": b.get("role"), "to": a.get("role")},
    )
