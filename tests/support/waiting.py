"""Bounded polling for effects that happen asynchronously (triggers, claims)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_for(probe: Callable[[], T], *, timeout: float = 60.0, interval: float = 0.25, what: str = "condition") -> T:
    """Call `probe` until it returns something truthy; fail after `timeout` seconds.

    The timeout bounds the wait, it is not an assertion about speed.
    """
    deadline = time.monotonic() + timeout
    last: T = probe()
    while not last:
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}; last value: {last!r}")
        time.sleep(interval)
        last = probe()
    return last
