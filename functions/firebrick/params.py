"""Every non-secret setting as a Firebase param: what `firebase deploy` asks for, with default and meaning.

This is the declaration only. `config.Settings` stays the one reader: it reads the
same environment variables (the param's name is the field's upper-cased name), and
`tests/test_params.py` holds the two in step (names, types, defaults). The secrets
are `SecretParam`s in `main.py`, bound to the functions that read them. Importing
this module costs only the SDK's params module, so `main.py` stays light.

`firebase deploy` prompts for each param not in `functions/.env` / `.env.<project>`
(the default pre-filled) and writes the answers to `.env.<project>`; the emulators
read `functions/.env.local`, which `scripts/lib/dev_config.py` writes for demo-* projects.
"""

from __future__ import annotations

from typing import Any

from firebase_functions.params import BoolParam, IntParam, ListParam, Param, StringParam

# --- HTTP ---------------------------------------------------------------------------------

WEB_API_KEY = StringParam(
    "WEB_API_KEY",
    description="Web API key of the Firebase project (console: Project settings); register, login and refresh "
    "call Identity Toolkit with it. No default: each project has its own.",
)
CORS_ORIGINS = ListParam(
    "CORS_ORIGINS", default=[], description="Browser origins allowed by CORS; empty: no cross-origin browser access."
)
MAX_BODY_BYTES = IntParam("MAX_BODY_BYTES", default=1048576, description="Larger request bodies are refused (413).")
FIRESTORE_DEADLINE_SECONDS = IntParam(
    "FIRESTORE_DEADLINE_SECONDS",
    default=20,
    description="How long one Firestore call may retry before the request answers 503 (the library's default "
    "retries for 300 s, past the function's 60 s timeout).",
)
TRUSTED_PROXY_HOPS = IntParam(
    "TRUSTED_PROXY_HOPS",
    default=1,
    description="Proxies that append to X-Forwarded-For before the function: 1 when clients call the function's "
    "URL (Google's front end appends the client), 2 behind Firebase Hosting (its CDN appends the client, then "
    "Google's front end appends the CDN).",
)
LOG_LEVEL = StringParam("LOG_LEVEL", default="INFO", description="Lowest severity logged: DEBUG, INFO, WARNING, ERROR.")

ENFORCE_APP_CHECK = BoolParam(
    "ENFORCE_APP_CHECK",
    default=False,
    description="Require a valid App Check token (X-Firebase-AppCheck) on REST requests from browsers and apps, "
    "and on callables. Service tokens are exempt.",
)

# --- Identity -------------------------------------------------------------------------------

STEP_UP_TTL_SECONDS = IntParam(
    "STEP_UP_TTL_SECONDS", default=300, description="Step-up tokens live this long, in seconds (30..900)."
)
SESSION_COOKIE_DAYS = IntParam(
    "SESSION_COOKIE_DAYS", default=5, description="Session cookies (__session) live this long, in days (1..14)."
)
SESSION_RECENT_SIGN_IN_SECONDS = IntParam(
    "SESSION_RECENT_SIGN_IN_SECONDS",
    default=300,
    description="A session cookie is minted only from an ID token signed in this recently.",
)
REVOCATION_CACHE_SECONDS = IntParam(
    "REVOCATION_CACHE_SECONDS",
    default=30,
    description="How long an instance reuses a user's revocation state (revoked sessions, disabled account) "
    "before asking Firebase Auth again; 0 asks on every request.",
)

LOGIN_FAILURES_PER_EMAIL = IntParam(
    "LOGIN_FAILURES_PER_EMAIL", default=5, description="Failed logins per email per window; the next one gets 429."
)
LOGIN_FAILURES_PER_IP = IntParam(
    "LOGIN_FAILURES_PER_IP", default=50, description="Failed logins per client IP per window; the next one gets 429."
)
LOGIN_WINDOW_SECONDS = IntParam("LOGIN_WINDOW_SECONDS", default=900, description="The login rate-limit window.")
REGISTER_PER_IP = IntParam("REGISTER_PER_IP", default=20, description="Registrations allowed per client IP per hour.")

BLOCKED_EMAIL_DOMAINS = ListParam(
    "BLOCKED_EMAIL_DOMAINS",
    default=[],
    description="Refused sign-up email domains, beside the bundled list of disposable ones.",
)
SESSION_ALLOWED_ORIGINS = ListParam(
    "SESSION_ALLOWED_ORIGINS",
    default=[],
    description="Browser origins allowed to use cookie sessions (CSRF Origin check); empty: token check only.",
)

# --- Orgs -----------------------------------------------------------------------------------

INVITE_TTL_HOURS = IntParam("INVITE_TTL_HOURS", default=72, description="How long an invitation stays valid.")
WRITES_PER_USER_PER_MINUTE = IntParam(
    "WRITES_PER_USER_PER_MINUTE",
    default=120,
    description="Write commands (REST and callables) a user may make per minute; the next one gets 429.",
)
WRITES_PER_ORG_PER_MINUTE = IntParam(
    "WRITES_PER_ORG_PER_MINUTE",
    default=1200,
    description="Write commands per org per minute, all its members and service tokens together; then 429.",
)

#: Every param above, in declaration order.
ALL: tuple[Param[Any], ...] = tuple(value for value in list(globals().values()) if isinstance(value, Param))

#: Values for the emulators where the default does not do (`functions/.env.local`).
EMULATOR_VALUES: dict[str, str] = {"WEB_API_KEY": "demo-api-key"}


def env_text(param: Param[Any]) -> str:
    """How a value of `param` is written in a dotenv file: the emulator's value, else the default."""
    if param.name in EMULATOR_VALUES:
        return EMULATOR_VALUES[param.name]
    default = param.default
    if isinstance(default, bool):
        return "true" if default else "false"
    if isinstance(default, list):
        return ",".join(str(item) for item in default)
    return "" if default is None else str(default)
