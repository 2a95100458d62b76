"""`factbot` with no arguments: run the bot the way the settings say.

* Socket Mode (SLACK_APP_TOKEN set): Bolt's Socket Mode handler, plus GET /healthz on FACTBOT_PORT
  that reports whether the WebSocket is really alive (a recent ping/pong), not merely open.
* HTTP mode (SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET): Bolt's ASGI adapter at /slack/events and
  GET /healthz, served by uvicorn on FACTBOT_PORT.
* No Slack settings: the local console (bot.console), driving the same app and listeners.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, quote_plus

from slack_bolt import App, BoltRequest
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.request.internals import parse_body
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from handlers.payloads import envelope_problem
from store import StoreError

from .app import build_app, remember_identity
from .holder import StoreHolder
from .settings import Settings, SettingsError, load_settings
from .state import StateUnavailable, open_state

log = logging.getLogger("factbot")

PING_INTERVAL = 10.0  # seconds between Socket Mode pings
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


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


class RejectionLog:
    """One WARNING line per rejected request, at most `burst` lines per `window` seconds.

    A line names the status, the reason and the peer — never the body or a header's value — and
    the rejections not logged since the previous line are counted in the next one, so a flood of
    bad requests costs a few lines a minute, not a line each."""

    def __init__(
        self, logger: logging.Logger, *, burst: int = 10, window: float = 60.0, clock=time.monotonic
    ) -> None:
        self.logger = logger
        self.burst = burst
        self.window = window
        self.clock = clock
        self._lock = threading.Lock()
        self._window_start = -float("inf")
        self._in_window = 0
        self._suppressed = 0

    def reject(self, status: int, reason: str, peer: str) -> None:
        with self._lock:
            now = self.clock()
            if now - self._window_start >= self.window:
                self._window_start, self._in_window = now, 0
            if self._in_window >= self.burst:
                self._suppressed += 1
                return
            self._in_window += 1
            suppressed, self._suppressed = self._suppressed, 0
        more = f" ({suppressed} more rejected since the last line)" if suppressed else ""
        self.logger.warning("rejected a request from %s: %s %s%s", peer, status, reason, more)


class _Rejected(Exception):
    def __init__(self, status: int, reason: str, answer: str) -> None:
        super().__init__(reason)
        self.status, self.reason, self.answer = status, reason, answer


DISPATCH_THREADS = 64
SIGNATURE_WINDOW = 60 * 5  # Slack's rule: a request signed more than five minutes ago is a replay


def verify_signature(secret: str, headers: dict[str, str], body: bytes, *, now: float) -> str | None:
    """None when the request carries Slack's v0 signature of `body` made within five minutes,
    else why not. Never raises, whatever the headers hold."""
    timestamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    if not timestamp or not signature:
        return "unsigned"
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        return "malformed timestamp"
    if abs(now - int(timestamp)) > SIGNATURE_WINDOW:
        return "stale timestamp"
    expected = (
        "v0="
        + hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    )
    if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
        return "bad signature"
    return None


class SlackEndpoint:
    """POST /slack/events as an ASGI app: the checks that need no parsing come first, cheapest first.

    1. a body over `max_body_bytes` → 413, before reading it (Content-Length) or as soon as it
       grows past the limit (chunked);
    2. no valid signature, whatever the request's shape → 401;
    3. signed but not a request Slack could send (not UTF-8, not JSON where JSON belongs, fields
       of the wrong type — handlers.payloads) → 400;
    4. Bolt's App.dispatch, on a worker thread: the sync App waits up to 3 s for a listener's ack,
       which must not stall the event loop for every other request.

    Every rejection is one rate-limited WARNING line (RejectionLog) and a short plain-text answer."""

    def __init__(self, app: App, *, signing_secret: str, max_body_bytes: int, clock=time.time) -> None:
        self.app = app
        self.signing_secret = signing_secret
        self.max_body_bytes = max_body_bytes
        self.clock = clock
        self.rejections = RejectionLog(log)
        # Bolt's sync App.dispatch holds its thread until the listener acks (up to 3 s): its own
        # pool, so a burst of slow acks never waits for asyncio's few default threads.
        self.dispatchers = ThreadPoolExecutor(DISPATCH_THREADS, thread_name_prefix="dispatch")

    async def __call__(self, scope, receive, send) -> None:
        peer = (scope.get("client") or ("unknown",))[0]
        try:
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
            body = await self._read_body(headers, receive)
            problem = verify_signature(self.signing_secret, headers, body, now=self.clock())
            if problem:
                raise _Rejected(401, problem, "invalid request signature")
            text = self._parse(headers, body)
        except _Rejected as r:
            self.rejections.reject(r.status, r.reason, peer)
            await _send(send, r.status, r.answer.encode(), b"text/plain; charset=utf-8")
            return
        try:
            request = BoltRequest(
                body=text, query=scope.get("query_string", b"").decode("latin-1"), headers=headers
            )
            loop = asyncio.get_running_loop()
            response = await loop.run_in_executor(self.dispatchers, self.app.dispatch, request)
        except Exception:
            # Bolt's own error handling failed on this request: a bug (a shape handlers.payloads
            # should refuse), logged as one, and no traceback in front of Slack.
            log.error("could not handle a verified request from %s", peer, exc_info=True)
            await _send(send, 500, b"internal error", b"text/plain; charset=utf-8")
            return
        body_out = response.body.encode() if isinstance(response.body, str) else (response.body or b"")
        content_type = (response.headers.get("content-type") or ["text/plain; charset=utf-8"])[0]
        await _send(send, response.status, body_out, content_type.encode())

    async def _read_body(self, headers: dict[str, str], receive) -> bytes:
        length = headers.get("content-length")
        if length is not None:
            if not (length.isascii() and length.isdigit()):
                raise _Rejected(400, "malformed Content-Length", "malformed request")
            if int(length) > self.max_body_bytes:
                raise _Rejected(413, f"body of {int(length)} bytes", "request body too large")
        chunks = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                raise _Rejected(400, "client disconnected", "incomplete request")
            chunks += message.get("body", b"")
            if len(chunks) > self.max_body_bytes:
                raise _Rejected(413, f"body over {self.max_body_bytes} bytes", "request body too large")
            if not message.get("more_body", False):
                return bytes(chunks)

    def _parse(self, headers: dict[str, str], body: bytes) -> str:
        """The body as text, once it is known to parse the way Bolt will parse it."""
        try:
            text = body.decode("utf-8")
            content_type = headers.get("content-type", "").split(";")[0].strip() or None
            text = self._without_stray_payload(text, content_type, headers)
            parsed = parse_body(text, content_type)
        except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
            raise _Rejected(400, "body does not parse", "malformed request") from None
        problem = envelope_problem(parsed) if text else None
        if problem:
            raise _Rejected(400, problem, "malformed request")
        return text

    def _without_stray_payload(self, text: str, content_type: str | None, headers: dict[str, str]) -> str:
        """Bolt reads any form body containing the letters "payload" as an interactive payload and,
        finding no `payload=` field, as empty: `/fact payload capacity` went unanswered. Such a
        body is re-encoded with those letters percent-escaped (same fields, same values) and
        signed again with the same timestamp, so Bolt's own check still passes."""
        if content_type == "application/json" or text.startswith("{") or "payload" not in text:
            return text
        pairs = parse_qsl(text, keep_blank_values=True)
        if any(key == "payload" for key, _ in pairs):
            return text

        def hide(part: str) -> str:
            return quote_plus(part).replace("payload", "%70ayload")

        text = "&".join(f"{hide(key)}={hide(value)}" for key, value in pairs)
        timestamp = headers["x-slack-request-timestamp"]
        digest = hmac.new(self.signing_secret.encode(), f"v0:{timestamp}:{text}".encode(), hashlib.sha256)
        headers["x-slack-signature"] = "v0=" + digest.hexdigest()
        return text


