"""Bounded polling for effects that happen asynchronously (triggers, claims): the one way to wait.

The timeout bounds the wait; it is never an assertion about speed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

#: Upper bound for a trigger chain to settle in the Functions emulator (a bound, never a wait).
SETTLE_SECONDS = 90.0


def wait_for(
    probe: Callable[[], T], *, timeout: float = SETTLE_SECONDS, interval: float = 0.1, what: str = "condition"
) -> T:
    """Call `probe` until it returns something truthy, and return it; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last: T = probe()
    while not last:
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}; last value: {last!r}")
        time.sleep(interval)
        last = probe()
    return last


def converges(get: Callable[[], Any], want: Any, *, timeout: float = SETTLE_SECONDS) -> None:
    """Poll until `get()` == `want`; the failure shows the last value seen."""
    seen: list[Any] = []

    def probe() -> bool:
        seen[:] = [get()]
        return bool(seen[0] == want)

    try:
        wait_for(probe, timeout=timeout, what=repr(want))
    except AssertionError:
        raise AssertionError(f"{seen[0]!r} != {want!r} after {timeout:.0f}s") from None
