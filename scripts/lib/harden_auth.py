"""Identity Platform hardening: the project settings our API cannot enforce by itself.

Clients sign in with the Firebase SDK straight against Identity Platform, which
never runs Firebrick's password policy; so the project itself must refuse short
passwords, hide whether an email is registered, and forward no OAuth credentials
to the blocking functions (they read none). One `projects.updateConfig` call of the
Identity Toolkit admin API sets exactly those fields: the update mask names each
one, so every other setting (sign-in providers, the blocking functions' URIs that
`firebase deploy` registers, ...) stays as it is.

`scripts/deploy` applies it before every deploy; `main()` is the `harden-auth`
command: against the Auth emulator (FIREBASE_AUTH_EMULATOR_HOST, GCLOUD_PROJECT)
unless `--project` names a real project, which is reached with application default
credentials (`gcloud auth application-default login`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlencode

from firebrick.auth.passwords import MIN_LENGTH

ADMIN_API = "https://identitytoolkit.googleapis.com/admin/v2"
#: The Auth emulator serves the same v2 config resource without the `/admin` prefix.
EMULATOR_API_PATH = "/identitytoolkit.googleapis.com/v2"
SCOPE = "https://www.googleapis.com/auth/cloud-platform"
TIMEOUT_SECONDS = 30

#: Firebrick's blocking functions read none of the sign-in provider's OAuth tokens,
#: so none is forwarded (nothing to leak into a log). `main.py` declares the same
#: options on its blocking functions; `scripts/deploy` checks that the two agree,
#: because `firebase deploy` writes the declared ones on every deploy.
FORWARD_INBOUND_CREDENTIALS: dict[str, bool] = {"idToken": False, "accessToken": False, "refreshToken": False}

PASSWORD_POLICY_VERSIONS = "passwordPolicyConfig.passwordPolicyVersions"  # noqa: S105 - a field path


class Transport(Protocol):
    """Send one request to the config resource; return the decoded JSON response."""

    def __call__(self, method: str, url: str, body: Mapping[str, Any] | None = None) -> dict[str, Any]: ...


class HardeningError(RuntimeError):
    """The config could not be read or written; the message says why (never a credential)."""


@dataclass(frozen=True)
class Change:
    path: str
    old: Any
    new: Any

    def describe(self) -> str:
        return f"{self.path}: {_show(self.old)} -> {_show(self.new)}"


@dataclass(frozen=True)
class Update:
    """One PATCH: the masked fields and their new values; empty when nothing changes."""

    changes: tuple[Change, ...]

    @property
    def update_mask(self) -> str:
        return ",".join(change.path for change in self.changes)

    @property
    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {}
        for change in self.changes:
            _put(body, change.path, change.new)
        return body


def _show(value: Any) -> str:
    return "(unset)" if value is None else json.dumps(value, sort_keys=True)


def _get(config: Mapping[str, Any], path: str) -> Any:
    node: Any = config
    for key in path.split("."):
        if not isinstance(node, Mapping) or key not in node:
            return None
        node = node[key]
    return node


def _put(target: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    for key in parents:
        target = target.setdefault(key, {})
    target[leaf] = value


def desired_settings(current: Mapping[str, Any]) -> dict[str, Any]:
    """Field path -> the value Firebrick needs, given the project's current config.

    The password policy keeps any other strength option an admin set (character
    classes, a maximum length) and pins the minimum length to Firebrick's own.
    """
    versions = _get(current, PASSWORD_POLICY_VERSIONS) or [{}]
    strength = dict(versions[0].get("customStrengthOptions") or {})
    strength["minPasswordLength"] = MIN_LENGTH
    return {
        "passwordPolicyConfig.passwordPolicyEnforcementState": "ENFORCE",
        "passwordPolicyConfig.forceUpgradeOnSignin": True,
        PASSWORD_POLICY_VERSIONS: [{"customStrengthOptions": strength}],
        "emailPrivacyConfig.enableImprovedEmailPrivacy": True,
        "blockingFunctions.forwardInboundCredentials": dict(FORWARD_INBOUND_CREDENTIALS),
    }


def _comparable(path: str, value: Any) -> Any:
    """The part of a current value we set: output-only fields and defaults do not count."""
    if path == PASSWORD_POLICY_VERSIONS and isinstance(value, list):
        return [{"customStrengthOptions": v.get("customStrengthOptions") or {}} for v in value]
    if path == "blockingFunctions.forwardInboundCredentials":
        # Unset booleans read as false: the API omits default values.
        given = value if isinstance(value, Mapping) else {}
        return {key: bool(given.get(key, False)) for key in FORWARD_INBOUND_CREDENTIALS}
    return value


def plan_update(current: Mapping[str, Any]) -> Update:
    """The fields whose current value differs from Firebrick's, in a fixed order."""
    changes = []
    for path, new in desired_settings(current).items():
        old = _get(current, path)
        if _comparable(path, old) != new:
            changes.append(Change(path, old, new))
    return Update(tuple(changes))


