"""Step-up on the org's sensitive actions: delete org, grant owner (role change, owner invite).

Once the caller has TOTP, each needs `X-Step-Up-Token` (else 403 step_up_required);
a valid token of their own lets it through. Callers without TOTP are not asked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import httpx

from tests.api.test_auth_mfa import _enroll, _step_up
from tests.support.auth import AuthUser
from tests.support.identity import totp_code
from tests.support.orgs import SeededOrg

if TYPE_CHECKING:
    from google.cloud.firestore import Client

STEP_UP = "X-Step-Up-Token"


def _owner_with_totp(api: httpx.Client, org: SeededOrg, purpose: str) -> tuple[AuthUser, str]:
    """The org's owner with TOTP on, and a fresh step-up token of theirs for `purpose`."""
    owner = org["owner"]
    secret = _enroll(api, owner)
    granted = _step_up(api, owner, totp_code(secret, 1), purpose)  # next step: the confirm used this one
    assert granted.status_code == 200, granted.text
    return owner, str(granted.json()["stepUpToken"])


def _refused(response: httpx.Response) -> None:
    assert response.status_code == 403, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "step_up_required"


def test_deleting_an_org_needs_step_up_once_mfa_is_on(
    api: httpx.Client, make_org: Callable[..., SeededOrg], admin_db: Client
) -> None:
    org = make_org()
    owner, token = _owner_with_totp(api, org, "delete_org")
    _refused(api.delete(f"/v1/orgs/{org.org_id}", headers=owner.headers))
    assert admin_db.document(f"orgs/{org.org_id}").get().exists
    _refused(api.delete(f"/v1/orgs/{org.org_id}", headers={**owner.headers, STEP_UP: "not.a.token"}))
    deleted = api.delete(f"/v1/orgs/{org.org_id}", headers={**owner.headers, STEP_UP: token})
    assert deleted.status_code == 204, deleted.text
    assert not admin_db.document(f"orgs/{org.org_id}").get().exists


def test_outsider_still_gets_404_not_step_up_required(
    api: httpx.Client, make_org: Callable[..., SeededOrg], make_user: Callable[..., AuthUser]
) -> None:
    org = make_org()
    outsider = make_user()
    _enroll(api, outsider)
    assert api.delete(f"/v1/orgs/{org.org_id}", headers=outsider.headers).status_code == 404


def test_granting_owner_by_role_change_needs_step_up(
    api: httpx.Client, make_org: Callable[..., SeededOrg], admin_db: Client
) -> None:
    org = make_org()
    owner, token = _owner_with_totp(api, org, "grant_owner")
    target = org["admin"].uid
    url = f"/v1/orgs/{org.org_id}/members/{target}"
    _refused(api.patch(url, json={"role": "owner"}, headers=owner.headers))
    assert admin_db.document(f"orgs/{org.org_id}/members/{target}").get().get("role") == "admin"
    # Changes that grant no owner role stay step-up free.
    demoted = api.patch(
        f"/v1/orgs/{org.org_id}/members/{org['viewer'].uid}", json={"role": "member"}, headers=owner.headers
    )
    assert demoted.status_code == 200, demoted.text
    granted = api.patch(url, json={"role": "owner"}, headers={**owner.headers, STEP_UP: token})
    assert granted.status_code == 200, granted.text
    assert admin_db.document(f"orgs/{org.org_id}/members/{target}").get().get("role") == "owner"


def test_inviting_an_owner_needs_step_up(
    api: httpx.Client, make_org: Callable[..., SeededOrg], admin_db: Client
) -> None:
    org = make_org()
    owner, token = _owner_with_totp(api, org, "grant_owner")
    url = f"/v1/orgs/{org.org_id}/invites"
    _refused(api.post(url, json={"email": "boss@example.com", "role": "owner"}, headers=owner.headers))
    assert list(admin_db.collection(f"orgs/{org.org_id}/invites").stream()) == []
    member_invite = api.post(url, json={"email": "dev@example.com", "role": "member"}, headers=owner.headers)
    assert member_invite.status_code == 201, member_invite.text
    owner_invite = api.post(
        url, json={"email": "boss@example.com", "role": "owner"}, headers={**owner.headers, STEP_UP: token}
    )
    assert owner_invite.status_code == 201, owner_invite.text


def test_owner_without_mfa_is_not_asked_for_step_up(api: httpx.Client, make_org: Callable[..., SeededOrg]) -> None:
    org = make_org()
    owner = org["owner"]
    granted = api.patch(
        f"/v1/orgs/{org.org_id}/members/{org['admin'].uid}", json={"role": "owner"}, headers=owner.headers
    )
    assert granted.status_code == 200, granted.text
    assert api.delete(f"/v1/orgs/{org.org_id}", headers=owner.headers).status_code == 204