async def _send(send, status: int, body: bytes, content_type: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def make_asgi(app: App, holder: StoreHolder, settings: Settings):
    """The ASGI application for HTTP mode: Slack at POST /slack/events, GET /healthz for readiness
    (503 while the store is damaged or the bot cannot serve) and GET /livez for liveness."""
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    slack = SlackEndpoint(app, signing_secret=secret, max_body_bytes=settings.max_body_bytes)

    async def asgi(scope, receive, send):
        if scope["type"] != "http":
            return
        if scope["path"] == "/livez":
            # alive: this process answers; a damaged store (503 on /healthz) is repaired without
            # a restart, so a liveness probe must not restart the pod for it
            await _send(send, 200, b'{"alive": true}', b"application/json")
            return
        if scope["path"] in ("/healthz", "/health"):
            ok, reason = holder.health()
            answer: dict[str, Any] = {"ok": ok, "reason": reason, "generation": holder.generation}
            if ok:
                answer["facts"] = holder.current.stats().facts
            await _send(send, 200 if ok else 503, json.dumps(answer).encode(), b"application/json")
            return
        if scope["path"] == "/slack/events" and scope["method"] == "POST":
            await slack(scope, receive, send)
            return
        await _send(send, 404, b"Not Found", b"text/plain; charset=utf-8")

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

        def check() -> Health:
            health = socket_health(self.handler)
            store_ok, reason = holder.health() if holder is not None else (True, "ok")
            return health if store_ok or not health.alive else Health(False, reason, health.last_pong_age)

        self.health_server = HealthServer((host, port), check, details)
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


def _probe_slack(client: WebClient):
    """auth.test once, logging nothing: start-up reports a failure itself, in one line."""
    quiet = logging.getLogger("factbot.startup")
    quiet.propagate = False
    quiet.addHandler(logging.NullHandler())
    probe = WebClient(
        token=client.token, base_url=client.base_url, timeout=10, logger=quiet, retry_handlers=[]
    )
    return probe.auth_test()


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
        format=LOG_FORMAT,
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
            db=settings.db,
            sources=settings.sources,
            state=state,
            lexicon=settings.lexicon,
            max_loss=settings.reload_max_loss,
        )
    except StoreError as e:
        print(f"factbot cannot start: the fact store at {settings.db} is unusable: {e}", file=sys.stderr)
        state.close()
        return 1
    app = None
    try:
        # Replicas follow a reload done by any one of them through the shared state store; the
        # console follows `factbot build` the same way.
        holder.start_following()
        if settings.mode == "console":
            from .console import run_console

            return run_console(settings, holder, state)
        app = build_app(settings, holder, state)
        try:
            who = _probe_slack(app.client)
        except SlackApiError as e:
            print(
                f"factbot cannot start: Slack rejected SLACK_BOT_TOKEN ({e.response.get('error')})",
                file=sys.stderr,
            )
            return 1
        except (OSError, SlackClientError) as e:
            # Unreachable (DNS, refused, timeout, TLS): one line naming the setting, not the URL.
            reason = getattr(e, "reason", None) or e
            print(
                f"factbot cannot start: the Slack API (FACTBOT_SLACK_API_URL) cannot be reached: "
                f"{type(reason).__name__}: {str(reason)[:200]}",
                file=sys.stderr,
            )
            return 1
        log.info("connected to Slack as %s in %s", who.get("user"), who.get("team"))
        remember_identity(app, who)
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
        uvicorn.Server(
            uvicorn_config(make_asgi(app, holder, settings), host=settings.host, port=settings.port)
        ).run()
        return 0
    finally:
        if app is not None:
            app.outbox.close()
        holder.close()
        state.close()
