"""Receiving, the part Telegram and Zalo share: updates → `IncomingEvent` → the conversation → replies.

A platform receiver (`bot.channels.telegram_receive`, `bot.channels.zalo_receive`) subclasses
`UpdateReceiver` and supplies only what differs: its settings, the update → event parser, the
polling call, the set/delete webhook calls, the secret rule and its message texts. Long polling is
the default; a webhook when the platform's webhook URL is set. The HTTP side of a webhook is the
web application's (`bot.web.webhooks`, served by uvicorn in the engine's event loop): it checks the
secret header (`secret_matches`) and the body, then hands the update to `accept_webhook`, which
queues it. Updates are handled one at a time, in arrival order, so a chat's messages keep their
order.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hmac
import logging
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar
from urllib.parse import urlsplit

from bot.channels.base import Channel, ChannelError, FileChannel, PressChannel, can_send_files
from bot.channels.events import Conversation, IncomingEvent, Reply
from bot.channels.messages import render
from bot.clock import Clock

log = logging.getLogger(__name__)

MAX_BODY = 1 << 20
"""An update is a few kilobytes at most; a bigger body is not the platform's."""
POLL_PAUSE_CAP = 60.0
"""Longest wait between failed polls (the wait doubles from one second)."""
STOP_GRACE = 10.0
"""Seconds a stop waits for the messages already received to be handled: a platform that counts
them as delivered (Zalo's poll, a webhook) would not send them again, and Telegram would send
them again to be handled twice (a second welcome, a second status reply)."""

Update = dict[str, Any]

C = TypeVar("C", bound=Channel)


@dataclass(frozen=True, slots=True)
class Webhook:
    """Webhook mode: the public address the platform calls, its secret, where we listen."""

    url: str
    secret: str
    listen: str
    port: int


@dataclass(frozen=True, slots=True)
class Listening:
    """How a receiver listens: the webhook when there is one, else long polling."""

    webhook: Webhook | None = None
    poll_timeout: int = 25
    """Seconds one poll waits for an update."""
    poll_pause: float = 0.5
    """Pause after an empty poll (a server that answers at once must not be hammered)."""


def valid_webhook_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("https", "http") and bool(parts.netloc)


# --- replies → platform calls ---------------------------------------------------------------------


async def deliver(channel: Channel, event: IncomingEvent, replies: list[Reply]) -> None:
    """Send the conversation's replies: the press answered, answered buttons removed, messages,
    files (each where the channel can). A failure is logged and the next reply still goes: the
    update is not handled twice."""
    answered = False
    for reply in replies:
        chat_id = reply.chat_id or event.chat_id
        try:
            if isinstance(channel, PressChannel):
                if reply.answer_callback is not None and event.callback_id is not None and not answered:
                    answered = True
                    await channel.answer_callback(event.callback_id, reply.answer_callback)
                if reply.edit_buttons_of is not None:
                    await channel.remove_buttons(chat_id, reply.edit_buttons_of)
            if reply.message.text:
                sent = await channel.send(chat_id, reply.message)
                if reply.after_send is not None:
                    await _after_send(reply.after_send, sent.message_id)
            if reply.files and can_send_files(channel):
                assert isinstance(channel, FileChannel)
                for item in reply.files:
                    await channel.send_file(chat_id, item)
        except ChannelError as exc:
            log.warning("%s reply to chat %s not sent: %s", channel.name, chat_id, exc)
    if event.callback_id is not None and not answered and isinstance(channel, PressChannel):
        # Every press is answered, or the person's Telegram shows a spinner for a while.
        try:
            await channel.answer_callback(event.callback_id)
        except ChannelError as exc:
            log.warning("%s press not answered: %s", channel.name, exc)


async def _after_send(callback: Callable[[str], Awaitable[None]], message_id: str) -> None:
    try:
        await callback(message_id)
    except Exception:  # the message went; only quoting it later loses its meaning
        log.exception("after sending message %s", message_id)


# --- the receiver ---------------------------------------------------------------------------------


