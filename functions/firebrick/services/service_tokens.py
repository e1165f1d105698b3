"""Org service tokens: create (shown once), list (no secrets), revoke (at once).

Records live in `orgs/{orgId}/tokens/{id}` (server-only; the id is the JWT's
`jti`); the token itself is never stored: it is verifiable by signature, and
the record is what makes it revocable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from firebrick.audit import RequestMeta, record_audit
from firebrick.auth.principal import Principal
from firebrick.auth.service_tokens import MAX_ROLE, forget_service_token, mint_service_token, token_path
from firebrick.auth.step_up import require_step_up
from firebrick.clock import now
from firebrick.errors import NotFound, PermissionDenied
from firebrick.ids import new_id
from firebrick.policy import Action, Role, authorize
from firebrick.services.access import org_access

if TYPE_CHECKING:
    from google.cloud.firestore import Client


@dataclass(frozen=True, slots=True)
class TokenRecord:
    id: str
    name: str
    role: str
    created_by: str | None
    created_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


def _record(token_id: str, data: dict[str, Any]) -> TokenRecord:
    return TokenRecord(
        id=token_id,
        name=str(data.get("name", "")),
        role=str(data.get("role", "")),
        created_by=data.get("createdBy"),
        created_at=data.get("createdAt"),
        expires_at=data.get("expiresAt"),
        revoked_at=data.get("revokedAt"),
    )


def create_service_token(
    db: Client,
    principal: Principal,
    org_id: str,
    *,
    name: str,
    role: Role,
    expires_in_days: int,
    step_up_token: str | None,
    meta: RequestMeta,
    token_id: str | None = None,
) -> tuple[TokenRecord, str]:
    """Admin+ (and step-up once MFA is on): a new token for `org_id`; the token is returned only here.

    `token_id` is fixed by the idempotency ledger (a retry lands on the same record).
    """
    authorize(org_access(db, principal, org_id), Action.manage_tokens)
    require_step_up(principal, step_up_token, db=db)
    if role > MAX_ROLE:
        raise PermissionDenied("Service tokens may carry at most the member role")
    token_id = token_id or new_id()
    created = now()
    expires = created + timedelta(days=expires_in_days)
    token = mint_service_token(org_id, token_id, role, expires)
    data = {
        "orgId": org_id,
        "name": name,
        "role": role.name,
        "createdBy": principal.uid,
        "createdAt": created,
        "expiresAt": expires,
        "revokedAt": None,
    }
    batch = db.batch()
    batch.create(db.document(token_path(org_id, token_id)), data)
    record_audit(db, "service_token.created", org_id=org_id, actor_uid=principal.uid, target=token_id, meta=meta,
                 details={"name": name, "role": role.name, "expiresAt": expires.isoformat()}, writer=batch)
    batch.commit()
    return _record(token_id, data), token


def reissue_service_token(
    db: Client, principal: Principal, org_id: str, token_id: str, *, step_up_token: str | None
) -> str:
    """The token again, for an idempotent replay of its create (the ledger never stores it).

    Signed afresh for the same record (same `jti`, role, expiry): both strings are
    the one credential, and revoking the record revokes both. Same checks as the
    create, and only for the caller who created it, while it is not revoked.
    """
    authorize(org_access(db, principal, org_id), Action.manage_tokens)
    require_step_up(principal, step_up_token, db=db)
    snapshot = db.document(token_path(org_id, token_id)).get()
    data = (snapshot.to_dict() or {}) if snapshot.exists else {}
    if not data or data.get("createdBy") != principal.uid or data.get("revokedAt") is not None:
        raise NotFound("Token not found")
    return mint_service_token(org_id, token_id, Role[str(data["role"])], data["expiresAt"])


def list_service_tokens(db: Client, principal: Principal, org_id: str) -> list[TokenRecord]:
    authorize(org_access(db, principal, org_id), Action.manage_tokens)
    docs = db.collection(f"orgs/{org_id}/tokens").order_by("createdAt").limit(500).stream()
    return [_record(doc.id, doc.to_dict() or {}) for doc in docs]


def revoke_service_token(db: Client, principal: Principal, org_id: str, token_id: str, meta: RequestMeta) -> None:
    """Revoke at once (this instance) / within the verification cache window (others)."""
    authorize(org_access(db, principal, org_id), Action.manage_tokens)
    ref = db.document(token_path(org_id, token_id))
    snapshot = ref.get()
    if not snapshot.exists:
        raise NotFound("Token not found")
    if (snapshot.to_dict() or {}).get("revokedAt") is None:
        batch = db.batch()
        batch.update(ref, {"revokedAt": now(), "revokedBy": principal.uid})
        record_audit(db, "service_token.revoked", org_id=org_id, actor_uid=principal.uid, target=token_id,
                     meta=meta, writer=batch)
        batch.commit()
    forget_service_token(org_id, token_id)
