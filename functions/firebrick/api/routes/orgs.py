"""`/v1/orgs`, `/v1/orgs/{orgId}/members`, invitations: an org and who belongs to it.

Orgs: any user creates one and owns it; members read it; only owners rename or
delete it. Members: viewer+ list them; admin+ change roles below their own and
remove members; anyone may leave; owners are the only ones to grant or revoke
owner, and the last owner stays. Invitations: admin+ invite (roles below their
own); the invited, verified email's user accepts.
"""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from firebrick.api.deps import CurrentCaller, IfMatch, IfNoneMatch, MemberPath, OrgPath, StepUpHeader
from firebrick.api.responses import IdempotencyKey, Secret, create_response, read_response, with_etag
from firebrick.models.common import Items
from firebrick.models.invites import InviteAccept, InviteAccepted, InviteCreate, InviteCreated
from firebrick.models.members import Member, MemberUpdate
from firebrick.models.orgs import Org, OrgCreate, OrgUpdate
from firebrick.policy import Role
from firebrick.services import invites, members, orgs

router = APIRouter(prefix="/orgs", tags=["orgs"])


@router.post("", status_code=201, summary="Create an org; the caller becomes its owner", response_model=Org)
def create_org(request: Request, caller: CurrentCaller, body: OrgCreate, key: IdempotencyKey = None) -> JSONResponse:
    return create_response(request, caller, key, body, partial(orgs.create_org, caller, body.name))


@router.get("", summary="The caller's orgs")
def list_orgs(caller: CurrentCaller) -> Items[Org]:
    return orgs.list_orgs(caller)


@router.get("/{orgId}", summary="Read an org (members; platform admins for support)", response_model=Org)
def get_org(
    response: Response, caller: CurrentCaller, org: OrgPath, if_none_match: IfNoneMatch = None
) -> Org | Response:
    return read_response(response, orgs.get_org(caller, org), if_none_match)


@router.patch("/{orgId}", summary="Rename an org (owner)")
def rename_org(
    response: Response, caller: CurrentCaller, org: OrgPath, body: OrgUpdate, if_match: IfMatch = None
) -> Org:
    return with_etag(response, orgs.rename_org(caller, org, body.name, if_match=if_match))


@router.delete(
    "/{orgId}",
    status_code=204,
    summary="Delete an org and all it holds (owner; step-up once MFA is on)",
)
def delete_org(caller: CurrentCaller, org: OrgPath, step_up_token: StepUpHeader = None) -> Response:
    orgs.delete_org(caller, org, step_up_token=step_up_token)
    return Response(status_code=204)


# --- Members of an org ------------------------------------------------------------------

members_router = APIRouter(prefix="/orgs/{orgId}/members", tags=["members"])


@members_router.get("", summary="Members of the org (viewer+)")
def list_members(caller: CurrentCaller, org: OrgPath) -> Items[Member]:
    return members.list_members(caller, org)


@members_router.patch(
    "/{uid}",
    summary="Change a member's role (admin+, below own; owner for owners)",
)
def change_role(
    caller: CurrentCaller, member: MemberPath, body: MemberUpdate, step_up_token: StepUpHeader = None
) -> Member:
    return members.change_role(caller, member, Role[body.role], step_up_token=step_up_token)


@members_router.delete(
    "/{uid}",
    status_code=204,
    summary="Remove a member (admin+) or leave (self)",
)
def remove_member(caller: CurrentCaller, member: MemberPath) -> Response:
    members.remove_member(caller, member)
    return Response(status_code=204)


# --- Invitations ------------------------------------------------------------------------

invites_router = APIRouter(tags=["invites"])


@invites_router.post(
    "/orgs/{orgId}/invites",
    status_code=201,
    summary="Invite an email address; the token is returned once",
    response_model=InviteCreated,
)
def create_invite(
    request: Request,
    caller: CurrentCaller,
    org: OrgPath,
    body: InviteCreate,
    key: IdempotencyKey = None,
    step_up_token: StepUpHeader = None,
) -> JSONResponse:
    create = partial(invites.create_invite, caller, org, body, step_up_token=step_up_token)
    # The token is never stored, not even with the idempotency key: a replay re-signs it.
    reissue = partial(invites.reissue_invite_token, caller, org, step_up_token=step_up_token)
    secret = Secret("token", reissue)
    return create_response(request, caller, key, body, create, org_id=org.org_id, location=False, secret=secret)


@invites_router.post(
    "/invites/accept",
    summary="Accept an invitation as the invited, verified email's user",
)
def accept_invite(caller: CurrentCaller, body: InviteAccept) -> InviteAccepted:
    return invites.accept_invite(caller, body.token)
