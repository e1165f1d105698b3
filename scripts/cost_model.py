"""The cost model of docs/scaling.md, computed from a benchmark run's billed-operation counts.

    .venv/bin/python scripts/cost_model.py [.bench/results.json] [--location nam5|us-central1]

Per user action: the reads and writes of its request (bench rows "Firestore ops ...")
plus those of every trigger delivery it sets off (rows "trigger delivery ops ..."),
and the function invocations (the request, one per delivery). Then a typical day of
one active user (the WORKLOAD mix) and a month of 1,000 of them, priced with the
inputs below, free tier deducted. Prints Markdown.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

#: USD per 100,000 operations (cloud.google.com/firestore/pricing, Standard edition; check before use).
FIRESTORE_PRICES = {
    "nam5": {"read": 0.06, "write": 0.18},
    "us-central1": {"read": 0.03, "write": 0.09},
}
#: Free tier per day (the (default) database only).
FREE_READS_PER_DAY, FREE_WRITES_PER_DAY = 50_000, 20_000
#: Cloud Functions (2nd gen, billed as Cloud Run): USD per million invocations, 2 million free a month.
INVOCATION_PRICE_PER_MILLION, FREE_INVOCATIONS_PER_MONTH = 0.40, 2_000_000


@dataclass(frozen=True)
class Action:
    name: str
    #: The bench row of the request ("Firestore ops <request>"), and the deliveries it sets off.
    request: str
    deliveries: tuple[str, ...] = ()


ACTIONS = (
    Action("open a project's task list (25 tasks)", "GET tasks page (limit 25)"),
    Action("open a task", "GET task"),
    Action("create a task", "POST task", ("derive_task: create (assigned)",)),
    Action("move a task's status", "PATCH task", ("derive_task: status move",)),
    Action("comment on a task", "POST comment", ("derive_comment: create",)),
    Action("list the org's members", "GET members"),
)

#: One active user's day: how often they take each action (an assumption: edit to your app's mix).
WORKLOAD = {
    "open a project's task list (25 tasks)": 10,
    "open a task": 20,
    "create a task": 3,
    "move a task's status": 6,
    "comment on a task": 4,
    "list the org's members": 1,
}


def _rows(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["name"]: row for row in results["rows"]}


def action_costs(results: dict[str, Any]) -> list[tuple[Action, float, float, int]]:
    """(action, reads, writes, invocations) per action, from the bench's counts."""
    rows = _rows(results)
    costs = []
    for action in ACTIONS:
        request = rows[f"Firestore ops {action.request}"]["extra"]
        reads, writes = float(request["reads"]), float(request["writes"])
        for delivery in action.deliveries:
            extra = rows[f"trigger delivery ops: {delivery}"]["extra"]
            reads, writes = reads + float(extra["reads"]), writes + float(extra["writes"])
        costs.append((action, reads, writes, 1 + len(action.deliveries)))
    return costs


def render(results: dict[str, Any], location: str) -> str:
    prices = FIRESTORE_PRICES[location]
    costs = action_costs(results)
    lines = [
        f"Measured {results['machine']}; prices: Firestore {location} ${prices['read']}/100k reads, "
        f"${prices['write']}/100k writes; invocations ${INVOCATION_PRICE_PER_MILLION}/million.",
        "",
        "| action | reads | writes | invocations | per day of one user |",
        "|---|---|---|---|---|",
    ]
    day_reads = day_writes = day_calls = 0.0
    for action, reads, writes, calls in costs:
        times = WORKLOAD.get(action.name, 0)
        day_reads, day_writes, day_calls = (
            day_reads + times * reads,
            day_writes + times * writes,
            day_calls + times * calls,
        )
        lines.append(f"| {action.name} | {reads:.1f} | {writes:.1f} | {calls} | x{times} |")
    users, days = 1000, 30
    month_reads, month_writes, month_calls = (
        day_reads * users * days,
        day_writes * users * days,
        day_calls * users * days,
    )
    billed_reads = max(0.0, month_reads - FREE_READS_PER_DAY * days)
    billed_writes = max(0.0, month_writes - FREE_WRITES_PER_DAY * days)
    billed_calls = max(0.0, month_calls - FREE_INVOCATIONS_PER_MONTH)
    cost = (
        billed_reads / 100_000 * prices["read"]
        + billed_writes / 100_000 * prices["write"]
        + billed_calls / 1_000_000 * INVOCATION_PRICE_PER_MILLION
    )
    lines += [
        "",
        f"One active user's day: {day_reads:.0f} reads, {day_writes:.0f} writes, {day_calls:.0f} invocations.",
        f"1,000 daily active users for {days} days: {month_reads / 1e6:.2f} M reads, "
        f"{month_writes / 1e6:.2f} M writes, {month_calls / 1e6:.2f} M invocations; "
        f"after the free tier about **${cost:.2f} a month** "
        "(operations only: add storage, egress and the functions' CPU and memory time).",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("results", nargs="?", type=Path, default=ROOT / ".bench" / "results.json")
    parser.add_argument("--location", choices=sorted(FIRESTORE_PRICES), default="nam5")
    args = parser.parse_args()
    print(render(json.loads(args.results.read_text()), args.location))


if __name__ == "__main__":
    main()
