"""The params `firebase deploy` asks for and the settings the code reads stay one list.

`firebrick/params.py` declares every non-secret setting; `config.Settings` reads
them. Same names, kinds and defaults; every other Settings field is a secret or
comes from the platform; `.env.example` documents each.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from firebase_functions.params import BoolParam, IntParam, ListParam, StringParam

from firebrick import params
from firebrick.config import Settings

ENV_EXAMPLE = Path(__file__).resolve().parents[1] / ".env.example"
SECRETS = {"firebrick_auth_secret", "invite_token_secret", "service_token_keys"}
#: Set by the platform, the emulators or the scripts, never asked for at deploy.
ENVIRONMENT = {
    "project_id",
    "firestore_emulator_host",
    "firebase_auth_emulator_host",
    "firebase_storage_emulator_host",
    "k_service",
    "function_target",
    "app_check_jwks",
}


def settings_default(name: str) -> Any:
    return Settings.model_fields[name].get_default(call_default_factory=False)


def test_every_param_is_a_setting_of_the_same_kind_and_default() -> None:
    for param in params.ALL:
        field = param.name.lower()
        assert field in Settings.model_fields, f"{param.name} is declared but config.Settings does not read it"
        default = settings_default(field)
        if isinstance(param, ListParam):
            assert default == ",".join(param.default or []), param.name  # read by config._items
        elif isinstance(param, BoolParam):
            assert default is param.default, param.name
        elif isinstance(param, IntParam):
            assert isinstance(default, int | float), param.name
            assert default == param.default, param.name
        else:
            assert isinstance(param, StringParam)
            assert default == (param.default or ""), param.name
        assert param.description, f"{param.name} needs a description: firebase deploy shows it"


def test_every_setting_is_a_param_a_secret_or_from_the_environment() -> None:
    declared = {param.name.lower() for param in params.ALL}
    unaccounted = set(Settings.model_fields) - declared - SECRETS - ENVIRONMENT
    assert not unaccounted, f"declare these in firebrick/params.py: {sorted(unaccounted)}"


def test_env_example_documents_every_param_and_secret() -> None:
    documented = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", ENV_EXAMPLE.read_text(), flags=re.MULTILINE))
    wanted = {param.name for param in params.ALL} | {name.upper() for name in SECRETS | {"app_check_jwks"}}
    assert not wanted - documented, f"document in .env.example: {sorted(wanted - documented)}"


def test_the_emulators_get_a_value_for_every_param() -> None:
    values = {param.name: params.env_text(param) for param in params.ALL}
    assert values["WEB_API_KEY"] == "demo-api-key"
    assert values["ENFORCE_APP_CHECK"] == "false"
    assert values["CORS_ORIGINS"] == ""
    assert values["MAX_BODY_BYTES"] == "1048576"
