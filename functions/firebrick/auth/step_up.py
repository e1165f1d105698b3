"""Step-up: a short-lived proof that the caller just passed their TOTP check.

`POST /v1/auth/mfa/step-up` issues an HS256 JWT bound to the uid (key derived
from the auth secret, purpose "step-up", so no other token kind verifies with
it). Sensitive actions call `require_step_up(...)`: users without TOTP pass
(the spec makes step-up apply once MFA is on); users with TOTP must send a
valid, unexpired token of their own in `X-Step-Up-Token`, else 403
`step_up_required`. Called by the services, so REST and callables agree.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from firebrick.auth.keys import derived_key
from firebrick.auth.principal import PrincipalKind
from firebrick.config import get_settings
from firebrick.errors import PermissionDenied, StepUpRequired, raises
from firebrick.ids import new_id

if TYPE_CHECKING:
    from firebrick.context import Caller

STEP_UP_HEADER = "X-Step-Up-Token"
TOKEN_TYPE = "step-up"  # noqa: S105 (a claim value, not a secret)
ISSUER = "firebrick"
AUDIENCE = "firebrick:step-up"
ALGORITHMS = ["HS256"]  # the only algorithm this verifier accepts
MAX_TOKEN_CHARS = 2048


def issue_step_up_token(uid: str) -> tuple[str, int]:
    """A new step-up token for `uid` and its lifetime in seconds."""
    import jwt

    ttl = get_settings().step_up_ttl_seconds
    issued = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": uid,
        "iat": issued,
        "nbf": issued,
        "exp": issued + ttl,
        "jti": new_id(),
        "typ": TOKEN_TYPE,
    }
    token = jwt.encode(claims, derived_key("step-up"), algorithm="HS256", headers={"typ": "JWT"})
    return token, ttl


def verify_step_up_token(token: str, uid: str) -> dict[str, Any]:
    """The claims of a valid step-up token issued to `uid`; StepUpRequired otherwise."""
    import jwt

    if not token or len(token) > MAX_TOKEN_CHARS:
        raise StepUpRequired("A valid step-up token is required for this action")
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            derived_key("step-up"),
            algorithms=ALGORITHMS,
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["exp", "iat", "nbf", "sub", "jti", "iss", "aud"]},
        )
    except jwt.PyJWTError as exc:
        raise StepUpRequired("A valid step-up token is required for this action") from exc
    if claims.get("typ") != TOKEN_TYPE or claims.get("sub") != uid:
        raise StepUpRequired("A valid step-up token is required for this action")
    return claims


@raises(PermissionDenied, StepUpRequired)
def require_step_up(caller: Caller, step_up_token: str | None) -> None:
    """Raise StepUpRequired unless the caller has no TOTP or presented a valid step-up token.

    Costs one document read (the user's MFA state) when no token is given and
    none when a valid token is: a valid token proves TOTP was checked.
    """
    from firebrick.auth.mfa import totp_enabled

    if caller.principal.kind != PrincipalKind.user:
        raise PermissionDenied("This action needs a signed-in user")
    if step_up_token:
        verify_step_up_token(step_up_token, caller.uid)
        return
    if totp_enabled(caller.db, caller.uid):
        raise StepUpRequired("A valid step-up token is required for this action")
