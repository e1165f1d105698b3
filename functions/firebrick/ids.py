"""The one ID scheme: 20-char URL-safe random IDs, like Firestore's auto IDs."""

import secrets
import string

_ALPHABET = string.ascii_letters + string.digits


def new_id() -> str:
    """A new random document ID (about 119 bits of entropy)."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(20))
