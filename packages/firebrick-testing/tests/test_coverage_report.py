"""RulesCoverage from a report shaped as the emulator's (pure logic: parsing and counting)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from firebrick_testing import RulesCoverage

SOURCE = """rules_version = '2';
service cloud.firestore {
  match /databases/{database}/documents {
    function isOwner() {
      return request.auth.uid == resource.data.owner;
    }
    match /a/{id} {
      allow read: if isOwner();
      allow write: if request.auth != null
                   && request.resource.data.size() < 5;
    }
  }
}
"""


def node(text: str, *values: tuple[dict[str, Any], int]) -> dict[str, Any]:
    """A report node for `text` as a condition or return value (offsets as the emulator's: end inclusive)."""
    found = [SOURCE.find(f"{keyword} {text}") for keyword in ("if", "return")]
    start = SOURCE.index(text, min(p for p in found if p >= 0))
    line = SOURCE.count("\n", 0, start) + 1
    column = start - SOURCE.rfind("\n", 0, start)
    entry: dict[str, Any] = {
        "sourcePosition": {"line": line, "column": column, "currentOffset": start, "endOffset": start + len(text) - 1}
    }
    if values:
        entry["values"] = [{"value": value, "count": count} for value, count in values]
    return entry


def report(*nodes: dict[str, Any]) -> RulesCoverage:
    files = [{"name": "/p/a.rules", "content": SOURCE}]
    return RulesCoverage.from_report({"rules": {"files": files}, "report": list(nodes)})


TRUE, FALSE = {"boolValue": True}, {"boolValue": False}
ERROR = {"undefined": {"causeMessage": "Null value error.", "sourcePosition": {}}}
NO_OUTCOME: dict[str, Any] = {"undefined": {}}
WRITE = "request.auth != null\n                   && request.resource.data.size() < 5"


def test_allow_conditions_are_kept_and_function_bodies_dropped() -> None:
    coverage = report(
        node("request.auth.uid == resource.data.owner", (TRUE, 3)),
        node("isOwner()", (TRUE, 2), (ERROR, 1), (NO_OUTCOME, 4)),
        node(WRITE, (FALSE, 1)),
    )
    read, write = coverage.conditions
    assert (read.line, read.column, read.expression) == (8, 22, "isOwner()")
    assert (read.allowed, read.denied, read.errors) == (2, 1, 1)  # an error denies; no outcome counts for nothing
    assert write.expression == "request.auth != null && request.resource.data.size() < 5"
    assert (write.line, write.allowed, write.denied) == (9, 0, 1)
    assert coverage.uncovered() == [write]
    assert coverage.summary() == "1/2 allow conditions seen both allowed and denied"
    assert str(write) == "a.rules:9: allowed 0, denied 1: request.auth != null && request.resource.data.size() < 5"


def test_minus_counts_since_an_earlier_report_unless_the_emulator_was_reset() -> None:
    earlier = report(node("isOwner()", (TRUE, 2)), node(WRITE))
    later = report(node("isOwner()", (TRUE, 5), (FALSE, 1)), node(WRITE, (TRUE, 1)))
    since = later.minus(earlier)
    assert [(c.allowed, c.denied) for c in since.conditions] == [(3, 1), (1, 0)]
    reset = report(node("isOwner()", (TRUE, 1)), node(WRITE))
    assert reset.minus(earlier) == reset  # a count went down: all of `reset` is new


def test_merged_adds_reports_of_the_same_source_only() -> None:
    first = report(node("isOwner()", (TRUE, 1)), node(WRITE, (FALSE, 2)))
    second = report(node("isOwner()", (FALSE, 1)), node(WRITE))
    # The same text loaded under another name (relative path, say) is the same source ...
    renamed = RulesCoverage.from_report(
        {"rules": {"files": [{"name": "a.rules", "content": SOURCE}]}, "report": [node("isOwner()", (TRUE, 4))]}
    )
    # ... other text is not.
    edited = SOURCE.replace("< 5", "< 6")
    other_source = RulesCoverage.from_report(
        {"rules": {"files": [{"name": "/p/a.rules", "content": edited}]}, "report": [node("isOwner()", (TRUE, 9))]}
    )
    merged = second.merged([first, renamed, other_source])
    assert [(c.allowed, c.denied) for c in merged.conditions] == [(5, 1), (0, 2)]
    assert merged.covered_count == 1
    assert not report(node("isOwner()"), node(WRITE)).evaluated


def test_saved_reports_of_separate_runs_merge_and_gate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from firebrick_testing.coverage import main

    one = report(node("isOwner()", (TRUE, 1)), node(WRITE, (FALSE, 2)))
    two = report(node("isOwner()", (FALSE, 1)), node(WRITE))
    assert RulesCoverage.from_json(json.loads(json.dumps(one.to_json()))) == one
    paths = []
    for name, run in (("one.json", one), ("two.json", two)):
        paths.append(tmp_path / name)
        paths[-1].write_text(json.dumps(run.to_json()))

    assert main(["--gate", *map(str, paths)]) == 1  # the write condition was only ever denied
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "rules coverage: 1/2 allow conditions seen both allowed and denied"
    assert "NOT COVERED: a.rules:9" in out

    exemptions = tmp_path / "exempt.json"
    exemptions.write_text(json.dumps([{"expression": WRITE, "reason": "guarded by an earlier check"}]))
    assert main(["--gate", "--exemptions", str(exemptions), *map(str, paths)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "rules coverage: 1/1 allow conditions seen both allowed and denied (1 exempted)"
    assert main([str(paths[0])]) == 0  # without --gate it only reports
