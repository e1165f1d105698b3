"""How much each source document contributes to the counters above it.

A counter is the sum of the contributions of the documents it counts. Each
counted document's last applied contribution is remembered (see
`firebrick.state.counters`), so applying a change is `contribution(now) -
contribution(remembered)`: zero for a replayed or stale event, exact otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Field path (inside the rolled-up target) -> integer contribution.
Contribution = dict[str, int]

TASK_STATUSES = ("todo", "doing", "done")


def task_contribution(task: Mapping[str, Any] | None) -> Contribution:
    """A live task adds one to `stats.taskCount` and one to its status bucket."""
    if task is None:
        return {}
    contribution = {"taskCount": 1}
    status = task.get("status")
    if status in TASK_STATUSES:
        contribution[f"byStatus.{status}"] = 1
    return contribution


def member_contribution(member: Mapping[str, Any] | None) -> Contribution:
    return {} if member is None else {"memberCount": 1}


def project_contribution(project: Mapping[str, Any] | None) -> Contribution:
    return {} if project is None else {"projectCount": 1}


def comment_contribution(comment: Mapping[str, Any] | None) -> Contribution:
    return {} if comment is None else {"commentCount": 1}


def attachment_contribution(size: int | None) -> Contribution:
    """An attachment object counts once on its task (its bytes are counted on the org)."""
    return {} if size is None else {"attachmentCount": 1}


def storage_contribution(size: int | None) -> Contribution:
    return {} if size is None else {"storageBytes": int(size)}


def delta(old: Mapping[str, int], new: Mapping[str, int]) -> Contribution:
    """`new - old`, keeping only the non-zero fields."""
    out = {key: new.get(key, 0) - old.get(key, 0) for key in {*old, *new}}
    return {key: value for key, value in sorted(out.items()) if value}


def change_delta(
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    contribution: Any,
) -> Contribution:
    """The counter change one before/after pair implies (for reports and benchmarks)."""
    return delta(contribution(before), contribution(after))


def add(total: dict[str, int], part: Mapping[str, int]) -> dict[str, int]:
    """Accumulate `part` into `total` in place; returns `total`."""
    for key, value in part.items():
        total[key] = total.get(key, 0) + int(value)
    return total


def nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    """`{"byStatus.todo": 1}` -> `{"byStatus": {"todo": 1}}` (for set(merge=True) and maps)."""
    out: dict[str, Any] = {}
    for path, value in flat.items():
        node = out
        *parents, leaf = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return out


def flatten(data: Mapping[str, Any] | None, prefix: str = "") -> dict[str, int]:
    """Inverse of `nest`, keeping integer leaves only."""
    out: dict[str, int] = {}
    for key, value in (data or {}).items():
        if isinstance(value, Mapping):
            out.update(flatten(value, f"{prefix}{key}."))
        elif isinstance(value, int) and not isinstance(value, bool):
            out[prefix + key] = value
    return out


def get_path(data: Mapping[str, Any] | None, path: str) -> Any:
    node: Any = data or {}
    for part in path.split("."):
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node
