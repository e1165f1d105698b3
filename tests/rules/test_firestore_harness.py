"""The harness acts on Firestore as real users, so rules are enforced (not `owner`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tests.support.auth import AuthUser
from tests.support.firestore_rest import FirestoreAs

if TYPE_CHECKING:
    from google.cloud.firestore import Client


def test_unauthenticated_client_is_denied(admin_db: Client, firestore_as: Callable[..., FirestoreAs]) -> None:
    admin_db.document("orgs/acme").set({"name": "Acme"})
    response = firestore_as(None).get("orgs/acme")
    assert response.status_code == 403


def test_owner_client_bypasses_rules(admin_db: Client) -> None:
    admin_db.document("orgs/acme").set({"name": "Acme"})
    snapshot = admin_db.document("orgs/acme").get()
    assert snapshot.exists
    assert snapshot.get("name") == "Acme"


def test_signed_in_user_is_subject_to_rules(
    admin_db: Client, make_user: Callable[..., AuthUser], firestore_as: Callable[..., FirestoreAs]
) -> None:
    admin_db.document("orgs/acme").set({"name": "Acme"})
    user = make_user()
    as_user = firestore_as(user)
    assert as_user.get("orgs/acme").status_code == 403
    assert as_user.create("orgs", "evil", {"name": "Evil"}).status_code == 403
    assert not admin_db.document("orgs/evil").get().exists
