"""What projects, tasks and comments share: an org resource read, created, updated and deleted alike.

Each kind brings its reference (whose `path` names its document), its 404, and
`build`, which turns a stored document into its response model; these functions
do the rest the same way for all three, so a GET or a write answers alike
whichever kind it is. Decisions that differ (which action, who may edit, what a
create stores) stay in the kind's own service.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from firebrick.audit import audit_by
from firebrick.context import Caller
from firebrick.errors import FirebrickError, raises
from firebrick.policy import Action
from firebrick.services import documents
from firebrick.services.access import authorize, read_authorized
from firebrick.services.documents import Versioned

if TYPE_CHECKING:
    from google.cloud.firestore import WriteBatch

    from firebrick.models.refs import OrgRef

R = TypeVar("R", bound="OrgRef")
M = TypeVar("M")
#: Turns the stored document a reference names into its response model.
Build = Callable[[R, Mapping[str, Any]], M]


def resource_reader(not_found: Callable[[], FirebrickError], build: Build[R, M]) -> Callable[[Caller, R], Versioned[M]]:
    """The GET of one kind: `read_authorized` for the document a reference names, as its model with its ETag."""

    @raises(read_authorized)
    def read(caller: Caller, ref: R) -> Versioned[M]:
        _access, data, etag = read_authorized(caller, ref.org_id, ref.path, not_found())
        return Versioned(build(ref, data), etag)

    return read


@raises(documents.create_document)
def create_resource(caller: Caller, ref: R, data: dict[str, Any], build: Build[R, M]) -> Versioned[M]:
    """Create the document `ref` names (an idempotent retry gets it as stored), as its model with its ETag."""
    stored, etag = documents.create_document(caller.db, ref.path, data)
    return Versioned(build(ref, stored), etag)


@raises(documents.update_document)
def update_resource(
    caller: Caller,
    ref: R,
    build: Build[R, M],
    *,
    if_match: str | None,
    not_found: FirebrickError,
    decide: Callable[[dict[str, Any]], dict[str, Any]],
) -> Versioned[M]:
    """`documents.update_document` on the document `ref` names, as its model with its new ETag."""
    stored, etag = documents.update_document(caller.db, ref.path, if_match=if_match, not_found=not_found, decide=decide)
    return Versioned(build(ref, stored), etag)


@raises(authorize, documents.delete_document)
def delete_audited(
    caller: Caller,
    ref: OrgRef,
    action: Action,
    not_found: FirebrickError,
    *,
    if_match: str | None,
    event: str,
    label: str,
) -> None:
    """Delete the document `ref` names once the policy allowed `action`, and audit `event` with its `label` field.

    The audit entry is written in the deletion's batch: both land or neither. What lies
    under the document goes with it through its cascade trigger.
    """
    authorize(caller, ref.org_id, action)

    def audit(deleted: dict[str, Any], batch: WriteBatch) -> None:
        details = {label: deleted.get(label)}
        audit_by(caller, event, ref.path, org_id=ref.org_id, details=details, writer=batch)

    documents.delete_document(caller.db, ref.path, if_match=if_match, not_found=not_found, audit=audit)
