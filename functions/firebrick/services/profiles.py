"""`users/{uid}`: the one place a profile document is shaped.

Profiles are created by `/v1/auth/register` and, for accounts made with the
client SDK, by the `before_user_signed_in` blocking function; both go through
`profile_doc`, so a name or email is stored the same way whichever door it took.
"""

from __future__ import annotations

from typing import Any

from firebrick.clock import now

MAX_DISPLAY_NAME = 100


def normalise_display_name(name: str | None) -> str | None:
    """Collapse whitespace, drop unprintable characters, bound the length; None when empty."""
    if not name:
        return None
    printable = "".join(ch for ch in name if ch.isprintable())
    collapsed = " ".join(printable.split())[:MAX_DISPLAY_NAME]
    return collapsed or None


def profile_doc(display_name: str | None, email: str | None, photo_url: str | None = None) -> dict[str, Any]:
    """A new profile: normalised name, lower-cased email, and when it was made."""
    return {
        "displayName": normalise_display_name(display_name),
        "email": (email or "").strip().lower() or None,
        "photoURL": photo_url,
        "createdAt": now(),
    }
