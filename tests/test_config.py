"""Configuration refuses emulator hosts for real projects (unsigned tokens would pass)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from firebrick.config import Settings


def test_emulator_hosts_refused_for_non_demo_project() -> None:
    with pytest.raises(ValidationError, match="demo-"):
        Settings(project_id="acme-prod", firebase_auth_emulator_host="127.0.0.1:9099")


def test_emulator_hosts_allowed_for_demo_project() -> None:
    settings = Settings(project_id="demo-x", firebase_auth_emulator_host="127.0.0.1:9099")
    assert settings.emulated


def test_cors_origins_are_parsed() -> None:
    assert Settings(project_id="demo-x", cors_origins=" https://a.example, https://b.example ,").cors_origin_list == [
        "https://a.example",
        "https://b.example",
    ]
