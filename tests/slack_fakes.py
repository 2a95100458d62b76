"""Stand-ins for Slack at the network boundary, for the bot's end-to-end tests.

* `FakeSlack`: Slack's Web API and response_url endpoints on 127.0.0.1, port 0. Records every call
  (method, parsed JSON/form body, headers) and answers the way Slack does for the methods the bot uses.
* `signed_headers`: the v0 HMAC signature Slack puts on every HTTP request.
* `slash`, `event`, `block_actions`, `message_shortcut`: Slack-shaped request bodies.
* `BotServer`: the bot's ASGI app (bot.serve.make_asgi) under uvicorn on port 0 in a thread.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode

BOT_USER = "UFACTBOT"
TEAM = "T0TEST"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-1-test"


@dataclass
class Call:
    """One request the bot made to (fake) Slack."""

    method: str  # Web API method, or "response_url"
    body: dict[str, Any]
    headers: dict[str, str]
    path: str = ""
    status: int = 200  # what the stand-in answered


@dataclass
class FakeSlack:
    """Slack's Web API + response_url endpoints on loopback. `ws_url` answers apps.connections.open.

    Besides chat.* and views.publish it answers views.open (needs a trigger_id), the agent
    methods assistant.threads.setSuggestedPrompts/setStatus, and files upload v2:
    files.getUploadURLExternal hands out an upload URL on this server, which keeps the bytes
    (`uploads`), and files.completeUploadExternal fails for a file never uploaded."""

    ws_url: str | None = None
    calls: list[Call] = field(default_factory=list)
    uploads: dict[str, bytes] = field(default_factory=dict)  # file id -> the bytes uploaded
    failures: dict[str, int] = field(default_factory=dict)  # method → how many calls answer HTTP 500
    # files a user shared with the bot: file id -> (name, bytes); files.info describes them and
    # GET /files/<id> (url_private_download) serves them to the bot's token only
    shared_files: dict[str, tuple[str, bytes]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._cond = threading.Condition()
        self._ts = itertools.count(1)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path.startswith("/upload/"):  # files.getUploadURLExternal's URL: raw bytes
                    fake.uploads[self.path.removeprefix("/upload/")] = data
                    fake.record(Call("upload", {"bytes": len(data)}, dict(self.headers), self.path))
                    self._send("OK - " + str(len(data)))
                    return
                raw = data.decode()
                if "json" in (self.headers.get("Content-Type") or ""):
                    body = json.loads(raw or "{}")
                else:
                    body = dict(parse_qsl(raw))
                for key in ("blocks", "view"):
                    if isinstance(body.get(key), str):
                        body[key] = json.loads(body[key])
                path = self.path
                method = "response_url" if path.startswith("/response/") else path.removeprefix("/api/")
                reply = fake.reply(method, body)
                status = 200
                if fake.take_failure(method):  # Slack having a bad moment: HTTP 500
                    reply, status = {"ok": False, "error": "fatal_error"}, 500
                fake.record(Call(method, body, dict(self.headers), path, status))
                self._send(reply, status)

            def do_GET(self) -> None:  # noqa: N802
                file_id = self.path.removeprefix("/files/")
                fake.record(Call("download", {"file": file_id}, dict(self.headers), self.path))
                if self.headers.get("Authorization") != f"Bearer {BOT_TOKEN}":
                    self._send("not authorised", 403)
                elif file_id not in fake.shared_files:
                    self._send("no such file", 404)
                else:
                    data = fake.shared_files[file_id][1]
                    self.send_response(200)
                    self.send_header("Content-Type", "application/octet-stream")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)

            def _send(self, reply: dict | str, status: int = 200) -> None:
                data = reply.encode() if isinstance(reply, str) else json.dumps(reply).encode()
                self.send_response(status)
                self.send_header(
                    "Content-Type", "text/plain" if isinstance(reply, str) else "application/json"
                )
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"{self.url}/response/{name}"

    def reply(self, method: str, body: dict) -> dict | str:
        if method == "response_url":
            return "ok"
        ts = f"{int(time.time())}.{next(self._ts):06d}"
        if method == "auth.test":
            return {
                "ok": True,
                "user_id": BOT_USER,
                "user": "factbot",
                "bot_id": "BFACTBOT",
                "team_id": TEAM,
                "team": "Test",
                "url": "https://test.slack.com/",
            }
        if method == "apps.connections.open":
            return {"ok": True, "url": self.ws_url} if self.ws_url else {"ok": False, "error": "no_ws"}
        if method == "chat.postMessage":
            return {"ok": True, "channel": body.get("channel"), "ts": ts, "message": {"ts": ts}}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": ts}
        if method == "views.publish":
            return {"ok": True, "view": body.get("view")}
        if method == "views.open":
            if not body.get("trigger_id"):
                return {"ok": False, "error": "invalid_trigger_id"}
            return {"ok": True, "view": {"id": f"V{next(self._ts):08d}", **(body.get("view") or {})}}
        if method in ("assistant.threads.setSuggestedPrompts", "assistant.threads.setStatus"):
            if not body.get("channel_id"):
                return {"ok": False, "error": "channel_not_found"}
            return {"ok": True}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ts):08d}"
            return {"ok": True, "file_id": file_id, "upload_url": f"{self.url}/upload/{file_id}"}
        if method == "files.completeUploadExternal":
            files = json.loads(body.get("files") or "[]")
            missing = [f["id"] for f in files if f["id"] not in self.uploads]
            if missing:
                return {"ok": False, "error": "file_not_found"}
            return {"ok": True, "files": [{"id": f["id"], "title": f.get("title", "")} for f in files]}
        if method == "files.info":
            shared = self.shared_files.get(body.get("file", ""))
            if shared is None:
                return {"ok": False, "error": "file_not_found"}
            name, data = shared
            return {
                "ok": True,
                "file": {
                    "id": body["file"],
                    "name": name,
                    "title": name,
                    "mimetype": "text/plain",
                    "filetype": "text",
                    "size": len(data),
                    "url_private_download": f"{self.url}/files/{body['file']}",
                },
            }
        return {"ok": False, "error": "unknown_method"}

    def share_file(self, name: str, data: bytes) -> str:
        """Hold a file a user shares with the bot; return its id (files.info and download serve it)."""
        file_id = f"F{next(self._ts):08d}"
        self.shared_files[file_id] = (name, data)
        return file_id

    def fail_next(self, method: str, times: int = 1) -> None:
        """Answer the next `times` calls of `method` with HTTP 500, as Slack does when it is failing."""
        with self._cond:
            self.failures[method] = self.failures.get(method, 0) + times

    def take_failure(self, method: str) -> bool:
        with self._cond:
            if self.failures.get(method, 0) > 0:
                self.failures[method] -= 1
                return True
            return False

    def record(self, call: Call) -> None:
        with self._cond:
            self.calls.append(call)
            self._cond.notify_all()

    def of(self, method: str) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """The first `count` calls of `method`, waiting up to `timeout` seconds for them."""
        with self._cond:
            ok = self._cond.wait_for(
                lambda: len([c for c in self.calls if c.method == method]) >= count, timeout
            )
            found = [c for c in self.calls if c.method == method]
        assert ok, f"expected {count} {method} call(s), got {len(found)}: {[c.method for c in self.calls]}"
        return found[:count]

    def clear(self) -> None:
        with self._cond:
            self.calls.clear()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def signature(body: str, timestamp: str, secret: str = SIGNING_SECRET) -> str:
    """Slack's v0 request signature, computed independently of slack_sdk."""
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return f"v0={digest}"


