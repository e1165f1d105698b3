"""Runtime configuration from the environment (Firebase params and secrets land there).

Read once, on first use, so importing this module costs nothing at cold start.
Deployed values come from `functions/.env.<project>` files and Secret Manager
secrets declared in `main.py`; nothing secret is ever committed.
"""

from __future__ import annotations

import os
from functools import lru_cache

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_project() -> str:
    return os.environ.get("GCLOUD_PROJECT") or os.environ.get("GOOGLE_CLOUD_PROJECT") or "demo-firebrick"


class Settings(BaseSettings):
    """Every knob of the backend; env var names are the upper-cased field names."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", case_sensitive=False)

    project_id: str = Field(default_factory=_default_project)
    firestore_emulator_host: str | None = None
    firebase_auth_emulator_host: str | None = None
    firebase_storage_emulator_host: str | None = None
    #: Web API key for the Identity Toolkit REST API; any value works on the Auth emulator.
    web_api_key: str = "demo-api-key"
    #: Origins allowed by CORS, comma separated; empty means no cross-origin browser access.
    cors_origins: str = ""
    #: Request bodies larger than this are refused with 413.
    max_body_bytes: int = 1024 * 1024
    log_level: str = "INFO"
    #: HMAC key (>= 32 bytes) signing invitation tokens; set from Secret Manager in production.
    invite_token_secret: SecretStr | None = None
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
    def cors_origin_list(self) -> list[str]:
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, validated once."""
    return Settings()
