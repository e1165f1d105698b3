"""The Firestore emulator's rule-coverage report, as allow conditions with allowed/denied counts.

`GET /emulator/v1/projects/{p}:ruleCoverage` returns the loaded ruleset
(`rules.files[].content`) and a `report`: one tree per top-level expression, the
root being an allow condition (`allow ...: if <expr>`) or a function body
(`return <expr>`), each node with its `sourcePosition` (1-based line and column,
0-based `currentOffset` and inclusive `endOffset` into the file) and `values`: how
often it evaluated to each value. An allow condition's values are
`{"boolValue": true|false}` (the request was allowed|denied by it),
`{"undefined": {"causeMessage": ...}}` (an evaluation error, which denies) or
`{"undefined": {}}` (no outcome recorded: neither). Conditions that are literals
(`if true`, `if false`, `allow read;`) are not in the report. The counts survive
document wipes and are reset when rules are loaded.

Reports of separate runs (e.g. suites split across emulator instances) merge:
`--rules-coverage-json FILE` saves a run's report, and
`python -m firebrick_testing.coverage [--gate] [--exemptions FILE] FILE...` adds
them up, prints the summary and, with `--gate`, exits 1 when a condition that no
exemption names was not seen both allowed and denied.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path, PurePath
from typing import Any

_WHITESPACE = re.compile(r"\s+")
_LAST_WORD = re.compile(r"(\w+)\s*$")


@dataclass(frozen=True)
class ConditionCoverage:
    """One allow condition: where it is, and how often it allowed and denied."""

    file: str
    line: int
    column: int
    expression: str
    #: Evaluations to true (the condition allowed the request).
    allowed: int
    #: Evaluations to false or to an error (both deny the request).
    denied: int
    #: Of `denied`, the evaluation errors (e.g. a field of a missing document).
    errors: int
    #: Offsets into the file, which identify the condition across reports of one source.
    start: int
    end: int

    @property
    def covered(self) -> bool:
        """Seen both allowed and denied: a test exercised each side of it."""
        return self.allowed > 0 and self.denied > 0

    def __str__(self) -> str:
        errors = f" ({self.errors} errors)" if self.errors else ""
        counts = f"allowed {self.allowed}, denied {self.denied}{errors}"
        return f"{PurePath(self.file).name}:{self.line}: {counts}: {self.expression}"


@dataclass(frozen=True)
class RulesCoverage:
    """The coverage of every allow condition of the loaded ruleset."""

    #: `(name, content)` of each rules file, as the emulator reports them.
    files: tuple[tuple[str, str], ...]
    conditions: tuple[ConditionCoverage, ...]

    @classmethod
    def from_report(cls, payload: Mapping[str, Any]) -> RulesCoverage:
        """Parse the emulator's `:ruleCoverage` JSON."""
        files = tuple((str(f.get("name", "")), str(f.get("content", ""))) for f in payload["rules"]["files"])
        # Positions carry no file name; a Firestore ruleset is one file, so they index the first.
        name, content = files[0] if files else ("", "")
        conditions = []
        for node in payload.get("report", []):
            position = node["sourcePosition"]
            start, end = int(position["currentOffset"]), int(position["endOffset"])
            preceding = _LAST_WORD.search(content[:start])
            if preceding is None or preceding.group(1) != "if":
                continue  # a function body (`return ...`), not an allow condition
            allowed = denied = errors = 0
            for entry in node.get("values", []):
                value, count = entry.get("value", {}), int(entry.get("count", 0))
                if value.get("boolValue") is True:
                    allowed += count
                elif value.get("boolValue") is False:
                    denied += count
                elif isinstance(value.get("undefined"), Mapping) and "causeMessage" in value["undefined"]:
                    denied += count
                    errors += count
            conditions.append(
                ConditionCoverage(
                    file=name,
                    line=int(position["line"]),
                    column=int(position["column"]),
                    expression=_WHITESPACE.sub(" ", content[start : end + 1]).strip(),
                    allowed=allowed,
                    denied=denied,
                    errors=errors,
                    start=start,
                    end=end,
                )
            )
        conditions.sort(key=lambda c: (c.file, c.start))
        return cls(files, tuple(conditions))

    def uncovered(self) -> list[ConditionCoverage]:
        """The conditions not yet seen both allowed and denied."""
        return [c for c in self.conditions if not c.covered]

    @property
    def covered_count(self) -> int:
        return sum(1 for c in self.conditions if c.covered)

    def summary(self) -> str:
        """`N/M allow conditions seen both allowed and denied`."""
        return f"{self.covered_count}/{len(self.conditions)} allow conditions seen both allowed and denied"

    def format(self) -> str:
        """The summary, then one line per uncovered condition."""
        lines = [self.summary()]
        lines.extend(f"  not covered: {c}" for c in self.uncovered())
        return "\n".join(lines)

    def same_source(self, other: RulesCoverage) -> bool:
        """Whether both reports are of the same rules text (loaded under any file name)."""
        return [content for _, content in self.files] == [content for _, content in other.files]

    def minus(self, earlier: RulesCoverage) -> RulesCoverage:
        """The counts added since `earlier` was taken of the same source.

        Unchanged when the source differs or a count went down (the emulator was
        reset in between, so every count is new).
        """
        if not earlier.same_source(self):
            return self
        before = {(c.start, c.end): c for c in earlier.conditions}
        conditions = []
        for now in self.conditions:
            old = before.get((now.start, now.end))
            if old is None:
                conditions.append(now)
                continue
            allowed, denied, errors = now.allowed - old.allowed, now.denied - old.denied, now.errors - old.errors
            if min(allowed, denied, errors) < 0:
                return self
            conditions.append(replace(now, allowed=allowed, denied=denied, errors=errors))
        return RulesCoverage(self.files, tuple(conditions))

    def merged(self, others: Iterable[RulesCoverage]) -> RulesCoverage:
        """Add the counts of reports of the same source (e.g. taken before the rules were reloaded)."""
        totals = {(c.start, c.end): c for c in self.conditions}
        for other in others:
            if not other.same_source(self):
                continue
            for c in other.conditions:
                mine = totals[(c.start, c.end)]
                totals[(c.start, c.end)] = replace(
                    mine, allowed=mine.allowed + c.allowed, denied=mine.denied + c.denied, errors=mine.errors + c.errors
                )
        return RulesCoverage(self.files, tuple(totals.values()))

    @property
    def evaluated(self) -> bool:
        """Whether any condition has been evaluated at all."""
        return any(c.allowed or c.denied for c in self.conditions)

    def to_json(self) -> dict[str, Any]:
        """A JSON-able form (`from_json` reads it back), to merge reports of separate runs."""
        return {"files": [list(f) for f in self.files], "conditions": [asdict(c) for c in self.conditions]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RulesCoverage:
        files = tuple((str(name), str(content)) for name, content in data["files"])
        return cls(files, tuple(ConditionCoverage(**c) for c in data["conditions"]))


# -- the gate ----------------------------------------------------------------------------------


def _key(expression: str) -> str:
    return " ".join(expression.split())


def load_exemptions(path: str | Path | None) -> dict[str, str]:
    """expression -> reason, from a JSON list of `{"expression": ..., "reason": ...}` (whitespace folded)."""
    if not path:
        return {}
    return {_key(str(e["expression"])): str(e["reason"]) for e in json.loads(Path(path).read_text())}


def ungated(report: RulesCoverage, exempt: Mapping[str, str]) -> list[ConditionCoverage]:
    """The uncovered conditions that no exemption names (what fails the gate)."""
    return [c for c in report.uncovered() if _key(c.expression) not in exempt]


def gate_lines(report: RulesCoverage, exempt: Mapping[str, str], *, gate: bool) -> list[str]:
    """`rules coverage: N/M ...`, then each uncovered condition, exempt (with its reason) or not."""
    exempted = [c for c in report.uncovered() if _key(c.expression) in exempt]
    total = len(report.conditions) - len(exempted)
    line = f"rules coverage: {report.covered_count}/{total} allow conditions seen both allowed and denied"
    lines = [line + (f" ({len(exempted)} exempted)" if exempted else "")]
    for condition in report.uncovered():
        reason = exempt.get(_key(condition.expression))
        lines.append(f"  {f'exempt ({reason})' if reason else 'NOT COVERED'}: {condition}")
    if gate and ungated(report, exempt):
        lines.append("rules coverage gate: FAILED (cover the conditions above, or exempt one)")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Merge saved reports (`--rules-coverage-json`), print the summary, optionally gate on it."""
    parser = argparse.ArgumentParser(prog="python -m firebrick_testing.coverage", description=main.__doc__)
    parser.add_argument("reports", nargs="+", type=Path, help="reports saved with --rules-coverage-json")
    parser.add_argument("--gate", action="store_true", help="exit 1 when a condition is uncovered and not exempt")
    parser.add_argument("--exemptions", type=Path, default=None, help="JSON list of {expression, reason}")
    args = parser.parse_args(argv)
    first, *rest = [RulesCoverage.from_json(json.loads(p.read_text())) for p in args.reports]
    if any(not first.same_source(other) for other in rest):
        print("rules coverage: the reports are of different rules sources", file=sys.stderr)
        return 2
    report = first.merged(rest)
    exempt = load_exemptions(args.exemptions)
    print("\n".join(gate_lines(report, exempt, gate=args.gate)))
    return 1 if args.gate and ungated(report, exempt) else 0


if __name__ == "__main__":
    raise SystemExit(main())
