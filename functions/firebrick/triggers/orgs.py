"""`derive_org`: an org write -> catch-up counts, member `users.orgs` names, cascade."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from firebrick import paths
from firebrick.reducers.activity import source_changed
from firebrick.state import counters, derived
from firebrick.triggers.events import cascade_delete, db_or_default, doc_change

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentReference


def on_org_written(event: Any, db: Client | None = None) -> None:
    """Handle `orgs/{orgId}` written. State-based throughout, so no event ledger is needed."""
    db = db_or_default(db)
    change = doc_change(event)
    before, after = change.before.data, change.after.data
    if not source_changed("org", before, after):
        return
    (org,) = change.chain(db)
    member_ids = [m.id for m in org.collection(paths.MEMBERS).select([]).stream()]
    if after is None:
        cascade_delete(db, org)
    elif before is None:
        catch_up_org(db, org)
    if after is None or before is None or before.get("name") != after.get("name"):
        for uid in member_ids:
            derived.refresh_user_org(db, uid, org.id)


def catch_up_org(db: Client, org: DocumentReference) -> None:
    """Count members and projects written before the org doc (their events found no org)."""
    for collection, counter in ((paths.MEMBERS, counters.ORG_MEMBERS), (paths.PROJECTS, counters.ORG_PROJECTS)):
        for doc in org.collection(collection).select([]).stream():
            counters.sync_entity(db, org, counter, doc.id, doc.reference)
    counters.rollup(db, org, counters.OWNER_COUNTERS["org"])
