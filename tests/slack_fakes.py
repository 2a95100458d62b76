"""Stand-ins for Slack at the network boundary, for the bot's end-to-end tests.

* `FakeSlack`: the product's one stand-in for Slack's Web API and response_url endpoints
  (`bot.slack_standin.SlackStandIn`: 127.0.0.1, port 0), which records every call (method, parsed
  JSON/form body, headers) and answers the way Slack does; the console and the load benchmark use it too.
* `signed_headers`: the v0 HMAC signature Slack puts on every HTTP request.
* `slash`, `event`, `block_actions`, `message_shortcut`: Slack-shaped request bodies.
* `BotServer`: the bot's ASGI app (bot.serve.make_asgi) under uvicorn on port 0 in a thread.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from bot.slack_standin import BOT_USER, TEAM, Call, Fault, SlackStandIn, all_text, signature, slash
from bot.slack_standin import signed_headers as _signed_headers

__all__ = ["BOT_USER", "TEAM", "Call", "Fault", "SlackStandIn", "all_text", "signature", "slash"]
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-1-test"


class FakeSlack(SlackStandIn):
    """The product's stand-in for Slack's Web API (bot.slack_standin), as the tests use it."""


def signed_headers(
    body: str,
    *,
    content_type: str,
    secret: str = SIGNING_SECRET,
    timestamp: int | None = None,
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    """Slack's signed request headers, with the tests' signing secret unless told otherwise."""
    return _signed_headers(body, content_type=content_type, secret=secret, timestamp=timestamp, extra=extra)


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
