"""The role matrix: the one place that decides who may do what in an org.

The services ask it through `services.access.authorize` (one membership read
per command), so REST and callables cannot differ; `firestore.rules` and
`storage.rules` encode the same table (tests hold the three in step). Outsiders
get `NotFound`, never `PermissionDenied`, so an org's existence does not leak.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum

from firebrick.errors import NotFound, PermissionDenied


class Role(IntEnum):
    """Org roles; a higher value outranks a lower one."""

    viewer = 1
    member = 2
    admin = 3
    owner = 4

    @classmethod
    def named(cls, value: object) -> Role | None:
        """The role called `value` (as stored in membership documents), or None for anything else."""
        return cls[value] if isinstance(value, str) and value in cls.__members__ else None


class Action(StrEnum):
    """Everything a principal can attempt inside an org."""

    read = "read"  # org, members, projects, tasks, comments, activity
    write_task = "write_task"  # create/update tasks
    delete_task = "delete_task"
    comment = "comment"  # create comments; edit/delete own
    moderate_comment = "moderate_comment"  # edit/delete anyone's comment
    upload_attachment = "upload_attachment"
    manage_projects = "manage_projects"  # create/update/delete projects
    manage_members = "manage_members"  # invite, change roles below own, remove
    read_audit = "read_audit"
    manage_tokens = "manage_tokens"
    manage_owners = "manage_owners"  # grant/revoke owner
    manage_org = "manage_org"  # rename/delete org


#: The least role each action needs: the spec's "Roles" table, verbatim.
MIN_ROLE: dict[Action, Role] = {
    Action.read: Role.viewer,
    Action.write_task: Role.member,
    Action.comment: Role.member,
    Action.upload_attachment: Role.member,
    # The spec is silent on deleting tasks; destructive, so admin+ (deny by default).
    Action.delete_task: Role.admin,
    Action.moderate_comment: Role.admin,
    Action.manage_projects: Role.admin,
    Action.manage_members: Role.admin,
    Action.read_audit: Role.admin,
    Action.manage_tokens: Role.admin,
    Action.manage_owners: Role.owner,
    Action.manage_org: Role.owner,
}

#: Actions that change something: allowed ones spend the write budgets (`services/access.py`).
WRITE_ACTIONS: frozenset[Action] = frozenset(MIN_ROLE) - {Action.read, Action.read_audit}

#: Actions a platform admin (support staff, `admin` claim) may take in any org.
PLATFORM_ADMIN_ACTIONS: frozenset[Action] = frozenset({Action.read, Action.read_audit})


@dataclass(frozen=True, slots=True)
class Access:
    """What the caller holds in one org: their role (None if outsider) and platform role."""

    role: Role | None
    platform_admin: bool = False


def allows(access: Access, action: Action) -> bool:
    """True when `access` permits `action`."""
    if access.role is not None and access.role >= MIN_ROLE[action]:
        return True
    return access.platform_admin and action in PLATFORM_ADMIN_ACTIONS


def authorize(access: Access, action: Action) -> None:
    """Raise unless `access` permits `action`; outsiders learn nothing (404)."""
    if allows(access, action):
        return
    if access.role is None and not access.platform_admin:
        raise NotFound("Organization not found")
    raise PermissionDenied(f"Your role may not {action.value.replace('_', ' ')}")


def can_set_role(actor: Role, current: Role | None, new: Role) -> bool:
    """May `actor` move a member from `current` (None: a new member) to `new`?

    Owners may do anything; admins only act on members below admin and only
    grant roles below their own.
    """
    if actor == Role.owner:
        return True
    if actor < Role.admin:
        return False
    return new < actor and (current is None or current < actor)


def authorize_role_change(access: Access, current: Role | None, new: Role) -> None:
    """Raise unless the caller may make this role change (invite or update)."""
    authorize(access, Action.manage_members)
    assert access.role is not None  # manage_members is never a platform-admin action
    if Role.owner in (current, new):
        authorize(access, Action.manage_owners)
    if not can_set_role(access.role, current, new):
        raise PermissionDenied("You may only assign roles below your own")


def authorize_member_removal(access: Access, target: Role, *, is_self: bool) -> None:
    """Raise unless the caller may remove a member holding `target`.

    Any member may leave (the service still keeps the last owner in place);
    removing someone else needs admin+, and only below your own role unless
    you are an owner.
    """
    if is_self and access.role is not None:
        return
    authorize(access, Action.manage_members)
    assert access.role is not None  # manage_members is never a platform-admin action
    if target == Role.owner:
        authorize(access, Action.manage_owners)
    if access.role != Role.owner and target >= access.role:
        raise PermissionDenied("You may only remove members below your own role")
