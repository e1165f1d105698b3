"""Fixtures of the reliability battery: the API in this process, and write budgets out of the way."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from firebrick.config import get_settings
from tests.support.emulators import Emulators
from tests.support.resources import api_in_process


@pytest.fixture(scope="module")
def local_api(emulators: Emulators) -> Iterator[str]:
    """Base URL of the API under uvicorn in this process: requests truly in flight together."""
    with api_in_process() as base_url:
        yield base_url


@pytest.fixture
def unmetered(monkeypatch: pytest.MonkeyPatch) -> None:
    """Write budgets large enough for the battery's load (tests/services/test_access_budgets.py tests them)."""
    monkeypatch.setattr(get_settings(), "writes_per_user_per_minute", 10**6)
    monkeypatch.setattr(get_settings(), "writes_per_org_per_minute", 10**6)
