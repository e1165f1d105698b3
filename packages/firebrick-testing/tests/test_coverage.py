"""Rule coverage from the Firestore emulator: allow conditions with allowed/denied counts."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from toolkit_helpers import DATA, PROJECT

from firebrick_testing import RulesCoverage, RulesTestEnv, assert_allowed, assert_denied

RULES = DATA / "notes.rules"


def line_of(text: str) -> int:
    """The 1-based line of notes.rules where `text` first appears."""
    return next(n for n, line in enumerate(RULES.read_text().splitlines(), 1) if text in line)


@pytest.fixture
def coverage_env() -> Iterator[RulesTestEnv]:
    """A project of its own, so the counts are only this test's."""
    with RulesTestEnv(PROJECT + "-coverage") as env:
        env.load_rules(RULES)
        env.clear()
        yield env


def test_report_lists_each_allow_condition_with_its_source_line(coverage_env: RulesTestEnv) -> None:
    report = coverage_env.coverage()
    assert [(c.line, c.allowed, c.denied) for c in report.conditions] == [
        (line_of("allow read"), 0, 0),
        (line_of("allow create"), 0, 0),
        (line_of("allow update"), 0, 0),
        (line_of("allow delete"), 0, 0),
    ]
    update = report.conditions[2]
    # The whole expression, over its two lines, with the layout collapsed.
    assert update.expression == (
        "resource.data.owner == request.auth.uid && request.resource.data.owner == resource.data.owner"
    )
    assert update.file == str(RULES.resolve())
    assert report.files == ((str(RULES.resolve()), RULES.read_text()),)
    # Not conditions: the function body (`return ...`) and the literal `if true`.
    assert all("signedIn() {" not in c.expression and c.expression != "true" for c in report.conditions)


def test_counts_follow_the_requests(coverage_env: RulesTestEnv) -> None:
    alice, bob = coverage_env.authenticated("alice"), coverage_env.authenticated("bob")
    assert_allowed(alice.create("notes/a1", {"owner": "alice"}))
    assert_denied(bob.create("notes/b1", {"owner": "alice"}))
    assert_allowed(alice.get("notes/a1"))
    # Not the owner, and no `role` claim: `request.auth.token.role` is an evaluation error, which denies.
    assert_denied(bob.get("notes/a1"))

    report = coverage_env.coverage()
    by_line = {c.line: c for c in report.conditions}
    create, read = by_line[line_of("allow create")], by_line[line_of("allow read")]
    assert (create.allowed, create.denied, create.errors) == (1, 1, 0)
    assert (read.allowed, read.denied, read.errors) == (1, 1, 1)
    assert [c.line for c in report.uncovered()] == [line_of("allow update"), line_of("allow delete")]
    assert coverage_env.uncovered() == report.uncovered()
    assert report.summary() == "2/4 allow conditions seen both allowed and denied"
    text = report.format()
    assert text.splitlines()[0] == report.summary()
    assert f"notes.rules:{line_of('allow update')}: allowed 0, denied 0: resource.data.owner" in text


def test_counts_survive_reloading_the_same_rules(coverage_env: RulesTestEnv) -> None:
    alice = coverage_env.authenticated("alice")
    assert_allowed(alice.create("notes/a1", {"owner": "alice"}))
    coverage_env.load_rules_source(
        "rules_version = '2';\nservice cloud.firestore {\n  match /databases/{d}/documents {\n"
        "    match /{path=**} { allow read: if request.auth != null; }\n  }\n}\n",
        name="other.rules",
    )
    assert_allowed(alice.get("notes/a1"))
    assert [c.allowed for c in coverage_env.coverage().conditions] == [1]  # the other rules' own counts
    coverage_env.load_rules(RULES)

    # The emulator itself starts again from zero on a load ...
    host = coverage_env.hosts.require("firestore")
    raw = httpx.get(f"http://{host}/emulator/v1/projects/{coverage_env.project_id}:ruleCoverage").json()
    assert not RulesCoverage.from_report(raw).evaluated
    # ... the env adds the counts it took before the reload.
    create = next(c for c in coverage_env.coverage().conditions if c.line == line_of("allow create"))
    assert (create.allowed, create.denied) == (1, 0)

    coverage_env.reset_coverage()
    assert not coverage_env.coverage().evaluated


def test_rule_coverage_fixture_reads_the_session_env(
    env: RulesTestEnv, rule_coverage: Callable[[], RulesCoverage]
) -> None:
    before = next(c for c in rule_coverage().conditions if c.line == line_of("allow delete"))
    assert_denied(env.authenticated("alice").delete("notes/x"))
    after = next(c for c in rule_coverage().conditions if c.line == line_of("allow delete"))
    # Counts are evaluations: the emulator may evaluate a write's rules more than once.
    assert after.denied > before.denied
    assert after.errors > before.errors  # no `role` claim: an evaluation error, which denies
