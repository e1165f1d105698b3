"""Lazy, emulator-aware Firebase clients: the one way to get a client.

`firebase_admin.firestore.client()` insists on Google credentials even against
the emulator, so when `FIRESTORE_EMULATOR_HOST` is set we build the client with
anonymous credentials; in production application default credentials apply.
With the emulators, `APP_CHECK_JWKS` gives the default app its App Check keys
(`auth/app_check.py`).
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from firebrick.config import get_settings

if TYPE_CHECKING:
    import firebase_admin
    from google.cloud.firestore import Client as FirestoreClient

_lock = threading.Lock()


def firebase_app() -> firebase_admin.App:
    """The default firebase_admin app, initialised once per process."""
    import firebase_admin
    from firebase_admin import credentials

    with _lock:
        try:
            return firebase_admin.get_app()
        except ValueError:
            settings = get_settings()
            options = {"projectId": settings.project_id}
            if not settings.emulated:
                return firebase_admin.initialize_app(credentials.ApplicationDefault(), options)
            # The emulators accept any credential; never look for a service account.
            app = firebase_admin.initialize_app(_emulator_credential(), options)
            if settings.app_check_jwks:
                from firebrick.auth.app_check import use_key_set

                use_key_set(app, settings.app_check_jwks)
            return app


@lru_cache(maxsize=1)
def firestore_client() -> FirestoreClient:
    """A Firestore client for the configured project (emulator or production)."""
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import firestore

    from firebrick import opcount

    settings = get_settings()
    if settings.firestore_emulator_host:
        client_class = _counting_client_class() if opcount.enabled() else firestore.Client
        client = client_class(project=settings.project_id, credentials=AnonymousCredentials())  # type: ignore[no-untyped-call]
    else:
        client = firestore.Client(project=settings.project_id)
    _bound_calls(client, settings.firestore_deadline_seconds)
    return client


def _bound_calls(client: FirestoreClient, seconds: float) -> None:
    """Every call of `client` retries (and waits) at most `seconds`, then raises.

    The library's defaults retry an unreachable database for up to 300 s, past any
    function's timeout: the request would hang, then die without an answer. Bounded,
    it fails with RetryError or DeadlineExceeded, which the API answers with 503
    (`errors.unavailable_dependency`). The defaults live on the transport's wrapped methods.
    """
    for method in client._firestore_api._transport._wrapped_methods.values():  # private: no public knob
        if method._retry is not None:
            method._retry = method._retry.with_timeout(seconds)
        if method._timeout is None or method._timeout > seconds:
            method._timeout = seconds


def _counting_client_class() -> type[FirestoreClient]:
    """A Firestore client whose emulator channel counts billed ops (benchmarks)."""
    from google.cloud import firestore

    from firebrick import opcount

    class CountingClient(firestore.Client):
        def _emulator_channel(self, transport: Any) -> Any:
            return opcount.instrument(super()._emulator_channel(transport))  # type: ignore[no-untyped-call]

    return CountingClient


def _emulator_credential() -> firebase_admin.credentials.Base:
    """An anonymous credential: the emulators accept any, production never sees this."""
    from firebase_admin import credentials
    from google.auth.credentials import AnonymousCredentials

    class _Anonymous(credentials.Base):  # type: ignore[misc]
        def get_credential(self) -> AnonymousCredentials:
            return AnonymousCredentials()  # type: ignore[no-untyped-call]

    return _Anonymous()
