"""The emulators Firebrick's suite needs (auth, firestore, functions), and its trigger switch."""

from __future__ import annotations

from dataclasses import dataclass

from firebrick_testing import background_triggers_enabled, set_background_triggers
from firebrick_testing.emulators import EmulatorHosts, project_from_environment


@dataclass(frozen=True)
class Emulators:
    """Host:port of each running emulator, and the project they serve."""

    project_id: str
    hub: str
    auth: str
    firestore: str
    functions: str
    storage: str | None

    @property
    def api_base(self) -> str:
        """Base URL of the `api` HTTPS function through the Functions emulator."""
        return f"http://{self.functions}/{self.project_id}/us-central1/api"

    def callable_url(self, name: str) -> str:
        return f"http://{self.functions}/{self.project_id}/us-central1/{name}"


def discover() -> Emulators:
    """The emulators `firebase emulators:exec` announced (toolkit discovery), or EmulatorUnavailable."""
    hosts = EmulatorHosts.discover()
    return Emulators(
        project_from_environment(),
        hosts.require("hub"),
        hosts.require("auth"),
        hosts.require("firestore"),
        hosts.require("functions"),
        hosts.storage,
    )


class TriggerSwitch:
    """The Functions emulator's background triggers, on or off for the whole emulator suite.

    Turning them off is instant; turning them on reloads every trigger and retires
    every idle worker (each function's next call starts a fresh one), which is why
    the suite runs trigger tests last and flips once. The state is the toolkit's
    record of what this process last set, so a toolkit block cannot leave it stale.
    """

    def __init__(self, hub: str) -> None:
        self.hub = hub

    @property
    def enabled(self) -> bool | None:
        return background_triggers_enabled(self.hub)

    def set(self, *, enabled: bool) -> None:
        if self.enabled is not enabled:
            set_background_triggers(enabled, self.hub)
