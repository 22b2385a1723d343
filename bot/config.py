"""Settings from the environment and ``.env`` (pydantic-settings).

A malformed value stops start-up with one line naming the setting
(:func:`describe_settings_error`); secrets are ``SecretStr`` so they never
reach a log or a traceback's repr.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.locales import LOCALES, canonical

# What Telegram accepts as a webhook's secret_token.
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
DEFAULT_WEB_PORT = 8080


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True)

    bot_token: SecretStr | None = None
    # The HMAC key that turns a signer's Telegram id into an opaque signer hash;
    # unset: generated once into a 0600 file beside the database.
    signature_key: SecretStr | None = None
    telegram_api_url: str | None = None
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    # Messages per second for news broadcasts, overall; Telegram's own limit is about 30.
    broadcast_rate: float = Field(default=25, gt=0, le=30)
    database_path: Path = Path("var/casebot.sqlite3")
    # Scale-out mode (README, "Scaling out"): both set, any number of identical
    # webhook workers share one PostgreSQL and one Redis; unset, the embedded SQLite file.
    database_url: SecretStr | None = None
    redis_url: SecretStr | None = Field(default=None, validate_default=True)
    cases_dir: Path = Path("data/cases")
    locales_dir: Path = Path("locales")
    default_locale: Literal["en", "ru", "uz", "uz-Cyrl"] = "en"
    # Unset, /about says the bot does not name its operator rather than pass "casebot" off as one.
    org_name: str | None = Field(default=None, min_length=1, max_length=200)
    org_contact: str = Field(default="", max_length=200)
    log_format: Literal["console", "json"] = "console"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    # Webhook mode when WEBHOOK_URL is set; the health and metrics endpoints are
    # served on WEB_HOST:WEB_PORT in webhook mode, and in polling mode when WEB_PORT is set.
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = Field(default=None, validate_default=True)
    web_host: str = Field(default="127.0.0.1", min_length=1, max_length=253)
    web_port: int | None = Field(default=None, ge=1, le=65535)
    # The public HTTPS address of the web pages (case pages, the Mini App), e.g.
    # https://cases.example.org: absolute links, previews, the sitemap and the Mini App URL.
    public_url: str | None = None
    # The Mini App's short name as registered with BotFather (/newapp): outside private
    # chats the Mini App opens through t.me/<bot>/<name>, where web_app buttons are refused.
    mini_app_name: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_]{3,30}$")
    # Flood control: a token bucket per user, FLOOD_BURST updates at once, then
    # FLOOD_RATE updates per second.
    flood_burst: int = Field(default=5, ge=1, le=1000)
    flood_rate: float = Field(default=1.0, gt=0, le=1000)
    # How long SIGTERM waits for in-flight updates and workers before giving up on them.
    shutdown_timeout: float = Field(default=20.0, gt=0, le=300)

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            for part in parts:
                if not part.lstrip("-").isdigit():
                    raise ValueError(f"{part!r} is not a Telegram user id")
            return frozenset(int(p) for p in parts)
        return value

    @field_validator("bot_token", mode="before")
    @classmethod
    def _token_shape(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
            # Telegram tokens look like 123456:ABC-...; catching a pasted typo here
            # beats a 401 from Telegram later. The value itself is never echoed.
            head, _, tail = value.partition(":")
            if not head.isdigit() or len(tail) < 10:
                raise ValueError("does not look like a bot token (expected <digits>:<secret>)")
        return value

    @field_validator("signature_key", mode="before")
    @classmethod
    def _key_length(cls, value: object) -> object:
        if isinstance(value, str):
            if not value.strip():
                return None
            if len(value) < 32:
                raise ValueError("must be at least 32 characters (e.g. `openssl rand -hex 32`)")
        return value

    @field_validator("telegram_api_url", mode="before")
    @classmethod
    def _url_shape(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
            if not value.startswith(("http://", "https://")):
                raise ValueError("must start with http:// or https://")
        return value

    @field_validator("webhook_url", mode="before")
    @classmethod
    def _webhook_url_shape(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError("must be a full URL such as https://bot.example.org/telegram")
        return value

    @field_validator("public_url", mode="before")
    @classmethod
    def _public_url_shape(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip().rstrip("/")
            if not value:
                return None
            parts = urlsplit(value)
            # Telegram opens Mini Apps over HTTPS only; plain http is for this machine's tests.
            local = parts.hostname in ("localhost", "127.0.0.1", "::1")
            if not parts.hostname or (parts.scheme != "https" and not (local and parts.scheme == "http")):
                raise ValueError("must be an https:// address such as https://cases.example.org")
            if parts.query or parts.fragment:
                raise ValueError("must be a plain address without ? or #")
        return value

    @field_validator("mini_app_name", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("webhook_secret", mode="before")
    @classmethod
    def _webhook_secret_shape(cls, value: object, info: ValidationInfo) -> object:
        if isinstance(value, str) and not value.strip():
            value = None
        if value is None:
            if info.data.get("webhook_url"):
                raise ValueError("required when WEBHOOK_URL is set (1-256 of A-Z a-z 0-9 _ -)")
            return None
        if isinstance(value, str) and not _WEBHOOK_SECRET.fullmatch(value):
            raise ValueError("must be 1-256 characters of A-Z a-z 0-9 _ - (the value is not shown)")
        return value

    @field_validator("database_url", mode="before")
    @classmethod
    def _database_url_shape(cls, value: object, info: ValidationInfo) -> object:
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
            if not value.startswith(("postgresql://", "postgres://")):
                raise ValueError("must be a postgresql:// URL (unset: the embedded SQLite file)")
            if info.data.get("signature_key") is None:
                # Each worker would make a key file of its own: one signer, several hashes.
                raise ValueError("needs SIGNATURE_KEY set too, the same on every worker")
        return value

    @field_validator("redis_url", mode="before")
    @classmethod
    def _redis_url_shape(cls, value: object, info: ValidationInfo) -> object:
        if isinstance(value, str):
            value = value.strip() or None
        if value is None:
            if info.data.get("database_url") is not None:
                raise ValueError("required when DATABASE_URL is set (flood control is shared there)")
            return None
        if isinstance(value, str) and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must be a redis://, rediss:// or unix:// URL")
        return value

    @property
    def scale_out(self) -> bool:
        """PostgreSQL and Redis: several workers may run at once."""
        return self.database_url is not None

    @field_validator("default_locale", mode="before")
    @classmethod
    def _known_locale(cls, value: object) -> object:
        if isinstance(value, str) and canonical(value) is None:
            raise ValueError(f"must be one of {', '.join(LOCALES)}")
        return canonical(value) if isinstance(value, str) else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @property
    def listen_port(self) -> int:
        return self.web_port or DEFAULT_WEB_PORT

    @property
    def webhook_path(self) -> str:
        """The path Telegram posts to: WEBHOOK_URL's own path, so a reverse proxy can pass it through."""
        path = urlsplit(self.webhook_url or "").path
        return path if path not in ("", "/") else "/webhook"


def describe_settings_error(error: ValidationError) -> str:
    """One line naming each bad setting by its environment name; never the value."""
    problems = []
    for item in error.errors():
        name = str(item["loc"][0]).upper() if item["loc"] else "settings"
        message = item["msg"].removeprefix("Value error, ")
        problems.append(f"{name}: {message}")
    return "invalid setting " + "; ".join(problems)


def load_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]


# The bot identity used when no BOT_TOKEN is set (console chat, local session, tests):
# create_app needs a syntactically valid token, and it must never reach Telegram.
LOCAL_BOT_ID = 1000
LOCAL_BOT_USERNAME = "casebot_local_bot"
LOCAL_TOKEN = f"{LOCAL_BOT_ID}:local-console-token-not-secret"
