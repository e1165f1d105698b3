"""Custom-claims sync: a user's claims are recomputed from all their memberships.

Fired by any write to `orgs/{orgId}/members/{uid}`. Recomputing from the source
documents (not applying the event's delta) makes the handler idempotent and
order-independent: a duplicate or late event computes the same answer, and
when nothing changed no write happens. After `set_custom_user_claims` we read
the memberships again and repeat if they moved meanwhile, so two overlapping
syncs for one user cannot leave the older answer in place.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from firebrick import paths
from firebrick.auth.claims import encode_claims
from firebrick.clients import firebase_app, firestore_client
from firebrick.clock import now
from firebrick.logs import get_logger, log_event
from firebrick.services.members import memberships_of

if TYPE_CHECKING:
    from google.cloud.firestore import Client

logger = get_logger("triggers.claims")

_MAX_ROUNDS = 3


def sync_user_claims(db: Client, uid: str) -> bool:
    """Make `uid`'s claims match their memberships; True when the claims changed."""
    from firebase_admin import auth

    app = firebase_app()
    changed = False
    for _ in range(_MAX_ROUNDS):
        try:
            user = auth.get_user(uid, app=app)
        except auth.UserNotFoundError:
            return changed  # deleted (or never a real user): nothing to carry claims
        current: dict[str, Any] = dict(user.custom_claims or {})
        roles = {org_id: role for org_id, role in memberships_of(db, uid).items() if role is not None}
        desired = encode_claims(roles, current)
        if desired == current:
            break
        try:
            auth.set_custom_user_claims(uid, desired, app=app)
        except auth.UserNotFoundError:
            return changed  # deleted meanwhile
        changed = True
    if changed:
        # Tells clients to force-refresh their ID token (`getIdToken(true)`).
        db.document(paths.user(uid)).set({"claimsUpdatedAt": now()}, merge=True)
        log_event(logger, logging.INFO, "claims synced", uid=uid)
    return changed


def on_membership_written(uid: str) -> None:
    """Entry point of the `claims_sync` trigger."""
    sync_user_claims(firestore_client(), uid)
