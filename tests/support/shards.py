"""Split the suite into shards that run side by side, each against emulators of its own.

`scripts/test` runs the whole suite as two shards (`--shard 1/2`, `--shard 2/2`), each
inside its own `firebase emulators:exec` at its own ports: no test shares an emulator
with a test of another shard, so the wipes, trigger switches and rate-limit counters
of one never reach the other. Modules are the unit (module-scoped fixtures stay in
one process), assigned longest first to the lighter shard, weighed by the seconds
each took in a recorded run (`tests/durations.json`; a module not listed weighs
`DEFAULT_SECONDS_PER_TEST` per test). Refresh the record after a large change:
`scripts/test --store-durations tests/durations.json` (one shard, so the times are
not skewed by the other).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Generator
from pathlib import Path

import pytest

DURATIONS = Path(__file__).resolve().parents[1] / "durations.json"
DEFAULT_SECONDS_PER_TEST = 0.3

_SECONDS = pytest.StashKey[dict[str, float]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("firebrick shards")
    group.addoption("--shard", default=None, metavar="I/N", help="run only shard I of N (modules, balanced by time)")
    group.addoption("--store-durations", default=None, metavar="FILE", help="record each module's seconds as JSON")


def module_of(item: pytest.Item) -> str:
    return item.nodeid.split("::", 1)[0]


def assign(weights: dict[str, float], count: int) -> list[list[str]]:
    """Modules into `count` shards: heaviest first, each to the lightest shard so far (ties: lowest index)."""
    shards: list[list[str]] = [[] for _ in range(count)]
    loads = [0.0] * count
    for module in sorted(weights, key=lambda m: (-weights[m], m)):
        lightest = loads.index(min(loads))
        shards[lightest].append(module)
        loads[lightest] += weights[module]
    return shards


def parse_shard(value: str) -> tuple[int, int]:
    index, _, count = value.partition("/")
    i, n = int(index), int(count)
    if not 1 <= i <= n:
        raise pytest.UsageError(f"--shard {value}: want I/N with 1 <= I <= N")
    return i, n


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    value = config.getoption("shard")
    if not value:
        return
    index, count = parse_shard(value)
    recorded: dict[str, float] = json.loads(DURATIONS.read_text()) if DURATIONS.exists() else {}
    tests: dict[str, int] = defaultdict(int)
    for item in items:
        tests[module_of(item)] += 1
    weights = {module: recorded.get(module, n * DEFAULT_SECONDS_PER_TEST) for module, n in tests.items()}
    mine = set(assign(weights, count)[index - 1])
    deselected = [item for item in items if module_of(item) not in mine]
    items[:] = [item for item in items if module_of(item) in mine]
    config.hook.pytest_deselected(items=deselected)


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_SECONDS] = defaultdict(float)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    item.config.stash[_SECONDS][module_of(item)] += report.duration
    return report


def pytest_sessionfinish(session: pytest.Session) -> None:
    target = session.config.getoption("store_durations")
    if target:
        seconds = {module: round(s, 2) for module, s in sorted(session.config.stash[_SECONDS].items())}
        Path(target).write_text(json.dumps(seconds, indent=1) + "\n")
