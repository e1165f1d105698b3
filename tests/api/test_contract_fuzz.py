"""Schemathesis against the running API: every check, every phase (stateful included), as each kind of caller.

Each caller gets an org of its own (one user per role, a project, a task and a
comment), so what one caller's run deletes or changes cannot starve another's.
The stateful phase reaches those real documents, and what it creates itself,
through the document's links (`GET /v1/orgs` lists the caller's org; creates
link to what they created), so each role meets its real answers, not only 404s.

Bounded by default (a few fuzzed cases per operation, short stateful scenarios:
the six callers add about 90 s to the suite). A long run gives each caller a
time budget instead, which fuzzing and stateful testing fill:
`FIREBRICK_FUZZ_SECONDS=600 scripts/test tests/api/test_contract_fuzz.py -s`.
The number of cases each caller generated is printed (`-s` shows it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from firebrick.auth.claims import PLATFORM_ADMIN_CLAIM
from tests.support.auth import AuthUser
from tests.support.orgs import SeededOrg
from tests.support.resources import create_project, create_task

HOOKS = Path(__file__).parents[1] / "support" / "fuzz_hooks.py"
CALLERS = ("owner", "admin", "member", "viewer", "platform_admin", "anonymous")
#: Invalid input is refused before any role is consulted (the 422 comes from the adapter), so negative
#: cases run once, as the owner; every caller gets the positive ones, whose answers depend on the role.
NEGATIVE_AS = "owner"
#: Seconds per caller for a long run; unset, the run is bounded by counts instead.
SECONDS = int(os.environ.get("FIREBRICK_FUZZ_SECONDS", "0"))
BOUNDS = ["--max-time", str(SECONDS), "--max-examples", "1000"] if SECONDS else []
#: Requests that end the caller's own sessions or account: each would turn the rest of its run into 401s.
SELF_ENDING = ("logout", "delete_session", "delete_me")
#: Answers a schema-valid request may still get from the state of the server, each documented per
#: operation with its `code`: a well-formed cursor the listing did not issue (400 `invalid_cursor`), an
#: invitation token that is not (or no longer) valid (400 `bad_request`), an `If-Match` naming another version (412).
STATE_DEPENDENT = ["400", "412"]


def _toml(value: Any) -> str:
    return json.dumps(value)  # JSON strings, numbers, arrays and inline tables are valid TOML here


def _config(base_url: str, token: str | None, *, negative: bool) -> str:
    """A schemathesis.toml: this caller's credential, the hooks, what positive data may meet."""
    lines = [
        f"base-url = {_toml(base_url)}",
        f"hooks = {_toml(str(HOOKS))}",
        "phases.stateful.max-steps = 10",
        "[checks.positive_data_acceptance]",
        f"expected-statuses = {_toml(['2xx', '3xx', '401', '403', '404', '409', '429', '5xx', *STATE_DEPENDENT])}",
    ]
    if not negative:
        # Undocumented methods meet the router (405) before any credential: asked once, with the negative cases.
        lines.insert(2, "phases.coverage.unexpected-methods = []")
    # Never sign up on its own (schemathesis would register an account for the anonymous caller).
    lines += ["[auth]", "auto-signup = false"]
    if token:
        lines += ["[auth.openapi.HTTPBearer]", f"bearer = {_toml(token)}"]
    return "\n".join(lines) + "\n"


def _run(base_url: str, token: str | None, workdir: Path, *, mode: str) -> dict[str, Any]:
    (workdir / "schemathesis.toml").write_text(_config(base_url, token, negative=mode == "all"))
    report = workdir / "report.json"
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(workdir / "schemathesis.toml"),
        "run",
        f"{base_url}/v1/openapi.json",
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        *(BOUNDS or ["--max-examples", "2" if mode == "all" else "1"]),
        "--mode",
        mode,
        "--workers",
        "1",
        "--seed",
        os.environ.get("FIREBRICK_FUZZ_SEED", "1"),
        *(arg for operation_id in SELF_ENDING for arg in ("--exclude-operation-id", operation_id)),
        "--report",
        "json",
        "--report-json-path",
        str(report),
    ]
    done = subprocess.run(command, capture_output=True, text=True, cwd=workdir, timeout=SECONDS * 2 + 300)
    if done.returncode != 0:
        pytest.fail(f"schemathesis found failures:\n{done.stdout[-20000:]}\n{done.stderr[-3000:]}")
    return {"stdout": done.stdout, "report": json.loads(report.read_text())}


def _seed(api: httpx.Client, org: SeededOrg) -> None:
    """A project, a task and a comment in `org`, for the fuzzer's listings and links to find."""
    owner = org["owner"]
    project = create_project(api, owner, org.org_id)
    task = create_task(api, owner, org.org_id, project["id"], title="Fuzz me")
    url = f"/v1/orgs/{org.org_id}/projects/{project['id']}/tasks/{task['id']}/comments"
    comment = api.post(url, json={"body": "First"}, headers=owner.headers)
    assert comment.status_code == 201, comment.text


@pytest.mark.parametrize("caller", CALLERS)
def test_schemathesis_finds_no_failure(
    caller: str,
    api: httpx.Client,
    make_org: Callable[..., SeededOrg],
    make_user: Callable[..., AuthUser],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    org = make_org(name=f"Fuzz {caller}")
    _seed(api, org)
    user: AuthUser | None
    if caller == "platform_admin":
        user = make_user(claims={PLATFORM_ADMIN_CLAIM: True})
    elif caller == "anonymous":
        user = None
    else:
        user = org[caller]
    mode = "all" if caller == NEGATIVE_AS else "positive"
    outcome = _run(str(api.base_url).rstrip("/"), user.id_token if user else None, tmp_path, mode=mode)
    report = outcome["report"]
    phases = {name: phase["status"] for name, phase in report["phases"].items()}
    cases, seconds = report["test_cases"]["generated"], report["running_time"]
    with capsys.disabled():  # shown in the run's output, not captured: how much each caller was fuzzed
        print(f"\nschemathesis as {caller}: {cases} cases in {seconds:.0f} s, phases {phases}")
    assert "signed up" not in outcome["stdout"]  # each caller is who it says (anonymous stays anonymous)
    # Examples are skipped (the document has none); every other phase must have run.
    assert phases["coverage"] == phases["fuzzing"] == phases["stateful"] == "success", outcome["stdout"][-3000:]
