"""Disable and revoke reach every instance within 5 s, though each keeps its verification caches.

"Another instance" is simulated the way one behaves: it changes Auth (or the token's
record) and publishes the change, without evicting this process's cache. Before,
this process kept accepting the credential for its cache window (30 s users, 10 s
service tokens).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from firebrick.auth import revocations
from firebrick.auth.service_tokens import verify_service_token
from firebrick.auth.tokens import verify_firebase_id_token
from firebrick.clients import firebase_app
from firebrick.errors import Unauthenticated
from firebrick.models.refs import OrgRef
from firebrick.models.tokens import ServiceTokenCreate
from firebrick.services.service_tokens import create_service_token
from tests.support.auth import AuthUser
from tests.support.orgs import SeededOrg, caller_of

if TYPE_CHECKING:
    from google.cloud.firestore import Client

BOUND_SECONDS = 5.0


def seconds_until_refused(verify: Callable[[], object]) -> float:
    """How long `verify` keeps passing (polled like a stream of requests); fails past the bound."""
    started = time.monotonic()
    while time.monotonic() - started < BOUND_SECONDS + 1:
        try:
            verify()
        except Unauthenticated:
            return time.monotonic() - started
        time.sleep(0.1)
    pytest.fail(f"still accepted after {BOUND_SECONDS + 1} s")


def test_a_user_disabled_elsewhere_is_refused_here_within_five_seconds(
    make_user: Callable[..., AuthUser], admin_db: Client
) -> None:
    from firebase_admin import auth

    user = make_user()
    verify_firebase_id_token(user.id_token)  # cached here for REVOCATION_CACHE_SECONDS (30 s)
    auth.update_user(user.uid, disabled=True, app=firebase_app())
    revocations.publish_user(admin_db, user.uid)  # what the disabling instance does besides its own eviction
    assert seconds_until_refused(lambda: verify_firebase_id_token(user.id_token)) <= BOUND_SECONDS


def test_a_service_token_revoked_elsewhere_is_refused_here_within_five_seconds(
    make_org: Callable[..., SeededOrg], admin_db: Client
) -> None:
    org = make_org(roles=("admin",))
    body = ServiceTokenCreate.model_validate({"name": "ci", "role": "member", "expiresInDays": 1})
    created = create_service_token(caller_of(admin_db, org["admin"]), OrgRef(org_id=org.org_id), body).resource
    verify_service_token(created.token, db=admin_db)  # cached here for 10 s
    admin_db.document(f"orgs/{org.org_id}/tokens/{created.id}").update({"revokedAt": datetime.now(UTC)})
    revocations.publish_service_token(admin_db, org.org_id, created.id)
    assert seconds_until_refused(lambda: verify_service_token(created.token, db=admin_db)) <= BOUND_SECONDS


def test_revocations_expire_and_are_read_once(admin_db: Client) -> None:
    revocations.publish_user(admin_db, "u-once")
    (doc,) = [d for d in admin_db.collection("revocations").stream() if d.get("uid") == "u-once"]
    data = doc.to_dict() or {}
    assert data["kind"] == "user"
    assert timedelta(minutes=59) < data["expiresAt"] - data["at"] <= timedelta(hours=1, seconds=5)
