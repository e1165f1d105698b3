"""Password policy for registration: length, not common, not the email.

Checked before any call to Auth, so a refused password writes nothing. All
reasons are returned together so a client can show them at once.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

MIN_LENGTH = 12
MAX_LENGTH = 128  # bounded input; Firebase Auth accepts up to 4096 but nobody types that
_COMMON_FILE = Path(__file__).with_name("common_passwords.txt")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The bundled list, lower-cased; comments and blanks skipped."""
    lines = _COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def password_problems(password: str, email: str) -> list[str]:
    """Why `password` is refused (empty list: acceptable). Never echoes the password."""
    problems: list[str] = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Password must be at least {MIN_LENGTH} characters long")
    if len(password) > MAX_LENGTH:
        problems.append(f"Password must be at most {MAX_LENGTH} characters long")
    lowered = password.strip().lower()
    if lowered in common_passwords():
        problems.append("Password is too common")
    email_lowered = email.strip().lower()
    local_part = email_lowered.split("@", 1)[0]
    if lowered == email_lowered or (len(local_part) >= 4 and lowered == local_part):
        problems.append("Password must not be your email address")
    return problems
