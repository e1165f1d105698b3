"""Invitations: signed, single-use, expiring; only the invited, verified email may accept."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import httpx

from firebrick.models.refs import OrgRef
from tests.support.auth import AuthEmulator, AuthUser
from tests.support.orgs import SeededOrg, caller_of

if TYPE_CHECKING:
    from google.cloud.firestore import Client


def invite(api: httpx.Client, org: SeededOrg, email: str, role: str = "member", by: str = "admin") -> dict[str, Any]:
    response = api.post(f"/v1/orgs/{org.org_id}/invites", json={"email": email, "role": role}, headers=org[by].headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def accept(api: httpx.Client, user: AuthUser, token: str) -> httpx.Response:
    return api.post("/v1/invites/accept", json={"token": token}, headers=user.headers)


def is_member(db: Client, org_id: str, uid: str) -> bool:
    return bool(db.document(f"orgs/{org_id}/members/{uid}").get().exists)


def test_invited_user_joins_with_the_invited_role(
    api: httpx.Client, admin_db: Client, make_org: Callable[..., SeededOrg], make_user: Callable[..., AuthUser]
) -> None:
    org = make_org()
    guest = make_user(email="guest@example.com")
    created = invite(api, org, "Guest@Example.com", role="viewer")
    assert set(created) == {"id", "token", "expiresAt"}
    response = accept(api, guest, created["token"])
    assert response.status_code == 200
    assert response.json() == {"orgId": org.org_id, "role": "viewer"}
    member = admin_db.document(f"orgs/{org.org_id}/members/{guest.uid}").get().to_dict()
    assert member is not None
    assert (member["role"], member["uid"]) == ("viewer", guest.uid)
    assert admin_db.document(f"orgs/{org.org_id}/invites/{created['id']}").get().get("status") == "accepted"
    actions = sorted(str(s.get("action")) for s in admin_db.collection(f"orgs/{org.org_id}/audit").stream())
    assert actions == ["invite.accepted", "invite.created"]


def test_only_a_hash_of_the_token_is_stored(
    api: httpx.Client, admin_db: Client, make_org: Callable[..., SeededOrg]
) -> None:
    org = make_org()
    created = invite(api, org, "guest@example.com")
    stored = admin_db.document(f"orgs/{org.org_id}/invites/{created['id']}").get().to_dict()
    assert stored is not None
    assert created["token"] not in json.dumps(stored, default=str)
    assert stored["status"] == "pending"
    assert stored["email"] == "guest@example.com"
    assert len(stored["tokenHash"]) == 64


def test_wrong_email_is_refused(
    api: httpx.Client, admin_db: Client, make_org: Callable[..., SeededOrg], make_user: Callable[..., AuthUser]
) -> None:
    org = make_org()
    created = invite(api, org, "guest@example.com")
    intruder = make_user(email="intruder@example.com")
    response = accept(api, intruder, created["token"])
    assert response.status_code == 403
    assert not is_member(admin_db, org.org_id, intruder.uid)
    assert admin_db.document(f"orgs/{org.org_id}/invites/{created['id']}").get().get("status") == "pending"


def test_reused_token_is_refused(
    api: httpx.Client, admin_db: Client, make_org: Callable[..., SeededOrg], make_user: Callable[..., AuthUser]
) -> None:
    org = make_org()
    guest = make_user(email="guest@example.com")
    created = invite(api, org, "guest@example.com")
    assert accept(api, guest, created["token"]).status_code == 200
    # Leave, then try to come back with the same token.
    assert api.delete(f"/v1/orgs/{org.org_id}/members/{guest.uid}", headers=guest.headers).status_code == 204
    replay = accept(api, guest, created["token"])
    assert replay.status_code == 409
    assert replay.json()["code"] == "failed_precondition"
    assert not is_member(admin_db, org.org_id, guest.uid)


def test_expired_token_is_refused(
    api: httpx.Client, admin_db: Client, make_org: Callable[..., SeededOrg], make_user: Callable[..., AuthUser]
) -> None:
    from firebrick.models.invites import InviteCreate
    from firebrick.services.invites import create_invite

    org = make_org()
    guest = make_user(email="guest@example.com")
    body = InviteCreate.model_validate({"email": "guest@example.com", "role": "member"})
    owner = caller_of(admin_db, org["owner"])
    stale = create_invite(owner, OrgRef(org_id=org.org_id), body, ttl=timedelta(seconds=-5)).resource
    response = accept(api, guest, stale.token)
    assert response.status_code == 400
    assert "expired" in response.json()["detail"]
    # A token whose signature is still valid but whose stored invite has expired (revoked early).
    fresh = invite(api, org, "guest@example.com")
    admin_db.document(f"orgs/{org.org_id}/invites/{fresh['id']}").update(
        {"expiresAt": datetime.now(UTC) - timedelta(minutes=1)}
    )
    assert accept(api, guest, fresh["token"]).status_code == 400
    assert not is_member(admin_db, org.org_id, guest.uid)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_tampered_tokens_are_refused(
    api: httpx.Client, admin_db: Client, make_org: Callable[..., SeededOrg], make_user: Callable[..., AuthUser]
) -> None:
    org = make_org()
    other = make_org(name="Other")
    guest = make_user(email="guest@example.com")
    token = invite(api, org, "guest@example.com")["token"]
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    retargeted = _b64url(json.dumps({**claims, "org": other.org_id}).encode())
    unsigned_header = _b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    flipped = signature[:-2] + ("AA" if not signature.endswith("AA") else "BB")
    for forged in (
        f"{header}.{retargeted}.{signature}",  # payload changed, signature kept
        f"{unsigned_header}.{payload}.",  # alg=none
        f"{header}.{payload}.{flipped}",  # signature changed
        "x" * 40,  # not a JWT at all
    ):
        response = accept(api, guest, forged)
        assert response.status_code == 400, forged
        assert response.json()["code"] == "bad_request"
    assert not is_member(admin_db, org.org_id, guest.uid)
    assert not is_member(admin_db, other.org_id, guest.uid)


def test_admin_cannot_invite_an_owner_but_owner_can(api: httpx.Client, make_org: Callable[..., SeededOrg]) -> None:
    org = make_org()
    body = {"email": "boss@example.com", "role": "owner"}
    assert api.post(f"/v1/orgs/{org.org_id}/invites", json=body, headers=org["admin"].headers).status_code == 403
    assert api.post(f"/v1/orgs/{org.org_id}/invites", json=body, headers=org["owner"].headers).status_code == 201


def test_invalid_invite_bodies_are_refused(api: httpx.Client, make_org: Callable[..., SeededOrg]) -> None:
    org = make_org()
    for body in (
        {"email": "not-an-email", "role": "member"},
        {"email": "a@example.com", "role": "superuser"},
        {"email": "a@example.com", "role": "member", "extra": 1},
    ):
        response = api.post(f"/v1/orgs/{org.org_id}/invites", json=body, headers=org["owner"].headers)
        assert response.status_code == 422, body


def test_unverified_email_cannot_accept(
    api: httpx.Client, admin_db: Client, auth_emulator: AuthEmulator, make_org: Callable[..., SeededOrg]
) -> None:
    org = make_org()
    created = invite(api, org, "unverified@example.com")
    signed_up = auth_emulator.sign_up("unverified@example.com", "correct-horse-battery-9")
    signed_up.raise_for_status()
    token = signed_up.json()["idToken"]
    headers = {"Authorization": f"Bearer {token}"}
    response = api.post("/v1/invites/accept", json={"token": created["token"]}, headers=headers)
    assert response.status_code == 403
    assert not is_member(admin_db, org.org_id, signed_up.json()["localId"])
