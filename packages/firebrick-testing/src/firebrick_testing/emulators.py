"""Where the emulators run, and the hub's switch for background triggers.

`firebase emulators:exec` and `emulators:start` publish every running emulator in
the hub's registry (`GET http://$FIREBASE_EMULATOR_HUB/emulators`) and export
`*_EMULATOR_HOST` variables to the scripts they run; either is enough to find them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx

#: Host variables `firebase emulators:exec` exports, per emulator name in the hub's registry.
HOST_VARIABLES: Mapping[str, str] = {
    "firestore": "FIRESTORE_EMULATOR_HOST",
    "auth": "FIREBASE_AUTH_EMULATOR_HOST",
    "storage": "FIREBASE_STORAGE_EMULATOR_HOST",
    "hub": "FIREBASE_EMULATOR_HUB",
}


class EmulatorUnavailable(RuntimeError):
    """An emulator the test needs is not running (or could not be found)."""


def _host_port(info: Mapping[str, Any]) -> str:
    host = str(info["host"])
    if ":" in host and not host.startswith("["):  # IPv6 literal
        host = f"[{host}]"
    return f"{host}:{info['port']}"


@dataclass(frozen=True)
class EmulatorHosts:
    """`host:port` of each emulator, None for one that is not running."""

    firestore: str | None = None
    auth: str | None = None
    storage: str | None = None
    functions: str | None = None
    hub: str | None = None

    @classmethod
    def discover(cls, timeout: float = 10.0) -> EmulatorHosts:
        """Read the hub's registry when FIREBASE_EMULATOR_HUB is set, else the `*_EMULATOR_HOST` variables.

        The registry wins because it also lists emulators without a host variable
        (functions) and never goes stale the way a copied variable can.
        """
        hub = os.environ.get("FIREBASE_EMULATOR_HUB") or None
        found: dict[str, str | None] = {name: os.environ.get(var) or None for name, var in HOST_VARIABLES.items()}
        found["functions"] = None
        if hub:
            try:
                listing = httpx.get(f"http://{hub}/emulators", timeout=timeout).raise_for_status().json()
            except (httpx.HTTPError, json.JSONDecodeError) as exc:
                raise EmulatorUnavailable(f"FIREBASE_EMULATOR_HUB={hub} did not answer GET /emulators: {exc}") from exc
            for name in ("firestore", "auth", "storage", "functions"):
                if name in listing:
                    found[name] = _host_port(listing[name])
            found["hub"] = hub
        return cls(**found)

    @property
    def any_running(self) -> bool:
        return any((self.firestore, self.auth, self.storage, self.functions, self.hub))

    def require(self, name: str) -> str:
        """The `host:port` of emulator `name`, or EmulatorUnavailable saying how it is found."""
        host: str | None = getattr(self, name)
        if host:
            return host
        raise not_running(name)


def not_running(name: str) -> EmulatorUnavailable:
    """The error for a missing emulator, saying how the toolkit looks for it."""
    how = f" or {HOST_VARIABLES[name]}" if name in HOST_VARIABLES else ""
    return EmulatorUnavailable(
        f"the {name} emulator is not running here: start it with `firebase emulators:exec --only {name},...` "
        f"(found through FIREBASE_EMULATOR_HUB{how})"
    )


def project_from_environment() -> str:
    """The project the emulators serve: GCLOUD_PROJECT (set by emulators:exec) or GOOGLE_CLOUD_PROJECT."""
    project = os.environ.get("GCLOUD_PROJECT") or os.environ.get("GOOGLE_CLOUD_PROJECT")
    if not project:
        raise EmulatorUnavailable(
            "no project id: pass project_id=..., or run under `firebase emulators:exec` (it sets GCLOUD_PROJECT)"
        )
    return project


def default_bucket(project_id: str) -> str:
    """The default Storage bucket: FIREBASE_CONFIG's `storageBucket` for this project, else `{p}.appspot.com`.

    `emulators:exec` and the Functions runtime set FIREBASE_CONFIG; storage_fn reads
    its bucket from there too.
    """
    try:
        config = json.loads(os.environ.get("FIREBASE_CONFIG") or "{}")
    except json.JSONDecodeError:
        config = {}
    if isinstance(config, dict) and config.get("storageBucket") and config.get("projectId", project_id) == project_id:
        return str(config["storageBucket"])
    return f"{project_id}.appspot.com"


#: What this process last switched each hub's background triggers to (the hub cannot be asked).
_switched: dict[str, bool] = {}


def background_triggers_enabled(hub: str | None = None) -> bool | None:
    """What this process last set the hub's background triggers to; None when it never set them."""
    return _switched.get(hub or EmulatorHosts.discover().require("hub"))


@contextmanager
def triggers_disabled(hub: str | None = None, *, timeout: float = 120.0) -> Iterator[None]:
    """Pause the Functions emulator's background triggers inside the block.

    For seeding many documents without setting off a trigger (and a Python worker)
    per write. Leaving the block restores what was there before: triggers this
    process had already disabled stay disabled; otherwise they are enabled again,
    which reloads them (a second or more, and every function's next call starts a
    fresh worker).
    """
    hub = hub or EmulatorHosts.discover().require("hub")
    was = _switched.get(hub)
    if was is not False:
        set_background_triggers(False, hub, timeout=timeout)
    try:
        yield
    finally:
        if was is not False:
            set_background_triggers(True, hub, timeout=timeout)


def set_background_triggers(enabled: bool, hub: str | None = None, *, timeout: float = 120.0) -> None:
    """Switch the Functions emulator's background triggers on or off (on reloads them: about a second)."""
    hub = hub or EmulatorHosts.discover().require("hub")
    action = "enableBackgroundTriggers" if enabled else "disableBackgroundTriggers"
    response = httpx.put(f"http://{hub}/functions/{action}", timeout=timeout)
    if response.status_code != httpx.codes.OK:
        raise EmulatorUnavailable(f"hub {hub} refused {action}: {response.status_code} {response.text.strip()}")
    _switched[hub] = enabled
