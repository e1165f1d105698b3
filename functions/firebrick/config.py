"""The one settings object: every knob and secret of the backend, from the environment.

Firebase params and secrets land in the environment of each function instance
(`functions/.env*`, Secret Manager), so one pydantic-settings model reads them
all, once, on first use: importing this module costs nothing at cold start.

Secrets are `SecretStr` and reach code only through `secret_value` /
`secret_bytes`. For `demo-*` projects outside Google Cloud, `development_secrets`
derives public stand-ins from the project id, so the emulators and the tests run
with no setup; anywhere else a missing secret is an error naming the setting.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: Every secret (Secret Manager in production); the HMAC ones must be at least `MIN_SECRET_BYTES` long.
SecretName = Literal["FIREBRICK_AUTH_SECRET", "INVITE_TOKEN_SECRET", "SERVICE_TOKEN_KEYS"]
HmacSecretName = Literal["FIREBRICK_AUTH_SECRET", "INVITE_TOKEN_SECRET"]
MIN_SECRET_BYTES = 32


class ConfigurationError(RuntimeError):
    """A setting is missing or unusable; the message names it (never its value)."""


def _default_project() -> str:
    return os.environ.get("GCLOUD_PROJECT") or os.environ.get("GOOGLE_CLOUD_PROJECT") or "demo-firebrick"


def _csv(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


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
    log_level: str = "INFO"

    # --- HTTP -----------------------------------------------------------------------
    #: Web API key for the Identity Toolkit REST API; any value works on the Auth emulator.
    web_api_key: str = "demo-api-key"
    #: Origins allowed by CORS, comma separated; empty means no cross-origin browser access.
    cors_origins: str = ""
    #: Request bodies larger than this are refused with 413.
    max_body_bytes: int = 1024 * 1024
    #: Proxies that append the client address to X-Forwarded-For (Cloud Functions gen2 / Cloud Run: 1).
    trusted_proxy_hops: int = Field(default=1, ge=0, le=5)

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

    @model_validator(mode="after")
    def _refuse_emulators_outside_demo(self) -> Settings:
        # The Auth emulator's unsigned tokens are accepted by firebase-admin whenever
        # its host variable is set: never allow that against a real project.
        if self.emulated and not self.project_id.startswith("demo-"):
            raise ValueError(
                f"emulator host variables are set for project {self.project_id!r}; "
                "emulators may only be used with demo-* project ids"
            )
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
    def cors_origin_list(self) -> list[str]:
        return _csv(self.cors_origins)

    @property
    def blocked_domain_set(self) -> frozenset[str]:
        return frozenset(d.lower() for d in _csv(self.blocked_email_domains))

    @property
    def session_origin_set(self) -> frozenset[str]:
        return frozenset(o.rstrip("/") for o in _csv(self.session_allowed_origins))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, validated once."""
    return Settings()


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
