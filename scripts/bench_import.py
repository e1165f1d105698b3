"""Cold-start import cost: `functions/main.py` against its floor, `firebase_functions.https_fn`.

Runs each import in a fresh interpreter of functions/venv with `-X importtime`,
alternating the two, and prints medians, p95 and the ratio (goal <= 1.15).
main.py is measured as the `api` instance imports it (FUNCTION_TARGET=api) and,
for reference, as deploy/emulator discovery imports it (every function declared).
Usage: .venv/bin/python scripts/bench_import.py [--runs N] [--json PATH]
       .venv/bin/python scripts/bench_import.py --first-request [PATH]
The second form prints what the `api` instance imports to answer its first request
(`PATH`, default /v1/health; an authenticated path answers 401 without a token but
imports its route module): each top-level package's own import time (the sum of its
modules' self times), largest first, and the total.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FUNCTIONS = ROOT / "functions"
PYTHON = FUNCTIONS / "venv" / "bin" / "python"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts.lib.stats import percentile  # noqa: E402


def import_us(module: str, target: str | None) -> int:
    """Cumulative microseconds `-X importtime` reports for importing `module`."""
    env = {k: v for k, v in os.environ.items() if k != "FUNCTION_TARGET"}
    if target:
        env["FUNCTION_TARGET"] = target
    # Discovery declares Storage triggers, which need the default bucket (the CLI provides it).
    env.setdefault("FIREBASE_CONFIG", '{"projectId": "demo-firebrick", "storageBucket": "demo-firebrick.appspot.com"}')
    result = subprocess.run(
        [str(PYTHON), "-X", "importtime", "-c", f"import {module}"],
        cwd=FUNCTIONS,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    for line in reversed(result.stderr.splitlines()):
        parts = [p.strip() for p in line.removeprefix("import time:").split("|")]
        if len(parts) == 3 and parts[2] == module:
            return int(parts[1])
    raise RuntimeError(f"no importtime line for {module}")


#: Run in a fresh interpreter: import main.py as the api instance, then serve one request.
FIRST_REQUEST = """
import sys, main
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Response
from firebrick.serving import _app
Response.from_app(_app(), EnvironBuilder(path=sys.argv[1]).get_environ())
"""


def first_request_profile(path: str, top: int = 15) -> list[tuple[str, float]]:
    """(top-level package, ms of its modules' own import time) for the first request of `path`, largest first."""
    env = {**os.environ, "FUNCTION_TARGET": "api"}
    result = subprocess.run(
        [str(PYTHON), "-X", "importtime", "-c", FIRST_REQUEST, path],
        cwd=FUNCTIONS,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    totals: dict[str, float] = {}
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        own, _cumulative, name = line.removeprefix("import time:").split("|")
        package = name.strip().split(".")[0]
        totals[package] = totals.get(package, 0.0) + int(own) / 1000
    return sorted(totals.items(), key=lambda item: -item[1])[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--first-request", nargs="?", const="/v1/health", metavar="PATH")
    args = parser.parse_args()
    if args.first_request:
        profile = first_request_profile(args.first_request, top=1000)
        for package, ms in profile[:15]:
            print(f"{ms:8.1f} ms  {package}")
        print(f"{sum(ms for _, ms in profile):8.1f} ms  in all ({len(profile)} top-level packages)")
        return
    cases = {
        "floor: import firebase_functions.https_fn": ("firebase_functions.https_fn", None),
        "main.py as the api instance (FUNCTION_TARGET=api)": ("main", "api"),
        "main.py at discovery (all functions declared)": ("main", None),
    }
    samples: dict[str, list[int]] = {name: [] for name in cases}
    for module, target in cases.values():
        import_us(module, target)  # warm the OS file cache once
    for _ in range(args.runs):
        for name, (module, target) in cases.items():
            samples[name].append(import_us(module, target))
    floor = statistics.median(samples[next(iter(cases))])
    rows = []
    print(f"{'case':<52} {'median ms':>10} {'p95 ms':>8} {'ratio':>6}")
    for name, values in samples.items():
        median = statistics.median(values)
        ratio = median / floor
        p95 = percentile(values, 0.95)
        rows.append({"case": name, "median_ms": median / 1000, "p95_ms": p95 / 1000, "ratio": ratio})
        print(f"{name:<52} {median / 1000:>10.1f} {p95 / 1000:>8.1f} {ratio:>6.2f}")
    print(f"runs per case: {args.runs}; python: {sys.version.split()[0]}")
    if args.json:
        args.json.write_text(json.dumps({"import": rows, "runs": args.runs}, indent=2))


if __name__ == "__main__":
    main()
