"""Blocking auth handlers: run by Firebase Auth before a user is created or signed in.

They apply to every sign-up/sign-in path (SDK clients, `/v1/auth/...`), so the
checks that must always hold live here. Blocking functions are not retried and
must answer within 7 s; the audit write is keyed by the event id, so even a
duplicate call writes one entry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from firebrick.audit import record_audit
from firebrick.auth.claims import ORGS_CLAIM
from firebrick.auth.domains import email_domain_blocked
from firebrick.context import RequestContext
from firebrick.logs import get_logger
from firebrick.services.profiles import normalise_display_name

if TYPE_CHECKING:
    from firebase_functions.identity_fn import AuthBlockingEvent, BeforeCreateResponse, BeforeSignInResponse

logger = get_logger("triggers.identity")

#: Claims every new user starts with: member of no org (the claims sync owns `o` from then on).
INITIAL_CLAIMS: dict[str, Any] = {ORGS_CLAIM: {}}


def _refuse(message: str) -> Exception:
    from firebase_functions.https_fn import FunctionsErrorCode, HttpsError

    return HttpsError(FunctionsErrorCode.PERMISSION_DENIED, message)


def on_before_user_created(event: AuthBlockingEvent) -> BeforeCreateResponse | None:
    """Refuse blocked email domains; normalise the display name; give the initial claims."""
    from firebase_functions.identity_fn import BeforeCreateResponse

    user = event.data
    if user.email and email_domain_blocked(user.email):
        raise _refuse("Sign-up with this email domain is not allowed")
    response = BeforeCreateResponse(custom_claims=dict(INITIAL_CLAIMS))
    name = normalise_display_name(user.display_name)
    if name != user.display_name:
        response["display_name"] = name
    return response


def _audit_sign_in(event: AuthBlockingEvent, action: str, details: dict[str, Any]) -> None:
    """Write the sign-in audit entry, keyed by event id; a failed write is logged, not fatal."""
    from firebrick.clients import firestore_client

    ctx = RequestContext(request_id=event.event_id, client_ip=event.ip_address or None, user_agent=event.user_agent)
    uid = event.data.uid
    try:
        record_audit(
            firestore_client(),
            action,
            actor_uid=uid,
            target=uid,
            ctx=ctx,
            details=details,
            entry_id=f"signin-{event.event_id}",
        )
    except Exception:  # an audit outage must not lock every user out; the log keeps the trace
        logger.exception("could not write sign-in audit entry", extra={"fields": {"uid": uid}})


def _ensure_profile(event: AuthBlockingEvent) -> None:
    """Create `users/{uid}` on first sign-in when no profile exists (SDK sign-ups); never overwrite."""
    from google.api_core.exceptions import AlreadyExists

    from firebrick import paths
    from firebrick.clients import firestore_client
    from firebrick.services.profiles import profile_doc

    user = event.data
    try:
        firestore_client().document(paths.user(user.uid)).create(
            profile_doc(user.display_name, user.email, user.photo_url)
        )
    except AlreadyExists:
        pass
    except Exception:  # a missing profile is repaired on the next sign-in; never block it
        logger.exception("could not create profile", extra={"fields": {"uid": user.uid}})


def on_before_user_signed_in(event: AuthBlockingEvent) -> BeforeSignInResponse | None:
    """Refuse disabled users; make sure a profile exists; record the sign-in in the audit trail."""
    user = event.data
    info = event.additional_user_info
    provider = getattr(info, "provider_id", None) if info is not None else None
    if user.disabled:
        _audit_sign_in(event, "auth.sign_in_refused", {"reason": "disabled"})
        raise _refuse("This account is disabled")
    # The event does not say whether this is the sign-up's own sign-in, so always try:
    # one `create` per sign-in, refused (ALREADY_EXISTS) once the profile exists.
    _ensure_profile(event)
    _audit_sign_in(event, "auth.sign_in", {"provider": provider})
    return None
