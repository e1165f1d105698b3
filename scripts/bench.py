"""Firebrick benchmarks: each row measured side by side with its floor, in one run.

Run through `scripts/bench` (it starts the emulators, with the op counter off in
them, so latency rows are not slowed by it). Prints a table of medians and p95
with ratios or overheads against the floor, and writes the same figures as JSON
(default .bench/results.json) and Markdown (.md beside it); `scripts/cost_model.py`
turns the JSON into docs/scaling.md's cost table. Not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "functions"), str(ROOT)]
# Only this process counts billed operations (the op rows' in-process app, the trigger-cost rows).
os.environ["FIREBRICK_COUNT_FIRESTORE_OPS"] = "1"

from scripts.benchmarks import derived, latency, load, ops, startup  # noqa: E402
from scripts.benchmarks.core import Row, render  # noqa: E402
from tests.support.emulators import discover  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (smoke run)")
    parser.add_argument("--only", default="", help="comma-separated section names to run (default: all)")
    parser.add_argument("--json", type=Path, default=ROOT / ".bench" / "results.json")
    args = parser.parse_args()
    scale = 0.2 if args.quick else 1.0

    def n(base: int) -> int:
        return max(3, int(base * scale))

    emulators = discover()
    world = latency.make_world(emulators)
    db = latency.plain_client()
    token = world.org["member"].id_token
    sections: list[tuple[str, Callable[[], list[Row]]]] = [
        ("import", lambda: startup.bench_import(n(15))),
        ("first-request", lambda: startup.bench_first_request(n(7), world.task_path, token)),
        ("warm-health", lambda: latency.bench_warm_health(emulators, n(200))),
        ("task-endpoints", lambda: latency.bench_task_endpoints(world, n(100))),
        ("ops", lambda: ops.bench_ops(world)),
        ("rules-cost", lambda: ops.bench_rules_cost(world)),
        ("trigger-costs", lambda: derived.bench_trigger_costs(db, n(10))),
        ("derived-lag", lambda: derived.bench_lag(db, n(20))),
        ("claims-lag", lambda: derived.bench_claims_lag(world, n(10))),
        ("load", lambda: load.bench_load(world, writers=4 if args.quick else 8, per_writer=n(25))),
        # Last: each deleted document's own event stays queued in the emulator for a while
        # after the subtree is gone, and would delay the deliveries the rows above time.
        ("cascades", lambda: derived.bench_cascades(db, n(5))),
    ]
    wanted = {s for s in args.only.split(",") if s}
    rows: list[Row] = []
    for title, section in sections:
        if wanted and title not in wanted:
            continue
        print(f"[bench] {title} ...", file=sys.stderr, flush=True)
        rows.extend(section())

    header = (
        f"{datetime.now(UTC):%Y-%m-%d}, {platform.machine()} {platform.system()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}"
    )
    table = render(rows)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"machine": header, "rows": [asdict(r) for r in rows]}, indent=2))
    args.json.with_suffix(".md").write_text(f"Measured {header}\n\n{table}\n")
    print(f"\n=== Firebrick benchmarks ({header}) ===\n{table}\n\nJSON: {args.json}")


if __name__ == "__main__":
    main()
