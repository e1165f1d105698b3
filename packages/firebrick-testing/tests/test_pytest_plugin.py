"""The pytest plugin in a pytest run of its own: inert without emulators, a coverage summary with them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from toolkit_helpers import PROJECT

from firebrick_testing import RulesTestEnv

EMULATOR_VARIABLES = (
    "FIREBASE_EMULATOR_HUB",
    "FIRESTORE_EMULATOR_HOST",
    "FIREBASE_AUTH_EMULATOR_HOST",
    "FIREBASE_STORAGE_EMULATOR_HOST",
)

INNER_TESTS = """
def test_needs_nothing():
    assert 1 + 1 == 2

def test_uses_the_env(firestore_as):
    assert firestore_as("alice", role="editor").caller.claims == {"role": "editor"}
"""


def run_pytest(directory: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    (directory / "pytest.ini").write_text("[pytest]\n")  # keep the outer project's configuration out
    (directory / "test_inner.py").write_text(INNER_TESTS)
    return subprocess.run(  # noqa: S603 - runs this interpreter's pytest
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", str(directory), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=directory,
        timeout=300,
        check=False,
    )


def test_without_emulators_only_the_tests_that_use_a_fixture_fail(tmp_path: Path) -> None:
    bare = {k: v for k, v in os.environ.items() if k not in EMULATOR_VARIABLES}
    run = run_pytest(tmp_path, bare, "--rules-coverage")
    assert "1 passed, 1 error" in run.stdout, run.stdout + run.stderr
    assert "rules_env: no Firestore or Storage emulator found" in run.stdout
    assert "rules coverage" in run.stdout
    assert "unavailable: no Firestore or Storage emulator found" in run.stdout


def test_with_emulators_rules_coverage_prints_the_summary(tmp_path: Path, env: RulesTestEnv) -> None:
    run = run_pytest(tmp_path, {**os.environ, "GCLOUD_PROJECT": PROJECT}, "--rules-coverage")
    assert "2 passed" in run.stdout, run.stdout + run.stderr
    assert re.search(r"\d+/4 allow conditions seen both allowed and denied", run.stdout), run.stdout


def test_the_gate_fails_a_green_run_that_left_a_condition_uncovered(tmp_path: Path, env: RulesTestEnv) -> None:
    run = run_pytest(tmp_path, {**os.environ, "GCLOUD_PROJECT": PROJECT}, "--rules-coverage-gate")
    assert "2 passed" in run.stdout, run.stdout + run.stderr
    assert "NOT COVERED" in run.stdout
    assert "rules coverage gate: FAILED" in run.stdout
    assert run.returncode == 1


def test_the_gate_passes_when_every_uncovered_condition_is_exempted_with_a_reason(
    tmp_path: Path, env: RulesTestEnv
) -> None:
    exemptions = [{"expression": c.expression, "reason": "not exercised here"} for c in env.coverage().conditions]
    (tmp_path / "exempt.json").write_text(json.dumps(exemptions))
    run = run_pytest(
        tmp_path,
        {**os.environ, "GCLOUD_PROJECT": PROJECT},
        "--rules-coverage-gate",
        "--rules-coverage-exemptions",
        str(tmp_path / "exempt.json"),
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.search(r"rules coverage: 0/0 allow conditions .* \(4 exempted\)", run.stdout), run.stdout
    assert "exempt (not exercised here)" in run.stdout
