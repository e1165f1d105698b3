"""Org service tokens: create (shown once), list (no secrets), revoke (at once).

Records live in `orgs/{orgId}/tokens/{id}` (server-only; the id is the JWT's
`jti`); the token itself is never stored: it is verifiable by signature, and
the record is what makes it revocable.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from firebrick import paths
from firebrick.audit import audit_by
from firebrick.auth.service_tokens import MAX_ROLE, mint_service_token, service_token_revoked
from firebrick.auth.step_up import Purpose, require_step_up
from firebrick.clock import now
from firebrick.context import Caller
from firebrick.errors import NotFound, PermissionDenied, raises
from firebrick.ids import new_id
from firebrick.models.common import Items
from firebrick.models.refs import OrgRef, TokenRef
from firebrick.models.tokens import ServiceToken, ServiceTokenCreate, ServiceTokenCreated
from firebrick.policy import Action, Role
from firebrick.services.access import authorize
from firebrick.services.documents import Versioned
from firebrick.transactions import run_in_transaction

if TYPE_CHECKING:
    from google.cloud.firestore import Transaction

#: More tokens than any org needs; a listing never grows past it.
MAX_LISTED = 500


def token_from(token_id: str, data: dict[str, Any]) -> ServiceToken:
    return ServiceToken(
        id=token_id,
        name=str(data.get("name", "")),
        role=str(data.get("role", "")),
        created_by=data.get("createdBy"),
        created_at=data.get("createdAt"),
        expires_at=data.get("expiresAt"),
        revoked=data.get("revokedAt") is not None,
    )


@raises(authorize, require_step_up, PermissionDenied)
def create_service_token(
    caller: Caller,
    org: OrgRef,
    body: ServiceTokenCreate,
    token_id: str | None = None,
    *,
    step_up_token: str | None = None,
) -> Versioned[ServiceTokenCreated]:
    """Admin+ (and step-up once MFA is on): a new token for `org_id`; the token is returned only here.

    `token_id` is fixed by the idempotency keys (a retry lands on the same record).
    """
    org_id = org.org_id
    role = Role[body.role]
    token_id = token_id or new_id()
    ref = caller.db.document(paths.token(org_id, token_id))
    created = now()
    expires = created + timedelta(days=body.expires_in_days)
    data = {
        "orgId": org_id,
        "name": body.name,
        "role": role.name,
        "createdBy": caller.uid,
        "createdAt": created,
        "expiresAt": expires,
        "revokedAt": None,
    }

    def run(transaction: Transaction) -> None:
        authorize(caller, org_id, Action.manage_tokens, transaction=transaction)
        step_up = require_step_up(
            caller, step_up_token, Purpose.create_service_token, transaction=transaction, subject=ref.path
        )
        if role > MAX_ROLE:
            raise PermissionDenied("Service tokens may carry at most the member role")
        transaction.create(ref, data)
        details = {"name": body.name, "role": role.name, "expiresAt": expires.isoformat()}
        audit_by(caller, "service_token.created", token_id, org_id=org_id, details=details, writer=transaction)
        step_up.spend(caller.db, transaction)

    run_in_transaction(caller.db, run)
    token = mint_service_token(org_id, token_id, role, expires)
    created_token = ServiceTokenCreated(**token_from(token_id, data).model_dump(), token=token)
    return Versioned(created_token, None)


@raises(authorize, require_step_up, NotFound)
def reissue_service_token(caller: Caller, token: TokenRef, *, step_up_token: str | None = None) -> str:
    """The token again, for an idempotent replay of its create (the idempotency keys never store it).

    Signed afresh for the same record (same `jti`, role, expiry): both strings are
    the one credential, and revoking the record revokes both. Same checks as the
    create, and only for the caller who created it, while it is not revoked.
    """
    authorize(caller, token.org_id, Action.manage_tokens)
    require_step_up(caller, step_up_token, Purpose.create_service_token, subject=token.path).spend(caller.db)
    snapshot = caller.db.document(token.path).get()
    data = (snapshot.to_dict() or {}) if snapshot.exists else {}
    role = Role.named(data.get("role"))
    if role is None or data.get("createdBy") != caller.uid or data.get("revokedAt") is not None:
        raise NotFound("Token not found")
    return mint_service_token(token.org_id, token.token_id, role, data["expiresAt"])


@raises(authorize)
def list_service_tokens(caller: Caller, org: OrgRef) -> Items[ServiceToken]:
    authorize(caller, org.org_id, Action.manage_tokens)
    docs = caller.db.collection(paths.tokens(org.org_id)).order_by("createdAt").limit(MAX_LISTED).stream()
    return Items[ServiceToken](items=[token_from(doc.id, doc.to_dict() or {}) for doc in docs])


@raises(authorize, NotFound)
def revoke_service_token(caller: Caller, token: TokenRef) -> None:
    """Revoke at once in this instance, within 5 s in every other (`auth/revocations.py`)."""
    authorize(caller, token.org_id, Action.manage_tokens)
    ref = caller.db.document(token.path)
    snapshot = ref.get()
    if not snapshot.exists:
        raise NotFound("Token not found")
    if (snapshot.to_dict() or {}).get("revokedAt") is None:
        batch = caller.db.batch()
        batch.update(ref, {"revokedAt": now(), "revokedBy": caller.uid})
        audit_by(caller, "service_token.revoked", token.token_id, org_id=token.org_id, writer=batch)
        batch.commit()
    service_token_revoked(caller.db, token.org_id, token.token_id)
