"""Every Firestore document and collection path of the data model, built in one place.

The layout is the spec's "Data" section; `firestore.rules` matches the same
paths. Ids are validated by the adapters (`models.common.DocId`) before they
reach a path, so nothing here can be made to point outside its collection.
"""

from __future__ import annotations

# --- Top level ------------------------------------------------------------------------

ORGS = "orgs"
USERS = "users"
#: TOTP secrets, server-only (`auth/mfa.py`).
USER_SECRETS = "userSecrets"
#: Account-level audit entries (sign-up, sign-in, ...), server-only.
AUDIT = "audit"
#: Idempotency keys of client requests (`state/idempotency.py`).
IDEMPOTENCY_KEYS = "idempotency"
#: Applied trigger events (`state/event_ledger.py`).
APPLIED_EVENTS = "_events"
#: Rate-limit windows (`state/rate_limit.py`).
RATE_LIMITS = "rateLimits"
#: Published revocations every instance polls (`auth/revocations.py`).
REVOCATIONS = "revocations"

# --- Collections under an org ------------------------------------------------------------

MEMBERS = "members"
INVITES = "invites"
PROJECTS = "projects"
TASKS = "tasks"
COMMENTS = "comments"
ACTIVITY = "activity"
TOKENS = "tokens"


def user(uid: str) -> str:
    return f"{USERS}/{uid}"


def user_secrets(uid: str) -> str:
    return f"{USER_SECRETS}/{uid}"


def org(org_id: str) -> str:
    return f"{ORGS}/{org_id}"


def members(org_id: str) -> str:
    return f"{org(org_id)}/{MEMBERS}"


def member(org_id: str, uid: str) -> str:
    return f"{members(org_id)}/{uid}"


def invites(org_id: str) -> str:
    return f"{org(org_id)}/{INVITES}"


def invite(org_id: str, invite_id: str) -> str:
    return f"{invites(org_id)}/{invite_id}"


def tokens(org_id: str) -> str:
    return f"{org(org_id)}/{TOKENS}"


def token(org_id: str, token_id: str) -> str:
    return f"{tokens(org_id)}/{token_id}"


def activity(org_id: str) -> str:
    return f"{org(org_id)}/{ACTIVITY}"


def audit(org_id: str | None = None) -> str:
    """An org's audit log, or the account-level one (`org_id=None`)."""
    return f"{org(org_id)}/{AUDIT}" if org_id else AUDIT


def projects(org_id: str) -> str:
    return f"{org(org_id)}/{PROJECTS}"


def project(org_id: str, project_id: str) -> str:
    return f"{projects(org_id)}/{project_id}"


def tasks(org_id: str, project_id: str) -> str:
    return f"{project(org_id, project_id)}/{TASKS}"


def task(org_id: str, project_id: str, task_id: str) -> str:
    return f"{tasks(org_id, project_id)}/{task_id}"


def comments(org_id: str, project_id: str, task_id: str) -> str:
    return f"{task(org_id, project_id, task_id)}/{COMMENTS}"


def comment(org_id: str, project_id: str, task_id: str, comment_id: str) -> str:
    return f"{comments(org_id, project_id, task_id)}/{comment_id}"


#: Where Storage keeps a task's attachments (`storage.rules`, `triggers/storage.py`).
ATTACHMENT_PATTERN = (
    r"^orgs/(?P<orgId>[^/]+)/projects/(?P<projectId>[^/]+)/tasks/(?P<taskId>[^/]+)/attachments/(?P<fileName>[^/]+)$"
)

#: Trigger document patterns, as `main.py` declares them.
ORG_PATTERN = "orgs/{orgId}"
MEMBER_PATTERN = ORG_PATTERN + "/members/{uid}"
PROJECT_PATTERN = ORG_PATTERN + "/projects/{projectId}"
TASK_PATTERN = PROJECT_PATTERN + "/tasks/{taskId}"
COMMENT_PATTERN = TASK_PATTERN + "/comments/{commentId}"
USER_PATTERN = "users/{uid}"
