"""Step-up tokens in-process: forgeries and confusions are StepUpRequired; a token unlocks one action of its purpose."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import jwt
import pytest

from firebrick.auth.keys import derived_key
from firebrick.auth.principal import Principal, PrincipalKind
from firebrick.auth.step_up import Purpose, issue_step_up_token, require_step_up, verify_step_up_token
from firebrick.context import Caller
from firebrick.errors import PermissionDenied, StepUpRequired
from firebrick.models.invites import InviteCreate
from firebrick.models.refs import OrgRef
from firebrick.models.tokens import ServiceTokenCreate
from firebrick.policy import Role
from firebrick.services.invites import create_invite
from firebrick.services.members import change_role
from firebrick.services.orgs import delete_org
from firebrick.services.service_tokens import create_service_token, reissue_service_token
from tests.support.orgs import SeededOrg, caller_of

if TYPE_CHECKING:
    from google.cloud.firestore import Client


def _claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": "firebrick",
        "aud": "firebrick:step-up",
        "sub": "u1",
        "iat": now,
        "nbf": now,
        "exp": now + 300,
        "jti": "j1",
        "typ": "step-up",
        "pur": "delete_org",
    }
    claims.update(overrides)
    return claims


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_issued_token_verifies_for_its_uid_only() -> None:
    token, ttl = issue_step_up_token("u1", Purpose.delete_org)
    assert verify_step_up_token(token, "u1", Purpose.delete_org)["sub"] == "u1"
    assert 30 <= ttl <= 900
    with pytest.raises(StepUpRequired):
        verify_step_up_token(token, "u2", Purpose.delete_org)
    with pytest.raises(StepUpRequired):
        verify_step_up_token(token, "u1", Purpose.grant_owner)


@pytest.mark.parametrize(
    "token",
    [
        f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims())}.",
        jwt.encode(_claims(), "a-guessable-secret-that-is-long-enough", algorithm="HS256"),
        jwt.encode(_claims(aud="firebrick-api:demo-firebrick"), derived_key("step-up"), algorithm="HS256"),
        jwt.encode(_claims(typ="service"), derived_key("step-up"), algorithm="HS256"),
        jwt.encode(_claims(iss="someone"), derived_key("step-up"), algorithm="HS256"),
        jwt.encode(_claims(exp=int(time.time()) - 10), derived_key("step-up"), algorithm="HS256"),
        jwt.encode(_claims(nbf=int(time.time()) + 600), derived_key("step-up"), algorithm="HS256"),
        jwt.encode({k: v for k, v in _claims().items() if k != "jti"}, derived_key("step-up"), algorithm="HS256"),
        jwt.encode(_claims(), derived_key("csrf"), algorithm="HS256"),  # another purpose's key
        jwt.encode(_claims(pur="grant_owner"), derived_key("step-up"), algorithm="HS256"),  # another action
        jwt.encode({k: v for k, v in _claims().items() if k != "pur"}, derived_key("step-up"), algorithm="HS256"),
        "",
        "x" * 5000,
    ],
)
def test_forged_or_confused_step_up_tokens_are_refused(token: str) -> None:
    with pytest.raises(StepUpRequired):
        verify_step_up_token(token, "u1", Purpose.delete_org)


def test_service_token_is_not_a_step_up_token() -> None:
    from firebrick.auth.service_tokens import SERVICE_TOKEN_PREFIX, mint_service_token

    token = mint_service_token("orgA", "t1", Role.member, datetime.now(UTC) + timedelta(days=1))
    with pytest.raises(StepUpRequired):
        verify_step_up_token(token.removeprefix(SERVICE_TOKEN_PREFIX), "svc:t1", Purpose.delete_org)


def test_service_principals_never_pass_step_up(admin_db: Client) -> None:
    service = Principal(uid="svc:t1", kind=PrincipalKind.service, service_org_id="o", service_role=Role.member)
    with pytest.raises(PermissionDenied):
        require_step_up(
            Caller(admin_db, service), issue_step_up_token("svc:t1", Purpose.delete_org)[0], Purpose.delete_org
        )


def test_user_without_totp_passes_and_with_totp_needs_a_token(admin_db: Client) -> None:
    user = Caller(admin_db, Principal(uid="u-steps", kind=PrincipalKind.user))
    require_step_up(user, None, Purpose.delete_org)
    admin_db.document("userSecrets/u-steps").set({"totpEnabled": True})
    with pytest.raises(StepUpRequired):
        require_step_up(user, None, Purpose.delete_org)
    require_step_up(user, issue_step_up_token("u-steps", Purpose.delete_org)[0], Purpose.delete_org)


# --- Single use, one purpose (services in-process) -------------------------------------------


def _owner_with_totp(db: Client, make_org: Callable[..., SeededOrg]) -> tuple[SeededOrg, Caller]:
    org = make_org(roles=("owner", "admin", "member", "viewer"))
    db.document(f"userSecrets/{org['owner'].uid}").set({"totpEnabled": True})
    return org, caller_of(db, org["owner"])


def test_a_step_up_token_unlocks_one_action_only(admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    """Before: one token granted owner any number of times within its five minutes."""
    org, owner = _owner_with_totp(admin_db, make_org)
    token, _ = issue_step_up_token(owner.uid, Purpose.grant_owner)
    ref = OrgRef(org_id=org.org_id)
    change_role(owner, ref.member(org["admin"].uid), Role.owner, step_up_token=token)
    with pytest.raises(StepUpRequired):
        change_role(owner, ref.member(org["member"].uid), Role.owner, step_up_token=token)
    assert admin_db.document(f"orgs/{org.org_id}/members/{org['member'].uid}").get().get("role") == "member"
    body = InviteCreate.model_validate({"email": "boss@example.com", "role": "owner"})
    with pytest.raises(StepUpRequired):
        create_invite(owner, ref, body, step_up_token=token)


def test_a_step_up_token_works_only_for_its_purpose(admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    """Before: a token asked for anything unlocked every sensitive action."""
    org, owner = _owner_with_totp(admin_db, make_org)
    ref = OrgRef(org_id=org.org_id)
    for_tokens, _ = issue_step_up_token(owner.uid, Purpose.create_service_token)
    with pytest.raises(StepUpRequired):
        delete_org(owner, ref, step_up_token=for_tokens)
    with pytest.raises(StepUpRequired):
        change_role(owner, ref.member(org["admin"].uid), Role.owner, step_up_token=for_tokens)
    body = ServiceTokenCreate.model_validate({"name": "ci", "role": "member", "expiresInDays": 1})
    create_service_token(owner, ref, body, step_up_token=for_tokens)
    delete_org(owner, ref, step_up_token=issue_step_up_token(owner.uid, Purpose.delete_org)[0])
    assert not admin_db.document(f"orgs/{org.org_id}").get().exists


def test_racing_requests_with_one_token_act_once(admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    from tests.state.test_rate_limit import race

    org, owner = _owner_with_totp(admin_db, make_org)
    token, _ = issue_step_up_token(owner.uid, Purpose.grant_owner)
    targets = iter([org["admin"].uid, org["member"].uid, org["viewer"].uid])
    ref = OrgRef(org_id=org.org_id)
    outcomes = race(3, lambda: change_role(owner, ref.member(next(targets)), Role.owner, step_up_token=token))
    assert outcomes["ok"] == 1, outcomes
    owners = [d for d in admin_db.collection(f"orgs/{org.org_id}/members").stream() if d.get("role") == "owner"]
    assert len(owners) == 2


def test_an_idempotent_replay_reuses_the_token_for_the_same_resource_only(
    admin_db: Client, make_org: Callable[..., SeededOrg]
) -> None:
    org, owner = _owner_with_totp(admin_db, make_org)
    ref = OrgRef(org_id=org.org_id)
    token, _ = issue_step_up_token(owner.uid, Purpose.create_service_token)
    body = ServiceTokenCreate.model_validate({"name": "ci", "role": "member", "expiresInDays": 1})
    created = create_service_token(owner, ref, body, "tok-1", step_up_token=token).resource
    assert reissue_service_token(owner, ref.token(created.id), step_up_token=token)
    with pytest.raises(StepUpRequired):
        create_service_token(owner, ref, body, "tok-2", step_up_token=token)
    spent = admin_db.document(f"userSecrets/{owner.uid}").get().get("stepUps")
    assert list(spent) == [verify_step_up_token(token, owner.uid, Purpose.create_service_token)["jti"]]


def test_the_request_model_names_every_purpose() -> None:
    from typing import get_args

    from firebrick.models.auth import StepUpPurpose

    assert set(get_args(StepUpPurpose)) == {purpose.value for purpose in Purpose}
