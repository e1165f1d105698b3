"""Invitations: signed, single-use, expiring tokens for joining an org.

The token is an HS256 JWT naming the invite and its org; only its SHA-256
hash is stored in `orgs/{orgId}/invites/{id}`, so a database reader cannot
use an invite. Acceptance checks, in one transaction: signature and expiry,
the stored hash, the stored expiry, that the invite is still pending, and that
the caller's *verified* email is the invited one; it then creates the
membership and marks the invite used (a replay finds it used).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from firebrick.audit import RequestMeta, record_audit
from firebrick.auth.principal import Principal, PrincipalKind
from firebrick.auth.step_up import require_step_up
from firebrick.clock import now
from firebrick.config import get_settings
from firebrick.errors import BadRequest, Conflict, FailedPrecondition, FirebrickError, NotFound, PermissionDenied
from firebrick.ids import new_id
from firebrick.policy import Access, Role, authorize_role_change
from firebrick.services.access import member_path
from firebrick.services.members import membership_doc

if TYPE_CHECKING:
    from google.cloud.firestore import Client, Transaction

ISSUER = "firebrick"
AUDIENCE = "firebrick:invite"
ALGORITHM = "HS256"
#: Used only against the emulators (demo-* projects, enforced by Settings): never in production.
_EMULATOR_KEY = "firebrick-emulator-only-invite-signing-key-0123456789"


class InviteNotConfigured(FirebrickError):
    code, title = "invites_not_configured", "Invitations are not configured"


def _signing_key() -> str:
    settings = get_settings()
    if settings.invite_token_secret is not None:
        return settings.invite_token_secret.get_secret_value()
    if settings.emulated:
        return _EMULATOR_KEY
    raise InviteNotConfigured()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_invite(
    db: Client,
    principal: Principal,
    access: Access,
    org_id: str,
    email: str,
    role: Role,
    *,
    ttl: timedelta | None = None,
    meta: RequestMeta | None = None,
    step_up_token: str | None = None,
    invite_id: str | None = None,
) -> dict[str, Any]:
    """A pending invite for `email` as `role` (admin+, roles below own; owner invites need owner).

    Inviting an owner grants owner: step-up once the caller has MFA. `invite_id`
    is fixed by the idempotency ledger so a retry lands on the same invite.
    """
    authorize_role_change(access, None, role)
    if role == Role.owner:
        require_step_up(principal, step_up_token, db=db)
    if not db.document(f"orgs/{org_id}").get().exists:
        raise NotFound("Organization not found")
    invite_id = invite_id or new_id()
    issued = now()
    expires = issued + (ttl if ttl is not None else timedelta(hours=get_settings().invite_ttl_hours))
    token = _sign(invite_id, org_id, issued, expires)
    batch = db.batch()
    batch.create(
        db.document(f"orgs/{org_id}/invites/{invite_id}"),
        {
            "email": email,
            "role": role.name,
            "status": "pending",
            "expiresAt": expires,
            "createdAt": issued,
            "createdBy": principal.uid,
            "tokenHash": token_hash(token),
        },
    )
    record_audit(
        db,
        "invite.created",
        org_id=org_id,
        actor_uid=principal.uid,
        target=f"orgs/{org_id}/invites/{invite_id}",
        meta=meta,
        details={"email": email, "role": role.name},
        writer=batch,
    )
    batch.commit()
    return {"id": invite_id, "token": token, "expiresAt": expires}


def _sign(invite_id: str, org_id: str, issued: datetime, expires: datetime) -> str:
    import jwt

    return jwt.encode(
        {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": invite_id,
            "org": org_id,
            "iat": int(issued.timestamp()),
            "exp": int(expires.timestamp()),
            "jti": new_id(),
        },
        _signing_key(),
        algorithm=ALGORITHM,
    )


def reissue_invite_token(
    db: Client,
    principal: Principal,
    access: Access,
    org_id: str,
    invite_id: str,
    *,
    step_up_token: str | None = None,
) -> str:
    """A new token for a pending invite its caller created (an idempotent replay of the create).

    The ledger never stores the first token, so a replay cannot return it; it
    signs a new one and stores its hash instead: the earlier token stops working
    and the invite stays single use. Same checks as the create.
    """
    ref = db.document(f"orgs/{org_id}/invites/{invite_id}")
    snapshot = ref.get()
    data = (snapshot.to_dict() or {}) if snapshot.exists else {}
    if not data or data.get("createdBy") != principal.uid:
        raise NotFound("Invitation not found")
    role = Role.parse(str(data.get("role")))
    authorize_role_change(access, None, role)
    if role == Role.owner:
        require_step_up(principal, step_up_token, db=db)
    if data.get("status") != "pending":
        raise FailedPrecondition("This invitation was already used")
    token = _sign(invite_id, org_id, now(), data["expiresAt"])
    ref.update({"tokenHash": token_hash(token)}, option=db.write_option(last_update_time=snapshot.update_time))
    return token


def _decode(token: str) -> dict[str, Any]:
    import jwt

    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            _signing_key(),
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["exp", "sub", "org", "jti"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise BadRequest("This invitation has expired") from exc
    except jwt.PyJWTError as exc:
        raise BadRequest("This invitation is not valid") from exc
    if not isinstance(claims.get("sub"), str) or not isinstance(claims.get("org"), str):
        raise BadRequest("This invitation is not valid")
    return claims


def accept_invite(db: Client, principal: Principal, token: str, meta: RequestMeta | None = None) -> dict[str, Any]:
    """Join the org as the invited role; the caller's verified email must be the invited one."""
    if principal.kind != PrincipalKind.user:
        raise PermissionDenied("Only users may accept invitations")
    claims = _decode(token)
    org_id, invite_id = claims["org"], claims["sub"]
    invite_ref = db.document(f"orgs/{org_id}/invites/{invite_id}")
    member_ref = db.document(member_path(org_id, principal.uid))

    from google.cloud import firestore

    @firestore.transactional
    def run(transaction: Transaction) -> dict[str, Any]:
        invite = invite_ref.get(transaction=transaction)
        org = db.document(f"orgs/{org_id}").get(transaction=transaction)
        data = invite.to_dict() or {}
        genuine = hmac.compare_digest(str(data.get("tokenHash", "")), token_hash(token))
        if not (invite.exists and org.exists and genuine):
            raise BadRequest("This invitation is not valid")
        caller_email = (principal.email or "").lower()
        if not principal.email_verified or not hmac.compare_digest(caller_email, str(data.get("email", ""))):
            raise PermissionDenied("This invitation was sent to a different, verified email address")
        if data.get("status") != "pending":
            raise FailedPrecondition("This invitation has already been used")
        expires = data.get("expiresAt")
        if expires is None or expires <= now():
            raise BadRequest("This invitation has expired")
        if member_ref.get(transaction=transaction).exists:
            raise Conflict("You are already a member of this organization")
        role = Role[str(data.get("role"))]
        profile = db.document(f"users/{principal.uid}").get(transaction=transaction)
        display_name = (profile.to_dict() or {}).get("displayName") if profile.exists else None
        joined = now()
        transaction.create(member_ref, membership_doc(principal.uid, role, display_name, joined))
        transaction.update(invite_ref, {"status": "accepted", "acceptedBy": principal.uid, "acceptedAt": joined})
        record_audit(
            db,
            "invite.accepted",
            org_id=org_id,
            actor_uid=principal.uid,
            target=f"orgs/{org_id}/invites/{invite_id}",
            meta=meta,
            details={"role": role.name, "createdBy": data.get("createdBy")},
            writer=transaction,
        )
        return {"orgId": org_id, "role": role.name}

    result: dict[str, Any] = run(db.transaction())
    return result
