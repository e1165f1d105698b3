"""Append-only audit trail of security-relevant actions.

Org-scoped entries go to `orgs/{orgId}/audit/{id}` (admin+ may read them);
account-level ones (sign-up, sign-in, logout, MFA) go to the top-level `audit`
collection, which no client can read. Entries never contain secrets or tokens.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from firebrick.clock import now
from firebrick.ids import new_id

if TYPE_CHECKING:
    from google.cloud.firestore import Client, Transaction, WriteBatch


@dataclass(frozen=True, slots=True)
class RequestMeta:
    """Where a request came from, for the audit trail."""

    ip: str | None = None
    user_agent: str | None = None


def audit_entry(
    action: str,
    *,
    actor_uid: str | None,
    target: str | None = None,
    meta: RequestMeta | None = None,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The document written for one audited action."""
    meta = meta or RequestMeta()
    return {
        "action": action,
        "actorUid": actor_uid,
        "target": target,
        "ip": meta.ip,
        "userAgent": (meta.user_agent or "")[:256] or None,
        "details": details or {},
        "at": now(),
    }


def audit_path(org_id: str | None) -> str:
    return f"orgs/{org_id}/audit" if org_id else "audit"


def record_audit(
    db: Client,
    action: str,
    *,
    org_id: str | None = None,
    actor_uid: str | None,
    target: str | None = None,
    meta: RequestMeta | None = None,
    details: dict[str, Any] | None = None,
    writer: Transaction | WriteBatch | None = None,
) -> str:
    """Write an audit entry, inside `writer` (a transaction or batch) when given; returns its id."""
    entry = audit_entry(action, actor_uid=actor_uid, target=target, meta=meta, details=details)
    entry_id = new_id()
    ref = db.collection(audit_path(org_id)).document(entry_id)
    if writer is not None:
        writer.set(ref, entry)
    else:
        ref.set(entry)
    return entry_id
