"""Configuration: emulator hosts only for demo projects, params as deployed functions get them, named refusals."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from firebrick.config import ConfigurationError, Settings, get_settings


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


def test_list_settings_read_dotenv_commas_and_the_json_arrays_of_cloud_functions() -> None:
    # firebase-tools hands a ListParam to a deployed function as a JSON array.
    assert Settings(project_id="demo-x", cors_origins='["https://a.example","https://b.example"]').cors_origin_list == [
        "https://a.example",
        "https://b.example",
    ]
    assert Settings(project_id="demo-x", blocked_email_domains='[""]').blocked_domain_set == frozenset()
    assert Settings(project_id="demo-x", session_allowed_origins="").session_origin_set == frozenset()


@pytest.mark.parametrize(("raw", "enforced"), [("true", True), ("TRUE", True), ("false", False), ("1", False)])
def test_app_check_enforcement_reads_as_the_sdk_bool_param_does(raw: str, enforced: bool) -> None:
    assert Settings(project_id="demo-x", enforce_app_check=raw).enforce_app_check is enforced  # type: ignore[arg-type]


def outside_emulators(**values: Any) -> Settings:
    """Settings as an instance without emulators reads them (this suite runs with their variables set)."""
    return Settings(firestore_emulator_host=None, firebase_auth_emulator_host=None, **values)


def test_app_check_key_set_only_with_the_emulators() -> None:
    with pytest.raises(ValidationError, match="APP_CHECK_JWKS is for the emulators only"):
        outside_emulators(project_id="demo-x", app_check_jwks='{"keys": []}')
    emulated = Settings(project_id="demo-x", firestore_emulator_host="127.0.0.1:8080", app_check_jwks='{"keys": []}')
    assert emulated.app_check_jwks


def test_web_api_key_has_a_stand_in_only_for_emulators_and_development() -> None:
    assert outside_emulators(project_id="demo-x").identity_toolkit_key == "demo-api-key"
    assert outside_emulators(project_id="acme-prod", web_api_key="k").identity_toolkit_key == "k"
    with pytest.raises(ConfigurationError, match="WEB_API_KEY is not set"):
        _ = outside_emulators(project_id="acme-prod").identity_toolkit_key
    with pytest.raises(ConfigurationError, match="WEB_API_KEY is not set"):
        _ = outside_emulators(project_id="demo-x", k_service="api").identity_toolkit_key


def test_an_invalid_setting_is_named_without_its_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOGIN_WINDOW_SECONDS", "7")
    monkeypatch.setenv("SESSION_COOKIE_DAYS", "99")
    with pytest.raises(ConfigurationError) as refused:
        get_settings.__wrapped__()
    message = str(refused.value)
    assert "LOGIN_WINDOW_SECONDS: Input should be greater than or equal to 10" in message
    assert "SESSION_COOKIE_DAYS" in message
    assert "99" not in message
    assert "7" not in message
