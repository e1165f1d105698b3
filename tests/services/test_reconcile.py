"""Reconcile recomputes derived state from the sources and reports what it corrected."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from firebrick.services.reconcile import reconcile_all, reconcile_org
from firebrick.state import counters
from tests.support.orgs import SeededOrg
from tests.triggers.support import deliver_write, seed_project, seed_task, settle, stats, task_stats, value

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentReference

ROOT = Path(__file__).resolve().parents[2]


def _settled_org(db: Client, make_org: Callable[..., SeededOrg]) -> tuple[SeededOrg, DocumentReference]:
    """An org whose derived state the deployed triggers computed (delivered in-process)."""
    org = make_org(roles=("owner", "member"))
    project = seed_project(db, org.org_id)
    seed_task(db, project, "a", assigneeUid=org["member"].uid)
    seed_task(db, project, "b", status="done")
    project.collection("tasks").document("a").collection("comments").document("c").set({"body": "x"})
    settle(db, [db.document(f"orgs/{org.org_id}"), *(db.document(f"users/{u.uid}") for u in org.users.values())])
    assert task_stats(db, project) == (2, {"todo": 1, "doing": 0, "done": 1})
    assert value(project.collection("tasks").document("a"), "commentCount") == 1
    assert stats(db, f"orgs/{org.org_id}").get("projectCount") == 1
    assert value(project.collection("tasks").document("a"), "assignee") == {
        "uid": org["member"].uid,
        "displayName": "Member of Acme",
    }
    return org, project


def test_reconcile_restores_a_corrupted_counter_and_reports_it(
    admin_db: Client, make_org: Callable[..., SeededOrg]
) -> None:
    org, project = _settled_org(admin_db, make_org)
    assert reconcile_org(admin_db, org.org_id).corrections == []

    project.update({"stats.taskCount": 41, "stats.byStatus.done": 7})
    admin_db.document(f"orgs/{org.org_id}").update({"stats.memberCount": 0})
    report = reconcile_org(admin_db, org.org_id)

    fixed = {(c.path, c.field): (c.was, c.now) for c in report.corrections}
    assert fixed == {
        (project.path, "stats.taskCount"): (41, 2),
        (project.path, "stats.byStatus.done"): (7, 1),
        (f"orgs/{org.org_id}", "stats.memberCount"): (0, 2),
    }
    assert task_stats(admin_db, project) == (2, {"todo": 1, "doing": 0, "done": 1})
    assert report.as_dict()["corrected"] == 3


def test_reconcile_repairs_lost_trigger_effects(admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    org, project = _settled_org(admin_db, make_org)
    task = project.collection("tasks").document("a")
    # Simulate lost deliveries: forget a counted task, corrupt a shard, a comment count and a denormalised name.
    counters.marker_ref(project, counters.PROJECT_TASKS, "b").delete()
    project.collection("_shards").document("tasks-0").set({"n": "tasks", "taskCount": 5})
    task.update({"commentCount": 9, "assignee": {"uid": org["member"].uid, "displayName": "Stale"}})
    admin_db.document(f"users/{org['member'].uid}").update({"orgs": {}})

    report = reconcile_all(admin_db)
    fields = {c.field for c in report.corrections}
    assert {"counted:tasks", "commentCount", "assignee", f"orgs.{org.org_id}"} <= fields
    assert task_stats(admin_db, project) == (2, {"todo": 1, "doing": 0, "done": 1})
    assert value(task, "commentCount") == 1
    assert value(task, "assignee") == {"uid": org["member"].uid, "displayName": "Member of Acme"}
    assert value(admin_db.document(f"users/{org['member'].uid}"), "orgs") == {
        org.org_id: {"role": "member", "name": "Acme"}
    }
    assert reconcile_all(admin_db).corrections == []


def test_reconcile_is_exact_while_tasks_are_being_written(admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    org, project = _settled_org(admin_db, make_org)

    def write(i: int) -> None:
        deliver_write(seed_task(admin_db, project, f"n{i}"))

    with ThreadPoolExecutor(4) as pool:  # trigger runs race the reconciles
        runs = [pool.submit(write, i) for i in range(20)]
        for _ in range(4):  # as the nightly job would: a few passes, not a busy loop
            reconcile_org(admin_db, org.org_id)
            time.sleep(0.05)
        for run in runs:
            run.result()
    assert task_stats(admin_db, project) == (22, {"todo": 21, "doing": 0, "done": 1})
    assert reconcile_org(admin_db, org.org_id).corrections == []


def test_reconcile_script_prints_its_report(admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    org, project = _settled_org(admin_db, make_org)
    project.update({"stats.taskCount": 99})
    script = [str(ROOT / "scripts" / "reconcile"), "--org", org.org_id]
    out = subprocess.run(script, capture_output=True, text=True, check=True, timeout=120)
    assert '"corrected": 1' in out.stdout
    assert '"was": 99' in out.stdout


def test_reconcile_reports_documents_left_under_a_missing_org(admin_db: Client) -> None:
    admin_db.document("orgs/ghost/projects/p").set({"name": "left behind"})
    report = reconcile_all(admin_db)
    assert report.orphans == ["orgs/ghost"]
    assert admin_db.document("orgs/ghost/projects/p").get().exists  # reported, not deleted
