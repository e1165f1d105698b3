"""The compact custom-claims encoding of org roles, shared by API, triggers and rules.

Claims (all custom claims together must stay under 1000 bytes):
- `o`: map of orgId -> role number (1 viewer, 2 member, 3 admin, 4 owner).
- `ox`: true when some memberships did not fit in `o`; rules and API then read
  the membership document for orgs missing from `o`.
- `admin`: platform admin (support staff); owned by the admin script, not by sync.
`firestore.rules` reads exactly these names; change both together.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from firebrick.policy import Role

ORGS_CLAIM = "o"
OVERFLOW_CLAIM = "ox"
PLATFORM_ADMIN_CLAIM = "admin"
MAX_CLAIMS_BYTES = 1000


def claims_size(claims: Mapping[str, Any]) -> int:
    """Size Firebase checks for a claims object.

    The Admin SDK refuses `set_custom_user_claims` when `json.dumps(claims)` (default
    separators, ASCII-escaped) exceeds 1000 characters, which is stricter than the
    compact JSON: measure exactly that.
    """
    return len(json.dumps(claims))


def org_roles_from_claims(claims: Mapping[str, Any]) -> dict[str, Role]:
    """The org roles a token carries; unknown values are ignored (deny by default)."""
    raw = claims.get(ORGS_CLAIM)
    if not isinstance(raw, Mapping):
        return {}
    roles: dict[str, Role] = {}
    for org_id, value in raw.items():
        if isinstance(value, int) and not isinstance(value, bool) and value in Role._value2member_map_:
            roles[str(org_id)] = Role(value)
    return roles


def claims_overflowed(claims: Mapping[str, Any]) -> bool:
    return claims.get(OVERFLOW_CLAIM) is True


def is_platform_admin(claims: Mapping[str, Any]) -> bool:
    return claims.get(PLATFORM_ADMIN_CLAIM) is True


def encode_claims(roles: Mapping[str, Role], current: Mapping[str, Any]) -> dict[str, Any]:
    """The user's whole claims object: `current` minus the org claims, plus fresh ones.

    Claims this module does not own (e.g. `admin`) are kept as they are. Org roles
    go in highest first (ties by org id, so the result is deterministic) while the
    total stays under MAX_CLAIMS_BYTES; orgs that do not fit are left to the
    membership-document fallback and `ox` is set to say so.
    """
    claims: dict[str, Any] = {k: v for k, v in current.items() if k not in (ORGS_CLAIM, OVERFLOW_CLAIM)}
    packed: dict[str, int] = {}
    # Measure with `ox` present so setting it at the end can never cross the limit.
    probe = {**claims, ORGS_CLAIM: packed, OVERFLOW_CLAIM: True}
    overflow = False
    for org_id, role in sorted(roles.items(), key=lambda item: (-int(item[1]), item[0])):
        packed[org_id] = int(role)
        if claims_size(probe) >= MAX_CLAIMS_BYTES:
            del packed[org_id]
            overflow = True
    if packed:
        claims[ORGS_CLAIM] = packed
    if overflow:
        claims[OVERFLOW_CLAIM] = True
    return claims
