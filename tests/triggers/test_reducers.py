"""The pure reducers: contributions, deltas, feed entries and denormalised values."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from firebrick.reducers.activity import DocState, entry_id, member_activity, source_changed, task_activity
from firebrick.reducers.counters import add, change_delta, delta, flatten, nest, task_contribution
from firebrick.state.derived import assignee_for, user_org_entry

T0 = datetime(2026, 1, 1, tzinfo=UTC)
IDS = {"orgId": "o", "projectId": "p", "taskId": "t"}


def test_status_move_shifts_one_between_buckets_and_keeps_the_total() -> None:
    assert change_delta({"status": "todo"}, {"status": "doing"}, task_contribution) == {
        "byStatus.doing": 1,
        "byStatus.todo": -1,
    }
    assert change_delta(None, {"status": "done"}, task_contribution) == {"byStatus.done": 1, "taskCount": 1}
    assert change_delta({"status": "done"}, None, task_contribution) == {"byStatus.done": -1, "taskCount": -1}
    assert change_delta({"status": "todo", "title": "a"}, {"status": "todo", "title": "b"}, task_contribution) == {}


def test_event_deltas_sum_to_the_same_total_in_any_order() -> None:
    history = [None, {"status": "todo"}, {"status": "doing"}, {"status": "done"}, None]
    steps = [change_delta(a, b, task_contribution) for a, b in itertools.pairwise(history)]
    totals = set()
    for order in itertools.permutations(steps):
        total: dict[str, int] = {}
        for step in order:
            add(total, step)
        totals.add(tuple(sorted((k, v) for k, v in total.items() if v)))
    assert totals == {()}


def test_delta_drops_zeroes() -> None:
    assert delta({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 0}) == {"b": 1}


def test_nest_and_flatten_round_trip() -> None:
    flat = {"taskCount": 3, "byStatus.todo": 1, "byStatus.done": 2}
    assert nest(flat) == {"taskCount": 3, "byStatus": {"todo": 1, "done": 2}}
    assert flatten(nest(flat)) == flat


def test_derived_only_writes_are_not_source_changes() -> None:
    assert not source_changed("task", {"title": "a", "commentCount": 1}, {"title": "a", "commentCount": 2})
    assert source_changed("task", {"title": "a"}, {"title": "b"})
    assert source_changed("task", None, {"title": "a"})
    assert not source_changed("project", {"name": "p", "stats": {"taskCount": 1}}, {"name": "p", "stats": {}})


def test_feed_entry_id_depends_on_the_change_not_the_delivery() -> None:
    before, after = DocState({"status": "todo"}, T0), DocState({"status": "doing"}, T0 + timedelta(seconds=1))
    one = task_activity("orgs/o/projects/p/tasks/t", IDS, before, after, T0)
    two = task_activity("orgs/o/projects/p/tasks/t", IDS, before, after, T0 + timedelta(hours=1))
    assert one is not None
    assert two is not None
    assert one == two
    assert one.doc["type"] == "task.status_changed"
    assert (one.doc["from"], one.doc["to"]) == ("todo", "doing")
    deleted = entry_id("orgs/o/projects/p/tasks/t", after, DocState(None))
    assert deleted != one.id


def test_no_feed_entry_for_derived_or_name_only_changes() -> None:
    same = DocState({"title": "a", "commentCount": 1}, T0)
    bumped = DocState({"title": "a", "commentCount": 2}, T0 + timedelta(seconds=1))
    assert task_activity("x", IDS, same, bumped, T0) is None
    renamed = DocState({"role": "member", "displayName": "B"}, T0)
    assert member_activity("m", {"uid": "u"}, DocState({"role": "member", "displayName": "A"}, T0), renamed, T0) is None


def test_assignee_and_user_org_entry() -> None:
    assert assignee_for("u1", {"displayName": "Ann"}) == {"uid": "u1", "displayName": "Ann"}
    assert assignee_for("u1", None) == {"uid": "u1", "displayName": None}
    assert assignee_for(None, {"displayName": "Ann"}) is None
    assert user_org_entry({"role": "admin"}, {"name": "Acme"}) == {"role": "admin", "name": "Acme"}
    assert user_org_entry(None, {"name": "Acme"}) is None
    assert user_org_entry({"role": "admin"}, None) is None
