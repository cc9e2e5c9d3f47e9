"""The channels this installation runs, from the settings."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.channels.base import Channel
from bot.channels.console import ConsoleChannel
from bot.channels.telegram import TelegramChannel
from bot.engine.settings import EngineSettings
from bot.engine.zalo import zalo_channel
from bot.outbox.ratelimit import RateLimits
from bot.settings import Settings


@dataclass
class ConfiguredChannels:
    channels: dict[str, Channel] = field(default_factory=dict)
    limits: dict[str, RateLimits] = field(default_factory=dict)
    catch_all: str | None = None
    """The console, when no platform is configured: everyone's reminders are printed there."""


def configured_channels(settings: Settings, engine_settings: EngineSettings) -> ConfiguredChannels:
    result = ConfiguredChannels()
    if settings.telegram_bot_token is not None and settings.telegram_bot_token.get_secret_value().strip():
        result.channels["telegram"] = TelegramChannel(
            settings.telegram_bot_token.get_secret_value().strip(),
            settings.telegram_api_url,
            timeout=engine_settings.telegram_timeout_seconds,
        )
        result.limits["telegram"] = engine_settings.telegram_limits()
    zalo = zalo_channel(settings, engine_settings)
    if zalo is not None:
        result.channels[zalo.name] = zalo
    if not result.channels:
        result.channels["console"] = ConsoleChannel()
        result.catch_all = "console"
    return result
