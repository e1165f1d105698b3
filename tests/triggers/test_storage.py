"""Attachment counts and org storage bytes from Storage finalize/delete events.

The Storage emulator cannot start on this machine, so these tests hand the
handlers CloudEvents shaped exactly as `storage_fn` builds them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from firebrick.triggers.storage import on_object_deleted, on_object_finalized
from tests.support.orgs import SeededOrg
from tests.support.waiting import converges
from tests.triggers.support import seed_project, seed_task, stats, storage_event, value

if TYPE_CHECKING:
    from google.cloud.firestore import Client

#: Derived state: these tests need the Functions emulator's background triggers.
pytestmark = pytest.mark.triggers


def _setup(db: Client, make_org: Callable[..., SeededOrg]) -> tuple[str, Any, str]:
    org = make_org(roles=("owner",))
    project = seed_project(db, org.org_id)
    task = seed_task(db, project, "t")
    converges(lambda: stats(db, f"orgs/{org.org_id}").get("projectCount"), 1)
    return org.org_id, task, f"orgs/{org.org_id}/projects/p1/tasks/t/attachments"


def test_finalize_and_delete_count_attachments_and_bytes(admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    org_id, task, prefix = _setup(admin_db, make_org)
    assert on_object_finalized(storage_event(f"{prefix}/a.png", 1, 1000), db=admin_db)
    assert on_object_finalized(storage_event(f"{prefix}/b.png", 1, 500), db=admin_db)
    assert value(task, "attachmentCount") == 2
    assert stats(admin_db, f"orgs/{org_id}")["storageBytes"] == 1500

    assert on_object_deleted(storage_event(f"{prefix}/a.png", 1, 1000), db=admin_db)
    assert value(task, "attachmentCount") == 1
    assert stats(admin_db, f"orgs/{org_id}")["storageBytes"] == 500


def test_duplicate_storage_events_apply_once(admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    org_id, task, prefix = _setup(admin_db, make_org)
    event = storage_event(f"{prefix}/a.png", 7, 300)
    assert on_object_finalized(event, db=admin_db)
    assert not on_object_finalized(event, db=admin_db)
    # The same upload re-announced under another event id is recognised by its generation.
    on_object_finalized(storage_event(f"{prefix}/a.png", 7, 300), db=admin_db)
    assert value(task, "attachmentCount") == 1
    assert stats(admin_db, f"orgs/{org_id}")["storageBytes"] == 300


def test_overwrite_and_out_of_order_events_net_out(admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    org_id, task, prefix = _setup(admin_db, make_org)
    name = f"{prefix}/a.png"
    # Overwrite: generation 2 replaces generation 1; its delete arrives last.
    on_object_finalized(storage_event(name, 1, 100), db=admin_db)
    on_object_finalized(storage_event(name, 2, 250), db=admin_db)
    on_object_deleted(storage_event(name, 1, 100), db=admin_db)
    assert value(task, "attachmentCount") == 1
    assert stats(admin_db, f"orgs/{org_id}")["storageBytes"] == 250
    # A delete that overtakes its own finalize: the late finalize is ignored.
    other = f"{prefix}/b.png"
    on_object_deleted(storage_event(other, 5, 40), db=admin_db)
    on_object_finalized(storage_event(other, 5, 40), db=admin_db)
    assert value(task, "attachmentCount") == 1
    assert stats(admin_db, f"orgs/{org_id}")["storageBytes"] == 250


def test_objects_outside_attachments_are_ignored(admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    org_id, task, _ = _setup(admin_db, make_org)
    assert not on_object_finalized(storage_event(f"orgs/{org_id}/logo.png", 1, 10), db=admin_db)
    assert value(task, "attachmentCount") is None