def signed_headers(
    body: str,
    *,
    content_type: str,
    secret: str = SIGNING_SECRET,
    timestamp: int | None = None,
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature(body, ts, secret),
    }
    headers.update(extra or {})
    return headers


def slash(
    command: str, text: str, *, user: str = "UALICE", response_url: str = "", channel: str = "CGENERAL"
) -> str:
    """A slash command request body (form-encoded)."""
    return urlencode(
        {
            "token": "legacy",
            "team_id": TEAM,
            "team_domain": "test",
            "channel_id": channel,
            "channel_name": "general",
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": text,
            "api_app_id": "AFACTBOT",
            "response_url": response_url,
            "trigger_id": "1.2.3",
        }
    )


def event(inner: dict, *, event_id: str) -> str:
    """An Events API request body (JSON)."""
    return json.dumps(
        {
            "token": "legacy",
            "team_id": TEAM,
            "api_app_id": "AFACTBOT",
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "event": inner,
            "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
        }
    )


def mention(
    text: str, *, ts: str = "1700000000.000100", user: str = "UALICE", thread_ts: str | None = None
) -> dict:
    e = {
        "type": "app_mention",
        "user": user,
        "text": f"<@{BOT_USER}> {text}",
        "ts": ts,
        "channel": "CGENERAL",
        "event_ts": ts,
    }
    if thread_ts:
        e["thread_ts"] = thread_ts
    return e


def dm(text: str, *, ts: str = "1700000000.000200", user: str = "UALICE") -> dict:
    return {
        "type": "message",
        "channel_type": "im",
        "user": user,
        "text": text,
        "ts": ts,
        "channel": "DALICE",
        "event_ts": ts,
    }


