"""Runtime settings, read once from the environment and an optional `.env` file.

One class for the whole bot: the composition root (`bot.engine`, the CLI) builds it once with
`load_settings()` and passes it, or the values made from it, down. Every field is listed, with a
comment, in `.env.example`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot import paths
from bot.i18n import N_, renderer

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
ENV_NAMES = {"LANGUAGE": "NHACVIEC_LANGUAGE"}
"""Fields whose variable is not simply their name in capitals."""

render = renderer("settings")
BAD_TIMEZONE = N_("không phải múi giờ IANA (ví dụ: Asia/Ho_Chi_Minh)")
NO_FOLDER = N_("thư mục {folder} không tồn tại; tạo thư mục đó hoặc sửa DATABASE_URL")
BAD_LEVEL = N_("chọn một trong {levels}")
NOT_ONE_OF = N_("chỉ nhận {expected}")
NOT_WHOLE = N_("phải là một số nguyên")
NOT_NUMBER = N_("phải là một số")
NOT_YES_NO = N_("phải là true hoặc false")
AT_LEAST = N_("không được nhỏ hơn {ge}")
ABOVE = N_("phải lớn hơn {gt}")
AT_MOST = N_("không được lớn hơn {le}")
LEASE_TOO_SHORT = N_(
    "phải lớn hơn TELEGRAM_TIMEOUT_SECONDS + 2 ({minimum:g}): một lần gửi phải xong trước khi hết hạn giữ tin"
)
OWN_ERRORS = {
    "timezone": BAD_TIMEZONE,
    "sqlite_folder": NO_FOLDER,
    "log_level": BAD_LEVEL,
    "literal_error": NOT_ONE_OF,
    "int_parsing": NOT_WHOLE,
    "int_from_float": NOT_WHOLE,
    "float_parsing": NOT_NUMBER,
    "bool_parsing": NOT_YES_NO,
    "greater_than_equal": AT_LEAST,
    "greater_than": ABOVE,
    "less_than_equal": AT_MOST,
    "lease": LEASE_TOO_SHORT,
}


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
    """Default: `schedules/` next to the plans folder when there is one, else the bot's own."""
    templates_dir: Path = paths.TEMPLATES_DIR
    """Default: `templates/` next to the plans folder when there is one, else the bot's own."""
    log_level: str = "INFO"

    sweep_seconds: int = Field(default=30, ge=1)
    horizon_months: int = Field(default=13, ge=1)
    invite_ttl_days: int = Field(default=7, ge=1)

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_webhook_listen: str = "0.0.0.0"
    """The address the webhook endpoint binds to (a reverse proxy forwards TELEGRAM_WEBHOOK_URL here)."""
    telegram_webhook_port: int = Field(default=8443, ge=0, le=65535)
    telegram_poll_timeout: int = Field(default=25, ge=0, le=50)
    """Seconds getUpdates waits for an update (long polling)."""
    telegram_poll_pause: float = Field(default=0.5, ge=0)
    """Pause after an empty getUpdates (a server that answers at once must not be hammered)."""
    telegram_max_per_second: int = Field(default=30, ge=0)
    telegram_chat_interval_seconds: float = Field(default=1.0, ge=0)
    telegram_group_per_minute: int = Field(default=20, ge=0)
    telegram_timeout_seconds: float = Field(default=10.0, gt=0)
    """How long a send may take, on Telegram and on Zalo."""

    zalo_bot_token: SecretStr | None = None
    zalo_api_url: str = "https://bot-api.zaloplatforms.com"
    zalo_webhook_url: str | None = None
    zalo_webhook_secret: SecretStr | None = None
    zalo_webhook_listen: str = "0.0.0.0"
    zalo_webhook_port: int = Field(default=8444, ge=0, le=65535)
    zalo_poll_timeout: int = Field(default=30, ge=1, le=60)
    zalo_poll_pause: float = Field(default=0.5, ge=0)
    zalo_max_per_second: int = Field(default=10, ge=0)
    """Zalo publishes no flood limits: a cautious rate, kept like Telegram's (0 turns it off)."""
    zalo_chat_interval_seconds: float = Field(default=1.0, ge=0)
    zalo_monthly_message_budget: int | None = Field(default=None, ge=1)
    """Messages a month the Zalo bot may send (its quota); near it, progress nudges and then
    "before" reminders are dropped (never overdue items or escalations) and the admin is told."""
    telegram_monthly_message_budget: int | None = Field(default=None, ge=1)
    reminder_detail: Literal["full", "title", "minimal"] = "full"
    """How much of a task a check-in shows in the chat app; `minimal`: only how many items wait."""

    web_host: str = "127.0.0.1"
    """Where the dashboard (and the webhooks) listen when WEB_PORT is set."""
    web_port: int | None = Field(default=None, ge=0, le=65535)
    """Set, `nhacviec run` serves the dashboard on it (with the webhooks when they are on)."""
    web_base_url: str | None = None
    """The dashboard's public address, for sign-in links (default: http://WEB_HOST:WEB_PORT)."""
    web_link_ttl_minutes: int = Field(default=15, ge=1, le=24 * 60)
    """How long a one-time sign-in link works."""
    web_session_hours: int = Field(default=12, ge=1, le=24 * 30)
    """How long a browser stays signed in."""

    platform_retry_cap_seconds: float = Field(default=60.0, gt=0)
    """At start, the longest wait between two attempts to reach Telegram or Zalo while the platform
    is down or answers 429/5xx (the wait doubles from one second up to this)."""

    outbox_lease_seconds: float = Field(default=60.0, gt=0)
    """How long a claimed row stays with its worker without a heartbeat (a dead worker's rows
    are taken over after this)."""
    outbox_batch: int = Field(default=100, ge=1)
    outbox_concurrency: int = Field(default=64, ge=1)
    outbox_max_attempts: int = Field(default=10, ge=1)
    outbox_retry_base_seconds: float = Field(default=60.0, gt=0)
    outbox_retry_cap_seconds: float = Field(default=4 * 3600.0, gt=0)
    outbox_catch_up_grace_seconds: float = Field(default=600.0, ge=0)
    """Rows due longer ago than this at start were missed while the bot was down (catch-up)."""

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except Exception as exc:  # ZoneInfo raises several unrelated types
            raise PydanticCustomError("timezone", BAD_TIMEZONE) from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _sqlite_folder_exists(cls, value: str) -> str:
        # SQLite creates the file but not its folder; said here, the mistake is not taken for an
        # empty database later on.
        if value.startswith("sqlite:///"):
            database = value.removeprefix("sqlite:///").split("?", 1)[0]
            folder = Path(database).parent
            if database and database != ":memory:" and not folder.is_dir():
                raise PydanticCustomError("sqlite_folder", NO_FOLDER, {"folder": str(folder)})
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise PydanticCustomError("log_level", BAD_LEVEL, {"levels": ", ".join(LOG_LEVELS)})
        return level

    @model_validator(mode="after")
    def _folders_next_to_the_plans(self) -> Settings:
        if "schedules_dir" not in self.model_fields_set:
            self.schedules_dir = paths.schedules_dir(self.plans_dir)
        if "templates_dir" not in self.model_fields_set:
            self.templates_dir = paths.templates_dir(self.plans_dir)
        return self

    @model_validator(mode="after")
    def _lease_outlasts_a_send(self) -> Settings:
        # A send (up to the timeout) must end well before the lease does, or two workers could
        # both be sending one row.
        minimum = self.telegram_timeout_seconds + 2
        if self.outbox_lease_seconds <= minimum:
            raise PydanticCustomError(
                "lease", LEASE_TOO_SHORT, {"lease": self.outbox_lease_seconds, "minimum": minimum}
            )
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def catch_up_grace(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.outbox_catch_up_grace_seconds)


class SettingsError(Exception):
    """Settings the user wrote are wrong; `describe(lang)` names each one and the fix, on one line."""

    def __init__(self, error: ValidationError) -> None:
        super().__init__(describe(error, "vi"))
        self.error = error

    def describe(self, lang: str) -> str:
        return describe(self.error, lang)


def load_settings(**overrides: Any) -> Settings:
    """The settings of this run; a mistake raises `SettingsError` (never a traceback)."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SettingsError(exc) from None


def describe(error: ValidationError, lang: str) -> str:
    """`NAME='value': what is wrong` for each mistake, in `lang`."""
    problems = []
    for item in error.errors():
        context = item.get("ctx", {})
        if item["type"] == "lease":  # a rule between two fields: name the one to change
            shown = f"OUTBOX_LEASE_SECONDS={context['lease']:g}"
        else:
            name = "_".join(str(part) for part in item["loc"]).upper()
            name = ENV_NAMES.get(name, name)
            given = item.get("input")
            shown = f"{name}={given!r}" if isinstance(given, str | int | float) else name
        own = OWN_ERRORS.get(item["type"])
        problems.append(f"{shown}: {render(lang, own, **context) if own else item['msg']}")
    return "; ".join(problems)
