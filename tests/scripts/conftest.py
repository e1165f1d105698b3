"""Fixtures of the script tests."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from scripts.lib import harden_auth
from tests.support.auth import ADMIN_HEADERS
from tests.support.emulators import Emulators


@pytest.fixture
def auth_config(emulators: Emulators) -> Iterator[str]:
    """The Auth emulator's config URL; whatever a test changes there is put back afterwards."""
    url = harden_auth.config_url(emulators.project_id, emulators.auth)
    saved = httpx.get(url, headers=ADMIN_HEADERS, timeout=30).raise_for_status().json()
    yield url
    # No update mask: the emulator then replaces sign-in, blocking functions and email
    # privacy as a whole, so the other tests see the config they started with.
    httpx.patch(url, json=saved, headers=ADMIN_HEADERS, timeout=30).raise_for_status()
