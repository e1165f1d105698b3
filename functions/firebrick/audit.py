"""Append-only audit trail of security-relevant actions.

Org-scoped entries go to `orgs/{orgId}/audit/{id}` (admin+ may read them);
account-level ones (sign-up, sign-in, logout, MFA) go to the top-level `audit`
collection, which no client can read. Entries never contain secrets or tokens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from firebrick import paths
from firebrick.clock import now
from firebrick.context import Caller, RequestContext
from firebrick.ids import new_id

if TYPE_CHECKING:
    from google.cloud.firestore import Client, Transaction, WriteBatch

_MAX_USER_AGENT_CHARS = 256


def audit_entry(
    action: str,
    *,
    actor_uid: str | None,
    target: str | None = None,
    ctx: RequestContext | None = None,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The document written for one audited action."""
    ctx = ctx or RequestContext()
    return {
        "action": action,
        "actorUid": actor_uid,
        "target": target,
        "ip": ctx.client_ip,
        "userAgent": (ctx.user_agent or "")[:_MAX_USER_AGENT_CHARS] or None,
        "requestId": ctx.request_id,
        "details": details or {},
        "at": now(),
    }


def record_audit(
    db: Client,
    action: str,
    *,
    org_id: str | None = None,
    actor_uid: str | None,
    target: str | None = None,
    ctx: RequestContext | None = None,
    details: dict[str, Any] | None = None,
    writer: Transaction | WriteBatch | None = None,
    entry_id: str | None = None,
) -> str:
    """Write an audit entry, inside `writer` (a transaction or batch) when given; returns its id.

    `entry_id` makes a retried write (e.g. a redelivered event) land on the same entry.
    """
    entry = audit_entry(action, actor_uid=actor_uid, target=target, ctx=ctx, details=details)
    entry_id = entry_id or new_id()
    ref = db.collection(paths.audit(org_id)).document(entry_id)
    if writer is not None:
        writer.set(ref, entry)
    else:
        ref.set(entry)
    return entry_id


def audit_by(
    caller: Caller,
    action: str,
    target: str,
    *,
    org_id: str | None = None,
    details: dict[str, Any] | None = None,
    writer: Transaction | WriteBatch | None = None,
) -> str:
    """Record what a command's caller did (the usual case); `record_audit` serves events without one."""
    return record_audit(
        caller.db,
        action,
        org_id=org_id,
        actor_uid=caller.uid,
        target=target,
        ctx=caller.ctx,
        details=details,
        writer=writer,
    )
