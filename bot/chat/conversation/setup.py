"""The conversation `nhacviec run` gives every channel's receiver, from the settings."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from bot.chat.conversation.handler import ChatConversation
from bot.settings import Settings, get_settings
from bot.workcal import WorkCalendar


def conversation_for(engine: Engine, settings: Settings | None = None) -> ChatConversation:
    """One conversation per process, shared by Telegram and Zalo (their chats never collide:
    state is kept per channel and chat)."""
    settings = settings or get_settings()
    calendar = WorkCalendar.default(settings.language)
    return ChatConversation(engine, tz=settings.tz, calendar=calendar, default_lang=settings.language)
