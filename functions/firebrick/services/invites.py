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

from firebrick import paths
from firebrick.audit import audit_by
from firebrick.auth.principal import PrincipalKind
from firebrick.auth.step_up import Purpose, StepUp, require_step_up
from firebrick.clock import now
from firebrick.config import get_settings, secret_bytes
from firebrick.context import Caller
from firebrick.errors import BadRequest, Conflict, FailedPrecondition, NotFound, PermissionDenied, raises
from firebrick.ids import new_id
from firebrick.models.invites import InviteAccepted, InviteCreate, InviteCreated
from firebrick.models.refs import OrgRef
from firebrick.policy import Action, Role, authorize_role_change
from firebrick.services.access import authorize, spend_write
from firebrick.services.documents import Versioned
from firebrick.services.members import membership_doc
from firebrick.transactions import run_in_transaction

if TYPE_CHECKING:
    from google.cloud.firestore import Transaction

ISSUER = "firebrick"
AUDIENCE = "firebrick:invite"
ALGORITHM = "HS256"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@raises(authorize, require_step_up, PermissionDenied)
def create_invite(
    caller: Caller,
    org: OrgRef,
    body: InviteCreate,
    invite_id: str | None = None,
    *,
    step_up_token: str | None = None,
    ttl: timedelta | None = None,
) -> Versioned[InviteCreated]:
    """A pending invite for `body.email` as `body.role` (admin+, roles below own; owner invites need owner).

    Inviting an owner grants owner: step-up once the caller has MFA. `invite_id`
    is fixed by the idempotency keys so a retry lands on the same invite.
    """
    db, org_id = caller.db, org.org_id
    role = Role[body.role]
    invite_id = invite_id or new_id()
    ref = db.document(paths.invite(org_id, invite_id))
    issued = now()
    expires = issued + (ttl if ttl is not None else timedelta(hours=get_settings().invite_ttl_hours))
    token = _sign(invite_id, org_id, issued, expires)

    def run(transaction: Transaction) -> None:
        access = authorize(caller, org_id, Action.manage_members, transaction=transaction)
        authorize_role_change(access, None, role)
        step_up: StepUp | None = None
        if role == Role.owner:
            step_up = require_step_up(
                caller, step_up_token, Purpose.grant_owner, transaction=transaction, subject=ref.path
            )
        invite = {
            "email": body.email,
            "role": role.name,
            "status": "pending",
            "expiresAt": expires,
            "createdAt": issued,
            "createdBy": caller.uid,
            "tokenHash": token_hash(token),
        }
        transaction.create(ref, invite)
        details = {"email": body.email, "role": role.name}
        audit_by(caller, "invite.created", ref.path, org_id=org_id, details=details, writer=transaction)
        if step_up is not None:
            step_up.spend(db, transaction)

    run_in_transaction(db, run)
    return Versioned(InviteCreated(id=invite_id, token=token, expires_at=expires), None)


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
        secret_bytes("INVITE_TOKEN_SECRET"),
        algorithm=ALGORITHM,
    )


@raises(authorize, require_step_up, PermissionDenied, NotFound, FailedPrecondition)
def reissue_invite_token(caller: Caller, org: OrgRef, invite_id: str, *, step_up_token: str | None = None) -> str:
    """A new token for a pending invite its caller created (an idempotent replay of the create).

    The idempotency keys never store the first token, so a replay cannot return it; it
    signs a new one and stores its hash instead: the earlier token stops working
    and the invite stays single use. Same checks as the create.
    """
    db, org_id = caller.db, org.org_id
    access = authorize(caller, org_id, Action.manage_members)
    ref = db.document(paths.invite(org_id, invite_id))
    snapshot = ref.get()
    data = (snapshot.to_dict() or {}) if snapshot.exists else {}
    role = Role.named(data.get("role"))
    if role is None or data.get("createdBy") != caller.uid:
        raise NotFound("Invitation not found")
    authorize_role_change(access, None, role)
    if role == Role.owner:
        require_step_up(caller, step_up_token, Purpose.grant_owner, subject=ref.path).spend(db)
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
            secret_bytes("INVITE_TOKEN_SECRET"),
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


@raises(PermissionDenied, BadRequest, spend_write, FailedPrecondition, Conflict)
def accept_invite(caller: Caller, token: str) -> InviteAccepted:
    """Join the org as the invited role; the caller's verified email must be the invited one."""
    db, principal = caller.db, caller.principal
    if principal.kind != PrincipalKind.user:
        raise PermissionDenied("Only users may accept invitations")
    claims = _decode(token)
    org_id, invite_id = claims["org"], claims["sub"]
    spend_write(db, principal, org_id)  # a genuine token names the org: nobody else can spend its budget
    invite_ref = db.document(paths.invite(org_id, invite_id))
    member_ref = db.document(paths.member(org_id, principal.uid))

    def run(transaction: Transaction) -> InviteAccepted:
        invite = invite_ref.get(transaction=transaction)
        org = db.document(paths.org(org_id)).get(transaction=transaction)
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
        profile = db.document(paths.user(principal.uid)).get(transaction=transaction)
        display_name = (profile.to_dict() or {}).get("displayName") if profile.exists else None
        joined = now()
        transaction.create(member_ref, membership_doc(principal.uid, role, display_name, joined))
        transaction.update(invite_ref, {"status": "accepted", "acceptedBy": principal.uid, "acceptedAt": joined})
        audit_by(
            caller,
            "invite.accepted",
            paths.invite(org_id, invite_id),
            org_id=org_id,
            details={"role": role.name, "createdBy": data.get("createdBy")},
            writer=transaction,
        )
        return InviteAccepted(org_id=org_id, role=role.name)

    return run_in_transaction(db, run)
