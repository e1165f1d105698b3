"""Identity Platform hardening: the exact request it sends, and the Auth emulator applying it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx

from firebrick.auth.passwords import MIN_LENGTH
from scripts.lib import harden_auth
from tests.support.auth import ADMIN_HEADERS, API_KEY, AuthEmulator
from tests.support.emulators import Emulators

MASK = (
    "passwordPolicyConfig.passwordPolicyEnforcementState,"
    "passwordPolicyConfig.forceUpgradeOnSignin,"
    "passwordPolicyConfig.passwordPolicyVersions,"
    "emailPrivacyConfig.enableImprovedEmailPrivacy,"
    "blockingFunctions.forwardInboundCredentials"
)
FULL_BODY = {
    "passwordPolicyConfig": {
        "passwordPolicyEnforcementState": "ENFORCE",
        "forceUpgradeOnSignin": True,
        "passwordPolicyVersions": [{"customStrengthOptions": {"minPasswordLength": 12}}],
    },
    "emailPrivacyConfig": {"enableImprovedEmailPrivacy": True},
    "blockingFunctions": {"forwardInboundCredentials": {"idToken": False, "accessToken": False, "refreshToken": False}},
}
CONFIG_URL = "https://identitytoolkit.googleapis.com/admin/v2/projects/prod-x/config"


class RecordingTransport:
    """Stands in for Google's admin API (unreachable offline): answers GET with `current`, records the rest."""

    def __init__(self, current: dict[str, Any]) -> None:
        self.current = current
        self.requests: list[tuple[str, str, Mapping[str, Any] | None]] = []

    def __call__(self, method: str, url: str, body: Mapping[str, Any] | None = None) -> dict[str, Any]:
        self.requests.append((method, url, body))
        return self.current if method == "GET" else dict(body or {})


def test_fresh_project_gets_the_full_body_under_an_exact_mask() -> None:
    transport = RecordingTransport({"signIn": {"email": {"enabled": True}}})
    printed: list[str] = []
    harden_auth.harden("prod-x", transport=transport, out=printed.append)

    assert MIN_LENGTH == 12  # the policy below is Firebrick's own (auth/passwords.py)
    # forwardInboundCredentials is absent, i.e. all false already: not sent again.
    want_mask = MASK.removesuffix(",blockingFunctions.forwardInboundCredentials")
    want_body = {key: value for key, value in FULL_BODY.items() if key != "blockingFunctions"}
    assert transport.requests == [
        ("GET", CONFIG_URL, None),
        ("PATCH", f"{CONFIG_URL}?updateMask={want_mask}", want_body),
    ]
    assert printed == [
        'passwordPolicyConfig.passwordPolicyEnforcementState: (unset) -> "ENFORCE"',
        "passwordPolicyConfig.forceUpgradeOnSignin: (unset) -> true",
        "passwordPolicyConfig.passwordPolicyVersions: (unset) -> "
        '[{"customStrengthOptions": {"minPasswordLength": 12}}]',
        "emailPrivacyConfig.enableImprovedEmailPrivacy: (unset) -> true",
    ]


def test_only_differing_fields_are_sent_and_other_strength_options_are_kept() -> None:
    current = {
        "passwordPolicyConfig": {
            "passwordPolicyEnforcementState": "ENFORCE",
            "forceUpgradeOnSignin": False,
            "passwordPolicyVersions": [
                {
                    "customStrengthOptions": {"minPasswordLength": 6, "containsNumericCharacter": True},
                    "schemaVersion": 1,
                }
            ],
            "lastUpdateTime": "2026-01-01T00:00:00Z",
        },
        "emailPrivacyConfig": {"enableImprovedEmailPrivacy": True},
        "blockingFunctions": {
            "triggers": {"beforeCreate": {"functionUri": "https://example.test/before_user_created"}},
            "forwardInboundCredentials": {"idToken": True},
        },
    }
    transport = RecordingTransport(current)
    harden_auth.harden("prod-x", transport=transport, out=lambda _: None)

    mask = "passwordPolicyConfig.forceUpgradeOnSignin,passwordPolicyConfig.passwordPolicyVersions,"
    mask += "blockingFunctions.forwardInboundCredentials"
    assert transport.requests[1] == (
        "PATCH",
        f"{CONFIG_URL}?updateMask={mask}",
        {
            "passwordPolicyConfig": {
                "forceUpgradeOnSignin": True,
                "passwordPolicyVersions": [
                    {"customStrengthOptions": {"minPasswordLength": 12, "containsNumericCharacter": True}}
                ],
            },
            # Only the credentials: the triggers `firebase deploy` registered are outside the mask.
            "blockingFunctions": {
                "forwardInboundCredentials": {"idToken": False, "accessToken": False, "refreshToken": False}
            },
        },
    )


