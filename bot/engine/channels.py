"""The channels this installation runs, their flood control, the receivers that listen on
them and the web server that takes their webhooks (with the dashboard), from the settings."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import SecretStr
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.channels.base import Channel
from bot.channels.console import ConsoleChannel
from bot.channels.console_receive import ConsoleReceiver
from bot.channels.events import Conversation, IncomingEvent, Reply
from bot.channels.receiving import Listening, UpdateReceiver, Webhook
from bot.channels.telegram import TelegramChannel
from bot.channels.telegram_receive import TelegramReceiver
from bot.channels.zalo import ZaloChannel
from bot.channels.zalo_receive import ZaloReceiver
from bot.chat.conversation import ChatConversation
from bot.db.reconnect import Reconnecting
from bot.engine.root import Root
from bot.outbox.dispatcher import DispatchConfig
from bot.outbox.ratelimit import FloodGate, RateLimits
from bot.outbox.shared_limits import SharedFloodControl, token_scope
from bot.reminders.materialize import extend_horizon
from bot.settings import Settings
from bot.web import links
from bot.web.app import base_url, create_app
from bot.web.server import WebServer


@dataclass
class ConfiguredChannels:
    channels: dict[str, Channel] = field(default_factory=dict)
    limits: dict[str, RateLimits] = field(default_factory=dict)
    scopes: dict[str, str] = field(default_factory=dict)
    """Channel → the fingerprint of its token: the platform meters each bot on its own."""
    catch_all: str | None = None
    """The console, when no platform is configured: everyone's reminders are printed there."""


def configured_channels(settings: Settings) -> ConfiguredChannels:
    result = ConfiguredChannels()
    timeout = settings.telegram_timeout_seconds  # Zalo shares the send timeout
    telegram_token = _secret(settings.telegram_bot_token)
    if telegram_token:
        result.channels["telegram"] = TelegramChannel(
            telegram_token, settings.telegram_api_url, timeout=timeout
        )
        result.limits["telegram"] = telegram_limits(settings)
        result.scopes["telegram"] = token_scope("telegram", telegram_token)
    zalo_token = _secret(settings.zalo_bot_token)
    if zalo_token:
        result.channels["zalo"] = ZaloChannel(zalo_token, settings.zalo_api_url, timeout=timeout)
        result.limits["zalo"] = zalo_limits(settings)
        result.scopes["zalo"] = token_scope("zalo", zalo_token)
    if not result.channels:
        result.channels["console"] = ConsoleChannel()
        result.catch_all = "console"
    return result


def flood_gates(
    engine: Engine, configured: ConfiguredChannels, config: DispatchConfig, database: Reconnecting
) -> dict[str, FloodGate]:
    """On PostgreSQL, gates shared by every process of the database (several `nhacviec run` may
    send with one token); on SQLite none here: the dispatcher keeps them in the process."""
    if engine.dialect.name != "postgresql":
        return {}
    return {
        name: SharedFloodControl(
            engine,
            configured.limits[name],
            scope=configured.scopes[name],
            send_hold=config.send_timeout + 2.0,
            queue_hold=config.lease.total_seconds() + config.send_timeout,
            database=database,
        )
        for name in configured.channels
        if name in configured.limits and name in configured.scopes and not configured.limits[name].unlimited
    }


class WaitingConversation:
    """The conversation, once the database answers: a chat message that arrives during an outage
    waits for it (and keeps its place in the queue) instead of getting "nothing was recorded"."""

    def __init__(self, conversation: Conversation, database: Reconnecting, engine: Engine) -> None:
        self._conversation = conversation
        self._database = database
        self._engine = engine

    async def handle(self, event: IncomingEvent) -> list[Reply]:
        await self._database.run("chat", self._ping)
        return await self._conversation.handle(event)

    def _ping(self) -> None:
        with self._engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")


