"""`factbot` with no arguments: run the bot the way the settings say.

* Socket Mode (SLACK_APP_TOKEN set): Bolt's Socket Mode handler, plus GET /healthz on FACTBOT_PORT
  that reports whether the WebSocket is really alive (a recent ping/pong), not merely open.
* HTTP mode (SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET): Bolt's ASGI adapter at /slack/events and
  GET /healthz, served by uvicorn on FACTBOT_PORT.
* No Slack settings: the local console (bot.console), driving the same app and listeners.
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.adapter.asgi import SlackRequestHandler
from slack_bolt.adapter.asgi.http_request import AsgiHttpRequest
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.errors import SlackApiError

from store import StoreError

from .app import build_app
from .holder import StoreHolder
from .settings import Settings, SettingsError, load_settings
from .state import open_state
from .state_pg import StateUnavailable

log = logging.getLogger("factbot")

PING_INTERVAL = 10.0  # seconds between Socket Mode pings


# ---------------------------------------------------------------------------------------------
# health


@dataclass(frozen=True)
class Health:
    """Whether the Slack connection can be trusted, and why."""

    alive: bool
    reason: str
    last_pong_age: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON /healthz returns."""
        age = None if self.last_pong_age is None else round(self.last_pong_age, 1)
        return {"ok": self.alive, "reason": self.reason, "last_pong_age": age}


def connection_health(
    *, connected: bool, last_pong: float | None, now: float, ping_interval: float
) -> Health:
    """Alive only if the socket is open *and* answered a ping recently: an open socket whose pongs
    stopped is stuck, and Slack's events are not reaching us."""
    if not connected:
        return Health(False, "not connected")
    if last_pong is None:
        return Health(False, "connected, no pong yet")
    age = max(0.0, now - last_pong)
    if age > 3 * ping_interval:
        return Health(False, f"no pong for {age:.0f}s", age)
    return Health(True, "connected", age)


def socket_health(handler: SocketModeHandler, now: float | None = None) -> Health:
    """connection_health for a running Socket Mode handler."""
    client = handler.client
    session = client.current_session
    return connection_health(
        connected=client.is_connected(),
        last_pong=getattr(session, "last_ping_pong_time", None),
        now=time.time() if now is None else now,
        ping_interval=client.ping_interval,
    )


class _HealthRequestHandler(BaseHTTPRequestHandler):
    server: HealthServer

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if self.path.split("?")[0] not in ("/healthz", "/health"):
            self.send_error(404)
            return
        health = self.server.check()
        body = json.dumps({**health.to_dict(), **self.server.details()}).encode()
        self.send_response(200 if health.alive else 503)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # health probes would flood the log
        pass


class HealthServer(ThreadingHTTPServer):
    """GET /healthz for Socket Mode: 200 with the connection alive, 503 otherwise."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], check, details=lambda: {}) -> None:
        super().__init__(address, _HealthRequestHandler)
        self.check = check
        self.details = details

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/healthz"


# ---------------------------------------------------------------------------------------------
# HTTP mode


class ThreadedSlackRequestHandler(SlackRequestHandler):
    """Bolt's ASGI adapter, dispatching on a worker thread: the sync App waits up to 3 s for a
    listener's ack, which must not stall the event loop for every other request."""

    async def dispatch(self, request: AsgiHttpRequest) -> BoltResponse:
        bolt_request = BoltRequest(
            body=await request.get_raw_body(), query=request.query_string, headers=request.get_headers()
        )
        return await asyncio.to_thread(self.app.dispatch, bolt_request)


def make_asgi(app: App, holder: StoreHolder):
    """The ASGI application for HTTP mode: Slack at /slack/events, GET /healthz for probes."""
    slack = ThreadedSlackRequestHandler(app, path="/slack/events")

    async def asgi(scope, receive, send):
        if scope["type"] == "http" and scope["path"] in ("/healthz", "/health"):
            stats = holder.current.stats()
            body = json.dumps({"ok": True, "generation": stats.generation, "facts": stats.facts}).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-type", b"application/json")],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        await slack(scope, receive, send)

    return asgi


def uvicorn_config(asgi, *, host: str, port: int):
    """uvicorn settings shared by `serve` and the tests."""
    import uvicorn

    return uvicorn.Config(
        asgi,
        host=host,
        port=port,
        lifespan="off",
        ws="none",
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=5,
    )


# ---------------------------------------------------------------------------------------------
# Socket Mode


class SocketModeRuntime:
    """Socket Mode connection plus its /healthz server; `start()` returns once both are up."""

    def __init__(
        self,
        app: App,
        app_token: str,
        *,
        host: str,
        port: int,
        ping_interval: float = PING_INTERVAL,
        holder: StoreHolder | None = None,
    ) -> None:
        self.handler = SocketModeHandler(app, app_token=app_token, ping_interval=ping_interval)
        details = (lambda: {"generation": holder.generation}) if holder is not None else (lambda: {})
        self.health_server = HealthServer((host, port), lambda: socket_health(self.handler), details)
        self._thread = threading.Thread(
            target=self.health_server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="healthz",
            daemon=True,
        )

    def start(self) -> SocketModeRuntime:
        self._thread.start()
        self.handler.connect()
        return self

    def stop(self) -> None:
        self.handler.close()
        self.health_server.shutdown()
        self.health_server.server_close()


# ---------------------------------------------------------------------------------------------
# the entry point


def _wait_for_signal() -> None:
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()


def serve(settings: Settings | None = None) -> int:
    """Run factbot in the mode the settings call for; returns the process exit code."""
    try:
        settings = settings or load_settings()
    except SettingsError as e:
        print(e, file=sys.stderr)
        return 2
    console_mode = settings.mode == "console"
    logging.basicConfig(
        level=logging.WARNING if console_mode else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if console_mode:  # the console says "no such command" itself
        logging.getLogger("factbot.bolt").setLevel(logging.ERROR)
    try:
        state = open_state(settings)
    except StateUnavailable as e:
        print(f"factbot cannot start: {e}", file=sys.stderr)
        return 1
    try:
        holder = StoreHolder.open(
            db=settings.db, sources=settings.sources, state=state, lexicon=settings.lexicon
        )
    except StoreError as e:
        print(f"factbot cannot start: the fact store at {settings.db} is unusable: {e}", file=sys.stderr)
        state.close()
        return 1
    try:
        if settings.mode == "console":
            from .console import run_console

            return run_console(settings, holder, state)
        # Replicas follow a reload done by any one of them through the shared state store.
        holder.start_following()
        app = build_app(settings, holder, state)
        try:
            who = app.client.auth_test()
        except SlackApiError as e:
            print(
                f"factbot cannot start: Slack rejected SLACK_BOT_TOKEN ({e.response.get('error')})",
                file=sys.stderr,
            )
            return 1
        log.info("connected to Slack as %s in %s", who.get("user"), who.get("team"))
        if settings.mode == "socket":
            assert settings.slack_app_token is not None
            runtime = SocketModeRuntime(
                app,
                settings.slack_app_token.get_secret_value(),
                host=settings.host,
                port=settings.port,
                holder=holder,
            ).start()
            log.info("Socket Mode connected; health at :%s/healthz", settings.port)
            try:
                _wait_for_signal()
            finally:
                runtime.stop()
            return 0
        import uvicorn

        log.info("HTTP mode: Slack requests at :%s/slack/events", settings.port)
        uvicorn.Server(uvicorn_config(make_asgi(app, holder), host=settings.host, port=settings.port)).run()
        return 0
    finally:
        holder.close()
        state.close()