def test_a_hardened_project_is_read_and_left_alone() -> None:
    hardened = json.loads(json.dumps(FULL_BODY))
    transport = RecordingTransport(hardened)
    printed: list[str] = []
    update = harden_auth.harden("prod-x", transport=transport, out=printed.append)
    assert update.changes == ()
    assert [method for method, _, _ in transport.requests] == ["GET"]
    assert printed == ["Identity Platform config of prod-x already hardened; nothing sent"]


def test_dry_run_prints_every_field_and_sends_nothing() -> None:
    def refuse(method: str, url: str, body: Mapping[str, Any] | None = None) -> dict[str, Any]:
        raise AssertionError(f"a dry run sent {method} {url}")

    printed: list[str] = []
    harden_auth.harden("prod-x", dry_run=True, transport=refuse, out=printed.append)
    assert printed[0] == f"would send: PATCH {CONFIG_URL}?updateMask={MASK}"
    assert json.loads("\n".join(printed[1:])) == FULL_BODY


def test_the_auth_emulator_applies_the_hardening(
    emulators: Emulators, auth_config: str, auth_emulator: AuthEmulator, clean: Emulators
) -> None:
    before = httpx.get(auth_config, headers=ADMIN_HEADERS, timeout=30).json()
    email = "enumerated@example.com"
    auth_emulator.admin_create(email, "correct-horse-battery-9")
    lookup = f"http://{emulators.auth}/identitytoolkit.googleapis.com/v1/accounts:createAuthUri?key={API_KEY}"
    probe = {"identifier": email, "continueUri": "http://localhost"}
    assert httpx.post(lookup, json=probe, timeout=30).json()["registered"] is True

    update = harden_auth.harden(emulators.project_id, emulator_host=emulators.auth, out=lambda _: None)
    assert update.changes, "the emulator started hardened: this test would prove nothing"

    after = httpx.get(auth_config, headers=ADMIN_HEADERS, timeout=30).json()
    # Accepted, stored and returned by getConfig exactly as sent:
    assert after["passwordPolicyConfig"] == FULL_BODY["passwordPolicyConfig"]
    assert after["emailPrivacyConfig"] == {"enableImprovedEmailPrivacy": True}
    assert after["blockingFunctions"]["forwardInboundCredentials"] == {
        "idToken": False,
        "accessToken": False,
        "refreshToken": False,
    }
    # The mask is narrow: the blocking triggers the Functions emulator registered survive.
    assert after["blockingFunctions"].get("triggers") == before["blockingFunctions"].get("triggers")
    assert after["signIn"] == before["signIn"]
    # Enforced by the emulator: email enumeration protection hides whether the email exists.
    assert "registered" not in httpx.post(lookup, json=probe, timeout=30).json()
    # Enforced too, though no test here can see it: forwardInboundCredentials decides which
    # OAuth tokens go into the blocking functions' JWT (only from IdP sign-ins).
    # Stored but NOT enforced by the emulator: the password policy. Its signUp still
    # accepts 6-character passwords and it does not implement `v2/passwordPolicy`, so
    # minPasswordLength / ENFORCE / forceUpgradeOnSignin act only in a real project.

    again = harden_auth.harden(emulators.project_id, emulator_host=emulators.auth, out=lambda _: None)
    assert again.changes == ()
