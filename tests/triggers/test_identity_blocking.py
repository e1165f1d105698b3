"""Blocking auth functions, fired by the Auth emulator's REST signUp/signInWithPassword."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.support.auth import ADMIN_HEADERS, AuthEmulator
from tests.support.identity import STRONG_PASSWORD, jwt_payload, new_email

if TYPE_CHECKING:
    from google.cloud.firestore import Client

    from tests.support.emulators import Emulators


def test_sign_up_gets_initial_claims_in_first_id_token(auth_emulator: AuthEmulator, clean: Emulators) -> None:
    response = auth_emulator.sign_up(new_email(), STRONG_PASSWORD, display_name="  Grace \t Hopper ")
    assert response.status_code == 200, response.text
    claims = jwt_payload(response.json()["idToken"])
    assert claims["o"] == {}
    assert claims["name"] == "Grace Hopper"


def test_sign_up_with_blocked_domain_is_refused(auth_emulator: AuthEmulator, clean: Emulators) -> None:
    email = new_email("mailinator.com")
    response = auth_emulator.sign_up(email, STRONG_PASSWORD)
    assert response.status_code == 400
    assert "BLOCKING_FUNCTION_ERROR_RESPONSE" in response.json()["error"]["message"]
    # No user was created.
    assert auth_emulator.sign_in(email, STRONG_PASSWORD).status_code == 400


def test_subdomain_of_blocked_domain_is_refused(auth_emulator: AuthEmulator, clean: Emulators) -> None:
    response = auth_emulator.sign_up(new_email("eu.yopmail.com"), STRONG_PASSWORD)
    assert response.status_code == 400


def test_sign_in_is_audited_without_secrets(auth_emulator: AuthEmulator, admin_db: Client) -> None:
    email = new_email()
    uid = auth_emulator.admin_create(email, STRONG_PASSWORD)
    response = auth_emulator.sign_in(email, STRONG_PASSWORD)
    assert response.status_code == 200
    entries = [d.to_dict() or {} for d in admin_db.collection("audit").stream()]
    sign_ins = [e for e in entries if e["action"] == "auth.sign_in" and e["actorUid"] == uid]
    assert len(sign_ins) == 1
    assert sign_ins[0]["details"]["provider"] == "password"
    assert STRONG_PASSWORD not in str(sign_ins[0])
    assert response.json()["idToken"] not in str(sign_ins[0])


def test_disabled_user_cannot_sign_in(auth_emulator: AuthEmulator, clean: Emulators) -> None:
    email = new_email()
    uid = auth_emulator.admin_create(email, STRONG_PASSWORD)
    url = f"{auth_emulator.base}/identitytoolkit.googleapis.com/v1/projects/{auth_emulator.project_id}/accounts:update"
    auth_emulator.http.post(url, json={"localId": uid, "disableUser": True}, headers=ADMIN_HEADERS).raise_for_status()
    response = auth_emulator.sign_in(email, STRONG_PASSWORD)
    assert response.status_code == 400
    assert "idToken" not in response.json()


def test_sdk_sign_up_gets_a_profile(auth_emulator: AuthEmulator, admin_db: Client) -> None:
    email = new_email()
    response = auth_emulator.sign_up(email.upper(), STRONG_PASSWORD, display_name=" Katherine  Johnson")
    assert response.status_code == 200, response.text
    profile = admin_db.document(f"users/{response.json()['localId']}").get().to_dict()
    assert profile is not None
    assert profile["email"] == email
    assert profile["displayName"] == "Katherine Johnson"


def test_first_sign_in_never_overwrites_an_existing_profile(auth_emulator: AuthEmulator, admin_db: Client) -> None:
    email = new_email()
    uid = auth_emulator.admin_create(email, STRONG_PASSWORD, display_name="Auth Name")
    admin_db.document(f"users/{uid}").set({"displayName": "Chosen Name", "email": email, "photoURL": None})
    assert auth_emulator.sign_in(email, STRONG_PASSWORD).status_code == 200
    assert (admin_db.document(f"users/{uid}").get().to_dict() or {})["displayName"] == "Chosen Name"
