"""Service tokens (machine clients): placeholder until issue 7 lands; refuses everything."""

from __future__ import annotations

from firebrick.auth.principal import Principal
from firebrick.errors import Unauthenticated

SERVICE_TOKEN_PREFIX = "fbst_"  # noqa: S105 (a format marker, not a secret)


def verify_service_token(token: str) -> Principal:
    raise Unauthenticated("Invalid or expired credentials")
