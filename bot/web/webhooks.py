"""The platforms' webhook calls: `POST /telegram` and `POST /zalo` (and the path of each public
webhook URL), handed to the receivers (`bot.channels.receiving`), which keep their event
handling; only the HTTP layer is here.

Each call is checked before its body is read: the secret header (403 when wrong or missing,
nothing processed), the declared size (413; 400 for a Content-Length that is not a number). Then
the body is read up to the limit (413 beyond), parsed (400 when it is not JSON or not an update)
and queued (200). A receiver that has not started yet answers 503, so the platform sends the
update again. A client that hangs up midway
gets nothing and leaves no traceback.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.channels.receiving import MAX_BODY, UpdateReceiver

log = logging.getLogger(__name__)


def _answer(status: int, description: str | None = None, **headers: str) -> JSONResponse:
    body: dict[str, Any] = {"ok": status == 200}
    if description:
        body["description"] = description
    return JSONResponse(body, status_code=status, headers=headers or None)


def webhook_routes(receivers: Sequence[UpdateReceiver[Any]]) -> list[Route]:
    routes: list[Route] = []
    taken: set[str] = set()
    for receiver in receivers:
        for path in receiver.webhook_paths:
            if path not in taken:
                taken.add(path)
                routes.append(Route(path, _endpoint(receiver), methods=["POST"]))
    return routes


def _endpoint(receiver: UpdateReceiver[Any]) -> Callable[[Request], Awaitable[Response]]:
    async def webhook(request: Request) -> Response:
        if not receiver.secret_matches(request.headers.get(receiver.secret_header)):
            log.warning(
                "%s webhook call refused: wrong or missing %s", receiver.label, receiver.secret_header
            )
            return _answer(403, "Forbidden: wrong secret token")
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
            status = 400 if not declared.isdigit() else 413
            return _answer(
                status, "Bad Request: bad Content-Length" if status == 400 else "Payload Too Large"
            )
        try:
            body = await _read(request)
        except ClientDisconnect:
            return Response(status_code=400)  # nobody is listening any more; uvicorn drops it
        if body is None:
            return _answer(413, "Payload Too Large")
        try:
            update = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return _answer(400, "Bad Request: body is not JSON")
        if not receiver.is_update(update):
            return _answer(400, "Bad Request: not an update")
        if not receiver.accepting:
            return _answer(503, "Service Unavailable: not receiving yet", **{"Retry-After": "5"})
        receiver.accept_webhook(update)
        return _answer(200)

    webhook.__name__ = f"{receiver.name}_webhook"
    return webhook


async def _read(request: Request) -> bytes | None:
    """The body, None when it grows past the limit (whatever Content-Length said)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def webhook_app(receivers: Sequence[UpdateReceiver[Any]]) -> Starlette:
    """The webhook routes alone (no dashboard, no database): for a receiver on its own."""
    return Starlette(routes=webhook_routes(receivers))
