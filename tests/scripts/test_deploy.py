"""scripts/deploy: refusals, and a real dry run that names a missing secret.

`scripts/test` runs this suite under `firebase emulators:exec`, so the emulator
variables are set here: every run of the script gets an environment without them
(except where a test sets them on purpose).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from scripts.lib import deploy

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "deploy"
ALL_TARGETS = "functions,firestore:rules,firestore:indexes,storage"

#: A function whose secret the fake CLI below reports missing: how a SecretParam
#: added to main.py reaches the check, with no list of names in the deploy script.
PROBE = """

from firebase_functions.params import SecretParam

_PROBE_SECRET = SecretParam("DEPLOY_PROBE_SECRET")


@https_fn.on_request(secrets=[_PROBE_SECRET])
def deploy_probe(req: https_fn.Request) -> https_fn.Response:
    return https_fn.Response("")
"""

#: Test double for the firebase CLI: Secret Manager cannot be reached offline. It
#: records every call and knows one command, `functions:secrets:get NAME ... --json`.
FAKE_FIREBASE = """#!/bin/sh
echo "$*" >> "$FAKE_FIREBASE_CALLS"
case "$1 $2" in
  "functions:secrets:get DEPLOY_PROBE_SECRET")
    echo '{"status": "error", "error": "Secret DEPLOY_PROBE_SECRET not found in prod-x"}'; exit 1 ;;
  "functions:secrets:get "*)
    echo '{"status": "success", "result": {"secrets": [{"versionId": "1", "state": "ENABLED"}]}}' ;;
  *)
    echo "fake firebase: unexpected command: $*" >&2; exit 3 ;;
esac
"""


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without the emulators and the emulator project."""
    dropped = set(deploy.emulator_variables(os.environ)) | {"GCLOUD_PROJECT", "GOOGLE_CLOUD_PROJECT", "FIREBASE_CONFIG"}
    env = {name: value for name, value in os.environ.items() if name not in dropped}
    return {**env, **extra}


def run_deploy(script: Path, *args: str, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(script), *args], capture_output=True, text=True, env=dict(env), timeout=300, check=False
    )


def test_dry_run_refuses_a_demo_project() -> None:
    done = run_deploy(SCRIPT, "--dry-run", "--project", "demo-x", env=clean_env())
    assert done.returncode == 2
    assert "refused: demo-x is a demo project" in done.stderr
    assert "[" not in done.stdout  # no step ran


def test_refuses_while_emulator_variables_are_set() -> None:
    env = clean_env(
        FIRESTORE_EMULATOR_HOST="127.0.0.1:8080",
        FIREBASE_AUTH_EMULATOR_HOST="127.0.0.1:9099",
        FIREBASE_EMULATOR_HUB="127.0.0.1:4400",
    )
    done = run_deploy(SCRIPT, "--dry-run", "--project", "prod-x", env=env)
    assert done.returncode == 2
    assert (
        "emulator variables are set: FIREBASE_AUTH_EMULATOR_HOST, FIREBASE_EMULATOR_HUB, FIRESTORE_EMULATOR_HOST"
    ) in done.stderr
    assert "demo project" not in done.stderr


def deploy_tree(tmp_path: Path, main_extra: str) -> Path:
    """A copy of the repo's deploy inputs whose main.py ends with `main_extra`; code and venvs linked."""
    root = tmp_path / "repo"
    (root / "scripts" / "lib").mkdir(parents=True)
    (root / "functions").mkdir()
    libs = [f"scripts/lib/{path.name}" for path in (REPO / "scripts" / "lib").glob("*.py")]
    for name in (
        "scripts/deploy",
        "scripts/__init__.py",
        *libs,
        "firebase.json",
        ".firebaserc",
        "firestore.rules",
        "storage.rules",
        "firestore.indexes.json",
        "functions/requirements.txt",
    ):
        shutil.copy2(REPO / name, root / name)
    (root / "functions" / "main.py").write_text((REPO / "functions" / "main.py").read_text() + main_extra)
    for name in ("functions/firebrick", "functions/venv", ".venv", ".cache"):
        (root / name).symlink_to((REPO / name).resolve())
    return root


