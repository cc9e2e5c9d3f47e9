"""A loopback fake of the Telegram Bot API, good enough for python-telegram-bot and httpx clients.

Usage::

    with FakeBotApi() as api:                   # a real HTTP server on 127.0.0.1, random port
        bot = Bot(token, base_url=f"{api.url}/bot")
        ...
        api.fail_next(3, "429", retry_after=1)  # then "500" or "hang"
        api.limits = Limits.telegram()          # answer 429 beyond 30/s overall, 1/s per chat
        api.queue_update({...})                 # served by getUpdates
        api.block_chat("42")                    # 403 "bot was blocked by the user"
        api.delivered()                         # sendMessage calls that were accepted

What it speaks: `getMe`, `sendMessage`, `sendPhoto` and `sendDocument` (multipart uploads, kept
as `Upload` in the call's params), `answerCallbackQuery`, `editMessageReplyMarkup`,
`getUpdates` (queued updates, honouring `offset`), `setWebhook`, `deleteWebhook`,
`getWebhookInfo`, `close`, `logOut`; any other method answers 404 like the real server. Bodies
may be form-encoded (what PTB sends; nested values are JSON strings), JSON (what Zalo-style
clients send) or a query string. Every call is recorded in `calls`, with its outcome. Routing
is generic (`/bot<token>/<method>`), so the same server stands in for the Zalo Bot Platform;
`ZaloBotApi` (at the end) answers as Zalo does (no offset, `408` when no update, string ids).

Time stamps are `time.monotonic()`, comparable across processes on the same machine.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

Fault = Literal["429", "500", "hang"]


@dataclass(frozen=True, slots=True)
class Limits:
    """Flood limits enforced on sendMessage (0 disables one)."""

    per_second: int = 0
    """Accepted messages in any sliding 1-second window, over all chats."""
    chat_interval: float = 0.0
    """Seconds between two accepted messages to the same chat."""
    group_per_minute: int = 0
    """Accepted messages in any sliding 60-second window to one group chat (negative id)."""

    @classmethod
    def telegram(cls) -> Limits:
        return cls(per_second=30, chat_interval=1.0, group_per_minute=20)


@dataclass(slots=True)
class Call:
    method: str
    token: str
    params: dict[str, Any]
    at: float
    """`time.monotonic()` when the server handled it."""
    status: int = 0
    """HTTP status answered (429 flood control, 500, 504 after a hang, 403, 400, 404); 0 while
    the call is still being handled (a hang)."""
    result: Any = None

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def chat_id(self) -> str | None:
        value = self.params.get("chat_id")
        return None if value is None else str(value)


@dataclass
class _State:
    calls: list[Call] = field(default_factory=list)
    faults: deque[tuple[Fault, float]] = field(default_factory=deque)
    updates: list[dict[str, Any]] = field(default_factory=list)
    blocked: set[str] = field(default_factory=set)
    missing: set[str] = field(default_factory=set)
    recent: deque[float] = field(default_factory=deque)
    last_per_chat: dict[str, float] = field(default_factory=dict)
    group_recent: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    next_message_id: int = 1
    next_update_id: int = 1
    webhook_url: str = ""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the default backlog of 5 refuses a pool of clients connecting at once


class FakeBotApi:
    """The server. Thread-safe; start/stop it, or use it as a context manager."""

    def __init__(
        self,
        *,
        limits: Limits | None = None,
        latency: float = 0.0,
        method_latency: Mapping[str, float] | None = None,
        hang_seconds: float = 30.0,
        token: str | None = None,
    ) -> None:
        self.limits = limits or Limits()
        self.latency = latency
        """Seconds every call takes before it is answered (to widen race windows in tests)."""
        self.method_latency = dict(method_latency or {})
        """Seconds calls to one method take instead (`{"sendMessage": 0.4}`): a process can be
        stopped while that call is on its way, before the next one is made."""
        self.hang_seconds = hang_seconds
        """How long a `hang` fault holds the request before answering 504 (set it above the
        client's timeout)."""
        self.token = token
        """When set, other tokens get 401 Unauthorized, like the real server."""
        self._state = _State()
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle --------------------------------------------------------------------------

    def start(self) -> FakeBotApi:
        handler = type("Handler", (_Handler,), {"api": self})
        self._server = _Server(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-bot-api",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeBotApi:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The root to configure clients with (`TELEGRAM_API_URL`)."""
        assert self._server is not None, "start the server first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # --- steering -----------------------------------------------------------------------------

    def fail_next(self, count: int, fault: Fault, *, retry_after: float = 1.0) -> None:
        """The next `count` calls (any method) answer 429 with `retry_after`, 500, or hang."""
        with self._lock:
            self._state.faults.extend([(fault, retry_after)] * count)

    def clear_faults(self) -> None:
        with self._lock:
            self._state.faults.clear()

    def block_chat(self, chat_id: str | int) -> None:
        """sendMessage to this chat answers 403 Forbidden: bot was blocked by the user."""
        with self._lock:
            self._state.blocked.add(str(chat_id))

    def remove_chat(self, chat_id: str | int) -> None:
        """sendMessage to this chat answers 400 Bad Request: chat not found."""
        with self._lock:
            self._state.missing.add(str(chat_id))

    def queue_update(self, update: dict[str, Any]) -> int:
        """Queue an update for getUpdates; `update_id` is assigned when missing. Returns it."""
        with self._lock:
            update = dict(update)
            update.setdefault("update_id", self._state.next_update_id)
            self._state.next_update_id = int(update["update_id"]) + 1
            self._state.updates.append(update)
            return int(update["update_id"])

    def pending_updates(self) -> int:
        """Queued updates that no getUpdates offset has confirmed yet."""
        with self._lock:
            return len(self._state.updates)

    # --- what happened --------------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._state.calls)

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def delivered(self) -> list[Call]:
        """Accepted sendMessage calls, in the order they were handled."""
        return [call for call in self.calls_to("sendMessage") if call.ok]

    def rejections(self, status: int = 429) -> int:
        return sum(1 for call in self.calls if call.status == status)

    def reset(self) -> None:
        """Forget calls, faults, limits bookkeeping and updates (not the settings)."""
        with self._lock:
            self._state = _State()

    # --- the API ------------------------------------------------------------------------------

    def handle(self, token: str, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Answer one call: (HTTP status, JSON body). Runs on the server's request threads."""
        wait = self.method_latency.get(method, self.latency)
        if wait:
            time.sleep(wait)
        with self._lock:
            call = Call(method=method, token=token, params=params, at=time.monotonic())
            self._state.calls.append(call)
            fault = self._state.faults.popleft() if self._state.faults else None
        if fault is not None and fault[0] == "hang":
            time.sleep(self.hang_seconds)
            return self._answer(call, 504, _error(504, "Gateway Timeout"))
        with self._lock:
            if fault is not None:
                kind, retry_after = fault
                if kind == "429":
                    return self._answer(call, 429, _flood(retry_after))
                return self._answer(call, 500, _error(500, "Internal Server Error"))
            if self.token is not None and token != self.token:
                return self._answer(call, 401, _error(401, "Unauthorized"))
            return self._dispatch(call)

    def _dispatch(self, call: Call) -> tuple[int, dict[str, Any]]:
        """Under the lock."""
        state, params = self._state, call.params
        match call.method:
            case "getMe":
                return self._answer(
                    call,
                    200,
                    _ok(
                        {
                            "id": 123456,
                            "is_bot": True,
                            "first_name": "Nhắc việc (fake)",
                            "username": "fake_bot",
                            "can_join_groups": True,
                            "can_read_all_group_messages": False,
                            "supports_inline_queries": False,
                        }
                    ),
                )
            case "sendMessage":
                chat = call.chat_id
                if chat is None or not str(params.get("text", "")).strip():
                    return self._answer(call, 400, _error(400, "Bad Request: message text is empty"))
                if chat in state.blocked:
                    return self._answer(call, 403, _error(403, "Forbidden: bot was blocked by the user"))
                if chat in state.missing:
                    return self._answer(call, 400, _error(400, "Bad Request: chat not found"))
                wait = self._flood_wait(chat, call.at)
                if wait > 0:
                    return self._answer(call, 429, _flood(wait))
                self._admit(chat, call.at)
                message_id = state.next_message_id
                state.next_message_id += 1
                return self._answer(call, 200, _ok(_message(message_id, chat, params)))
            case "editMessageReplyMarkup" | "editMessageText":
                if "inline_message_id" in params:
                    return self._answer(call, 200, _ok(True))
                return self._answer(
                    call,
                    200,
                    _ok(_message(int(params.get("message_id", 0)), str(params.get("chat_id", 0)), params)),
                )
            case "sendPhoto" | "sendDocument":
                chat = call.chat_id
                field_name = "photo" if call.method == "sendPhoto" else "document"
                upload = params.get(field_name)
                if chat is None or not isinstance(upload, Upload) or not upload.data:
                    return self._answer(
                        call, 400, _error(400, f"Bad Request: there is no {field_name} in the request")
                    )
                if chat in state.blocked:
                    return self._answer(call, 403, _error(403, "Forbidden: bot was blocked by the user"))
                message_id = state.next_message_id
                state.next_message_id += 1
                return self._answer(
                    call, 200, _ok(_file_message(message_id, chat, field_name, upload, params))
                )
            case "answerCallbackQuery" | "deleteWebhook" | "close" | "logOut" | "setMyCommands":
                if call.method == "deleteWebhook":
                    state.webhook_url = ""
                return self._answer(call, 200, _ok(True))
            case "setWebhook":
                state.webhook_url = str(params.get("url", ""))
                return self._answer(call, 200, _ok(True))
            case "getWebhookInfo":
                return self._answer(
                    call,
                    200,
                    _ok(
                        {
                            "url": state.webhook_url,
                            "has_custom_certificate": False,
                            "pending_update_count": len(state.updates),
                        }
                    ),
                )
            case "getUpdates":
                offset = int(params.get("offset", 0) or 0)
                state.updates = [u for u in state.updates if int(u["update_id"]) >= offset]
                limit = int(params.get("limit", 100) or 100)
                return self._answer(call, 200, _ok(state.updates[:limit]))
        return self._answer(call, 404, _error(404, "Not Found"))

    def _flood_wait(self, chat: str, now: float) -> float:
        """Seconds until this message would be within the limits (0: allowed now)."""
        limits, state = self.limits, self._state
        waits = [0.0]
        if limits.per_second:
            while state.recent and state.recent[0] <= now - 1.0:
                state.recent.popleft()
            if len(state.recent) >= limits.per_second:
                waits.append(state.recent[0] + 1.0 - now)
        if limits.chat_interval and chat in state.last_per_chat:
            waits.append(state.last_per_chat[chat] + limits.chat_interval - now)
        if limits.group_per_minute and chat.startswith("-"):
            recent = state.group_recent[chat]
            while recent and recent[0] <= now - 60.0:
                recent.popleft()
            if len(recent) >= limits.group_per_minute:
                waits.append(recent[0] + 60.0 - now)
        return max(waits)

    def _admit(self, chat: str, now: float) -> None:
        self._state.recent.append(now)
        self._state.last_per_chat[chat] = now
        if chat.startswith("-"):
            self._state.group_recent[chat].append(now)

    def _answer(self, call: Call, status: int, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        call.status = status
        call.result = body.get("result")
        return status, body


def _ok(result: Any) -> dict[str, Any]:
    return {"ok": True, "result": result}


def _error(code: int, description: str) -> dict[str, Any]:
    return {"ok": False, "error_code": code, "description": description}


def _flood(wait: float) -> dict[str, Any]:
    retry_after = max(1, int(wait + 0.999))  # the Bot API speaks whole seconds
    return {
        "ok": False,
        "error_code": 429,
        "description": f"Too Many Requests: retry after {retry_after}",
        "parameters": {"retry_after": retry_after},
    }


def _message(message_id: int, chat: str, params: dict[str, Any]) -> dict[str, Any]:
    chat_number = int(chat) if chat.lstrip("-").isdigit() else 0
    message: dict[str, Any] = {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": {"id": chat_number, "type": "group" if chat_number < 0 else "private"},
    }
    if "text" in params:
        message["text"] = params["text"]
    if params.get("reply_markup"):
        message["reply_markup"] = params["reply_markup"]
    return message


@dataclass(frozen=True, slots=True)
class Upload:
    """A file sent as multipart/form-data (sendPhoto, sendDocument)."""

    filename: str
    content_type: str
    data: bytes


def _file_message(
    message_id: int, chat: str, kind: str, upload: Upload, params: dict[str, Any]
) -> dict[str, Any]:
    message = _message(message_id, chat, {})
    file_id = f"file-{message_id}"
    if kind == "photo":
        message["photo"] = [{"file_id": file_id, "file_unique_id": file_id, "width": 800, "height": 600}]
    else:
        message["document"] = {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_name": upload.filename,
            "file_size": len(upload.data),
        }
    if params.get("caption"):
        message["caption"] = params["caption"]
    return message


def _parse_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    parsed = BytesParser(policy=HTTP).parsebytes(head + body)
    params: dict[str, Any] = {}
    if not isinstance(parsed, EmailMessage):
        return params
    for part in parsed.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        data = part.get_payload(decode=True)
        data = data if isinstance(data, bytes) else b""
        filename = part.get_filename()
        if filename is not None:
            params[name] = Upload(filename, part.get_content_type(), data)
        else:
            params[name] = data.decode("utf-8")
    return params


def _parse_body(content_type: str, body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    if content_type.startswith("multipart/form-data"):
        params = _parse_multipart(content_type, body)
        for key in ("reply_markup",):
            value = params.get(key)
            if isinstance(value, str) and value[:1] in "[{":
                params[key] = json.loads(value)
        return params
    if content_type.startswith("application/json"):
        parsed = json.loads(body)
        return parsed if isinstance(parsed, dict) else {}
    params: dict[str, Any] = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    for key in ("reply_markup", "allowed_updates", "entities"):
        value = params.get(key)
        if isinstance(value, str) and value[:1] in "[{":
            params[key] = json.loads(value)
    return params


class _Handler(BaseHTTPRequestHandler):
    api: FakeBotApi
    protocol_version = "HTTP/1.1"  # keep-alive, as PTB's connection pool expects
    # Headers and body go out in two writes: with Nagle's algorithm and the client's delayed
    # ACK, every answer would wait ~40 ms.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        segments = [s for s in url.path.split("/") if s]
        if len(segments) < 2 or not segments[-2].startswith("bot"):
            self._reply(404, _error(404, "Not Found"))
            return
        token, method = segments[-2][3:], segments[-1]
        params = dict(parse_qsl(url.query))
        try:
            params.update(_parse_body(self.headers.get("Content-Type", ""), body))
        except (ValueError, UnicodeDecodeError):
            self._reply(400, _error(400, "Bad Request: can't parse request body"))
            return
        status, answer = self.api.handle(token, method, params)
        self._reply(status, answer)

    def _reply(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout): nothing to answer

    def log_message(self, format: str, *args: Any) -> None:
        return None  # silent: tests read `calls`, not stderr


def iter_texts(calls: list[Call]) -> Iterator[str]:
    """The texts of sendMessage calls, for assertions."""
    for call in calls:
        if call.method == "sendMessage":
            yield str(call.params.get("text", ""))


# --- Zalo ------------------------------------------------------------------------------------


class ZaloBotApi(FakeBotApi):
    """`FakeBotApi` answering as the Zalo Bot Platform does.

    - getUpdates has no offset: each call takes the oldest queued update and answers it as one
      object (or all of them as a list, with `updates_as_list`); with none queued it waits
      `poll_wait` seconds, then answers `408 Request timeout`.
    - sendMessage answers `{message_id: <hex string>, date: <ms>}` and refuses text over 2000
      characters; setWebhook needs a `secret_token` of 8–256 characters.
    """

    def __init__(self, *, poll_wait: float = 0.2, updates_as_list: bool = False, **options: Any) -> None:
        super().__init__(**options)
        self.poll_wait = poll_wait
        self.updates_as_list = updates_as_list

    def __enter__(self) -> ZaloBotApi:
        self.start()
        return self

    def queue_message(
        self,
        chat_id: str,
        text: str | None = None,
        *,
        name: str = "Nguyễn Văn A",
        photo: str | None = None,
        caption: str | None = None,
        chat_type: str = "PRIVATE",
    ) -> str:
        """Queue what Zalo sends when a person writes to the bot; returns the message id."""
        message_id = uuid.uuid4().hex[:20]
        message: dict[str, Any] = {
            "message_id": message_id,
            "from": {"id": chat_id, "display_name": name, "is_bot": False},
            "chat": {"id": chat_id, "chat_type": chat_type},
            "date": int(time.time() * 1000),
        }
        event = "message.text.received"
        if text is not None:
            message["text"] = text
        if photo is not None:
            message["photo"] = photo
            message["caption"] = caption
            event = "message.image.received"
        self.queue_update({"event_name": event, "message": message})
        return message_id

    def handle(self, token: str, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if method == "getUpdates":
            with self._lock:
                idle = not self._state.updates and not self._state.faults
            if idle:
                time.sleep(self.poll_wait)  # a long poll with nothing to say
        return super().handle(token, method, params)

    def _dispatch(self, call: Call) -> tuple[int, dict[str, Any]]:
        state = self._state
        match call.method:
            case "getMe":
                return self._answer(
                    call,
                    200,
                    _ok(
                        {
                            "id": "1459232241454765289",
                            "account_name": "bot.fake",
                            "account_type": "BASIC",
                            "can_join_groups": False,
                        }
                    ),
                )
            case "getUpdates":
                if not state.updates:
                    return self._answer(call, 408, _error(408, "Request timeout"))
                served = [{k: v for k, v in u.items() if k != "update_id"} for u in state.updates]
                if self.updates_as_list:
                    state.updates = []
                    return self._answer(call, 200, _ok(served))
                state.updates = state.updates[1:]
                return self._answer(call, 200, _ok(served[0]))
            case "sendMessage":
                if len(str(call.params.get("text", ""))) > 2000:
                    return self._answer(call, 400, _error(400, "Bad Request: text must be 1-2000 characters"))
                status, body = super()._dispatch(call)
                if status == 200:
                    result = {"message_id": uuid.uuid4().hex[:20], "date": int(time.time() * 1000)}
                    return self._answer(call, 200, _ok(result))
                return status, body
            case "setWebhook":
                secret = str(call.params.get("secret_token", ""))
                if not 8 <= len(secret) <= 256:
                    refusal = _error(400, "Bad Request: secret_token must be 8-256 characters")
                    return self._answer(call, 400, refusal)
                state.webhook_url = str(call.params.get("url", ""))
                return self._answer(call, 200, _ok({"url": state.webhook_url, "updated_at": 1}))
        return super()._dispatch(call)
