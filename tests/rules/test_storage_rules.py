"""storage.rules: task attachments (read viewer+, create member+ <= 10 MiB allowlisted types,
delete admin+ or the uploader). Creates and deletes decide from the membership document
(never stale claims), need the task document, a plain bounded file name, the caller as
`uploaderUid`, and never overwrite. Needs the Storage emulator, which cannot start on every
machine (its rules runtime must be downloaded); skipped with the reason then; that the
rules compile is checked everywhere (tests/scripts/test_deploy.py, the rules compiler)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING
from urllib.parse import quote

import httpx
import pytest

from tests.rules.support import ORG, caller_claims, seed_rules_world, uid_of
from tests.support.auth import unsigned_token
from tests.support.emulators import Emulators

if TYPE_CHECKING:
    from google.cloud.firestore import Client

FOLDER = f"orgs/{ORG}/projects/p1/tasks/t1/attachments"
BOUNDARY = "firebrick-test-boundary"


@pytest.fixture
def storage(clean: Emulators, admin_db: Client) -> str:
    if clean.storage is None:
        pytest.skip("Storage emulator not running (emulators.storage is None): storage.rules untested here")
    seed_rules_world(admin_db)
    return clean.storage


def as_caller(emulators: Emulators, caller: str) -> httpx.Client:
    """Storage as `caller`, the way the Firebase JS SDK authenticates (`Firebase <idToken>`)."""
    if caller == "anonymous":
        return httpx.Client(timeout=60)
    token = unsigned_token(uid_of(caller), emulators.project_id, caller_claims(caller))
    # X-Test-Uid only tells `upload` whose uid to put in the metadata; the emulator ignores it.
    return httpx.Client(headers={"Authorization": f"Firebase {token}", "X-Test-Uid": uid_of(caller)}, timeout=60)


def bucket(emulators: Emulators) -> str:
    return f"{emulators.project_id}.appspot.com"


def upload(
    client: httpx.Client,
    host: str,
    bucket_name: str,
    name: str,
    data: bytes,
    content_type: str,
    uploader: str | None = None,
) -> int:
    """A multipart upload as the JS SDK sends it; `uploaderUid` custom metadata names the uploader (the caller)."""
    uploader = uploader or client.headers.get("X-Test-Uid", "nobody")
    metadata = {"name": name, "contentType": content_type, "metadata": {"uploaderUid": uploader}}
    body = (
        (
            f"--{BOUNDARY}\r\nContent-Type: application/json; charset=utf-8\r\n\r\n{json.dumps(metadata)}\r\n"
            f"--{BOUNDARY}\r\nContent-Type: {content_type}\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{BOUNDARY}--".encode()
    )
    headers = {"Content-Type": f"multipart/related; boundary={BOUNDARY}", "X-Goog-Upload-Protocol": "multipart"}
    response = client.post(f"http://{host}/v0/b/{bucket_name}/o", params={"name": name}, content=body, headers=headers)
    return response.status_code


def object_url(host: str, bucket_name: str, name: str) -> str:
    return f"http://{host}/v0/b/{bucket_name}/o/{quote(name, safe='')}"


@pytest.mark.parametrize(
    ("caller", "content_type", "size", "allowed"),
    [
        ("member", "image/png", 1024, True),
        ("overflow_member", "application/pdf", 1024, True),
        ("viewer", "image/png", 1024, False),
        ("outsider", "image/png", 1024, False),
        ("anonymous", "image/png", 1024, False),
        ("member", "application/x-msdownload", 1024, False),
        ("member", "image/png", 10 * 1024 * 1024 + 1, False),
    ],
)
def test_attachment_upload_follows_the_rules(
    storage: str, clean: Emulators, caller: str, content_type: str, size: int, allowed: bool
) -> None:
    with as_caller(clean, caller) as client:
        status = upload(client, storage, bucket(clean), f"{FOLDER}/{caller}.bin", b"x" * size, content_type)
    assert (status == 200) is allowed, status


def test_viewer_reads_attachments_and_outsider_cannot(storage: str, clean: Emulators) -> None:
    name = f"{FOLDER}/read.png"
    with as_caller(clean, "member") as member:
        assert upload(member, storage, bucket(clean), name, b"png", "image/png") == 200
    with as_caller(clean, "viewer") as viewer, as_caller(clean, "outsider") as outsider:
        assert viewer.get(object_url(storage, bucket(clean), name), params={"alt": "media"}).status_code == 200
        assert outsider.get(object_url(storage, bucket(clean), name), params={"alt": "media"}).status_code == 403


def test_uploader_and_admin_delete_but_other_members_cannot(storage: str, clean: Emulators) -> None:
    own, other = f"{FOLDER}/own.png", f"{FOLDER}/other.png"
    with as_caller(clean, "member") as member:
        assert upload(member, storage, bucket(clean), own, b"1", "image/png") == 200
        assert upload(member, storage, bucket(clean), other, b"2", "image/png") == 200
    with as_caller(clean, "overflow_member") as someone_else:
        assert someone_else.delete(object_url(storage, bucket(clean), other)).status_code == 403
    with as_caller(clean, "member") as member:
        assert member.delete(object_url(storage, bucket(clean), own)).status_code in (200, 204)
    with as_caller(clean, "admin") as admin:
        assert admin.delete(object_url(storage, bucket(clean), other)).status_code in (200, 204)


def test_uploads_name_their_real_uploader(storage: str, clean: Emulators) -> None:
    with as_caller(clean, "member") as member:
        spoofed = upload(member, storage, bucket(clean), f"{FOLDER}/spoofed.png", b"1", "image/png", uid_of("admin"))
        assert spoofed == 403


def test_an_existing_attachment_is_never_overwritten(storage: str, clean: Emulators) -> None:
    name = f"{FOLDER}/once.png"
    with as_caller(clean, "member") as member:
        assert upload(member, storage, bucket(clean), name, b"first", "image/png") == 200
        assert upload(member, storage, bucket(clean), name, b"second", "image/png") == 403
    with as_caller(clean, "admin") as admin:
        assert upload(admin, storage, bucket(clean), name, b"third", "image/png") == 403


@pytest.mark.parametrize(
    "name",
    [
        f"orgs/{ORG}/projects/p1/tasks/t1/notes.png",  # beside attachments/, not in it
        f"orgs/{ORG}/projects/p1/attachments/a.png",
        f"orgs/{ORG}/avatar.png",
        "public/a.png",
        f"{FOLDER}/.hidden.png",
        f"{FOLDER}/{'a' * 201}.png",
        f"{FOLDER}/white space.png",
        f"{FOLDER}/r\u202egnp.exe",
        f"orgs/{ORG}/projects/p1/tasks/no-such-task/attachments/a.png",  # the task must exist
    ],
)
def test_uploads_outside_an_existing_tasks_attachments_or_with_odd_names_are_refused(
    storage: str, clean: Emulators, name: str
) -> None:
    with as_caller(clean, "member") as member:
        assert upload(member, storage, bucket(clean), name, b"x", "image/png") == 403


def test_a_removed_member_cannot_upload_even_with_a_member_token(
    storage: str, clean: Emulators, admin_db: Client
) -> None:
    admin_db.document(f"orgs/{ORG}/members/{uid_of('member')}").delete()  # the token still says member
    with as_caller(clean, "member") as member:
        assert upload(member, storage, bucket(clean), f"{FOLDER}/late.png", b"x", "image/png") == 403


def test_a_demoted_admin_cannot_delete_others_attachments(storage: str, clean: Emulators, admin_db: Client) -> None:
    name = f"{FOLDER}/kept.png"
    with as_caller(clean, "member") as member:
        assert upload(member, storage, bucket(clean), name, b"x", "image/png") == 200
    admin_db.document(f"orgs/{ORG}/members/{uid_of('admin')}").update({"role": "viewer"})  # token still says admin
    with as_caller(clean, "admin") as admin:
        assert admin.delete(object_url(storage, bucket(clean), name)).status_code == 403
