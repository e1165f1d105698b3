"""The README's performance table, from a `scripts/bench` run's JSON.

    .venv/bin/python -m scripts.benchmarks.readme [.bench/results.json]

Prints Markdown: one row per goal of the performance work, with its floor and whether
this run met it. Paste it under "Cold start and performance" with the run's header.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def _ms(value: float) -> str:
    return f"{value:.0f} ms" if value >= 100 else f"{value:.1f} ms"


def _met(ok: bool) -> str:
    return "met" if ok else "missed"


def table(results: dict[str, Any]) -> str:
    rows = {row["name"]: row for row in results["rows"]}

    def row(prefix: str) -> dict[str, Any]:
        return next(r for name, r in rows.items() if name.startswith(prefix))

    imp, health = row("import main.py"), row("first request, fresh worker: GET /v1/health")
    first_task, warm = row("first request, fresh worker: authenticated"), row("warm GET /v1/health")
    get, post = row("warm authenticated GET task"), row("warm authenticated POST task")
    claims, load = row("claims-sync"), row("load:")
    task_cascade, project_cascade = row("cascade delete: task"), row("cascade delete: project")
    lags = [r for name, r in rows.items() if name.startswith("derived lag")]
    ops = {name.removeprefix("Firestore ops "): r for name, r in rows.items() if name.startswith("Firestore ops ")}
    over = sum(r["overhead"] for r in ops.values())
    writes_over = sum(r["extra"]["writes"] - r["extra"]["floor_writes"] for r in ops.values())

    def timed(name: str, r: dict[str, Any], goal: str) -> str:
        return f"| {name} | {_ms(r['median'])} | {_ms(r['p95'])} | {_ms(r['floor_median'])} | {goal} |"

    lines = [
        "| row | median | p95 | floor median | ratio or overhead: goal |",
        "|---|---|---|---|---|",
        timed(
            "import `main.py` as the `api` instance vs `import firebase_functions.https_fn`",
            imp,
            f"{imp['ratio']:.2f}: ≤ 1.15 {_met(imp['ratio'] <= 1.15)}",
        ),
        timed(
            "first request of a fresh worker: `GET /v1/health` vs bare `on_request`",
            health,
            f"{health['ratio']:.2f}: ≤ 1.5 {_met(health['ratio'] <= 1.5)}",
        ),
        timed(
            "first request of a fresh worker: authenticated `GET` task vs bare `on_request`",
            first_task,
            f"{first_task['ratio']:.2f} (what a real first call pays)",
        ),
        timed(
            "warm `GET /v1/health` vs bare function", warm, f"{warm['ratio']:.2f}: ≤ 1.5 {_met(warm['ratio'] <= 1.5)}"
        ),
        timed(
            f"warm authenticated `GET` task vs bare + its batch get ({get['extra']['direct_firestore_p50_ms']:.1f} ms)",
            get,
            f"+{get['overhead']:.1f} ms: ≤ +3 ms {_met(get['overhead'] <= 3)}",
        ),
        timed(
            "warm authenticated `POST` task vs bare + batch get, budget commit, create "
            f"({post['extra']['direct_firestore_p50_ms']:.1f} ms)",
            post,
            f"+{post['overhead']:.1f} ms: ≤ +5 ms {_met(post['overhead'] <= 5)}",
        ),
        "| billed Firestore ops of "
        + ", ".join(f"{name} ({r['extra']['reads']}r/{r['extra']['writes']}w)" for name, r in ops.items())
        + f" | | | floors from each operation's definition | {over:.0f} reads, {writes_over} writes over: "
        + f"= floor {_met(over == 0 and writes_over == 0)} |",
        "| derived lag (warm workers): task create / status move / comment / assign | "
        + " / ".join(f"{r['median']:.0f}" for r in lags)
        + " ms | "
        + " / ".join(f"{r['p95']:.0f}" for r in lags)
        + " ms | | |",
        f"| claims sync: `PATCH` role → new role in custom claims | {_ms(claims['median'])} | {_ms(claims['p95'])} "
        f"| | < 5 s {_met(claims['median'] < 5000)} |",
        f"| cascade delete: task with 10 comments / project with 50 tasks | {_ms(task_cascade['median'])} / "
        f"{_ms(project_cascade['median'])} | {_ms(task_cascade['p95'])} / {_ms(project_cascade['p95'])} | "
        f"| median < 5 s {_met(max(task_cascade['median'], project_cascade['median']) < 5000)} |",
        f"| load: {load['note'].split(':')[0]} on one project | {load['median']:.1f} tasks/s | | | "
        f"{load['extra']['retries']} retries, {load['extra']['failures']} failures, "
        f"counts exact: {load['extra']['exact']} |",
    ]
    return f"Measured {results['machine']}:\n\n" + "\n".join(lines)


if __name__ == "__main__":
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / ".bench" / "results.json"
    print(table(json.loads(path.read_text())))
