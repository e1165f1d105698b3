"""TOTP second factor: enroll, confirm, verify codes.

Secrets live in `userSecrets/{uid}` (denied to every client by the rules) and are
also encrypted (AES-GCM, key derived from the auth secret, uid as associated
data) so a leaked export or misconfigured rule reveals nothing usable. The last
accepted time step is stored so a code cannot be replayed.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from firebrick import paths
from firebrick.auth.keys import derived_key
from firebrick.clock import now
from firebrick.errors import FailedPrecondition, PermissionDenied, raises
from firebrick.transactions import run_in_transaction

if TYPE_CHECKING:
    from google.cloud.firestore import Client, Transaction

ISSUER = "Firebrick"
_VALID_WINDOW = 1  # accept the previous and next 30 s step too (clock drift)


@dataclass(frozen=True, slots=True)
class Enrollment:
    secret: str
    otpauth_uri: str


def _aead() -> Any:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(derived_key("totp-secret-encryption"))


def _encrypt(uid: str, secret: str) -> str:
    nonce = os.urandom(12)
    sealed = _aead().encrypt(nonce, secret.encode(), uid.encode())
    return base64.b64encode(nonce + sealed).decode()


def _decrypt(uid: str, blob: str) -> str:
    raw = base64.b64decode(blob)
    return str(_aead().decrypt(raw[:12], raw[12:], uid.encode()).decode())


def totp_enabled(db: Client, uid: str) -> bool:
    """True once the user confirmed a TOTP enrollment (one document read)."""
    snapshot = db.document(paths.user_secrets(uid)).get()
    return bool(snapshot.exists and (snapshot.to_dict() or {}).get("totpEnabled") is True)


def enroll(db: Client, uid: str, email: str | None) -> Enrollment:
    """Start (or restart) an enrollment: a new pending secret; the active one stays until confirm."""
    import pyotp

    secret = pyotp.random_base32()
    uri = pyotp.TOTP(secret).provisioning_uri(name=email or uid, issuer_name=ISSUER)
    db.document(paths.user_secrets(uid)).set({"totpPending": _encrypt(uid, secret), "pendingAt": now()}, merge=True)
    return Enrollment(secret, uri)


@raises(PermissionDenied)
def _accepted_step(uid: str, blob: str, code: str, after_step: int) -> int:
    """The time step `code` is valid for under the encrypted secret `blob` (within drift, later than
    `after_step`); a code that matches none is refused."""
    import pyotp

    secret = _decrypt(uid, blob)
    if len(code) == 6 and code.isdigit():
        totp = pyotp.TOTP(secret)
        current = int(now().timestamp()) // totp.interval
        for step in range(current - _VALID_WINDOW, current + _VALID_WINDOW + 1):
            if step > after_step and pyotp.utils.strings_equal(totp.generate_otp(step), code):
                return step
    raise PermissionDenied("Invalid code", reason="invalid_totp_code")


def _update_secrets(db: Client, uid: str, decide: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    """Write what `decide(secrets)` returns to the user's secrets, in the transaction that read them:
    of two requests with the same code, one sees the other's `lastStep`."""
    ref = db.document(paths.user_secrets(uid))

    def body(transaction: Transaction) -> None:
        transaction.update(ref, decide(ref.get(transaction=transaction).to_dict() or {}))

    run_in_transaction(db, body)


@raises(FailedPrecondition, _accepted_step)
def confirm(db: Client, uid: str, code: str) -> None:
    """Activate the pending secret if `code` matches it; refused codes change nothing."""

    def activate(secrets: dict[str, Any]) -> dict[str, Any]:
        pending = secrets.get("totpPending")
        if not isinstance(pending, str):
            raise FailedPrecondition("Start a TOTP enrollment first")
        step = _accepted_step(uid, pending, code, after_step=-1)
        return {"totpSecret": pending, "totpEnabled": True, "totpPending": None, "lastStep": step, "enabledAt": now()}

    _update_secrets(db, uid, activate)


@raises(FailedPrecondition, _accepted_step)
def verify_code(db: Client, uid: str, code: str) -> None:
    """Accept a current, unused code of the active secret (a replayed code is refused)."""

    def accept(secrets: dict[str, Any]) -> dict[str, Any]:
        blob = secrets.get("totpSecret")
        if secrets.get("totpEnabled") is not True or not isinstance(blob, str):
            raise FailedPrecondition("TOTP is not enabled for this account")
        return {"lastStep": _accepted_step(uid, blob, code, after_step=int(secrets.get("lastStep", -1)))}

    _update_secrets(db, uid, accept)
