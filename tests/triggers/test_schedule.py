"""The scheduled reconcile job reconciles everything and returns its report."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from firebrick.triggers.schedule import run_reconcile
from tests.support.orgs import SeededOrg
from tests.triggers.support import seed_project, seed_task, settle, task_stats

if TYPE_CHECKING:
    from google.cloud.firestore import Client


def test_scheduled_reconcile_fixes_every_org(admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    first, second = make_org(name="One", roles=("owner",)), make_org(name="Two", roles=("owner",))
    projects = [seed_project(admin_db, org.org_id) for org in (first, second)]
    for project in projects:
        seed_task(admin_db, project, "t")
    settle(admin_db, [admin_db.document(f"orgs/{org.org_id}") for org in (first, second)])
    for project in projects:
        assert task_stats(admin_db, project)[0] == 1
        project.update({"stats.taskCount": 5})

    report = run_reconcile()

    assert report["checked"]["orgs"] == 2  # the database holds these two orgs only (`clean`)
    assert sorted(c["path"] for c in report["corrections"] if c["field"] == "stats.taskCount") == sorted(
        p.path for p in projects
    )
    assert [task_stats(admin_db, p)[0] for p in projects] == [1, 1]
