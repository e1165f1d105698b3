"""Step-up: a short-lived, single-use proof that the caller just passed their TOTP check, for one purpose.

`POST /v1/auth/mfa/step-up {code, purpose}` issues an HS256 JWT bound to the uid and
to the purpose named (key derived from the auth secret, purpose "step-up", so no
other token kind verifies with it). Sensitive actions call `require_step_up(caller,
token, purpose, ...)`: users without TOTP pass (the spec makes step-up apply once MFA
is on); users with TOTP must send a valid, unexpired, unspent token of their own for
that purpose in `X-Step-Up-Token`, else 403 `step_up_required`. Called by the
services, so REST and callables agree.

Single use: the token's `jti` is recorded in the user's `userSecrets/{uid}` document
(`stepUps`, pruned of expired entries) by `StepUp.spend`, in the transaction of the
action it unlocked where there is one, so two requests racing with one token cannot
both act. A token spent on a resource still opens that resource again (an idempotent
replay of the create it unlocked), never another.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from firebrick import paths
from firebrick.auth.keys import derived_key
from firebrick.auth.principal import PrincipalKind
from firebrick.config import get_settings
from firebrick.errors import PermissionDenied, StepUpRequired, raises
from firebrick.ids import new_id

if TYPE_CHECKING:
    from google.cloud.firestore import Client, Transaction

    from firebrick.context import Caller

STEP_UP_HEADER = "X-Step-Up-Token"
TOKEN_TYPE = "step-up"  # noqa: S105 (a claim value, not a secret)
ISSUER = "firebrick"
AUDIENCE = "firebrick:step-up"
ALGORITHMS = ["HS256"]  # the only algorithm this verifier accepts
MAX_TOKEN_CHARS = 2048
_REFUSED = "A valid step-up token for this action is required"


class Purpose(StrEnum):
    """What a step-up token may unlock: one of these, named when it is asked for."""

    delete_org = "delete_org"
    grant_owner = "grant_owner"  # a role change or an invitation to owner
    create_service_token = "create_service_token"  # noqa: S105 (a purpose, not a secret)
    delete_account = "delete_account"
    replace_totp = "replace_totp"  # enrolling again while TOTP is on (beyond the spec's four)


def issue_step_up_token(uid: str, purpose: Purpose) -> tuple[str, int]:
    """A new step-up token for `uid` and `purpose`, and its lifetime in seconds."""
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
        "pur": purpose.value,
    }
    token = jwt.encode(claims, derived_key("step-up"), algorithm="HS256", headers={"typ": "JWT"})
    return token, ttl


def verify_step_up_token(token: str, uid: str, purpose: Purpose) -> dict[str, Any]:
    """The claims of a valid step-up token issued to `uid` for `purpose`; StepUpRequired otherwise."""
    import jwt

    if not token or len(token) > MAX_TOKEN_CHARS:
        raise StepUpRequired(_REFUSED)
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
        raise StepUpRequired(_REFUSED) from exc
    if claims.get("typ") != TOKEN_TYPE or claims.get("sub") != uid or claims.get("pur") != purpose.value:
        raise StepUpRequired(_REFUSED)
    if not isinstance(claims.get("jti"), str) or not isinstance(claims.get("exp"), int):
        raise StepUpRequired(_REFUSED)
    return claims


@dataclass
class StepUp:
    """The outcome of `require_step_up`: nothing to spend, or a verified token to spend with the action."""

    uid: str
    jti: str | None = None
    expires: int = 0
    subject: str | None = None
    spent: dict[str, Any] = field(default_factory=dict)
    update_time: Any = None

    @property
    def to_spend(self) -> bool:
        return self.jti is not None and self.jti not in self.spent

    def spend(self, db: Client, transaction: Transaction | None = None) -> None:
        """Record the token as used, in `transaction` (after its reads), or else in a commit of its own.

        Without a transaction the record is written only if the document is as it was
        read: of two requests racing with one token, the second is refused.
        """
        if not self.to_spend:
            return
        assert self.jti is not None
        at = time.time()
        kept = {jti: entry for jti, entry in self.spent.items() if int(entry.get("exp", 0)) > at}
        kept[self.jti] = {"exp": self.expires, "subject": self.subject}
        ref = db.document(paths.user_secrets(self.uid))
        if transaction is not None:
            transaction.update(ref, {"stepUps": kept})
            return
        from google.api_core.exceptions import FailedPrecondition

        try:
            ref.update({"stepUps": kept}, option=db.write_option(last_update_time=self.update_time))
        except FailedPrecondition as exc:  # changed since read: maybe this very token, spent by a racer
            raise StepUpRequired(_REFUSED) from exc


@raises(PermissionDenied, StepUpRequired)
def require_step_up(
    caller: Caller,
    step_up_token: str | None,
    purpose: Purpose,
    *,
    transaction: Transaction | None = None,
    subject: str | None = None,
) -> StepUp:
    """StepUpRequired unless the caller has no TOTP, or presented an unspent step-up token for `purpose`.

    Call it after `access.authorize` (outsiders still get 404) and, in a transaction,
    before the action's writes; then `spend` what it returns with those writes.
    `subject` names the resource acted on (a spent token opens it again, nothing else).
    Costs one document read (the user's MFA state, or the token's record).
    """
    if caller.principal.kind != PrincipalKind.user:
        raise PermissionDenied("This action needs a signed-in user")
    snapshot = caller.db.document(paths.user_secrets(caller.uid)).get(transaction=transaction)
    secrets = (snapshot.to_dict() or {}) if snapshot.exists else {}
    if not step_up_token:
        if secrets.get("totpEnabled") is True:
            raise StepUpRequired(_REFUSED)
        return StepUp(caller.uid)
    claims = verify_step_up_token(step_up_token, caller.uid, purpose)
    spent = secrets.get("stepUps")
    spent = spent if isinstance(spent, dict) else {}
    earlier = spent.get(claims["jti"])
    if earlier is not None and (subject is None or earlier.get("subject") != subject):
        raise StepUpRequired("This step-up token was already used")
    if not snapshot.exists:
        raise StepUpRequired(_REFUSED)  # tokens are issued to users with TOTP only
    return StepUp(caller.uid, claims["jti"], int(claims["exp"]), subject, spent, snapshot.update_time)
