"""The caller's own account (`/v1/me`): profile, org roles and MFA status; deleting it.

Deleting decides from the membership documents (the source of truth) inside
the transaction that deletes them, never from claims or the derived
`users/{uid}.orgs` map, which may lag: an account that just created an org
cannot slip past the last-owner rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from firebrick import paths
from firebrick.audit import record_audit
from firebrick.auth.claims import claims_overflowed
from firebrick.auth.principal import PrincipalKind
from firebrick.auth.step_up import Purpose, require_step_up
from firebrick.context import Caller
from firebrick.errors import PermissionDenied, raises
from firebrick.models.me import Me, Mfa
from firebrick.policy import Role
from firebrick.services.access import spend_write
from firebrick.services.members import ensure_owner_remains, memberships_of
from firebrick.transactions import run_in_transaction

if TYPE_CHECKING:
    from google.cloud.firestore import Transaction


@raises(PermissionDenied)
def require_user(caller: Caller) -> None:
    """Account actions belong to signed-in users, never to service tokens."""
    if caller.principal.kind != PrincipalKind.user:
        raise PermissionDenied("This action needs a signed-in user")


@raises(require_user)
def get_me(caller: Caller) -> Me:
    """The caller's profile, org roles (as their token's claims carry them) and MFA status."""
    require_user(caller)
    db, principal = caller.db, caller.principal
    profile_ref = db.document(paths.user(principal.uid))
    secret_ref = db.document(paths.user_secrets(principal.uid))
    snapshots = db.get_all([profile_ref, secret_ref])
    docs = {snap.reference.path: (snap.to_dict() or {}) for snap in snapshots if snap.exists}
    profile = docs.get(profile_ref.path, {})
    return Me(
        uid=principal.uid,
        email=principal.email or profile.get("email"),
        display_name=profile.get("displayName") or principal.claims.get("name"),
        photo_url=profile.get("photoURL"),
        orgs={org_id: role.name for org_id, role in principal.claimed_org_roles.items()},
        platform_role="admin" if principal.platform_admin else None,
        mfa=Mfa(totp=docs.get(secret_ref.path, {}).get("totpEnabled") is True),
        claims_overflow=claims_overflowed(principal.claims),
    )


@raises(require_user, spend_write, require_step_up, ensure_owner_remains)
def delete_me(caller: Caller, *, step_up_token: str | None = None) -> None:
    """Delete the account and its personal data; 409 while the user is an org's last owner.

    The memberships, the owner checks and the deletions share one transaction,
    so two owners leaving at once cannot both pass the last-owner check. The
    Auth user is deleted last: if that fails the account still exists, without its data.
    """
    from firebase_admin import auth

    from firebrick.auth.tokens import user_access_changed
    from firebrick.clients import firebase_app

    require_user(caller)
    spend_write(caller.db, caller.principal)
    db, uid = caller.db, caller.uid

    def run(transaction: Transaction) -> None:
        # The step-up's record goes with `userSecrets/{uid}`, deleted below: that spends it.
        require_step_up(caller, step_up_token, Purpose.delete_account, transaction=transaction, subject=paths.user(uid))
        roles = memberships_of(db, uid, transaction=transaction)
        for org_id, role in sorted(roles.items()):
            if role == Role.owner:
                ensure_owner_remains(db, transaction, org_id, uid)
        for org_id in roles:
            transaction.delete(db.document(paths.member(org_id, uid)))
        transaction.delete(db.document(paths.user(uid)))
        transaction.delete(db.document(paths.user_secrets(uid)))
        record_audit(db, "auth.account_deleted", actor_uid=uid, target=uid, ctx=caller.ctx, writer=transaction)

    run_in_transaction(db, run)
    auth.delete_user(uid, app=firebase_app())
    user_access_changed(uid)
