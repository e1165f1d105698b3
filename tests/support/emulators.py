"""Find the running emulators through the hub that `firebase emulators:exec` announces."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx

from firebrick_testing import set_background_triggers


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


class EmulatorsUnavailableError(RuntimeError):
    pass


def discover() -> Emulators:
    """Read the hub's registry; fail with a hint when not run under scripts/test."""
    hub = os.environ.get("FIREBASE_EMULATOR_HUB")
    if not hub:
        raise EmulatorsUnavailableError("FIREBASE_EMULATOR_HUB is not set: run the suite with scripts/test")
    listing = httpx.get(f"http://{hub}/emulators", timeout=10).json()

    def addr(name: str) -> str | None:
        info = listing.get(name)
        return f"{info['host']}:{info['port']}" if info else None

    project = os.environ.get("GCLOUD_PROJECT") or "demo-firebrick"
    auth, firestore, functions = addr("auth"), addr("firestore"), addr("functions")
    if not (auth and firestore and functions):
        raise EmulatorsUnavailableError(f"auth, firestore and functions emulators needed; hub has {sorted(listing)}")
    return Emulators(project, hub, auth, firestore, functions, addr("storage"))


def reset(emulators: Emulators, timeout: float = 60.0) -> None:
    """Wipe all Firestore documents and Auth users (the emulators' own reset endpoints).

    The Firestore emulator answers 409 to a wipe that races an open transaction, and
    triggers set off by the previous test may still be running: retry until they settle.
    """
    p = emulators.project_id
    deadline = time.monotonic() + timeout
    while True:
        wipe = httpx.delete(f"http://{emulators.firestore}/emulator/v1/projects/{p}/databases/(default)/documents")
        if wipe.status_code != 409 or time.monotonic() > deadline:
            wipe.raise_for_status()
            break
        time.sleep(0.5)
    httpx.delete(f"http://{emulators.auth}/emulator/v1/projects/{p}/accounts", timeout=30).raise_for_status()


class TriggerSwitch:
    """The Functions emulator's background triggers, on or off for the whole emulator suite.

    Turning them off is instant; turning them on reloads every trigger (about a
    second), which is why the suite runs trigger tests last and flips once.
    """

    def __init__(self, hub: str) -> None:
        self.hub = hub
        self.enabled: bool | None = None  # unknown until first set

    def set(self, *, enabled: bool) -> None:
        if self.enabled is not enabled:
            set_background_triggers(enabled, self.hub)
            self.enabled = enabled

    @contextmanager
    def paused(self) -> Iterator[None]:
        was = self.enabled
        self.set(enabled=False)
        try:
            yield
        finally:
            if was:
                self.set(enabled=True)
