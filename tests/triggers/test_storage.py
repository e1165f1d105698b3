"""Attachment counts and org storage bytes from Storage finalize/delete events.

The Storage emulator cannot start on this machine, so the functions of
`functions/main.py` get their events from firebrick-testing: encoded as
production sends them and run in-process through the SDK's wrapper.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import main

from firebrick_testing import deliver, deliver_twice, storage_event
from tests.support.orgs import SeededOrg
from tests.triggers.support import seed_project, seed_task, stats, value

if TYPE_CHECKING:
    from google.cloud.firestore import Client


def _setup(db: Client, make_org: Callable[..., SeededOrg]) -> tuple[str, Any, str]:
    org = make_org(roles=("owner",))
    project = seed_project(db, org.org_id)
    task = seed_task(db, project, "t")
    return org.org_id, task, f"orgs/{org.org_id}/projects/p1/tasks/t/attachments"


def uploaded(name: str, generation: int, size: int) -> Any:
    return storage_event(name, generation=generation, size=size, type="finalized")


def removed(name: str, generation: int, size: int) -> Any:
    return storage_event(name, generation=generation, size=size, type="deleted")


def test_finalize_and_delete_count_attachments_and_bytes(admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    org_id, task, prefix = _setup(admin_db, make_org)
    finalized = main.derive_attachment_finalized
    deliver(finalized, uploaded(f"{prefix}/a.png", 1, 1000), uploaded(f"{prefix}/b.png", 1, 500))
    assert value(task, "attachmentCount") == 2
    assert stats(admin_db, f"orgs/{org_id}")["storageBytes"] == 1500

    deliver(main.derive_attachment_deleted, removed(f"{prefix}/a.png", 1, 1000))
    assert value(task, "attachmentCount") == 1
    assert stats(admin_db, f"orgs/{org_id}")["storageBytes"] == 500


def test_duplicate_storage_events_apply_once(admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    org_id, task, prefix = _setup(admin_db, make_org)

    def observe() -> tuple[Any, Any]:
        return value(task, "attachmentCount"), stats(admin_db, f"orgs/{org_id}")["storageBytes"]

    twice = deliver_twice(main.derive_attachment_finalized, uploaded(f"{prefix}/a.png", 7, 300), observe=observe)
    assert twice.observed == ((1, 300), (1, 300))
    # The same upload re-announced under another event id is recognised by its generation.
    deliver(main.derive_attachment_finalized, uploaded(f"{prefix}/a.png", 7, 300))
    assert observe() == (1, 300)


def test_overwrite_and_out_of_order_events_net_out(admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    org_id, task, prefix = _setup(admin_db, make_org)
    name = f"{prefix}/a.png"
    # Overwrite: generation 2 replaces generation 1; its delete arrives last.
    deliver(main.derive_attachment_finalized, uploaded(name, 1, 100), uploaded(name, 2, 250))
    deliver(main.derive_attachment_deleted, removed(name, 1, 100))
    assert value(task, "attachmentCount") == 1
    assert stats(admin_db, f"orgs/{org_id}")["storageBytes"] == 250
    # A delete that overtakes its own finalize: the late finalize is ignored.
    other = f"{prefix}/b.png"
    deliver(main.derive_attachment_deleted, removed(other, 5, 40))
    deliver(main.derive_attachment_finalized, uploaded(other, 5, 40))
    assert value(task, "attachmentCount") == 1
    assert stats(admin_db, f"orgs/{org_id}")["storageBytes"] == 250


def test_objects_outside_attachments_are_ignored(admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    org_id, task, _ = _setup(admin_db, make_org)
    deliver(main.derive_attachment_finalized, uploaded(f"orgs/{org_id}/logo.png", 1, 10))
    assert value(task, "attachmentCount") is None
    assert "storageBytes" not in stats(admin_db, f"orgs/{org_id}")