def full_update() -> Update:
    """Every field Firebrick sets, as for a project that has none of them (what a dry run shows)."""
    return Update(tuple(Change(path, None, new) for path, new in desired_settings({}).items()))


def config_url(project: str, emulator_host: str | None = None) -> str:
    base = f"http://{emulator_host}{EMULATOR_API_PATH}" if emulator_host else ADMIN_API
    return f"{base}/projects/{project}/config"


def patch_url(project: str, update: Update, emulator_host: str | None = None) -> str:
    return f"{config_url(project, emulator_host)}?{urlencode({'updateMask': update.update_mask}, safe=',')}"


def google_transport(project: str) -> Transport:
    """Application default credentials, billed to `project` when they are a user's."""
    import google.auth
    import google.oauth2.credentials
    from google.auth.exceptions import DefaultCredentialsError
    from google.auth.transport.requests import AuthorizedSession

    try:
        credentials, _ = google.auth.default(scopes=[SCOPE])
    except DefaultCredentialsError as exc:
        raise HardeningError("no application default credentials: run `gcloud auth application-default login`") from exc
    if isinstance(credentials, google.oauth2.credentials.Credentials) and not credentials.quota_project_id:
        # Identity Toolkit refuses user credentials that name no quota project.
        credentials = credentials.with_quota_project(project)
    return _requests_transport(AuthorizedSession(credentials))  # type: ignore[no-untyped-call]


def emulator_transport() -> Transport:
    """The Auth emulator accepts `Bearer owner` as an admin credential."""
    import requests

    session = requests.Session()
    session.headers["Authorization"] = "Bearer owner"
    return _requests_transport(session)


def _requests_transport(session: Any) -> Transport:
    def send(method: str, url: str, body: Mapping[str, Any] | None = None) -> dict[str, Any]:
        response = session.request(method, url, json=body, timeout=TIMEOUT_SECONDS)
        if response.status_code >= 400:
            try:
                message = response.json()["error"]["message"]
            except (ValueError, KeyError, TypeError):
                message = response.text[:300]
            raise HardeningError(f"{method} {url.split('?')[0]}: HTTP {response.status_code}: {message}")
        payload = response.json() if response.content else {}
        return payload if isinstance(payload, dict) else {}

    return send


def harden(
    project: str,
    *,
    dry_run: bool = False,
    emulator_host: str | None = None,
    transport: Transport | None = None,
    out: Callable[[str], None] = print,
) -> Update:
    """Read the config, PATCH what differs, print each change; the update it made (or would make).

    A dry run reads nothing: it prints the request with every field Firebrick sets
    (a real run sends only those whose value differs).
    """
    if dry_run:
        update = full_update()
        out(f"would send: PATCH {patch_url(project, update, emulator_host)}")
        for line in json.dumps(update.body, indent=2, sort_keys=True).splitlines():
            out(line)
        return update
    send = transport or (emulator_transport() if emulator_host else google_transport(project))
    current = send("GET", config_url(project, emulator_host))
    update = plan_update(current)
    if not update.changes:
        out(f"Identity Platform config of {project} already hardened; nothing sent")
        return update
    send("PATCH", patch_url(project, update, emulator_host), update.body)
    for change in update.changes:
        out(change.describe())
    return update


def main(argv: list[str] | None = None) -> int:
    """`harden-auth`: the emulators by default, a real project only with --project."""
    parser = argparse.ArgumentParser(prog="harden-auth", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--project", help="real project id (default: the emulator's project)")
    parser.add_argument("--dry-run", action="store_true", help="print the request body; read and change nothing")
    args = parser.parse_args(argv)
    emulator_host = None if args.project else os.environ.get("FIREBASE_AUTH_EMULATOR_HOST")
    project = args.project or (os.environ.get("GCLOUD_PROJECT") if emulator_host else None)
    if not project:
        parser.error("pass --project P, or run against the emulators (FIREBASE_AUTH_EMULATOR_HOST and GCLOUD_PROJECT)")
    try:
        harden(project, dry_run=args.dry_run, emulator_host=emulator_host)
    except HardeningError as exc:
        print(f"harden-auth: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
