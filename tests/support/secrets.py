"""A detector for secrets where they must never be: tracked files and log lines.

Three shapes: a PEM private key (header and a base64 body), a Google API key
(`AIza` + 35 characters), and a long, high-entropy value assigned to a name that
says secret, token, key, password or credential (`name = "..."`, `"name": "..."`).
Placeholders (`changeme`, `<your-key>`, `${VAR}`, dotted paths) are too regular to
count: a value must be 20+ characters of one token, mix upper case, lower case and
digits, and carry at least 4 bits of entropy per character.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

PEM_PRIVATE_KEY = re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----(?:\s|\\n)*[A-Za-z0-9+/=]{40,}")
GOOGLE_API_KEY = re.compile(r"AIza[0-9A-Za-z_\-]{35}")
ASSIGNED = re.compile(
    r"""(?i)([\w.\-]*(?:secret|token|key|passw(?:or)?d|credential)[\w.\-]*)["']?\s*[:=]\s*["']?([\w+/\-.=]{20,})"""
)
MIN_ENTROPY_BITS = 4.0


@dataclass(frozen=True)
class Finding:
    kind: str
    where: str
    line: int
    excerpt: str


def entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def _random_looking(value: str) -> bool:
    classes = all(re.search(pattern, value) for pattern in (r"[a-z]", r"[A-Z]", r"\d"))
    return classes and entropy(value) >= MIN_ENTROPY_BITS


def find_secrets(text: str, where: str = "<text>") -> list[Finding]:
    """Every secret-looking string in `text` (excerpts are cut short, never the whole value)."""
    found: list[Finding] = []

    def add(kind: str, start: int, excerpt: str) -> None:
        found.append(Finding(kind, where, text.count("\n", 0, start) + 1, excerpt[:12] + "..."))

    for match in PEM_PRIVATE_KEY.finditer(text):
        add("PEM private key", match.start(), match.group())
    for match in GOOGLE_API_KEY.finditer(text):
        add("Google API key", match.start(), match.group())
    for match in ASSIGNED.finditer(text):
        if _random_looking(match.group(2)):
            add(f"high-entropy value of {match.group(1)!r}", match.start(), match.group(2))
    return found


def git() -> str:
    found = shutil.which("git")
    assert found is not None, "git is not installed"
    return found


def tracked_files(root: Path) -> list[Path]:
    """The files git tracks under `root` (what a push publishes)."""
    listed = subprocess.run([git(), "ls-files", "-z"], cwd=root, capture_output=True, check=True, timeout=60)
    return [root / name for name in listed.stdout.decode().split("\0") if name]


def scan_repository(root: Path, allowed: dict[str, str]) -> list[Finding]:
    """Findings in every tracked text file, but those in `allowed` (path -> why it is not a secret)."""
    found: list[Finding] = []
    for path in tracked_files(root):
        relative = path.relative_to(root).as_posix()
        if relative in allowed or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary: images, archives
        found += find_secrets(text, relative)
    return found
