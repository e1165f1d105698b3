"""Derived-state tests set triggers off that may outlive the test: wipe with retries."""

from __future__ import annotations

import pytest

from tests.support.emulators import Emulators
from tests.triggers.support import reset_settled


@pytest.fixture
def clean(emulators: Emulators) -> Emulators:
    """Like the suite's `clean`, but waits out the previous test's triggers (409 on wipe)."""
    reset_settled(emulators)
    return emulators
