"""Settings of the reminder engine (environment or `.env`), beside `bot.settings.Settings`.

Kept here so the outbox can be tuned without touching the shared settings; the defaults fit
production, the tests shrink the lease and the retry steps to seconds.
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.outbox.dispatcher import DispatchConfig
from bot.outbox.ratelimit import RateLimits


class EngineSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

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

    telegram_max_per_second: int = Field(default=30, ge=0)
    telegram_chat_interval_seconds: float = Field(default=1.0, ge=0)
    telegram_group_per_minute: int = Field(default=20, ge=0)
    telegram_timeout_seconds: float = Field(default=10.0, gt=0)

    @property
    def lease_too_short(self) -> bool:
        """A send (up to the timeout) must end well before the lease does."""
        return self.outbox_lease_seconds <= self.telegram_timeout_seconds + 2

    def dispatch_config(self) -> DispatchConfig:
        return DispatchConfig(
            lease=dt.timedelta(seconds=self.outbox_lease_seconds),
            batch=self.outbox_batch,
            concurrency=self.outbox_concurrency,
            max_attempts=self.outbox_max_attempts,
            retry_base=self.outbox_retry_base_seconds,
            retry_cap=self.outbox_retry_cap_seconds,
            drain_timeout=self.telegram_timeout_seconds + 5,
            send_timeout=self.telegram_timeout_seconds + 1,
        )

    def telegram_limits(self) -> RateLimits:
        return RateLimits(
            per_second=self.telegram_max_per_second,
            chat_interval=self.telegram_chat_interval_seconds,
            group_per_minute=self.telegram_group_per_minute,
        )

    @property
    def catch_up_grace(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.outbox_catch_up_grace_seconds)
