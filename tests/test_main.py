"""main.py declares functions only and keeps the api's cold start light."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

FUNCTIONS = Path(__file__).resolve().parents[1] / "functions"
PYTHON = FUNCTIONS / "venv" / "bin" / "python"

PROBE = """
import json, sys
import main
print(json.dumps({
    "modules": sorted(m for m in ("fastapi", "pydantic", "google.cloud.firestore", "firebrick.api.app")
                      if m in sys.modules),
    "endpoints": sorted(name for name, value in vars(main).items() if hasattr(value, "__firebase_endpoint__")),
}))
"""


def _import_main(target: str | None) -> dict[str, list[str]]:
    env = {k: v for k, v in os.environ.items() if k != "FUNCTION_TARGET"}
    if target:
        env["FUNCTION_TARGET"] = target
    out = subprocess.run([str(PYTHON), "-c", PROBE], cwd=FUNCTIONS, env=env, capture_output=True, text=True, check=True)
    result: dict[str, list[str]] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def test_api_instance_imports_no_heavy_modules() -> None:
    loaded = _import_main("api")
    assert loaded["modules"] == []
    assert "api" in loaded["endpoints"]


def test_discovery_declares_the_api_function() -> None:
    assert "api" in _import_main(None)["endpoints"]


BINDINGS = """
import json
import main
print(json.dumps({
    name: sorted(s["key"] for s in value.__firebase_endpoint__.secretEnvironmentVariables or [])
    for name, value in vars(main).items() if hasattr(value, "__firebase_endpoint__")
}))
"""


def test_each_function_binds_the_secrets_its_start_up_check_requires() -> None:
    from firebrick.api.app import API_REQUIRES
    from firebrick.callables import CALLABLES

    env = {k: v for k, v in os.environ.items() if k != "FUNCTION_TARGET"}
    env["FIREBASE_CONFIG"] = json.dumps({"projectId": "demo-x", "storageBucket": "demo-x.appspot.com"})
    out = subprocess.run(
        [str(PYTHON), "-c", BINDINGS], cwd=FUNCTIONS, env=env, capture_output=True, text=True, check=True
    )
    bound: dict[str, list[str]] = json.loads(out.stdout.strip().splitlines()[-1])
    assert bound["api"] == sorted(name for name in API_REQUIRES if name != "WEB_API_KEY")
    for name, spec in CALLABLES.items():
        assert bound[name] == sorted(spec.requires), name
    assert {name for name, secrets in bound.items() if secrets} == {"api", "invites_accept"}
