"""Email domains refused at sign-up: a bundled disposable list plus `BLOCKED_EMAIL_DOMAINS`.

Used by the `before_user_created` blocking function (every sign-up path) and by
`/v1/auth/register` (to answer 422 before calling Auth at all).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from firebrick.config import get_settings

_DISPOSABLE_FILE = Path(__file__).with_name("disposable_domains.txt")


@lru_cache(maxsize=1)
def disposable_domains() -> frozenset[str]:
    lines = _DISPOSABLE_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def email_domain_blocked(email: str) -> bool:
    """True when the email's domain, or a parent domain of it, is blocked."""
    domain = email.rsplit("@", 1)[-1].strip().lower().rstrip(".")
    blocked = disposable_domains() | get_settings().blocked_domain_set
    parts = domain.split(".")
    return any(".".join(parts[i:]) in blocked for i in range(len(parts) - 1))
