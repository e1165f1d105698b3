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
