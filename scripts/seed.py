"""Seed the emulators with demo data: two orgs, a user of every role in each,
a platform admin, projects and tasks. Prints the demo credentials.

Run by scripts/dev once the emulators are up; safe to re-run (fixed ids, upserts).
Refuses to run against anything but the emulators of a demo-* project.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "functions"))

from firebrick.clients import firebase_app, firestore_client
from firebrick.config import get_settings

PASSWORD = "firebrick-demo-pass-1"  # noqa: S105 - demo-* emulator data only; never a real credential
ROLE_NUMBERS = {"viewer": 1, "member": 2, "admin": 3, "owner": 4}
ORGS = {
    "acme": "Acme Rockets",
    "globex": "Globex Corporation",
}
PROJECTS: dict[str, list[tuple[str, str, list[tuple[str, str]]]]] = {
    "acme": [
        ("launchpad", "Launchpad", [("Weld fins", "done"), ("Fuel test", "doing"), ("Paint logo", "todo")]),
        ("payload", "Payload", [("Pick satellite", "todo"), ("Balance mass", "todo")]),
    ],
    "globex": [
        ("hammock", "Hammock District", [("Survey site", "doing"), ("Order hammocks", "todo")]),
    ],
}


def _require_emulators() -> None:
    settings = get_settings()
    if not (settings.firestore_emulator_host and settings.firebase_auth_emulator_host):
        sys.exit("seed: FIRESTORE_EMULATOR_HOST and FIREBASE_AUTH_EMULATOR_HOST must point at the emulators")
    if not settings.project_id.startswith("demo-"):
        sys.exit("seed: refusing to seed a non-demo project")


def _upsert_user(email: str, display_name: str, claims: dict[str, Any]) -> str:
    from firebase_admin import auth

    app = firebase_app()
    try:
        user = auth.get_user_by_email(email, app=app)
        auth.update_user(user.uid, password=PASSWORD, display_name=display_name, app=app)
        uid = user.uid
    except auth.UserNotFoundError:
        uid = auth.create_user(
            email=email, password=PASSWORD, display_name=display_name, email_verified=True, app=app
        ).uid
    auth.set_custom_user_claims(uid, claims or None, app=app)
    return str(uid)


def seed() -> list[tuple[str, str]]:
    """Write the demo data; returns (email, description) for every demo user."""
    _require_emulators()
    db = firestore_client()
    now = datetime.now(UTC)
    credentials: list[tuple[str, str]] = []

    admin_uid = _upsert_user("support@firebrick.test", "Platform Support", {"admin": True})
    db.document(f"users/{admin_uid}").set(
        {"displayName": "Platform Support", "email": "support@firebrick.test", "photoURL": None}, merge=True
    )
    credentials.append(("support@firebrick.test", "platform admin"))

    for org_id, org_name in ORGS.items():
        uids: dict[str, str] = {}
        for role in ROLE_NUMBERS:
            email = f"{role}@{org_id}.test"
            name = f"{role.title()} at {org_name}"
            uid = _upsert_user(email, name, {"o": {org_id: ROLE_NUMBERS[role]}})
            uids[role] = uid
            db.document(f"users/{uid}").set({"displayName": name, "email": email, "photoURL": None}, merge=True)
            db.document(f"orgs/{org_id}/members/{uid}").set(
                {"uid": uid, "role": role, "displayName": name, "joinedAt": now}, merge=True
            )
            credentials.append((email, f"{role} of {org_name}"))
        db.document(f"orgs/{org_id}").set(
            {"name": org_name, "createdAt": now, "createdBy": uids["owner"]}, merge=True
        )
        for project_id, project_name, tasks in PROJECTS[org_id]:
            project_path = f"orgs/{org_id}/projects/{project_id}"
            db.document(project_path).set(
                {"name": project_name, "description": f"Demo project {project_name}", "archived": False,
                 "createdAt": now, "createdBy": uids["admin"]},
                merge=True,
            )
            for index, (title, status) in enumerate(tasks):
                db.document(f"{project_path}/tasks/t{index + 1}").set(
                    {"title": title, "description": "", "status": status, "assigneeUid": uids["member"],
                     "dueAt": now + timedelta(days=7 * (index + 1)), "labels": ["demo"],
                     "createdAt": now + timedelta(seconds=index), "createdBy": uids["member"]},
                    merge=True,
                )
    return credentials


def main() -> None:
    os.environ.setdefault("GCLOUD_PROJECT", "demo-firebrick")
    credentials = seed()
    print(f"Demo users (password for all: {PASSWORD}):")
    for email, description in credentials:
        print(f"  {email:<28} {description}")


if __name__ == "__main__":
    main()
