"""Fixtures of the reliability battery: the API in this process, and write budgets out of the way."""

from __future__ import annotations

import pytest

from firebrick.config import get_settings


@pytest.fixture
def unmetered(monkeypatch: pytest.MonkeyPatch) -> None:
    """Write budgets large enough for the battery's load (tests/services/test_access_budgets.py tests them)."""
    monkeypatch.setattr(get_settings(), "writes_per_user_per_minute", 10**6)
    monkeypatch.setattr(get_settings(), "writes_per_org_per_minute", 10**6)
