"""`Idempotency-Key` on the creates of orgs, invites and service tokens: a retry creates nothing new.

Invite and service tokens are shown once and never stored, not even in the
idempotency ledger: a replay answers with a freshly signed token for the same
resource (the invite's earlier token stops working; both service-token strings
name the one revocable record).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

import httpx

from tests.support.auth import AuthUser
from tests.support.orgs import SeededOrg

if TYPE_CHECKING:
    from google.cloud.firestore import Client


def _key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def _ids(db: Client, path: str) -> list[str]:
    return [snap.id for snap in db.collection(path).stream()]


def test_retried_org_create_creates_one_org(
    api: httpx.Client, make_user: Callable[..., AuthUser], admin_db: Client
) -> None:
    user = make_user()
    headers = {**user.headers, **_key()}
    first = api.post("/v1/orgs", json={"name": "Acme"}, headers=headers)
    again = api.post("/v1/orgs", json={"name": "Acme"}, headers=headers)
    assert first.status_code == again.status_code == 201, (first.text, again.text)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["ETag"] == first.headers["ETag"]
    assert first.headers["Location"] == f"/v1/orgs/{first.json()['id']}"
    assert _ids(admin_db, "orgs") == [first.json()["id"]]
    assert _ids(admin_db, f"orgs/{first.json()['id']}/members") == [user.uid]
    # Same key, other body: refused, still one org.
    reused = api.post("/v1/orgs", json={"name": "Other"}, headers=headers)
    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"
    assert len(_ids(admin_db, "orgs")) == 1


def test_retried_invite_creates_one_invite_and_only_the_last_token_works(
    api: httpx.Client, make_org: Callable[..., SeededOrg], make_user: Callable[..., AuthUser], admin_db: Client
) -> None:
    org = make_org()
    headers = {**org["admin"].headers, **_key()}
    url = f"/v1/orgs/{org.org_id}/invites"
    body = {"email": "guest@example.com", "role": "member"}
    first = api.post(url, json=body, headers=headers)
    again = api.post(url, json=body, headers=headers)
    assert first.status_code == again.status_code == 201, (first.text, again.text)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert _ids(admin_db, f"orgs/{org.org_id}/invites") == [first.json()["id"]]
    ledger = [str(snap.to_dict()) for snap in admin_db.collection("idempotency").stream()]
    assert ledger
    assert not any(first.json()["token"] in entry or again.json()["token"] in entry for entry in ledger)

    guest = make_user(email="guest@example.com")
    assert (
        api.post("/v1/invites/accept", json={"token": first.json()["token"]}, headers=guest.headers).status_code == 400
    )
    accepted = api.post("/v1/invites/accept", json={"token": again.json()["token"]}, headers=guest.headers)
    assert accepted.status_code == 200, accepted.text


def test_retried_service_token_create_creates_one_token(
    api: httpx.Client, make_org: Callable[..., SeededOrg], admin_db: Client
) -> None:
    org = make_org()
    headers = {**org["admin"].headers, **_key()}
    url = f"/v1/orgs/{org.org_id}/tokens"
    body = {"name": "ci", "role": "member", "expiresInDays": 30}
    first = api.post(url, json=body, headers=headers)
    again = api.post(url, json=body, headers=headers)
    assert first.status_code == again.status_code == 201, (first.text, again.text)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert _ids(admin_db, f"orgs/{org.org_id}/tokens") == [first.json()["id"]]
    ledger = [str(snap.to_dict()) for snap in admin_db.collection("idempotency").stream()]
    assert ledger
    assert not any(first.json()["token"] in entry for entry in ledger)
    # The replayed token is a working credential for the same record.
    projects = api.get(f"/v1/orgs/{org.org_id}/projects", headers={"Authorization": f"Bearer {again.json()['token']}"})
    assert projects.status_code == 200, projects.text
