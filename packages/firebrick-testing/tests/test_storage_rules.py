"""Storage rules through `ctx.storage`, where the Storage emulator runs.

The Storage emulator keeps one ruleset for all projects, so the test restores the
rules firebase.json names (what the emulators started with) when it is done.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from toolkit_helpers import DATA

from firebrick_testing import EmulatorUnavailable, RulesTestEnv, assert_allowed, assert_denied


@pytest.fixture
def storage_env(env: RulesTestEnv) -> Iterator[RulesTestEnv]:
    if env.hosts.storage is None:
        pytest.skip("the Storage emulator is not running here (the hub lists none), so Storage rules are untested")
    env.load_rules(DATA / "storage.rules")
    try:
        yield env
    finally:
        config = next(
            (p / "firebase.json" for p in (Path.cwd(), *Path.cwd().parents) if (p / "firebase.json").exists()), None
        )
        if config is not None:
            env.load_project_rules(config)


def test_owner_writes_and_signed_in_users_read(storage_env: RulesTestEnv) -> None:
    alice, bob = storage_env.authenticated("alice").storage, storage_env.authenticated("bob").storage
    uploaded = assert_allowed(alice.upload("users/alice/a.txt", b"hello", content_type="text/plain"))
    assert uploaded.json()["name"] == "users/alice/a.txt"
    assert_denied(bob.upload("users/alice/b.txt", b"forged"))
    assert_denied(alice.upload("users/alice/big.bin", b"x" * 2048))
    assert assert_allowed(bob.download("users/alice/a.txt")).content == b"hello"
    assert assert_allowed(bob.get("users/alice/a.txt")).json()["contentType"] == "text/plain"
    assert_denied(storage_env.unauthenticated().storage.download("users/alice/a.txt"))
    assert_denied(bob.delete("users/alice/a.txt"))
    assert_allowed(alice.delete("users/alice/a.txt"))


def test_admin_bypasses_storage_rules(storage_env: RulesTestEnv) -> None:
    assert_allowed(storage_env.admin().storage.upload("anywhere/x.bin", b"1"))
    assert_denied(storage_env.authenticated("alice").storage.download("anywhere/x.bin"))


def test_storage_is_refused_clearly_where_it_does_not_run(env: RulesTestEnv) -> None:
    if env.hosts.storage is not None:
        pytest.skip("the Storage emulator runs here: this checks the error where it does not")
    with pytest.raises(EmulatorUnavailable, match="storage emulator is not running"):
        _ = env.authenticated("alice").storage
