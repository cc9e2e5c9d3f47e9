"""Zalo in `nhacviec run`: the channel and its receiver, from the settings.

`bot.channels.configured` makes the channel; `bot.engine.zalo_plugin` (an engine plugin) registers
the receiver, which does nothing unless the Zalo channel is running.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from bot.channels.events import Conversation
from bot.channels.zalo import ZaloChannel
from bot.channels.zalo_receive import ZaloReceiver, ZaloReceiveSettings
from bot.engine.settings import EngineSettings
from bot.settings import Settings, get_settings
from bot.workcal import WorkCalendar


def zalo_channel(settings: Settings, engine_settings: EngineSettings) -> ZaloChannel | None:
    """The Zalo channel when ZALO_BOT_TOKEN is set (it shares the Telegram send timeout)."""
    if settings.zalo_bot_token is None:
        return None
    token = settings.zalo_bot_token.get_secret_value().strip()
    if not token:
        return None
    return ZaloChannel(token, settings.zalo_api_url, timeout=engine_settings.telegram_timeout_seconds)


def zalo_receiver(settings: Settings | None = None) -> ZaloReceiver:
    settings = settings or get_settings()
    receive = ZaloReceiveSettings(
        zalo_webhook_url=settings.zalo_webhook_url,
        zalo_webhook_secret=(
            settings.zalo_webhook_secret.get_secret_value() if settings.zalo_webhook_secret else None
        ),
    )

    def conversation(engine: Engine) -> Conversation:
        from bot.chat.conversation import ChatConversation

        return ChatConversation(
            engine,
            tz=settings.tz,
            calendar=WorkCalendar.default(settings.language),
            default_lang=settings.language,
        )

    return ZaloReceiver(conversation, receive, lang=settings.language)
