"""The TypeScript client: generated files current, and the example app compiles (strict) and runs on the emulators."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from tests.support.emulators import Emulators

ROOT = Path(__file__).resolve().parents[1]
CLIENT = ROOT / "clients" / "typescript"
TSC = str(CLIENT / "node_modules" / ".bin" / "tsc")


def test_generated_client_matches_the_backend_models() -> None:
    done = subprocess.run([str(ROOT / "scripts" / "gen-clients"), "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_example_app_compiles_strict_and_runs_against_the_emulators(clean: Emulators) -> None:
    typecheck = subprocess.run([TSC, "--noEmit", "-p", "tsconfig.json"], cwd=CLIENT, capture_output=True, text=True)
    assert typecheck.returncode == 0, typecheck.stdout
    build = subprocess.run([TSC, "-p", "example/tsconfig.json"], cwd=CLIENT, capture_output=True, text=True)
    assert build.returncode == 0, build.stdout
    env = {
        **os.environ,
        "GCLOUD_PROJECT": clean.project_id,
        "FIREBASE_AUTH_EMULATOR_HOST": clean.auth,
        "FIRESTORE_EMULATOR_HOST": clean.firestore,
        "FIREBRICK_FUNCTIONS_HOST": clean.functions,
        "FIREBRICK_API_BASE": clean.api_base,
    }
    node = shutil.which("node") or "node"
    command = [node, "example/dist/example/main.js"]
    run = subprocess.run(command, cwd=CLIENT, env=env, capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stdout + run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["listed"] >= 1
    assert result["task"]