def block_actions_payload(
    button: dict,
    *,
    user: str = "UALICE",
    response_url: str,
    ephemeral: bool = True,
    channel: str = "CGENERAL",
    message_ts: str = "1700000000.000300",
    thread_ts: str | None = None,
) -> dict:
    """What Slack sends when `button` (a Block Kit button dict from one of our messages) is pressed."""
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": TEAM, "domain": "test"},
        "user": {"id": user, "username": user},
        "api_app_id": "AFACTBOT",
        "token": "legacy",
        "trigger_id": "1.2.3",
        "response_url": response_url,
        "channel": {"id": channel, "name": "general"},
        "container": {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel,
            "is_ephemeral": ephemeral,
        },
        "actions": [
            {
                "type": button.get("type", "button"),
                "action_id": button["action_id"],
                "block_id": button.get("block_id", "b"),
                "value": button.get("value", ""),
                "text": button["text"],
                "action_ts": str(time.time()),
            }
        ],
    }
    if not ephemeral:
        payload["message"] = {
            "type": "message",
            "ts": message_ts,
            "user": BOT_USER,
            "text": "answer",
            **({"thread_ts": thread_ts} if thread_ts else {}),
        }
    return payload


def message_shortcut(
    text: str,
    *,
    user: str = "UALICE",
    response_url: str,
    channel: str = "CGENERAL",
    callback_id: str = "ask_factbot",
) -> str:
    """What Slack sends when someone picks a message shortcut on a message (form-encoded `payload=`)."""
    payload = {
        "type": "message_action",
        "callback_id": callback_id,
        "trigger_id": "4.5.6",
        "action_ts": str(time.time()),
        "team": {"id": TEAM, "domain": "test"},
        "user": {"id": user, "name": user.lower()},
        "channel": {"id": channel, "name": "general"},
        "message_ts": "1700000000.000900",
        "message": {"type": "message", "user": "UBOB", "ts": "1700000000.000900", "text": text},
        "response_url": response_url,
        "token": "legacy",
    }
    return urlencode({"payload": json.dumps(payload)})


def block_actions(button: dict, **kwargs: Any) -> str:
    """A block_actions request body (form-encoded `payload=`)."""
    return urlencode({"payload": json.dumps(block_actions_payload(button, **kwargs))})


def buttons(message: dict) -> dict[str, list[dict]]:
    """The buttons of a rendered message by action_id (each with its block_id)."""
    found: dict[str, list[dict]] = {}
    for block in message.get("blocks", []):
        if block.get("type") == "actions":
            for element in block["elements"]:
                found.setdefault(element["action_id"], []).append(
                    {**element, "block_id": block.get("block_id")}
                )
    return found


def feedback(message: dict, index: int = 0, *, up: bool = True) -> dict:
    """The 👍 (or 👎) side of the `index`-th feedback_buttons element in a message, shaped like a
    button for block_actions(): Slack reports the pressed side's value under the element's action_id."""
    found = [
        (block, element)
        for block in message.get("blocks", [])
        if block.get("type") == "context_actions"
        for element in block["elements"]
        if element.get("type") == "feedback_buttons"
    ]
    block, element = found[index]
    side = element["positive_button" if up else "negative_button"]
    return {
        "type": "feedback_buttons",
        "action_id": element["action_id"],
        "block_id": block.get("block_id"),
        "value": side["value"],
        "text": side["text"],
    }


def all_text(message: dict) -> str:
    """Every piece of text in a message or view, joined: what a reader would see."""
    parts = [message.get("text") or ""]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            # mrkdwn/plain_text objects, rich_text runs and links, table cells
            if node.get("type") in ("mrkdwn", "plain_text", "text", "raw_text", "link"):
                parts.append(node.get("text") or node.get("url", ""))
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(message.get("blocks", []))
    return "\n".join(parts)


@dataclass
class Response:
    status: int
    body: str
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body)


