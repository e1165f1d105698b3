"""Claims sync: memberships -> compact custom claims, under 1000 bytes, idempotent."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from tests.support.auth import AuthEmulator, AuthUser
from tests.support.orgs import SeededOrg, add_member
from tests.support.waiting import wait_for
from tests.triggers.support import deliver_write

if TYPE_CHECKING:
    from google.cloud.firestore import Client

#: End to end: membership writes reach the claims through the Functions emulator's triggers.
through_the_emulator = pytest.mark.triggers


def fresh_claims(auth: AuthEmulator, user: AuthUser) -> dict[str, Any]:
    """The claims of a freshly minted ID token (what a client gets after getIdToken(true))."""
    response = auth.sign_in(user.email, user.password)
    response.raise_for_status()
    payload = response.json()["idToken"].split(".")[1]
    claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return claims


def stored_claims(uid: str) -> dict[str, Any]:
    from firebase_admin import auth

    from firebrick.clients import firebase_app

    return dict(auth.get_user(uid, app=firebase_app()).custom_claims or {})


def claims_updated_at(db: Client, uid: str) -> Any:
    snap = db.document(f"users/{uid}").get()
    return (snap.to_dict() or {}).get("claimsUpdatedAt") if snap.exists else None


@through_the_emulator
def test_role_change_reaches_a_fresh_id_token_and_bumps_claims_updated_at(
    api: httpx.Client, admin_db: Client, auth_emulator: AuthEmulator, make_org: Callable[..., SeededOrg]
) -> None:
    org = make_org()
    member = org["member"]
    before = claims_updated_at(admin_db, member.uid)
    response = api.patch(
        f"/v1/orgs/{org.org_id}/members/{member.uid}", json={"role": "admin"}, headers=org["owner"].headers
    )
    assert response.status_code == 200
    claims = wait_for(
        lambda: (c := fresh_claims(auth_emulator, member)).get("o", {}).get(org.org_id) == 3 and c,
        what="the new role in a fresh ID token",
    )
    assert claims["o"] == {org.org_id: 3}
    after = wait_for(lambda: claims_updated_at(admin_db, member.uid), what="claimsUpdatedAt")
    assert after != before
    changed_at = admin_db.document(f"orgs/{org.org_id}/members/{member.uid}").get().get("roleUpdatedAt")
    assert after >= changed_at  # stamped by the sync that followed this role change
    print(f"claims sync lag after role change: {(after - changed_at).total_seconds():.3f}s")  # scripts: -s -k lag


@through_the_emulator
def test_removal_drops_the_org_from_claims(
    api: httpx.Client, admin_db: Client, auth_emulator: AuthEmulator, make_org: Callable[..., SeededOrg]
) -> None:
    org = make_org()
    viewer = org["viewer"]
    assert api.delete(f"/v1/orgs/{org.org_id}/members/{viewer.uid}", headers=viewer.headers).status_code == 204

    def claims_without_org() -> dict[str, Any] | None:
        claims = fresh_claims(auth_emulator, viewer)
        return claims if org.org_id not in claims.get("o", {}) else None

    claims = wait_for(claims_without_org, what="the org to leave the claims")
    assert "o" not in claims


@through_the_emulator
def test_sync_preserves_claims_it_does_not_own(
    admin_db: Client, auth_emulator: AuthEmulator, make_user: Callable[..., AuthUser]
) -> None:
    support = make_user(claims={"admin": True, "o": {"stale-org": 4}})
    add_member(admin_db, "org-new", support.uid, "member")
    wait_for(lambda: stored_claims(support.uid).get("o") == {"org-new": 2}, what="claims sync")
    assert stored_claims(support.uid) == {"admin": True, "o": {"org-new": 2}}


@through_the_emulator
def test_sync_is_idempotent_and_skips_unchanged_claims(admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    from firebrick.triggers.claims import sync_user_claims

    org = make_org(claims=False)
    viewer = org["viewer"]
    wait_for(lambda: stored_claims(viewer.uid).get("o") == {org.org_id: 1}, what="claims sync")
    stamp = wait_for(lambda: claims_updated_at(admin_db, viewer.uid), what="claimsUpdatedAt")
    # A duplicate delivery (or a late one) recomputes the same claims: no write, no new stamp.
    assert sync_user_claims(admin_db, viewer.uid) is False
    assert sync_user_claims(admin_db, viewer.uid) is False
    assert claims_updated_at(admin_db, viewer.uid) == stamp


def test_two_hundred_memberships_stay_under_1000_bytes_highest_roles_first(
    admin_db: Client, make_user: Callable[..., AuthUser]
) -> None:
    from firebrick.auth.claims import claims_size

    user = make_user(claims={"admin": True})
    owner_orgs = [f"own{uuid.uuid4().hex[:17]}" for _ in range(10)]
    viewer_orgs = [f"see{uuid.uuid4().hex[:17]}" for _ in range(190)]
    batch = admin_db.batch()  # no trigger hears these (they run in-process, below)
    for org_id in owner_orgs:
        batch.set(admin_db.document(f"orgs/{org_id}/members/{user.uid}"), {"uid": user.uid, "role": "owner"})
    for org_id in viewer_orgs:
        batch.set(admin_db.document(f"orgs/{org_id}/members/{user.uid}"), {"uid": user.uid, "role": "viewer"})
    batch.commit()
    last = "zzz-last-owner-org"
    add_member(admin_db, last, user.uid, "owner")
    # One delivery recomputes the claims from all 201 memberships.
    deliver_write(admin_db.document(f"orgs/{last}/members/{user.uid}"))

    claims = stored_claims(user.uid)
    assert claims["o"][last] == 4
    assert claims_size(claims) < 1000
    assert claims["ox"] is True
    assert claims["admin"] is True
    assert set(owner_orgs) | {last} <= set(claims["o"])  # highest roles kept first
    assert 11 < len(claims["o"]) < 201
    assert set(claims["o"]) <= set(owner_orgs) | set(viewer_orgs) | {last}


def test_encoding_is_deterministic_and_bounded() -> None:
    from firebrick.auth.claims import claims_size, encode_claims
    from firebrick.policy import Role

    roles = {f"org{i:017d}": Role((i % 4) + 1) for i in range(500)}
    first = encode_claims(roles, {"admin": True})
    assert first == encode_claims(dict(reversed(roles.items())), {"admin": True})
    assert claims_size(first) < 1000
    assert first["ox"] is True
    kept = [Role(v) for v in first["o"].values()]
    assert min(kept) == Role.owner  # 125 owner orgs: no room for lower roles
    assert encode_claims({"a": Role.viewer}, {"o": {"gone": 4}, "ox": True}) == {"o": {"a": 1}}
