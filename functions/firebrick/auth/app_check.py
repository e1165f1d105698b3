"""App Check: the `X-Firebase-AppCheck` token of browser and app requests, verified by firebase_admin.

With `ENFORCE_APP_CHECK` on, `api/deps.require_app_check` guards every REST route
but the liveness probe and the JWKS, and `main.py` turns on the SDK's
`enforce_app_check` for the callables; both verify with `firebase_admin.app_check`
on the default app (RS256, `typ` JWT, audience `projects/<id>`, App Check issuer,
expiry). Service tokens are machine credentials verified on their own: exempt.

A demo project has no App Check keys at Google, so with the emulators
`APP_CHECK_JWKS` may give the default app a key set of its own (`use_key_set`,
called by `clients.firebase_app`); Settings refuses it anywhere else. Tests sign
tokens with such a key: the verification itself is firebase_admin's, unchanged.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from firebrick.errors import Unauthenticated, Unavailable, raises
from firebrick.logs import get_logger, log_event

if TYPE_CHECKING:
    import firebase_admin

APP_CHECK_HEADER = "X-Firebase-AppCheck"
MAX_APP_CHECK_CHARS = 4096
_REQUIRED = "A valid App Check token is required"

logger = get_logger("auth.app_check")


@raises(Unauthenticated, Unavailable)
def verify_app_check_token(token: str | None) -> dict[str, Any]:
    """The claims of a valid App Check token; Unauthenticated otherwise (Unavailable when keys cannot be fetched)."""
    from firebase_admin import app_check
    from jwt import PyJWKClientConnectionError, PyJWTError

    from firebrick.clients import firebase_app

    if not token or len(token) > MAX_APP_CHECK_CHARS:
        raise Unauthenticated(_REQUIRED)
    try:
        claims: dict[str, Any] = app_check.verify_token(token, app=firebase_app())
    except PyJWKClientConnectionError as exc:
        log_event(logger, logging.ERROR, "app check keys unavailable", error=type(exc).__name__)
        raise Unavailable("App Check could not be verified; try again") from exc
    except (ValueError, PyJWTError) as exc:
        log_event(logger, logging.WARNING, "app check token refused", reason=type(exc).__name__)
        raise Unauthenticated(_REQUIRED) from exc
    return claims


def use_key_set(app: firebase_admin.App, jwks: str) -> None:
    """Make `app` verify App Check tokens against `jwks` (a JWKS document) instead of Google's keys.

    firebase_admin keeps one App Check service per app, which reads keys through a
    `PyJWKClient`; this registers that service with a client serving `jwks`, before
    anything asked for the service (so the SDK's callable check uses it too).
    Emulators only: Settings refuses APP_CHECK_JWKS elsewhere.
    """
    from firebase_admin import _utils, app_check
    from jwt import PyJWKClient

    keys = json.loads(jwks)

    class GivenKeys(PyJWKClient):
        def fetch_data(self) -> Any:
            return keys

    def service(app: firebase_admin.App) -> Any:
        created = app_check._AppCheckService(app)
        created._jwks_client = GivenKeys(app_check._AppCheckService._JWKS_URL)
        return created

    _utils.get_app_service(app, app_check._APP_CHECK_ATTRIBUTE, service)