def receivers(root: Root, engine: Engine, database: Reconnecting | None = None) -> list[UpdateReceiver[Any]]:
    """Telegram's and Zalo's receivers; each does nothing unless its channel is running. They
    share one conversation (state is kept per channel and chat, so their chats never collide)."""
    settings = root.settings
    conversation: Conversation = ChatConversation(
        engine,
        tz=settings.tz,
        calendar=root.calendar,
        cycles=root.defaults.cycles,
        templates=settings.templates_dir,
        default_lang=settings.language,
    )
    if database is not None:
        conversation = WaitingConversation(conversation, database, engine)
    telegram = Listening(
        webhook=_webhook(
            settings.telegram_webhook_url,
            _secret(settings.telegram_webhook_secret),
            settings.telegram_webhook_listen,
            settings.telegram_webhook_port,
        ),
        poll_timeout=settings.telegram_poll_timeout,
        poll_pause=settings.telegram_poll_pause,
    )
    zalo = Listening(
        webhook=_webhook(
            settings.zalo_webhook_url,
            _secret(settings.zalo_webhook_secret),
            settings.zalo_webhook_listen,
            settings.zalo_webhook_port,
        ),
        poll_timeout=settings.zalo_poll_timeout,
        poll_pause=settings.zalo_poll_pause,
    )
    _configure_links(settings)
    return [
        TelegramReceiver(conversation, telegram, clock=root.clock, lang=root.lang),
        ZaloReceiver(conversation, zalo, clock=root.clock, lang=root.lang),
        ConsoleReceiver(
            conversation,
            engine=engine,
            clock=root.clock,
            stream=sys.stdin,
            lang=root.lang,
            after_binding=lambda: _plan_console_reminders(engine, root),
        ),
    ]


def web_address(settings: Settings) -> tuple[str, int] | None:
    """Where the one web server listens (dashboard and webhooks), None when it is not wanted:
    WEB_HOST:WEB_PORT, else the address of the webhook that is on (Telegram's, else Zalo's)."""
    if settings.web_port is not None:
        return settings.web_host, settings.web_port
    if settings.telegram_webhook_url:
        return settings.telegram_webhook_listen, settings.telegram_webhook_port
    if settings.zalo_webhook_url:
        return settings.zalo_webhook_listen, settings.zalo_webhook_port
    return None


def _configure_links(settings: Settings) -> None:
    """`/web` in chat gives a sign-in link when the dashboard has an address."""
    address = web_address(settings)
    if settings.web_base_url or address is not None:
        url = base_url(settings, address[1] if address else None)
        links.configure(links.LinkSettings(url, dt.timedelta(minutes=settings.web_link_ttl_minutes)))
    else:
        links.configure(None)


def web_server(root: Root, engine: Engine, listening: Sequence[UpdateReceiver[Any]]) -> WebServer | None:
    """The web application on its address (not started), or None when it is not wanted."""
    address = web_address(root.settings)
    if address is None:
        return None
    app = create_app(
        engine, settings=root.settings, clock=root.clock, calendar=root.calendar, receivers=listening
    )
    return WebServer(app, *address)


def _plan_console_reminders(engine: Engine, root: Root) -> None:
    """Directory people just got console chats: plan their reminders now, not at tomorrow's job."""
    with Session(engine) as session:
        extend_horizon(
            session,
            root.clock.now(),
            calendar=root.calendar,
            defaults=root.defaults,
            tz=root.settings.tz,
            horizon_months=root.settings.horizon_months,
        )
        session.commit()


def _webhook(url: str | None, secret: str, listen: str, port: int) -> Webhook | None:
    return Webhook(url, secret, listen, port) if url else None


def _secret(value: SecretStr | None) -> str:
    return value.get_secret_value().strip() if value is not None else ""


def zalo_limits(settings: Settings) -> RateLimits:
    return RateLimits(
        per_second=settings.zalo_max_per_second, chat_interval=settings.zalo_chat_interval_seconds
    )


def telegram_limits(settings: Settings) -> RateLimits:
    return RateLimits(
        per_second=settings.telegram_max_per_second,
        chat_interval=settings.telegram_chat_interval_seconds,
        group_per_minute=settings.telegram_group_per_minute,
    )
