"""uvicorn inside the caller's event loop: `nhacviec run` serves the web application beside the
dispatcher and the receivers (webhook calls are queued straight into the receivers' queues), and
`nhacviec web` serves it alone.

The socket is bound here, so a busy port is an `OSError` the command can explain (uvicorn itself
would `sys.exit`), and uvicorn does not take SIGINT/SIGTERM: the engine or the command owns them
and stops the server with `stop()`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Generator

import uvicorn
from starlette.types import ASGIApp

log = logging.getLogger(__name__)

MAX_CONCURRENCY = 200
"""Connections served at once; beyond that uvicorn answers 503 (a flood must not starve the bot)."""
KEEP_ALIVE = 5
"""Seconds an idle connection stays open."""


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        # The engine (`bot.engine.runner`) or the command handles the signals and calls stop().
        yield


class WebServer:
    def __init__(self, app: ASGIApp, host: str, port: int) -> None:
        self.host = host
        self._port = port
        config = uvicorn.Config(
            app,
            lifespan="off",
            access_log=False,
            log_level="warning",
            limit_concurrency=MAX_CONCURRENCY,
            timeout_keep_alive=KEEP_ALIVE,
            server_header=False,
            proxy_headers=False,
        )
        self._server = _Server(config)
        self._socket: socket.socket | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def port(self) -> int:
        """The port listened on (the one the system chose when 0 was asked for)."""
        if self._socket is None:
            return self._port
        return int(self._socket.getsockname()[1])

    async def start(self) -> None:
        """Listen and serve; an `OSError` when the address cannot be bound."""
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        # IPPROTO_TCP named, not 0: asyncio turns Nagle off (TCP_NODELAY) only on sockets that
        # say they are TCP, and without it every answer written in two parts waits 40 ms for
        # the client's delayed ACK.
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.bind((self.host, self._port))
            sock.listen(128)
            sock.setblocking(False)
        except OSError:
            sock.close()
            raise
        self._socket = sock
        self._task = asyncio.create_task(self._server.serve(sockets=[sock]), name="web-server")
        while not self._server.started:
            if self._task.done():
                self._task.result()  # what stopped it, raised here
                raise OSError(f"the web server on {self.host}:{self.port} did not start")
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        if self._task is None:
            return
        self._server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    async def wait(self) -> None:
        """Until the server stops (`stop()` from elsewhere)."""
        if self._task is not None:
            await asyncio.shield(self._task)
