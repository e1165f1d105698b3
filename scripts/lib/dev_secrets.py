"""Write `functions/.secret.local` with the development secrets of a `demo-*` project.

The Functions emulator reads it (it stands in for Secret Manager); processes
outside the emulators derive the very same values (`firebrick.config.development_secrets`),
so tests and functions agree. Refuses any project that is not `demo-*`: real
projects get real secrets, set with `firebase functions:secrets:set`.
Usage: python scripts/lib/dev_secrets.py PROJECT_ID FILE
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str]) -> int:
    project, target = argv[1], Path(argv[2])
    if not project.startswith("demo-"):
        print(f"refusing to write development secrets for {project!r}: not a demo-* project", file=sys.stderr)
        return 2
    os.environ["GCLOUD_PROJECT"] = project
    os.environ.pop("K_SERVICE", None)
    sys.path.insert(0, str(ROOT / "functions"))
    from firebrick.config import development_secrets

    lines = ["# Development secrets of the demo project (public by construction); written by scripts/lib/setup.sh."]
    for name, value in development_secrets().items():
        if "'" in value or "\n" in value:  # each must fit one single-quoted dotenv line
            raise ValueError(f"{name} cannot be written to a dotenv file")
        lines.append(f"{name}='{value}'")
    content = "\n".join(lines) + "\n"
    if not target.exists() or target.read_text() != content:
        target.write_text(content)
        target.chmod(0o600)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