def http(
    url: str, body: str | None = None, headers: dict[str, str] | None = None, timeout: float = 10
) -> Response:
    """A plain HTTP request; error statuses are returned, not raised."""
    data = body.encode() if body is not None else None
    req = urllib.request.Request(
        url, data=data, headers=headers or {}, method="POST" if data is not None else "GET"
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return Response(r.status, r.read().decode(), dict(r.headers))
    except urllib.error.HTTPError as e:
        return Response(e.code, e.read().decode(), dict(e.headers))


class BotServer:
    """The bot's ASGI app under uvicorn on 127.0.0.1, port 0, in a background thread."""

    def __init__(self, asgi: Any) -> None:
        import uvicorn

        from bot.serve import uvicorn_config

        self.server = uvicorn.Server(uvicorn_config(asgi, host="127.0.0.1", port=0))
        self._thread = threading.Thread(target=self.server.run, daemon=True)
        self._thread.start()
        deadline = time.time() + 10
        while not self.server.started:
            assert time.time() < deadline, "uvicorn did not start"
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"

    def post(self, body: str, *, content_type: str, **kwargs: Any) -> Response:
        return http(
            f"{self.url}/slack/events", body, signed_headers(body, content_type=content_type, **kwargs)
        )

    def command(self, command: str, text: str, **kwargs: Any) -> Response:
        return self.post(slash(command, text, **kwargs), content_type="application/x-www-form-urlencoded")

    def close(self) -> None:
        self.server.should_exit = True
        self._thread.join(10)


def eventually(check: Any, timeout: float = 10.0) -> Any:
    """The first truthy result of `check()`, polling for up to `timeout` seconds (the bot replies
    from listener threads, so some effects land just after the reply the test waited for)."""
    deadline = time.time() + timeout
    while True:
        value = check()
        if value or time.time() > deadline:
            return value
        time.sleep(0.02)


class FakeSocketModeServer:
    """Slack's Socket Mode WebSocket endpoint on 127.0.0.1, port 0 (the `websockets` library).

    Greets each connection with `hello`, pushes envelopes with `push()` and returns the app's ack,
    can `drop()` the connection (the app must reconnect through apps.connections.open) and `stall()`
    it — stop reading, so pings go unanswered while the socket stays open."""

    def __init__(self) -> None:
        import asyncio

        self._asyncio = asyncio
        self.loop = asyncio.new_event_loop()
        self.connections: list[Any] = []
        self.acks: dict[str, dict] = {}
        self._cond = threading.Condition()
        self._ids = itertools.count(1)
        started = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(started,), daemon=True)
        self._thread.start()
        assert started.wait(10), "WebSocket stand-in did not start"

    def _run(self, started: threading.Event) -> None:
        from websockets.asyncio.server import serve

        async def handler(ws: Any) -> None:
            with self._cond:
                self.connections.append(ws)
                self._cond.notify_all()
            await ws.send(
                json.dumps(
                    {
                        "type": "hello",
                        "num_connections": len(self.connections),
                        "connection_info": {"app_id": "AFACTBOT"},
                    }
                )
            )
            async for raw in ws:
                data = json.loads(raw)
                with self._cond:
                    self.acks[data.get("envelope_id", "")] = data
                    self._cond.notify_all()

        async def main() -> None:
            async with serve(handler, "127.0.0.1", 0, ping_interval=None) as server:
                self.server = server
                self.port = server.sockets[0].getsockname()[1]
                self._stopped = self._asyncio.Event()
                started.set()
                await self._stopped.wait()

        self.loop.run_until_complete(main())

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/link/?ticket=test"

    def wait_for_connections(self, count: int, timeout: float = 15) -> Any:
        """The `count`-th connection (1-based), once the app has opened it."""
        with self._cond:
            assert self._cond.wait_for(lambda: len(self.connections) >= count, timeout), (
                f"expected {count} connection(s), got {len(self.connections)}"
            )
            return self.connections[count - 1]

    def push(
        self,
        kind: str,
        payload: dict,
        *,
        accepts_response_payload: bool = False,
        retry_attempt: int = 0,
        timeout: float = 10,
    ) -> dict:
        """Send one envelope on the newest connection; the app's ack for it."""
        envelope_id = f"env-{next(self._ids)}"
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
        }
        if kind == "events_api":
            envelope |= {"retry_attempt": retry_attempt, "retry_reason": "timeout" if retry_attempt else ""}
        ws = self.connections[-1]
        self._asyncio.run_coroutine_threadsafe(ws.send(json.dumps(envelope)), self.loop).result(5)
        with self._cond:
            assert self._cond.wait_for(lambda: envelope_id in self.acks, timeout), f"no ack for {kind}"
            return self.acks[envelope_id]

    def drop(self) -> None:
        """Close the newest connection the way a server restart would."""
        ws = self.connections[-1]
        self._asyncio.run_coroutine_threadsafe(ws.close(1001, "going away"), self.loop).result(5)

    def stall(self) -> None:
        """Stop reading from the newest connection: it stays open but answers nothing."""
        ws = self.connections[-1]
        self.loop.call_soon_threadsafe(ws.transport.pause_reading)

    def close(self) -> None:
        if self.loop.is_closed():
            return

        async def stop() -> None:
            for ws in self.connections:
                ws.transport.abort()
            self._stopped.set()

        self._asyncio.run_coroutine_threadsafe(stop(), self.loop).result(5)
        self._thread.join(10)
        self.loop.close()
