"""Fixtures for a suite that runs against the Firebase Local Emulator Suite.

`scripts/test` starts the emulators with `firebase emulators:exec`, which sets
FIREBASE_EMULATOR_HUB, FIRESTORE_EMULATOR_HOST and FIREBASE_AUTH_EMULATOR_HOST;
every fixture here talks to those real emulators.

Background triggers (Firestore, Storage) run only for tests marked `triggers`,
which run last, after one switch of the hub (each switch on reloads every
trigger and retires every worker). Every other test writes without setting off a
trigger per document, and starts from an empty database (`clean` wipes it,
cheaply, since no trigger hears the deletions); tests about what a trigger
computes deliver its events in-process (`tests/triggers/support.deliver_write`).
Trigger tests never wipe (each deletion would be an event queued before their
own) and never switch triggers: they use ids of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from firebrick_testing import RulesTestEnv
from firebrick_testing.emulators import EmulatorUnavailable
from tests.support.auth import AuthEmulator, AuthUser
from tests.support.emulators import Emulators, TriggerSwitch, discover
from tests.support.orgs import PrincipalsOrg, SeededOrg, seed_org, seed_principals_org
from tests.support.resources import api_in_process

if TYPE_CHECKING:
    from google.cloud.firestore import Client

pytest_plugins = ["tests.support.shards", "tests.support.areas"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that need background triggers run last, so the hub's switch flips once."""
    items.sort(key=lambda item: item.get_closest_marker("triggers") is not None)


#: pytest's exit code when the Functions emulator runs without our functions; `scripts/test`
#: then starts that suite once more (its discovery can lose a port race to another suite).
FUNCTIONS_NOT_LOADED = 3


@pytest.fixture(scope="session")
def emulators() -> Emulators:
    try:
        found = discover()
    except EmulatorUnavailable as exc:
        pytest.exit(str(exc), returncode=2)
    probe = httpx.get(f"{found.api_base}/v1/health", timeout=60)
    if probe.status_code == 404 and "does not exist" in probe.text:
        pytest.exit("the Functions emulator did not load main.py (see its log above)", returncode=FUNCTIONS_NOT_LOADED)
    return found


@pytest.fixture(scope="module")
def local_api_url(emulators: Emulators) -> Iterator[str]:
    """Base URL of the API under uvicorn in this process: requests truly in flight together
    (the Functions emulator serves one per worker), and settings patched here apply there."""
    with api_in_process() as base_url:
        yield base_url


@pytest.fixture(scope="module")
def local_api(local_api_url: str) -> Iterator[httpx.Client]:
    """A client of `local_api_url`."""
    with httpx.Client(base_url=local_api_url, timeout=60) as client:
        yield client


@pytest.fixture(scope="session")
def trigger_switch(emulators: Emulators) -> TriggerSwitch:
    return TriggerSwitch(emulators.hub)


@pytest.fixture(autouse=True)
def _background_triggers(request: pytest.FixtureRequest) -> None:
    """On for tests marked `triggers`, off for every other test."""
    if "emulators" not in request.fixturenames and request.node.get_closest_marker("triggers") is None:
        return  # pure logic: no emulator involved
    switch: TriggerSwitch = request.getfixturevalue("trigger_switch")
    switch.set(enabled=request.node.get_closest_marker("triggers") is not None)


@pytest.fixture
def clean(emulators: Emulators, trigger_switch: TriggerSwitch, rules_env: RulesTestEnv) -> Emulators:
    """No data of earlier tests: wiped when triggers are off; in trigger tests, ids of their own (see above)."""
    if not trigger_switch.enabled:
        rules_env.clear_firestore()
        rules_env.clear_auth()
    return emulators


@pytest.fixture(scope="session")
def auth_emulator(emulators: Emulators) -> AuthEmulator:
    return AuthEmulator(emulators.auth, emulators.project_id)


@pytest.fixture
def make_user(clean: Emulators, auth_emulator: AuthEmulator) -> Callable[..., AuthUser]:
    """Factory: `make_user(claims={...}, email=..., display_name=..., sign_in=False)` -> AuthUser."""
    return auth_emulator.create_user


@pytest.fixture
def admin_db(clean: Emulators) -> Client:
    """The server's own Firestore client (acts as `owner`: rules do not apply)."""
    from firebrick.clients import firestore_client

    return firestore_client()


@pytest.fixture
def api(clean: Emulators) -> Iterator[httpx.Client]:
    """HTTP client for the `api` function, through the Functions emulator."""
    with httpx.Client(base_url=clean.api_base, timeout=60) as client:
        yield client


@pytest.fixture
def make_org(admin_db: Client, auth_emulator: AuthEmulator) -> Callable[..., SeededOrg]:
    """Factory: `make_org(name=..., roles=(...), claims=True)` -> org with a user per role."""

    def factory(**kwargs: Any) -> SeededOrg:
        return seed_org(admin_db, auth_emulator, **kwargs)

    return factory


@pytest.fixture
def principals_org(admin_db: Client) -> Callable[..., PrincipalsOrg]:
    """Factory: `principals_org(roles=(...))` -> an org of membership docs and Principals (no Auth users)."""

    def factory(**kwargs: Any) -> PrincipalsOrg:
        return seed_principals_org(admin_db, **kwargs)

    return factory