def fake_firebase(tmp_path: Path) -> dict[str, str]:
    """The environment of a run against the fake CLI above (its calls recorded in tmp_path/calls)."""
    fake = tmp_path / "bin" / "firebase"
    fake.parent.mkdir()
    fake.write_text(FAKE_FIREBASE)
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    calls = tmp_path / "calls"
    return clean_env(FIREBRICK_FIREBASE=str(fake), FAKE_FIREBASE_CALLS=str(calls), FUNCTIONS_DISCOVERY_TIMEOUT="120")


def test_dry_run_names_the_missing_secret_and_changes_nothing(tmp_path: Path) -> None:
    root = deploy_tree(tmp_path, PROBE)
    # The one param without a default: each project has its own Web API key.
    (root / "functions" / ".env.prod-x").write_text("WEB_API_KEY=prod-x-web-api-key\n")
    env = fake_firebase(tmp_path)
    fake, calls = env["FIREBRICK_FIREBASE"], Path(env["FAKE_FIREBASE_CALLS"])

    done = run_deploy(root / "scripts" / "deploy", "--dry-run", "--project", "prod-x", "--skip-tests", env=env)
    out = done.stdout
    assert done.returncode == 1, out + done.stderr
    assert "[failed ] secrets: missing in prod-x: DEPLOY_PROBE_SECRET" in out
    assert "firebase functions:secrets:set DEPLOY_PROBE_SECRET --project prod-x" in out
    # Every other step of the dry run ran for real and passed.
    for line in (
        "[  ok   ] indexes:",
        "[  ok   ] firestore rules: firestore.rules compiles",
        "[  ok   ] storage rules: storage.rules compiles",
        "[  ok   ] functions: discovery lists all",
        "[  ok   ] params:",
        "[SKIPPED] tests: --skip-tests given",
    ):
        assert line in out
    assert "[skipped] hardening: preflight failed" in out
    assert f"deploy:    {fake} deploy --project prod-x --only {ALL_TARGETS}" in out
    assert "!!! TESTS SKIPPED (--skip-tests)" in out
    assert "FAILED: secrets. Nothing was deployed." in out
    # Secret Manager was only read (metadata), for each secret the manifest lists; nothing deployed.
    asked = calls.read_text().splitlines()
    assert "functions:secrets:get DEPLOY_PROBE_SECRET --project prod-x --json" in asked
    assert all(call.startswith("functions:secrets:get ") for call in asked)


