"""Rows, summaries and the report table every benchmark section shares."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from scripts.lib.stats import percentile


@dataclass
class Row:
    """One benchmark row: a measured case next to its floor."""

    name: str
    unit: str
    median: float | None = None
    p95: float | None = None
    floor_median: float | None = None
    floor_p95: float | None = None
    ratio: float | None = None
    overhead: float | None = None
    goal: str = ""
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def summarize(row: Row, values: list[float], floor: list[float] | None = None) -> Row:
    """Median and p95 of `values`, and against `floor` (measured in the same run) the ratio and overhead."""
    row.median, row.p95 = statistics.median(values), percentile(values, 0.95)
    if floor:
        row.floor_median, row.floor_p95 = statistics.median(floor), percentile(floor, 0.95)
        row.ratio = row.median / row.floor_median if row.floor_median else None
        row.overhead = row.median - row.floor_median
    return row


def alternate(runs: int, a: Callable[[], float], b: Callable[[], float]) -> tuple[list[float], list[float]]:
    """Run a and b in turn (A B A B ...) so drift in machine speed hits both alike."""
    a_values, b_values = [], []
    for _ in range(runs):
        a_values.append(a())
        b_values.append(b())
    return a_values, b_values


def timed(call: Callable[[], httpx.Response], expect: int) -> tuple[float, httpx.Response]:
    """Milliseconds one request took, and its response (which must have status `expect`)."""
    started = time.perf_counter()
    response = call()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != expect:
        raise RuntimeError(
            f"{response.request.method} {response.request.url} -> {response.status_code}: {response.text[:300]}"
        )
    return elapsed, response


def wait_until(check: Callable[[], bool], timeout: float = 120.0, every: float = 0.01) -> float:
    """Seconds until `check()` holds (polled every `every` s)."""
    start = time.perf_counter()
    while not check():
        if time.perf_counter() - start > timeout:
            raise TimeoutError("the condition did not hold in time")
        time.sleep(every)
    return time.perf_counter() - start


def fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def render(rows: list[Row]) -> str:
    lines = [
        "| row | unit | median | p95 | floor median | floor p95 | ratio | overhead | goal | note |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.name} | {r.unit} | {fmt(r.median)} | {fmt(r.p95)} | {fmt(r.floor_median)} | "
            f"{fmt(r.floor_p95)} | {fmt(r.ratio)} | {fmt(r.overhead)} | {r.goal} | {r.note} |"
        )
    return "\n".join(lines)
