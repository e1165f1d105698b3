"""Write the emulators' configuration of a `demo-*` project: `functions/.secret.local` and `functions/.env.local`.

The Functions emulator reads both (they stand in for Secret Manager and for the
params `firebase deploy` would ask for). `.secret.local` holds the development
secrets, which processes outside the emulators derive the very same way
(`firebrick.config.development_secrets`), so tests and functions agree.
`.env.local` holds a value for every param of `firebrick/params.py` (its default,
or the emulators' own value), so the emulator never stops to prompt for one.
Refuses any project that is not `demo-*`: real projects get real secrets
(`firebase functions:secrets:set`) and their params in `functions/.env.<project>`.
Both files are git-ignored and never deployed (firebase.json `ignore`).
Usage: python scripts/lib/dev_config.py PROJECT_ID FUNCTIONS_DIR
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def dotenv(header: str, values: Mapping[str, str]) -> str:
    """A dotenv file: a comment line, then one single-quoted `NAME='value'` line each."""
    lines = [f"# {header}"]
    for name, value in values.items():
        if "'" in value or "\n" in value:  # each must fit one single-quoted dotenv line
            raise ValueError(f"{name} cannot be written to a dotenv file")
        lines.append(f"{name}='{value}'")
    return "\n".join(lines) + "\n"


def write(target: Path, content: str) -> None:
    """Write `content` to `target` (owner-only) unless it already holds exactly that."""
    if not target.exists() or target.read_text() != content:
        target.write_text(content)
        target.chmod(0o600)


def main(argv: list[str]) -> int:
    project, functions_dir = argv[1], Path(argv[2])
    if not project.startswith("demo-"):
        print(f"refusing to write development configuration for {project!r}: not a demo-* project", file=sys.stderr)
        return 2
    os.environ["GCLOUD_PROJECT"] = project
    os.environ.pop("K_SERVICE", None)
    sys.path.insert(0, str(ROOT / "functions"))
    from firebrick import params
    from firebrick.config import development_secrets

    by = "written by scripts/lib/dev_config.py for the emulators"
    write(
        functions_dir / ".secret.local",
        dotenv(f"Development secrets of {project} (public by construction); {by}.", development_secrets()),
    )
    write(
        functions_dir / ".env.local",
        dotenv(f"Params of {project}; {by}.", {param.name: params.env_text(param) for param in params.ALL}),
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