def test_dry_run_names_a_param_without_value(tmp_path: Path) -> None:
    root = deploy_tree(tmp_path, "")
    done = run_deploy(
        root / "scripts" / "deploy", "--dry-run", "--project", "prod-x", "--skip-tests", env=fake_firebase(tmp_path)
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "[failed ] params: no value for WEB_API_KEY" in done.stdout
    assert "WEB_API_KEY: no default and not in no env file; add WEB_API_KEY=... to functions/.env.prod-x" in done.stdout
    assert "[  ok   ] secrets: set in prod-x: FIREBRICK_AUTH_SECRET, INVITE_TOKEN_SECRET, SERVICE_TOKEN_KEYS" in (
        done.stdout
    )


def test_declared_functions_tells_opt_in_declarations_apart() -> None:
    always, opt_in = deploy.declared_functions((REPO / "functions" / "main.py").read_text())
    assert {"api", "before_user_created", "claims_sync", "orgs_create", "reconcile_derived"} <= always
    assert opt_in == {"bench_floor": "FIREBRICK_BENCH"}


def manifest(*names: str, **endpoint: Any) -> dict[str, Any]:
    return {"endpoints": {name: {"entryPoint": name, **endpoint} for name in names}, "params": []}


MAIN = """
import os
from firebase_functions import https_fn, identity_fn

@https_fn.on_request()
def api(req): ...

if _declares("hook"):
    @identity_fn.before_user_created()
    def hook(event): ...

if os.environ.get("FIREBRICK_BENCH") == "1":
    @https_fn.on_request()
    def bench(req): ...
"""


def test_functions_check_names_each_difference_with_main_py() -> None:
    ok = deploy.check_functions(manifest("api", "hook"), MAIN, 1.0, {})
    assert ok.status == "ok"

    missing = deploy.check_functions(manifest("api"), MAIN, 1.0, {})
    assert missing.lines == ["not discovered, declared in main.py: hook"]

    leaked = deploy.check_functions(manifest("api", "hook", "bench", "helper"), MAIN, 1.0, {"FIREBRICK_BENCH": "1"})
    assert leaked.lines == [
        "opt-in bench would be deployed (FIREBRICK_BENCH='1' is set)",
        "discovered, not a decorated def in main.py: helper",
    ]

    forwarded = manifest("api", "hook")
    forwarded["endpoints"]["hook"]["blockingTrigger"] = {"options": {"idToken": True}}
    mismatch = deploy.check_functions(forwarded, MAIN, 1.0, {})
    assert mismatch.status == "failed"
    assert mismatch.lines[0].startswith("hook declares {'idToken': True, 'accessToken': False")


def test_secrets_and_params_come_from_the_manifest() -> None:
    found = manifest(
        "api", secretEnvironmentVariables=[{"key": "INVITE_TOKEN_SECRET", "secret": "INVITE_TOKEN_SECRET"}]
    )
    found["params"] = [
        {"name": "INVITE_TOKEN_SECRET", "type": "secret"},
        {"name": "UNBOUND_SECRET", "type": "secret"},
        {"name": "CORS_ORIGINS", "type": "list", "default": []},
        {"name": "WEB_API_KEY", "type": "string"},
        {"name": "RATE_LIMIT", "type": "int"},
    ]
    assert deploy.required_secrets(found) == (["INVITE_TOKEN_SECRET", "UNBOUND_SECRET"], ["UNBOUND_SECRET"])
    assert deploy.missing_params(found, {"WEB_API_KEY": "k"}) == ["RATE_LIMIT"]


def test_env_files_are_read_as_firebase_deploy_reads_them(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("# shared\nA=1\nB='two words'\n\nC=3 # note\n")
    (tmp_path / ".env.prod-x").write_text('A="project"\n')
    (tmp_path / ".env.local").write_text("A=emulator-only\n")
    values, files = deploy.deploy_env(tmp_path, "prod-x", None)
    assert values == {"A": "project", "B": "two words", "C": "3"}
    assert files == ["functions/.env", "functions/.env.prod-x"]


def test_indexes_check_requires_each_ttl_override(tmp_path: Path) -> None:
    spec = json.loads((REPO / "firestore.indexes.json").read_text())
    assert deploy.check_indexes(REPO / "firestore.indexes.json").status == "ok"
    spec["fieldOverrides"] = [o for o in spec["fieldOverrides"] if o["collectionGroup"] != "_events"]
    path = tmp_path / "firestore.indexes.json"
    path.write_text(json.dumps(spec))
    outcome = deploy.check_indexes(path)
    assert (outcome.status, outcome.detail) == (
        "failed",
        "firestore.indexes.json: no TTL override on _events.expiresAt",
    )


@pytest.mark.skipif(
    deploy.firestore_emulator_jar() is None, reason="no Firestore emulator jar (scripts/test installs it)"
)
def test_rules_compiler_reports_errors_and_ignores_only_storage_cross_service_warnings(tmp_path: Path) -> None:
    broken = tmp_path / "firestore.rules"
    broken.write_text(
        "rules_version = '2';\nservice cloud.firestore {\n  match /databases/{db}/documents {\n"
        "    match /x/{y} { allow read: if foo(; }\n  }\n}\n"
    )
    storage = tmp_path / "storage.rules"
    source = (REPO / "storage.rules").read_text()
    storage.write_text(
        source.replace(
            "function signedIn() { return request.auth != null; }",
            "function signedIn() { return request.auth != null && nowhere(); }",
        )
    )
    with deploy.RulesCompiler(deploy.firestore_emulator_jar() or Path()) as compiler:
        syntax = deploy.check_rules_file(compiler, broken, "firestore")
        unknown = deploy.check_rules_file(compiler, storage, "storage")
        real = deploy.check_rules_file(compiler, REPO / "storage.rules", "storage")
    assert syntax.status == "failed"
    assert "L4:" in syntax.detail
    assert unknown.status == "failed"
    assert len(unknown.lines) == 1
    assert "Invalid function name: nowhere" in unknown.lines[0]
    assert real.status == "ok"
    assert "warnings on firestore.get/exists ignored" in real.detail
