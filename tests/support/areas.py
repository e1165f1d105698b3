"""What we test: the number of test cases that ran, per area, printed at the end of the run.

Areas are named by module (the first rule that matches a test's module wins); every
other test counts under its top-level folder. `--areas-json FILE` also writes the
counts, so `scripts/test` can add up its shards: `python -m tests.support.areas FILES...`
prints the merged table.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

#: (area, module prefix): the README's areas first, in the order it lists them.
AREAS: list[tuple[str, str]] = [
    ("matrix", "tests/api/test_matrix.py"),
    ("rules", "tests/rules/"),
    ("JWT attacks", "tests/auth/test_service_tokens.py"),
    ("JWT attacks", "tests/auth/test_id_token_production_path.py"),
    ("fuzz", "tests/api/test_contract_fuzz.py"),
    ("concurrency", "tests/reliability/test_concurrency.py"),
    ("concurrency", "tests/api/test_tasks_concurrency.py"),
    ("faults", "tests/reliability/test_faults.py"),
    ("bad input", "tests/reliability/test_bad_input.py"),
    ("secrets", "tests/test_secrets.py"),
    ("secrets", "tests/test_logs.py"),
    ("triggers", "tests/triggers/"),
    ("toolkit", "packages/firebrick-testing/"),
]
ORDER = list(dict.fromkeys(area for area, _ in AREAS))


def area_of(nodeid: str) -> str:
    module = nodeid.split("::", 1)[0]
    for area, prefix in AREAS:
        if module.startswith(prefix):
            return area
    parts = module.split("/")
    return f"other {parts[1]}" if len(parts) > 2 and parts[0] == "tests" else "other"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("firebrick areas")
    group.addoption("--areas-json", default=None, metavar="FILE", help="write the test cases run per area as JSON")


class _Tally:
    """Counts, per area, the cases whose call phase ran (passed or failed; not skipped, not a failed setup)."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call":
            self.counts[area_of(report.nodeid)] += 1


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(_Tally(), "firebrick-areas")


def table(counts: Counter[str]) -> list[str]:
    """The areas in the README's order (zeros included), then the rest by size."""
    rest = sorted((a for a in counts if a not in ORDER), key=lambda a: (-counts[a], a))
    rows = [(area, counts.get(area, 0)) for area in [*ORDER, *rest]]
    width = max(len(area) for area, _ in rows)
    lines = [f"{'area':<{width}}  cases", *(f"{area:<{width}}  {n:>5}" for area, n in rows)]
    return [*lines, f"{'total':<{width}}  {sum(counts.values()):>5}"]


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    tally = config.pluginmanager.get_plugin("firebrick-areas")
    counts: Counter[str] = tally.counts if isinstance(tally, _Tally) else Counter()
    if not counts:
        return
    terminalreporter.section("what we test (cases run per area)")
    for line in table(counts):
        terminalreporter.write_line(line)
    target = config.getoption("areas_json")
    if target:
        Path(target).write_text(json.dumps(dict(sorted(counts.items())), indent=1) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Print the table of the counts in the JSON files given (one per shard), added up."""
    total: Counter[str] = Counter()
    for name in argv if argv is not None else sys.argv[1:]:
        total.update(json.loads(Path(name).read_text()))
    print("what we test (cases run per area, all shards)")
    print("\n".join(table(total)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
