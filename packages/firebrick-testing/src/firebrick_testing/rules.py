"""RulesTestEnv: load security rules into the emulators, act as any caller, read rule coverage."""

from __future__ import annotations

import json
import os
import re
import time
from contextlib import AbstractContextManager
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

import httpx

from firebrick_testing.context import Caller, RulesContext
from firebrick_testing.coverage import ConditionCoverage, RulesCoverage
from firebrick_testing.emulators import (
    EmulatorHosts,
    EmulatorUnavailable,
    default_bucket,
    project_from_environment,
    triggers_disabled,
)
from firebrick_testing.tokens import custom_claims, token_payload, unsigned_id_token

Service = Literal["firestore", "storage"]
_SERVICE = re.compile(r"\bservice\s+(cloud\.firestore|firebase\.storage)\b")

#: Statuses of a wipe the Firestore emulator answers while busy (retried).
_BUSY = (409, 499)


class RulesError(RuntimeError):
    """The emulator refused a ruleset (a syntax or compile error); the message has its answer."""


class RulesTestEnv:
    """The emulators of one project, for security-rules tests.

    Hosts are discovered from FIREBASE_EMULATOR_HUB or the `*_EMULATOR_HOST`
    variables, the project from GCLOUD_PROJECT unless `project_id` is given. A
    separate `project_id` gives a test its own rules, data and coverage on a shared
    emulator (the Firestore emulator keeps them per project).
    """

    def __init__(
        self,
        project_id: str | None = None,
        *,
        hosts: EmulatorHosts | None = None,
        bucket: str | None = None,
        database: str = "(default)",
        timeout: float = 30.0,
    ) -> None:
        self.hosts = hosts or EmulatorHosts.discover()
        if not (self.hosts.firestore or self.hosts.storage):
            raise EmulatorUnavailable(
                "no Firestore or Storage emulator found: run the tests under `firebase emulators:exec` "
                "(it sets FIREBASE_EMULATOR_HUB) or set FIRESTORE_EMULATOR_HOST / FIREBASE_STORAGE_EMULATOR_HOST"
            )
        self.project_id = project_id or project_from_environment()
        self.bucket = bucket or default_bucket(self.project_id)
        self.database = database
        self._http = httpx.Client(timeout=timeout)
        # Counts the emulator had before this env existed (another run, another env): not ours.
        self._coverage_baseline = self._coverage_or_none()
        # Our counts from before each load of rules, which resets the emulator's counts.
        self._coverage_archive: list[RulesCoverage] = []

    def __repr__(self) -> str:
        return f"<RulesTestEnv {self.project_id} {self.hosts}>"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> RulesTestEnv:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _firestore_admin(self, suffix: str = "") -> str:
        return f"http://{self.hosts.require('firestore')}/emulator/v1/projects/{self.project_id}{suffix}"

    # -- rules -------------------------------------------------------------------------------

    def load_rules(self, path: str | os.PathLike[str], *, service: Service | None = None) -> None:
        """Load a rules file into the emulator of its service (`service cloud.firestore` or `firebase.storage`)."""
        file = Path(path).resolve()
        # Named by absolute path, as firebase-tools does: the Storage emulator watches that file.
        self.load_rules_source(file.read_text(encoding="utf-8"), name=str(file), service=service)

    def load_project_rules(self, config: str | os.PathLike[str] = "firebase.json") -> None:
        """Load the rules `firebase.json` names (what the emulators started with), for each running emulator.

        Restores the project's own rules after a test loaded others; Storage rules
        are global to the Storage emulator, so a test that replaces them should.
        """
        path = Path(config).resolve()
        settings = json.loads(path.read_text(encoding="utf-8"))
        firestore = settings.get("firestore")
        if self.hosts.firestore and isinstance(firestore, dict) and firestore.get("rules"):
            self.load_rules(path.parent / firestore["rules"], service="firestore")
        storage = settings.get("storage")
        if not (self.hosts.storage and storage):
            return
        if isinstance(storage, dict):
            self.load_rules(path.parent / storage["rules"], service="storage")
            return
        files = []
        for target in storage:  # one ruleset per bucket
            rules = (path.parent / target["rules"]).resolve()
            files.append(
                {"name": str(rules), "content": rules.read_text(encoding="utf-8"), "resource": target["bucket"]}
            )
        host = self.hosts.require("storage")
        response = self._http.put(f"http://{host}/internal/setRules", json={"rules": {"files": files}})
        if response.status_code != httpx.codes.OK:
            raise RulesError(f"the storage emulator refused {path.name}'s rules: {response.text.strip()}")

    def load_rules_source(self, source: str, *, name: str = "rules", service: Service | None = None) -> None:
        """Load rules given as text (what `firebase deploy --only firestore:rules|storage` would deploy)."""
        if service is None:
            match = _SERVICE.search(source)
            if match is None:
                raise RulesError(f"{name}: no `service cloud.firestore` or `service firebase.storage` declaration")
            service = "firestore" if match.group(1) == "cloud.firestore" else "storage"
        body = {"rules": {"files": [{"name": name, "content": source}]}}
        if service == "firestore":
            self._archive_coverage()
            # JSON body: a form-encoded one is answered 404.
            response = self._http.put(self._firestore_admin(":securityRules"), json=body)
        else:
            response = self._http.put(f"http://{self.hosts.require('storage')}/internal/setRules", json=body)
        if response.status_code != httpx.codes.OK:
            raise RulesError(f"the {service} emulator refused {name}: {response.status_code} {response.text.strip()}")

    def firestore_rules(self) -> str:
        """The Firestore rules the emulator enforces now for this project."""
        return "".join(content for _, content in self._coverage_now().files)

    # -- data --------------------------------------------------------------------------------

    def clear(self) -> None:
        """Delete all Firestore documents and Auth users of the project, and all Storage objects."""
        if self.hosts.firestore:
            self.clear_firestore()
        if self.hosts.auth:
            self.clear_auth()
        if self.hosts.storage:
            self.clear_storage()

    def clear_firestore(self, timeout: float = 60.0) -> None:
        """Delete every document, retrying while the emulator is busy.

        It answers 409 while a transaction is open (triggers of earlier writes may still
        run) and 499 (cancelled) right after a client dropped a listen stream mid-flight.
        """
        url = self._firestore_admin(f"/databases/{self.database}/documents")
        deadline = time.monotonic() + timeout
        while True:
            response = self._http.delete(url)
            if response.status_code not in _BUSY or time.monotonic() > deadline:
                response.raise_for_status()
                return
            time.sleep(0.25)

    def clear_auth(self) -> None:
        """Delete every Auth emulator user of the project."""
        host = self.hosts.require("auth")
        self._http.delete(f"http://{host}/emulator/v1/projects/{self.project_id}/accounts").raise_for_status()

    def clear_storage(self) -> None:
        """Delete every object in every bucket of the Storage emulator (its rules stay loaded)."""
        self._http.post(f"http://{self.hosts.require('storage')}/internal/reset").raise_for_status()

    # -- callers -----------------------------------------------------------------------------

    def id_token(self, uid: str, **claims: Any) -> str:
        """An unsigned ID token for `uid` with `claims`, accepted by the emulators."""
        return unsigned_id_token(uid, self.project_id, claims)

    def _context(self, caller: Caller, authorization: str | None) -> RulesContext:
        return RulesContext(
            self._http,
            firestore=self.hosts.firestore,
            storage=self.hosts.storage,
            project_id=self.project_id,
            caller=caller,
            authorization=authorization,
            bucket=self.bucket,
            database=self.database,
        )

    def authenticated(self, uid: str, **claims: Any) -> RulesContext:
        """Act as the signed-in user `uid` whose ID token carries `claims` (custom or standard, e.g. email)."""
        return self._context(Caller("user", uid, claims), f"Bearer {self.id_token(uid, **claims)}")

    def with_id_token(self, id_token: str) -> RulesContext:
        """Act with a ready ID token, e.g. one the Auth emulator minted at a real sign-in."""
        payload = token_payload(id_token) or {}
        uid = str(payload.get("user_id") or payload.get("sub") or "?")
        return self._context(Caller("user", uid, custom_claims(payload)), f"Bearer {id_token}")

    def unauthenticated(self) -> RulesContext:
        """Act as a client that is not signed in (`request.auth == null`)."""
        return self._context(Caller("unauthenticated"), None)

    def admin(self) -> RulesContext:
        """Act with the rules off (`Bearer owner`): seed data and read what the rules would hide."""
        return self._context(Caller("admin"), "Bearer owner")

    # -- coverage ----------------------------------------------------------------------------

    def _coverage_now(self) -> RulesCoverage:
        response = self._http.get(self._firestore_admin(":ruleCoverage"))
        response.raise_for_status()
        return RulesCoverage.from_report(response.json())

    def _coverage_or_none(self) -> RulesCoverage | None:
        if not self.hosts.firestore:
            return None
        try:
            return self._coverage_now()
        except httpx.HTTPError:
            return None  # no rules loaded for this project yet

    def _ours(self, current: RulesCoverage) -> RulesCoverage:
        return current.minus(self._coverage_baseline) if self._coverage_baseline is not None else current

    def _archive_coverage(self) -> None:
        current = self._coverage_or_none()
        if current is not None and self._ours(current).evaluated:
            self._coverage_archive.append(self._ours(current))
        self._coverage_baseline = None  # the load zeroes the emulator's counts

    def coverage(self) -> RulesCoverage:
        """Allowed/denied counts of each Firestore allow condition since this env was created.

        Counts taken before each load of rules (which zeroes the emulator's) are added
        back for the same source, so reloading rules mid-run loses nothing.
        """
        return self._ours(self._coverage_now()).merged(self._coverage_archive)

    def uncovered(self) -> list[ConditionCoverage]:
        """The allow conditions not yet seen both allowed and denied."""
        return self.coverage().uncovered()

    def reset_coverage(self) -> None:
        """Zero the counts (the emulator resets them when the same rules are loaded again)."""
        files = self._coverage_now().files
        self._coverage_archive.clear()
        self._coverage_baseline = None
        body = {"rules": {"files": [{"name": name, "content": content} for name, content in files]}}
        self._http.put(self._firestore_admin(":securityRules"), json=body).raise_for_status()

    # -- functions ---------------------------------------------------------------------------

    def triggers_disabled(self) -> AbstractContextManager[None]:
        """Pause the Functions emulator's background triggers inside a `with` block."""
        return triggers_disabled(self.hosts.require("hub"))
