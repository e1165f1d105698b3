"""pytest plugin (entry point `pytest11`): emulator fixtures and a rule-coverage summary.

Inert until used: no fixture is autouse and nothing contacts the emulators unless a
test asks for a fixture below or `--rules-coverage` is given, so installing the
package never breaks a suite that runs without emulators.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pytest

from firebrick_testing.coverage import RulesCoverage, gate_lines, load_exemptions, ungated

if TYPE_CHECKING:
    import firebase_admin

    from firebrick_testing.context import RulesContext
    from firebrick_testing.rules import RulesTestEnv

_ENV = pytest.StashKey["RulesTestEnv"]()
_COVERAGE = pytest.StashKey["RulesCoverage | str"]()


class FirestoreAs(Protocol):
    def __call__(self, uid: str | None = None, /, **claims: Any) -> RulesContext: ...


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("firebrick-testing")
    group.addoption(
        "--rules-coverage",
        action="store_true",
        default=False,
        help="after the run, print which Firestore allow conditions were seen both allowed and denied",
    )
    group.addoption(
        "--rules-coverage-gate",
        action="store_true",
        default=False,
        help="fail the run unless every allow condition (but the exempted) was seen both allowed and denied",
    )
    group.addoption(
        "--rules-coverage-json",
        default=None,
        metavar="FILE",
        help="also save the coverage report as JSON (merge runs: python -m firebrick_testing.coverage)",
    )
    group.addoption(
        "--rules-coverage-exemptions",
        default=None,
        metavar="FILE",
        help='JSON list of {"expression": ..., "reason": ...}: conditions the gate does not require',
    )


def _session_env(config: pytest.Config) -> RulesTestEnv:
    """The session's env, created on first use (raises EmulatorUnavailable without emulators)."""
    from firebrick_testing.rules import RulesTestEnv

    if _ENV not in config.stash:
        config.stash[_ENV] = RulesTestEnv()
    return config.stash[_ENV]


def _wants_coverage(config: pytest.Config) -> bool:
    options = ("rules_coverage", "rules_coverage_gate", "rules_coverage_json")
    return any(config.getoption(option) for option in options)


def pytest_sessionstart(session: pytest.Session) -> None:
    # With --rules-coverage the env exists from the start, so it counts every test's requests.
    if _wants_coverage(session.config):
        from firebrick_testing.emulators import EmulatorUnavailable

        try:
            _session_env(session.config)
        except EmulatorUnavailable as exc:
            session.config.stash[_COVERAGE] = f"unavailable: {exc}"


@pytest.fixture(scope="session")
def rules_env(request: pytest.FixtureRequest) -> RulesTestEnv:
    """The emulators of the project under test (GCLOUD_PROJECT), found through FIREBASE_EMULATOR_HUB.

    Override it in a conftest to pick another project or load rules first.
    """
    from firebrick_testing.emulators import EmulatorUnavailable

    try:
        return _session_env(request.config)
    except EmulatorUnavailable as exc:
        pytest.fail(f"rules_env: {exc}", pytrace=False)


@pytest.fixture
def clean_emulators(rules_env: RulesTestEnv) -> RulesTestEnv:
    """Wipe Firestore documents, Auth users and Storage objects before the test."""
    rules_env.clear()
    return rules_env


@pytest.fixture
def firestore_as(rules_env: RulesTestEnv) -> FirestoreAs:
    """`firestore_as("alice", role="admin")` acts as that user (claims as keywords); `firestore_as()` as nobody."""

    def factory(uid: str | None = None, /, **claims: Any) -> RulesContext:
        if uid is None:
            if claims:
                raise ValueError("claims need a uid")
            return rules_env.unauthenticated()
        return rules_env.authenticated(uid, **claims)

    return factory


@pytest.fixture
def rule_coverage(rules_env: RulesTestEnv) -> Callable[[], RulesCoverage]:
    """`rule_coverage()`: the Firestore rule-coverage report as of now."""
    return rules_env.coverage


@pytest.fixture
def firebase_app() -> Iterator[firebase_admin.App]:
    """The default firebase_admin app, created for the test (and removed after) when none exists.

    Callables verify ID tokens with it. It carries anonymous credentials, which the
    emulators accept, so nothing looks for a service account.
    """
    import firebase_admin
    from firebase_admin import credentials
    from google.auth.credentials import AnonymousCredentials

    from firebrick_testing.emulators import project_from_environment

    try:
        existing = firebase_admin.get_app()
    except ValueError:
        existing = None
    if existing is not None:
        yield existing
        return

    class _Anonymous(credentials.Base):  # type: ignore[misc]
        def get_credential(self) -> AnonymousCredentials:
            return AnonymousCredentials()  # type: ignore[no-untyped-call]

    app = firebase_admin.initialize_app(_Anonymous(), {"projectId": project_from_environment()})
    try:
        yield app
    finally:
        firebase_admin.delete_app(app)


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    env = config.stash.get(_ENV, None)
    if env is None:
        return
    try:
        if _wants_coverage(config):
            try:
                config.stash[_COVERAGE] = env.coverage()
            except Exception as exc:  # a summary must not turn a run red, but an unchecked gate does
                config.stash[_COVERAGE] = f"unavailable: {type(exc).__name__}: {exc}"
    finally:
        env.close()
    report = config.stash.get(_COVERAGE, None)
    saved = config.getoption("rules_coverage_json")
    if saved and isinstance(report, RulesCoverage):
        Path(saved).write_text(json.dumps(report.to_json()))
    if config.getoption("rules_coverage_gate") and session.exitstatus == pytest.ExitCode.OK:
        exempt = load_exemptions(config.getoption("rules_coverage_exemptions"))
        missing = ungated(report, exempt) if isinstance(report, RulesCoverage) else None
        if missing is None or missing:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    report = config.stash.get(_COVERAGE, None)
    if report is None:
        return
    terminalreporter.section("rules coverage")
    if isinstance(report, str):
        terminalreporter.write_line(f"rules coverage: {report}")
        return
    exempt = load_exemptions(config.getoption("rules_coverage_exemptions"))
    for line in gate_lines(report, exempt, gate=config.getoption("rules_coverage_gate")):
        terminalreporter.write_line(line)
