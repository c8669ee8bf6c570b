"""The one configuration object of TrendEdge.

Every process (web, worker, scheduler, CLI) reads its configuration from the
environment (and an optional `.env` file) through `Settings`. Development,
staging and production differ only by environment values.
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SESSION_SECRET = "change-me-in-production"  # noqa: S105 - the sentinel that production refuses


class AppEnv(StrEnum):
    development = "development"
    staging = "staging"
    production = "production"


def _alias(*names: str) -> AliasChoices:
    return AliasChoices(*names)


class Settings(BaseSettings):
    """Typed view of the environment; see `.env.example` for every key."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    app_env: AppEnv = Field(AppEnv.development, validation_alias=_alias("APP_ENV"))
    host: str = Field("127.0.0.1", validation_alias=_alias("TRENDEDGE_HOST"))
    port: int = Field(3000, ge=1, le=65535, validation_alias=_alias("TRENDEDGE_PORT"))
    public_url: str = Field("", validation_alias=_alias("TRENDEDGE_PUBLIC_URL"))
    data_dir: Path = Field(Path(".trendedge"), validation_alias=_alias("TRENDEDGE_DATA_DIR"))

    database_url: str = Field("", validation_alias=_alias("DATABASE_URL"))
    redis_url: str = Field("", validation_alias=_alias("REDIS_URL"))

    session_secret: str = Field(DEFAULT_SESSION_SECRET, validation_alias=_alias("SESSION_SECRET"))
    session_ttl_hours: int = Field(
        12, ge=1, le=24 * 90, validation_alias=_alias("SESSION_TTL_HOURS")
    )

    encryption_key: str = Field("", validation_alias=_alias("ENCRYPTION_KEY"))
    encryption_key_version: int = Field(1, ge=1, validation_alias=_alias("ENCRYPTION_KEY_VERSION"))
    encryption_old_keys: str = Field("", validation_alias=_alias("ENCRYPTION_OLD_KEYS"))

    webhook_rate_limit_per_minute: int = Field(
        30, ge=1, le=10_000, validation_alias=_alias("WEBHOOK_RATE_LIMIT_PER_MINUTE")
    )
    webhook_dedup_window_seconds: int = Field(
        60, ge=1, le=86_400, validation_alias=_alias("WEBHOOK_DEDUP_WINDOW_SECONDS")
    )
    alpha_vantage_api_key: str = Field("", validation_alias=_alias("ALPHA_VANTAGE_API_KEY"))
    scan_interval_seconds: int = Field(
        300, ge=10, le=86_400, validation_alias=_alias("SCAN_INTERVAL_SECONDS")
    )
    trusted_proxies: str = Field("", validation_alias=_alias("TRUSTED_PROXIES"))

    oidc_issuer: str = Field("", validation_alias=_alias("OIDC_ISSUER"))
    oidc_client_id: str = Field("", validation_alias=_alias("OIDC_CLIENT_ID"))
    oidc_client_secret: str = Field("", validation_alias=_alias("OIDC_CLIENT_SECRET"))
    oidc_scopes: str = Field("openid email profile", validation_alias=_alias("OIDC_SCOPES"))
    dev_provider: bool = Field(False, validation_alias=_alias("TRENDEDGE_DEV_PROVIDER"))
    dev_oidc_port: int = Field(9400, ge=1, le=65535, validation_alias=_alias("DEV_OIDC_PORT"))

    log_level: str = Field("INFO", validation_alias=_alias("LOG_LEVEL"))
    log_json: bool = Field(True, validation_alias=_alias("LOG_JSON"))
    web_workers: int = Field(1, ge=1, le=64, validation_alias=_alias("TRENDEDGE_WEB_WORKERS"))
    worker_heartbeat_seconds: int = Field(
        60, ge=1, validation_alias=_alias("WORKER_HEARTBEAT_SECONDS")
    )
    screenshot_dir: Path | None = Field(None, validation_alias=_alias("SCREENSHOT_DIR"))
    screenshot_max_bytes: int = Field(
        10 * 1024 * 1024, ge=1024, validation_alias=_alias("SCREENSHOT_MAX_BYTES")
    )
    import_max_bytes: int = Field(
        10 * 1024 * 1024, ge=1024, validation_alias=_alias("IMPORT_MAX_BYTES")
    )
    import_max_rows: int = Field(100_000, ge=1, validation_alias=_alias("IMPORT_MAX_ROWS"))
    analytics_cache_seconds: int = Field(
        300, ge=0, le=86_400, validation_alias=_alias("ANALYTICS_CACHE_SECONDS")
    )

    @field_validator("screenshot_dir", mode="before")
    @classmethod
    def _blank_dir_is_default(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("public_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @property
    def screenshots_path(self) -> Path:
        """Where journal screenshots are stored (SCREENSHOT_DIR, else DATA_DIR/screenshots)."""
        return self.screenshot_dir or self.data_dir / "screenshots"

    @property
    def is_development(self) -> bool:
        return self.app_env is AppEnv.development

    @property
    def base_url(self) -> str:
        """The URL users open; redirect URIs are derived from it."""
        return self.public_url or f"http://localhost:{self.port}"

    @property
    def oidc_configured(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)

    @property
    def uses_embedded_database(self) -> bool:
        return not self.database_url

    @property
    def uses_embedded_redis(self) -> bool:
        return not self.redis_url

    @property
    def oidc_redirect_uri(self) -> str:
        return f"{self.base_url}/auth/callback"

    def startup_errors(self) -> list[str]:
        """Problems that must stop the app from starting, each naming its key."""
        if self.is_development:
            return []
        errors: list[str] = []
        for key, value in (
            ("OIDC_ISSUER", self.oidc_issuer),
            ("OIDC_CLIENT_ID", self.oidc_client_id),
            ("OIDC_CLIENT_SECRET", self.oidc_client_secret),
            ("DATABASE_URL", self.database_url),
            ("REDIS_URL", self.redis_url),
            ("TRENDEDGE_PUBLIC_URL", self.public_url),
        ):
            if not value:
                errors.append(f"{key} must be set when APP_ENV={self.app_env.value}")
        if not self.encryption_key:
            errors.append(
                f"ENCRYPTION_KEY must be set when APP_ENV={self.app_env.value} (32 random bytes, "
                "base64: `python -c 'import os,base64; print(base64.b64encode(os.urandom(32))"
                ".decode())'`)"
            )
        if self.session_secret == DEFAULT_SESSION_SECRET or len(self.session_secret) < 32:
            errors.append(
                "SESSION_SECRET must be a random value of at least 32 characters "
                f"when APP_ENV={self.app_env.value}; generate one with "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`"
            )
        return errors


class ConfigurationError(RuntimeError):
    """Raised when the environment does not allow the app to start."""


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()


def require_startable(settings: Settings) -> None:
    """Raise `ConfigurationError` listing every key that blocks start-up."""
    errors = settings.startup_errors()
    if errors:
        raise ConfigurationError("Refusing to start:\n  - " + "\n  - ".join(errors))
