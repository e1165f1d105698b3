"""The one settings object: every knob and secret of the backend, from the environment.

Firebase params and secrets land in the environment of each function instance
(`functions/.env*`, Secret Manager), so one pydantic-settings model reads them
all, once, on first use: importing this module costs nothing at cold start.

Secrets are `SecretStr` and reach code only through `secret_value` /
`secret_bytes`. For `demo-*` projects outside Google Cloud, `development_secrets`
derives public stand-ins from the project id, so the emulators and the tests run
with no setup; anywhere else a missing secret is an error naming the setting.
`require_configured` is the start-up check of a function instance: it names every
missing or weak setting it needs (never a value), at first use, not at import.

Every non-secret knob is declared as a Firebase param in `firebrick/params.py`
(what `firebase deploy` asks for); this module reads them.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: Every secret (Secret Manager in production); the HMAC ones must be at least `MIN_SECRET_BYTES` long.
SecretName = Literal["FIREBRICK_AUTH_SECRET", "INVITE_TOKEN_SECRET", "SERVICE_TOKEN_KEYS"]
HmacSecretName = Literal["FIREBRICK_AUTH_SECRET", "INVITE_TOKEN_SECRET"]
MIN_SECRET_BYTES = 32
#: What a function instance may need before it serves: a secret, or the Web API key.
Requirement = Literal["FIREBRICK_AUTH_SECRET", "INVITE_TOKEN_SECRET", "SERVICE_TOKEN_KEYS", "WEB_API_KEY"]
#: The Auth emulator accepts any API key.
EMULATOR_API_KEY = "demo-api-key"


class ConfigurationError(RuntimeError):
    """A setting is missing or unusable; the message names it (never its value)."""


def _default_project() -> str:
    return os.environ.get("GCLOUD_PROJECT") or os.environ.get("GOOGLE_CLOUD_PROJECT") or "demo-firebrick"


def _items(value: str) -> list[str]:
    """A list setting: comma separated (dotenv files), or a JSON array (how Cloud Functions passes a ListParam)."""
    text = value.strip()
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, list):
            return [str(item).strip() for item in parsed if str(item).strip()]
    return [item.strip() for item in text.split(",") if item.strip()]


class Settings(BaseSettings):
    """Every knob of the backend; env var names are the upper-cased field names."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", case_sensitive=False)

    # --- Where we run ---------------------------------------------------------------
    project_id: str = Field(default_factory=_default_project)
    firestore_emulator_host: str | None = None
    firebase_auth_emulator_host: str | None = None
    firebase_storage_emulator_host: str | None = None
    #: Set by Cloud Functions (gen 2) and Cloud Run: never use development values there.
    k_service: str | None = None
    #: The function this instance serves (set by Cloud Functions and the Functions emulator); for logs.
    function_target: str | None = None
    log_level: str = "INFO"

    # --- HTTP -----------------------------------------------------------------------
    #: Web API key for the Identity Toolkit REST API (`identity_toolkit_key`).
    web_api_key: str = ""
    #: Origins allowed by CORS, comma separated; empty means no cross-origin browser access.
    cors_origins: str = ""
    #: Request bodies larger than this are refused with 413.
    max_body_bytes: int = 1024 * 1024
    #: How long one Firestore call may retry before it fails (503); the library's own default is 300 s.
    firestore_deadline_seconds: int = Field(default=20, ge=1, le=55)
    #: Proxies that append to X-Forwarded-For: 1 calling the function directly, 2 behind Firebase Hosting.
    trusted_proxy_hops: int = Field(default=1, ge=0, le=5)
    #: Require App Check on REST requests from browsers and apps (and on callables: main.py).
    enforce_app_check: bool = False
    #: Emulators only: a JWKS App Check tokens are verified against instead of Google's (`auth/app_check.py`).
    app_check_jwks: str | None = None

    # --- Secrets (Secret Manager in production) ------------------------------------
    #: Root of step-up tokens, CSRF tokens and TOTP secret encryption (>= 32 bytes).
    firebrick_auth_secret: SecretStr | None = None
    #: HMAC key signing invitation tokens (>= 32 bytes).
    invite_token_secret: SecretStr | None = None
    #: JSON key set signing service tokens (see `auth/keys.py`).
    service_token_keys: SecretStr | None = None

    # --- Identity ---------------------------------------------------------------------
    #: Step-up tokens live this long.
    step_up_ttl_seconds: int = Field(default=300, ge=30, le=900)
    #: Session cookies (`__session`) live this long (Firebase allows 5 min .. 14 days).
    session_cookie_days: int = Field(default=5, ge=1, le=14)
    #: A session cookie may only be minted from an ID token signed in this recently.
    session_recent_sign_in_seconds: int = Field(default=300, ge=60)
    #: How long a verified user's revocation state (tokensValidAfter, disabled) is reused.
    revocation_cache_seconds: float = Field(default=30.0, ge=0)
    #: Failed logins allowed per window, per email and per client IP; the next one gets 429.
    login_failures_per_email: int = Field(default=5, ge=1)
    login_failures_per_ip: int = Field(default=50, ge=1)
    login_window_seconds: int = Field(default=900, ge=10)
    #: Registrations allowed per client IP per hour.
    register_per_ip: int = Field(default=20, ge=1)
    #: Extra refused sign-up email domains, comma separated (beside the bundled disposable list).
    blocked_email_domains: str = ""
    #: Browser origins allowed to use cookie sessions (CSRF Origin check); empty: header check only.
    session_allowed_origins: str = ""

    # --- Orgs -------------------------------------------------------------------------
    #: How long an invitation stays valid.
    invite_ttl_hours: int = Field(default=72, ge=1, le=24 * 30)
    #: Write commands a minute per user, and per org (service tokens count against their org); then 429.
    writes_per_user_per_minute: int = Field(default=120, ge=1)
    writes_per_org_per_minute: int = Field(default=1200, ge=1)

    @field_validator("enforce_app_check", mode="before")
    @classmethod
    def _bool_as_the_sdk_reads_it(cls, value: Any) -> Any:
        # BoolParam.value (what main.py's callables see) is true for "true" only: read it the same way.
        return value.strip().lower() == "true" if isinstance(value, str) else value

    @model_validator(mode="after")
    def _refuse_emulators_outside_demo(self) -> Settings:
        # The Auth emulator's unsigned tokens are accepted by firebase-admin whenever
        # its host variable is set: never allow that against a real project.
        if self.emulated and not self.project_id.startswith("demo-"):
            raise ValueError(
                f"emulator host variables are set for project {self.project_id!r}; "
                "emulators may only be used with demo-* project ids"
            )
        if self.app_check_jwks and not self.emulated:
            raise ValueError("APP_CHECK_JWKS is for the emulators only; App Check keys come from Google elsewhere")
        return self

    @property
    def emulated(self) -> bool:
        """True when any Firebase emulator is targeted (only allowed for demo-* projects)."""
        return bool(self.firestore_emulator_host or self.firebase_auth_emulator_host)

    @property
    def development(self) -> bool:
        """Development values are allowed: a `demo-*` project, not running on Google Cloud."""
        return self.project_id.startswith("demo-") and not self.k_service

    @property
    def identity_toolkit_key(self) -> str:
        """WEB_API_KEY; with the emulators or in development a stand-in (the Auth emulator takes any key)."""
        if self.web_api_key:
            return self.web_api_key
        if self.emulated or self.development:
            return EMULATOR_API_KEY
        raise ConfigurationError("WEB_API_KEY is not set (a Firebase param; see .env.example)")

    @property
    def cors_origin_list(self) -> list[str]:
        return _items(self.cors_origins)

    @property
    def blocked_domain_set(self) -> frozenset[str]:
        return frozenset(d.lower() for d in _items(self.blocked_email_domains))

    @property
    def session_origin_set(self) -> frozenset[str]:
        return frozenset(o.rstrip("/") for o in _items(self.session_allowed_origins))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, validated once; an invalid one is a ConfigurationError naming it (no value)."""
    try:
        return Settings()
    except ValidationError as exc:
        # Never the error's text: pydantic's includes the input value.
        problems = [f"{'.'.join(str(p) for p in e['loc']).upper() or 'settings'}: {e['msg']}" for e in exc.errors()]
        raise ConfigurationError("; ".join(problems)) from None


def _derive(name: str) -> str:
    return hashlib.sha256(f"firebrick-dev-only:{get_settings().project_id}:{name}".encode()).hexdigest()


@lru_cache(maxsize=1)
def development_secrets() -> dict[str, str]:
    """Public stand-ins for every secret, derived from the project id; development only.

    The emulators get exactly these through `functions/.secret.local` (written by
    `scripts/lib/dev_secrets.py`), and processes outside them (tests, scripts)
    derive the same, so both sides agree. Raises ConfigurationError outside
    development (any non-demo project, or any instance on Cloud Functions / Cloud
    Run), so production never falls back to them.
    """
    settings = get_settings()
    if not settings.development:
        raise ConfigurationError("development secrets exist only for demo-* projects outside Google Cloud")
    from firebrick.auth.keys import development_keyset_json

    return {
        "FIREBRICK_AUTH_SECRET": _derive("FIREBRICK_AUTH_SECRET"),
        "INVITE_TOKEN_SECRET": _derive("INVITE_TOKEN_SECRET"),
        "SERVICE_TOKEN_KEYS": development_keyset_json(_derive("SERVICE_TOKEN_KEYS")),
    }


def secret_value(name: SecretName) -> str:
    """The configured value of secret `name`, or in development its derived stand-in; else it names what is missing."""
    configured: SecretStr | None = getattr(get_settings(), name.lower())
    if configured is not None and configured.get_secret_value():
        return configured.get_secret_value()
    try:
        return development_secrets()[name]
    except ConfigurationError:
        raise ConfigurationError(f"{name} is not set (a Firebase secret; see .env.example)") from None


def secret_bytes(name: HmacSecretName) -> bytes:
    """An HMAC secret (at least 32 bytes), configured or in development derived."""
    raw = secret_value(name).encode()
    if len(raw) < MIN_SECRET_BYTES:
        raise ConfigurationError(f"{name} must be at least {MIN_SECRET_BYTES} bytes")
    return raw


def _problem(name: Requirement) -> str | None:
    """Why setting `name` cannot be used, or None; the text names it, never its value."""
    if name == "WEB_API_KEY":
        try:
            _ = get_settings().identity_toolkit_key
        except ConfigurationError as exc:
            return str(exc)
        return None
    try:
        value = secret_value(name)
    except ConfigurationError as exc:
        return str(exc)
    if name == "SERVICE_TOKEN_KEYS":
        from firebrick.auth.keys import parse_keyset

        try:
            parse_keyset(value)
        except Exception as exc:  # any parse failure; its message could quote the value
            reason = type(exc).__name__
            return f"SERVICE_TOKEN_KEYS is not a key set ({reason}); make one: scripts/rotate_signing_key.py"
        return None
    if len(value.encode()) < MIN_SECRET_BYTES:
        return f"{name} must be at least {MIN_SECRET_BYTES} bytes"
    return None


_ready: set[tuple[Requirement, ...]] = set()


def require_configured(names: Iterable[Requirement]) -> None:
    """The start-up check of a function instance: raise ConfigurationError naming every unusable setting.

    Runs at the first request (not at import: discovery loads main.py with no
    secrets), and passes once per process. Outside development every secret must be
    configured: on Cloud Functions / Cloud Run (K_SERVICE set), whatever the project
    id, nothing falls back to development values; the Functions emulator sets
    K_SERVICE too, and gets its secrets from `functions/.secret.local`.
    """
    wanted = tuple(sorted(set(names)))
    if wanted in _ready:
        return
    problems = [problem for problem in map(_problem, wanted) if problem]
    if problems:
        raise ConfigurationError("; ".join(problems))
    _ready.add(wanted)