class UpdateReceiver(ABC, Generic[C]):
    """Feeds a platform's updates to the conversation and sends its replies. Each event is
    stamped with the engine's clock: the conversation's "now" (invites, open questions, snoozes)
    is the engine's, never the platform's or the machine's."""

    name: ClassVar[str]
    """The channel's name (`telegram`, `zalo`): which of the engine's channels it listens on."""
    label: ClassVar[str]
    """The platform's name in log lines."""
    secret_header: ClassVar[str]
    bad_url: ClassVar[str]
    """The message (gettext msgid, `{url}`) for a webhook URL that cannot work."""
    no_secret: ClassVar[str]
    """The message (gettext msgid, `{length}`) for a missing or invalid webhook secret."""
    setup_error: ClassVar[type[ChannelError]]
    stop_grace: float = STOP_GRACE
    """How long a stop waits for the messages already taken to be handled."""
    confirm_after_handling: ClassVar[bool] = False
    """True when the next poll confirms the updates of the last one (Telegram's offset): the poll
    then waits until they are handled, and a stop confirms what it handled (`_confirm`); what was
    not handled comes again at the next start."""

    def __init__(
        self, conversation: Conversation, listening: Listening, *, clock: Clock, lang: str = "vi"
    ) -> None:
        self._conversation = conversation
        self.listening = listening
        self._clock = clock
        self._lang = lang
        self._channel: C | None = None
        self._queue: asyncio.Queue[Update] = asyncio.Queue()
        self._consumer: asyncio.Task[None] | None = None
        self._poller: asyncio.Task[None] | None = None
        self._hooked = False
        """Started in webhook mode: webhook calls are queued from now on."""
        self.handled = 0
        """Updates handed to the conversation so far (for tests and the log)."""

    # What each platform supplies.

    @abstractmethod
    def _channel_in(self, channels: Mapping[str, Channel]) -> C | None:
        """This platform's channel among the engine's, None when it is not configured."""

    @abstractmethod
    def _valid_secret(self, secret: str) -> bool: ...

    @abstractmethod
    async def _set_webhook(self, channel: C, webhook: Webhook) -> None: ...

    @abstractmethod
    async def _delete_webhook(self, channel: C) -> None:
        """Called before polling starts; logs rather than raises what polling may survive."""

    @abstractmethod
    async def _fetch(self, channel: C) -> list[Update]:
        """One long poll."""

    @abstractmethod
    def _poll_failed(self, exc: Exception) -> float | None:
        """Log a failed poll; the seconds to wait, or None to back off. Re-raises what is not the
        platform's, which ends polling."""

    @abstractmethod
    def _to_event(self, channel: C, update: Mapping[str, Any], now: dt.datetime) -> IncomingEvent | None: ...

    def _accepts(self, update: Update) -> bool:
        """Whether a webhook body is an update worth queueing."""
        return True

    async def _confirm(self, channel: C) -> None:
        """Tell the platform that every update fetched so far is handled (at a stop: the next
        start must not get them again). Nothing to do where fetching them confirmed them."""

    # The shared machinery.

    @property
    def webhook_paths(self) -> tuple[str, ...]:
        """Where the web application takes this platform's webhook calls: `/telegram` (`/zalo`),
        and the path of the public webhook URL, so that a proxy forwarding the path as it is
        keeps working."""
        webhook = self.listening.webhook
        if webhook is None:
            return ()
        paths = [f"/{self.name}"]
        own = urlsplit(webhook.url).path.rstrip("/")
        if own and own not in paths:
            paths.append(own)
        return tuple(paths)

    @property
    def accepting(self) -> bool:
        """Started in webhook mode: the platform's calls are taken (before that, they get 503 and
        the platform sends them again)."""
        return self._hooked

    def secret_matches(self, given: str | None) -> bool:
        """Whether a webhook call carries this platform's secret (compared in constant time)."""
        webhook = self.listening.webhook
        if webhook is None or not given:
            return False
        return hmac.compare_digest(given.encode(), webhook.secret.encode())

    def is_update(self, body: object) -> bool:
        """Whether a webhook body (parsed from JSON) is one of this platform's updates."""
        return isinstance(body, dict) and self._accepts(body)

    def accept_webhook(self, update: Update) -> None:
        """Queue one webhook update (`is_update`), to be handled in arrival order."""
        self._queue.put_nowait(update)

    def check_settings(self) -> None:
        """Raises the platform's setup error with the fix when webhook mode is asked for but
        cannot work."""
        webhook = self.listening.webhook
        if webhook is None:
            return
        if not valid_webhook_url(webhook.url):
            raise self.setup_error(render(self._lang, self.bad_url, url=webhook.url))
        if not self._valid_secret(webhook.secret):
            raise self.setup_error(render(self._lang, self.no_secret, length=len(webhook.secret)))

    async def start(self, channels: Mapping[str, Channel]) -> None:
        channel = self._channel_in(channels)
        if channel is None:
            return
        self.check_settings()
        self._channel = channel
        self._consumer = asyncio.create_task(self._consume(), name=f"{self.name}-updates")
        webhook = self.listening.webhook
        if webhook is not None:
            # Calls that come as soon as the platform has the URL are taken (the web server runs
            # before receivers start): Telegram sends pending updates at once.
            self._hooked = True
            await self._set_webhook(channel, webhook)
        else:
            await self._delete_webhook(channel)
            self._poller = asyncio.create_task(self._poll(channel), name=f"{self.name}-poll")

    async def stop(self) -> None:
        """Stop taking messages, finish handling those already taken (within `STOP_GRACE`), and
        confirm them to the platform where it wants that (`_confirm`)."""
        self._hooked = False  # webhook calls get 503 from now on: the platform sends them again
        await _cancel(self._poller)
        self._poller = None
        if self._consumer is not None:
            try:
                await asyncio.wait_for(self._queue.join(), self.stop_grace)
            except TimeoutError:
                log.warning(
                    "%s: %d message(s) not handled within %g s of the stop; "
                    "they are lost unless the platform sends them again",
                    self.label,
                    self._queue.qsize(),
                    self.stop_grace,
                )
            else:
                if self._channel is not None:
                    await self._confirm(self._channel)
        await _cancel(self._consumer)
        self._consumer = None

    async def idle(self) -> None:
        """Wait until every update received so far has been handled (for tests)."""
        await self._queue.join()

    async def _poll(self, channel: C) -> None:
        pause = 1.0
        while True:
            try:
                updates = await self._fetch(channel)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the platform may come back: keep polling, slower
                wait = self._poll_failed(exc)
                if wait is None:
                    wait, pause = pause, min(pause * 2, POLL_PAUSE_CAP)
                await asyncio.sleep(wait)
                continue
            pause = 1.0
            for update in updates:
                self._queue.put_nowait(update)
            if not updates:
                await asyncio.sleep(self.listening.poll_pause)
            elif self.confirm_after_handling:
                await self._queue.join()

    async def _consume(self) -> None:
        while True:
            update = await self._queue.get()
            try:
                await self.handle_update(update)
            except Exception:  # one bad update must not stop the others
                log.exception("%s update not handled", self.label)
            finally:
                self._queue.task_done()

    async def handle_update(self, update: Mapping[str, Any]) -> None:
        if self._channel is None:
            return
        event = self._to_event(self._channel, update, self._clock.now())
        if event is None:
            return
        replies = await self._conversation.handle(event)
        self.handled += 1
        await deliver(self._channel, event, replies)


async def _cancel(task: asyncio.Task[None] | None) -> None:
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
