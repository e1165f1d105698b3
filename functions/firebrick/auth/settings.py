"""Identity settings and secrets, apart from the shared `config.Settings` to keep merges easy.

Secrets come from the environment (a Secret Manager secret bound to the `api`
function in production). For `demo-*` projects only, a development value is
derived from the project id so the emulator suite runs with no setup; it is
public and therefore worthless outside the emulators, which is the point.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from firebrick.config import get_settings


class AuthSettings(BaseSettings):
    """Knobs of the identity layer; env var names are the upper-cased field names."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", case_sensitive=False)

    #: Shared secret for step-up tokens, CSRF tokens and TOTP secret encryption (>= 32 bytes).
    firebrick_auth_secret: str | None = None
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
    #: Registrations allowed per client IP per window.
    register_per_ip: int = Field(default=20, ge=1)
    #: Proxies that append the client address to X-Forwarded-For (Cloud Functions gen2 / Cloud Run: 1).
    trusted_proxy_hops: int = Field(default=1, ge=0, le=5)
    #: Extra refused sign-up email domains, comma separated (beside the bundled disposable list).
    blocked_email_domains: str = ""
    #: Browser origins allowed to use cookie sessions (CSRF Origin check); empty: header check only.
    session_allowed_origins: str = ""

    @property
    def blocked_domain_set(self) -> frozenset[str]:
        return frozenset(d.strip().lower() for d in self.blocked_email_domains.split(",") if d.strip())

    @property
    def session_origin_set(self) -> frozenset[str]:
        return frozenset(o.strip().rstrip("/") for o in self.session_allowed_origins.split(",") if o.strip())


@lru_cache(maxsize=1)
def get_auth_settings() -> AuthSettings:
    return AuthSettings()


def is_demo_project() -> bool:
    return get_settings().project_id.startswith("demo-")


@lru_cache(maxsize=1)
def auth_secret() -> bytes:
    """The identity layer's root secret; a derived dev value only for demo-* projects."""
    configured = get_auth_settings().firebrick_auth_secret
    if configured:
        if len(configured.encode()) < 32:
            raise RuntimeError("FIREBRICK_AUTH_SECRET must be at least 32 bytes")
        return configured.encode()
    if not is_demo_project():
        raise RuntimeError("FIREBRICK_AUTH_SECRET is not set (required outside demo-* projects)")
    return hashlib.sha256(f"firebrick-dev-only:{get_settings().project_id}".encode()).digest()


def derived_key(purpose: str) -> bytes:
    """A 32-byte key for one purpose, so one leaked use cannot forge another (HMAC-based KDF)."""
    import hmac

    return hmac.new(auth_secret(), f"firebrick/{purpose}".encode(), hashlib.sha256).digest()
