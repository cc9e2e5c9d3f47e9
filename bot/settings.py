"""Runtime settings, read from the environment and an optional `.env` file.

Every field here is listed, with a comment, in `.env.example`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot import paths


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = "sqlite:///nhacviec.db"
    timezone: str = "Asia/Ho_Chi_Minh"
    # Not `LANGUAGE`: gettext and many shells already use that name (`en_US:en`).
    language: Literal["vi", "en"] = Field(
        default="vi", validation_alias=AliasChoices("NHACVIEC_LANGUAGE", "nhacviec_language")
    )
    plans_dir: Path = paths.PLANS_DIR
    schedules_dir: Path = paths.SCHEDULES_DIR
    log_level: str = "INFO"

    sweep_seconds: int = Field(default=30, ge=1)
    horizon_months: int = Field(default=13, ge=1)
    invite_ttl_days: int = Field(default=7, ge=1)

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    zalo_bot_token: SecretStr | None = None
    zalo_api_url: str = "https://bot-api.zaloplatforms.com"
    zalo_webhook_url: str | None = None
    zalo_webhook_secret: SecretStr | None = None

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except Exception as exc:  # ZoneInfo raises several unrelated types
            raise ValueError(
                f"TIMEZONE={value!r} không phải múi giờ IANA hợp lệ (ví dụ: Asia/Ho_Chi_Minh)"
            ) from exc
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
