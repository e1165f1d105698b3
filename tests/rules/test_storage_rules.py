"""storage.rules: task attachments (read viewer+, create member+ <= 10 MiB allowlisted types,
delete admin+ or the uploader). Needs the Storage emulator, which cannot start on every
machine (it needs a newer Java than some CI images ship); skipped with the reason then."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

import httpx
import pytest

from tests.rules.support import ORG, RulesWorld, seed_rules_world, uid_of
from tests.support.auth import unsigned_token
from tests.support.emulators import Emulators

if TYPE_CHECKING:
    from google.cloud.firestore import Client

FILE = f"orgs/{ORG}/projects/p1/tasks/t1/attachments"


@pytest.fixture
def storage(clean: Emulators) -> str:
    if clean.storage is None:
        pytest.skip("Storage emulator not running (emulators.storage is None): storage.rules untested here")
    return clean.storage


def _client(emulators: Emulators, caller: str) -> httpx.Client:
    from tests.rules.support import caller_claims

    token = unsigned_token(uid_of(caller), emulators.project_id, caller_claims(caller))
    return httpx.Client(headers={"Authorization": f"Firebase {token}"}, timeout=30)


def _upload(client: httpx.Client, host: str, bucket: str, name: str, data: bytes, content_type: str, uid: str) -> int:
    url = f"http://{host}/v0/b/{bucket}/o"
    metadata = {"name": name, "contentType": content_type, "metadata": {"uploaderUid": uid}}
    files = {
        "metadata": (None, httpx.Request("POST", "x", json=metadata).content, "application/json"),
        "file": ("f", data, content_type),
    }
    return client.post(url, params={"uploadType": "multipart", "name": name}, files=files).status_code


@pytest.mark.parametrize(
    ("caller", "content_type", "size", "allowed"),
    [
        ("member", "image/png", 1024, True),
        ("viewer", "image/png", 1024, False),
        ("outsider", "image/png", 1024, False),
        ("member", "application/x-msdownload", 1024, False),
        ("member", "image/png", 10 * 1024 * 1024 + 1, False),
    ],
)
def test_attachment_upload_rules(
    storage: str, clean: Emulators, admin_db: Client, caller: str, content_type: str, size: int, allowed: bool
) -> None:
    seed_rules_world(admin_db)
    world = RulesWorld(clean)
    assert world.emulators is clean
    bucket = f"{clean.project_id}.appspot.com"
    with _client(clean, caller) as client:
        status = _upload(client, storage, bucket, f"{FILE}/a.bin", b"x" * size, content_type, uid_of(caller))
    assert (status == 200) is allowed


def test_viewer_reads_and_outsider_cannot(storage: str, clean: Emulators, admin_db: Client) -> None:
    seed_rules_world(admin_db)
    bucket = f"{clean.project_id}.appspot.com"
    name = f"{FILE}/r.png"
    with _client(clean, "member") as member:
        assert _upload(member, storage, bucket, name, b"png", "image/png", uid_of("member")) == 200
    url = f"http://{storage}/v0/b/{bucket}/o/{quote(name, safe='')}"
    with _client(clean, "viewer") as viewer, _client(clean, "outsider") as outsider:
        assert viewer.get(url, params={"alt": "media"}).status_code == 200
        assert outsider.get(url, params={"alt": "media"}).status_code == 403
