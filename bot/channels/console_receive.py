"""Receiving on the console: what the operator types in the terminal → `IncomingEvent` → the
conversation → replies printed, exactly as a Zalo chat (no buttons: numbered choices).

At start every person of the directory gets a console chat (`console_directory.bind_directory`),
so their reminders print here, and the operator says who they are (a number or a name from the
directory); `/doinguoi` picks someone else. Lines are read on a thread of their own (a blocking
`readline`) and handed to the shared receiving loop (`bot.channels.receiving`) as updates; the end
of input (Ctrl-D, or no terminal at all) only stops the reading, never the bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import itertools
import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, TextIO

from sqlalchemy.engine import Engine

from bot.channels import console_directory
from bot.channels.base import Channel, ChannelError
from bot.channels.console import ConsoleChannel
from bot.channels.console_directory import DirectoryPerson
from bot.channels.console_messages import (
    EMPTY_DIRECTORY,
    MORE_PEOPLE,
    NOBODY,
    PERSON_LINE,
    REMINDED_HERE,
    SEVERAL,
    WHO,
    YOU_ARE,
    render,
)
from bot.channels.events import Conversation, IncomingEvent
from bot.channels.receiving import Listening, UpdateReceiver, Webhook
from bot.clock import Clock
from bot.folding import fold

log = logging.getLogger(__name__)

SWITCH = frozenset({"/doinguoi", "/switch"})
"""The operator's own command: talk as someone else."""
LISTED = 30
"""People listed at once; a longer directory is searched by name."""
WAIT = 1.0
"""Seconds one «poll» of the terminal waits for a line."""


class ConsoleReceiver(UpdateReceiver[ConsoleChannel]):
    name: ClassVar[str] = console_directory.CHANNEL
    label: ClassVar[str] = "Console"
    secret_header: ClassVar[str] = ""
    bad_url: ClassVar[str] = ""
    no_secret: ClassVar[str] = ""
    setup_error: ClassVar[type[ChannelError]] = ChannelError

    def __init__(
        self,
        conversation: Conversation,
        *,
        engine: Engine,
        clock: Clock,
        stream: TextIO,
        lang: str = "vi",
        after_binding: Callable[[], object] | None = None,
    ) -> None:
        """`stream`: where the operator types (standard input). `after_binding`: called (in a
        thread) once the directory is bound, to plan the new chats' reminders."""
        super().__init__(
            conversation, Listening(poll_timeout=int(WAIT), poll_pause=0.0), clock=clock, lang=lang
        )
        self._engine = engine
        self._stream = stream
        self._after_binding = after_binding
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()
        self._people: list[DirectoryPerson] = []
        self._offered: list[DirectoryPerson] = []
        self._speaker: DirectoryPerson | None = None
        self._ids = itertools.count(1)
        self._ended = False

    @property
    def speaker(self) -> DirectoryPerson | None:
        """Who the operator talks as (None until they have said)."""
        return self._speaker

    # --- start and stop ---------------------------------------------------------------------------

    async def start(self, channels: Mapping[str, Channel]) -> None:
        channel = self._channel_in(channels)
        if channel is None:
            return
        bound = await asyncio.to_thread(console_directory.bind_directory, self._engine, self._clock.now())
        if self._after_binding is not None:
            await asyncio.to_thread(self._after_binding)
        self._people = await asyncio.to_thread(console_directory.directory, self._engine)
        channel.names.update({person.id: person.name for person in self._people})
        self._say(channel, render(self._lang, REMINDED_HERE, count=bound) if bound else "")
        self._offer(channel, self._people)
        self._start_reading(asyncio.get_running_loop())
        await super().start(channels)

    async def stop(self) -> None:
        was_running = self._channel is not None
        await super().stop()
        if was_running:
            with contextlib.suppress(Exception):  # stopping: the log says what went wrong
                await asyncio.to_thread(console_directory.release, self._engine, self._clock.now())

    def _start_reading(self, loop: asyncio.AbstractEventLoop) -> None:
        def read() -> None:
            while True:
                try:
                    line = self._stream.readline()
                except (OSError, ValueError):
                    line = ""
                if not line:
                    loop.call_soon_threadsafe(self._lines.put_nowait, None)
                    return
                loop.call_soon_threadsafe(self._lines.put_nowait, line.rstrip("\r\n"))

        threading.Thread(target=read, name="console-input", daemon=True).start()

    # --- what UpdateReceiver asks of a platform ---------------------------------------------------

    def _channel_in(self, channels: Mapping[str, Channel]) -> ConsoleChannel | None:
        channel = channels.get(self.name)
        return channel if isinstance(channel, ConsoleChannel) else None

    def _valid_secret(self, secret: str) -> bool:
        return True

    async def _set_webhook(self, channel: ConsoleChannel, webhook: Webhook) -> None:
        return None  # a terminal has no webhook

    async def _delete_webhook(self, channel: ConsoleChannel) -> None:
        return None

    async def _fetch(self, channel: ConsoleChannel) -> list[dict[str, Any]]:
        if self._ended:
            await asyncio.sleep(3600)
            return []
        try:
            line = await asyncio.wait_for(self._lines.get(), WAIT)
        except TimeoutError:
            return []
        if line is None:
            self._ended = True  # end of input: the bot goes on sending reminders
            return []
        return [{"text": line}]

    def _poll_failed(self, exc: Exception) -> float | None:
        log.warning("console input not read: %s", exc)
        return None

    def _to_event(
        self, channel: ConsoleChannel, update: Mapping[str, Any], now: dt.datetime
    ) -> IncomingEvent | None:
        text = str(update.get("text", ""))
        if not text.strip():
            return None
        if text.strip().lower() in SWITCH:
            self._speaker = None
            self._offer(channel, self._people)
            return None
        if self._speaker is None:
            self._pick(channel, text)
            return None
        return IncomingEvent(
            channel=self.name,
            chat_id=self._speaker.id,
            message_id=f"in-{next(self._ids)}",
            received_at=now,
            user_id=self._speaker.id,
            display_name=self._speaker.name,
            text=text,
        )

    # --- who the operator is ----------------------------------------------------------------------

    def _offer(self, channel: ConsoleChannel, people: list[DirectoryPerson]) -> None:
        if not people:
            self._say(channel, render(self._lang, EMPTY_DIRECTORY))
            return
        self._offered = people
        lines = [render(self._lang, WHO)]
        lines += [
            render(self._lang, PERSON_LINE, number=number, name=person.name, unit=person.unit)
            for number, person in enumerate(people[:LISTED], 1)
        ]
        if len(people) > LISTED:
            lines.append(render(self._lang, MORE_PEOPLE, count=len(people) - LISTED))
        self._say(channel, "\n".join(lines))

    def _pick(self, channel: ConsoleChannel, text: str) -> None:
        said = text.strip()
        if said.isdigit() and 1 <= int(said) <= min(len(self._offered), LISTED):
            found = [self._offered[int(said) - 1]]
        else:
            words = fold(said).split()
            found = [
                person
                for person in self._people
                if words and all(word in fold(f"{person.name} {person.id} {person.unit}") for word in words)
            ]
        if len(found) == 1:
            self._speaker = found[0]
            channel.speaker = found[0].id
            self._say(channel, render(self._lang, YOU_ARE, name=found[0].name, unit=found[0].unit))
        elif found:
            self._say(channel, render(self._lang, SEVERAL, count=len(found), text=said))
            self._offer(channel, found)
        else:
            self._say(channel, render(self._lang, NOBODY, text=said))

    def _say(self, channel: ConsoleChannel, text: str) -> None:
        if text:
            channel.note(text)
