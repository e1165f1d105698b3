"""triggers_disabled: the hub's switch for the Functions emulator's background triggers.

While disabled, the Functions emulator answers an event for a background trigger
with 204 and runs nothing. Re-enabling reloads the triggers, which gives them new
keys (`<id>-<generation>`). Both are observed without running any function.
"""

from __future__ import annotations

import re

import httpx
import pytest

from firebrick_testing import (
    EmulatorUnavailable,
    RulesTestEnv,
    background_triggers_enabled,
    set_background_triggers,
    triggers_disabled,
)


def background_trigger_keys(functions: str, project: str) -> dict[str, str]:
    """`{trigger id: current key}` of the background triggers the Functions emulator has loaded."""
    backends = httpx.get(f"http://{functions}/backends", timeout=30).json()["backends"]
    ids = {t["id"] for b in backends for t in b["functionTriggers"] if "eventTrigger" in t}
    # Keys are only listed in the emulator's answer for an unknown one.
    unknown = httpx.post(f"http://{functions}/functions/projects/{project}/triggers/no-such-trigger", timeout=30)
    assert unknown.status_code == 404, unknown.text
    # Each reload adds keys of a new generation; the old ones stay listed.
    newest: dict[str, int] = {}
    for trigger_id, generation in re.findall(r"([\w-]+)-(\d+)\b", unknown.text.partition("valid functions are:")[2]):
        if trigger_id in ids:
            newest[trigger_id] = max(newest.get(trigger_id, -1), int(generation))
    return {trigger_id: f"{trigger_id}-{generation}" for trigger_id, generation in newest.items()}


def test_background_triggers_pause_inside_the_block(env: RulesTestEnv) -> None:
    import os

    functions = env.hosts.functions
    if functions is None:
        pytest.skip("the Functions emulator is not running, so there are no triggers to pause")
    project = os.environ.get("GCLOUD_PROJECT", env.project_id)
    keys = background_trigger_keys(functions, project)
    if not keys:
        pytest.skip("the Functions emulator has no background trigger loaded")
    trigger_id = max(keys, key=lambda t: int(keys[t].rsplit("-", 1)[1]))  # one the last load declared
    hub = env.hosts.require("hub")
    was = background_triggers_enabled(hub)
    if was is False:  # this session paused them: the block would leave them paused
        set_background_triggers(True, hub)
        keys = background_trigger_keys(functions, project)

    with env.triggers_disabled():
        paused = httpx.post(f"http://{functions}/functions/projects/{project}/triggers/{keys[trigger_id]}", timeout=30)
        assert paused.status_code == 204  # "Background triggers are currently disabled."

    reloaded = background_trigger_keys(functions, project)[trigger_id]
    assert reloaded != keys[trigger_id]  # enableBackgroundTriggers reloaded them
    assert background_triggers_enabled(hub) is True
    if was is False:
        set_background_triggers(False, hub)  # as the session had them


def test_a_block_inside_paused_triggers_leaves_them_paused(env: RulesTestEnv) -> None:
    hub = env.hosts.hub
    if hub is None:
        pytest.skip("no emulator hub here")
    was = background_triggers_enabled(hub)
    set_background_triggers(False, hub)
    try:
        with env.triggers_disabled():
            assert background_triggers_enabled(hub) is False
        assert background_triggers_enabled(hub) is False  # not re-enabled (no reload)
    finally:
        if was is not False:
            set_background_triggers(True, hub)


def test_a_refused_switch_is_an_error_and_the_block_never_runs(env: RulesTestEnv) -> None:
    not_a_hub = env.hosts.require("firestore")  # answers 404 to /functions/...
    ran = []
    with (
        pytest.raises(EmulatorUnavailable, match="refused disableBackgroundTriggers: 404"),
        triggers_disabled(not_a_hub),
    ):
        ran.append(True)
    assert ran == []
