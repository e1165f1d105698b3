"""Pause the Functions emulator's background triggers (the emulator hub's own switch).

For tests that write many source documents at once: each write would otherwise
fire its trigger, and the emulator starts a Python worker per concurrent event.
Re-enabling reloads the triggers (a few seconds), so use it sparingly.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from tests.support.emulators import Emulators


@contextmanager
def background_triggers_disabled(emulators: Emulators) -> Iterator[None]:
    httpx.put(f"http://{emulators.hub}/functions/disableBackgroundTriggers", timeout=60).raise_for_status()
    try:
        yield
    finally:
        httpx.put(f"http://{emulators.hub}/functions/enableBackgroundTriggers", timeout=120).raise_for_status()
