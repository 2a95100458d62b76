"""Hardening of HTTP mode, over real HTTP on loopback (issue 8): what a hostile or broken request
costs — a short status, one rate-limited log line, never a 500, a traceback or the body in the log."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import select
import socket
import time
from urllib.parse import urlencode, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.serve import LOG_FORMAT
from tests.slack_fakes import SIGNING_SECRET, all_text, event, mention
from tests.test_fuzz import ENVELOPE
from tests.test_fuzz import JSON as ANY_JSON

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
MARKER = "BODYMARKER"  # every hostile body carries it; the log must never


@pytest.fixture
def bot_log(bot):
    """Everything the bot process logs at INFO and above, formatted as in production."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root = logging.getLogger()
    # uvicorn's own loggers do not propagate to the root
    targets = [root, logging.getLogger("uvicorn")]
    before = root.level
    root.setLevel(logging.INFO)
    for logger in targets:
        logger.addHandler(handler)
    yield stream
    for logger in targets:
        logger.removeHandler(handler)
    root.setLevel(before)


def raw_request(
    url: str, body: bytes, headers: dict[str, str], *, send_body: bool = True
) -> tuple[int, bytes]:
    """(status, response body) of one POST written byte for byte on a socket — so a test can send
    a body urllib would not (invalid UTF-8, a Content-Length it never sends), or none at all."""
    parts = urlsplit(url)
    lines = [f"POST {parts.path} HTTP/1.1", f"Host: {parts.netloc}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")  # raw bytes, as a client may send
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as s:
        s.sendall(head)
        if send_body:
            try:
                s.sendall(body)
            except OSError:  # the server answered and closed before reading everything
                pass
        data = b""
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            data += chunk
    status = int(data.split(b" ", 2)[1])
    return status, data.split(b"\r\n\r\n", 1)[-1]


def signed(body: bytes, content_type: str, *, timestamp: str | None = None, secret: str = SIGNING_SECRET):
    ts = timestamp if timestamp is not None else str(int(time.time()))
    return {
        "Content-Type": content_type,
        "Content-Length": str(len(body)),
        "X-Slack-Request-Timestamp": ts,
        # Slack signs the raw bytes: computed here on bytes, so a body that is not UTF-8 is signed too
        "X-Slack-Signature": "v0="
        + hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest(),
    }


def unsigned(body: bytes, content_type: str) -> dict[str, str]:
    return {"Content-Type": content_type, "Content-Length": str(len(body))}


# Request bodies Slack never sends, each carrying MARKER.
MALFORMED = {
    "truncated JSON": (b'{"type": "' + MARKER.encode(), JSON),
    "payload not JSON": (urlencode({"payload": MARKER + "{"}).encode(), FORM),
    "payload a list": (urlencode({"payload": json.dumps([MARKER])}).encode(), FORM),
    "JSON a list": (json.dumps([MARKER]).encode(), JSON),
    "JSON a string": (json.dumps(MARKER).encode(), JSON),
    "event a string": (
        json.dumps({"type": "event_callback", "event_id": "Ev1", "event": MARKER}).encode(),
        JSON,
    ),
    "event type a number": (
        json.dumps(
            {"type": "event_callback", "event_id": "Ev1", "event": {"type": 5, "text": MARKER}}
        ).encode(),
        JSON,
    ),
    "team a list": (
        json.dumps({"type": "event_callback", "team": [MARKER], "event": {"type": "x"}}).encode(),
        JSON,
    ),
    "actions not a list": (
        urlencode({"payload": json.dumps({"type": "block_actions", "actions": MARKER})}).encode(),
        FORM,
    ),
    "action id a dict": (
        urlencode(
            {"payload": json.dumps({"type": "block_actions", "actions": [{"action_id": {"x": MARKER}}]})}
        ).encode(),
        FORM,
    ),
    "not UTF-8": (b'{"type": "\xff\xfe' + MARKER.encode() + b'"}', JSON),
    "deep nesting": (b'{"a":' * 5000 + MARKER.encode().join([b'"', b'"']) + b"}" * 5000, JSON),
    "event id of 100,000 characters": (
        event(mention(MARKER), event_id="Ev" + "x" * 100_000).encode(),
        JSON,
    ),
}


def _log_ok(text: str, requests: int) -> None:
    assert "Traceback" not in text
    assert MARKER not in text
    assert len(text.encode()) < 2048 * requests, text[:2000]


@pytest.mark.parametrize("name", list(MALFORMED))
def test_malformed_requests_get_400_signed_and_401_unsigned(bot, bot_log, name):
    body, content_type = MALFORMED[name]
    url = f"{bot.server.url}/slack/events"
    status, answer = raw_request(url, body, unsigned(body, content_type))
    assert status == 401 and MARKER.encode() not in answer
    status, answer = raw_request(url, body, signed(body, content_type))
    assert status == 400 and MARKER.encode() not in answer
    _log_ok(bot_log.getvalue(), 2)
    assert bot_log.getvalue().count(" WARNING ") == 2
    assert not bot.slack.calls


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=00"},
        {"X-Slack-Request-Timestamp": "1" * 40, "X-Slack-Signature": "v0=00"},
        {"X-Slack-Request-Timestamp": "-5", "X-Slack-Signature": "v0=00"},
        {"X-Slack-Request-Timestamp": "１２３", "X-Slack-Signature": "v0=00"},  # full-width digits
        {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "garbage\u00e9"},
        {"X-Slack-Request-Timestamp": str(int(time.time()))},
        {"X-Slack-Signature": "v0=00"},
    ],
)
def test_unverifiable_headers_are_401_whatever_they_hold(bot, bot_log, headers):
    body = urlencode({"command": "/fact", "text": MARKER}).encode()
    all_headers = {"Content-Type": FORM, "Content-Length": str(len(body)), **headers}
    for _ in range(2):
        status, _ = raw_request(f"{bot.server.url}/slack/events", body, all_headers)
        assert status == 401
    _log_ok(bot_log.getvalue(), 2)


def test_timestamp_abc_signed_with_the_real_secret_is_401(bot, bot_log):
    body = urlencode({"command": "/fact", "text": "Microsoft capex"}).encode()
    status, _ = raw_request(f"{bot.server.url}/slack/events", body, signed(body, FORM, timestamp="abc"))
    assert status == 401
    _log_ok(bot_log.getvalue(), 1)


def test_one_megabyte_unsigned_bodies_cost_a_few_log_lines(bot, bot_log):
    body = (MARKER * (1_000_000 // len(MARKER))).encode()
    for _ in range(50):
        status, _ = raw_request(f"{bot.server.url}/slack/events", body, unsigned(body, FORM))
        assert status == 401
    text = bot_log.getvalue()
    _log_ok(text, 50)
    lines = text.count(" WARNING ")
    assert 1 <= lines <= 10  # rate-limited: the burst, then silence until the window passes


def test_rate_limited_lines_count_what_they_left_out():
    from bot.serve import RejectionLog

    clock = [0.0]
    stream = io.StringIO()
    logger = logging.getLogger("test.rejections")
    logger.addHandler(logging.StreamHandler(stream))
    logger.propagate = False
    rejections = RejectionLog(logger, burst=3, window=60, clock=lambda: clock[0])
    for _ in range(10):
        rejections.reject(401, "bad signature", "203.0.113.9")
    clock[0] = 61
    rejections.reject(401, "bad signature", "203.0.113.9")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 4
    assert lines[-1].endswith("(7 more rejected since the last line)")


def test_ten_megabyte_body_is_413_before_it_is_read(bot, bot_log):
    size = 10 * 1024 * 1024
    # the headers alone: the answer comes without the server waiting for the body
    status, answer = raw_request(
        f"{bot.server.url}/slack/events",
        b"",
        unsigned(b"x" * 0, FORM) | {"Content-Length": str(size)},
        send_body=False,
    )
    assert status == 413 and b"too large" in answer
    _log_ok(bot_log.getvalue(), 1)


def test_chunked_body_over_the_limit_is_413(bot, bot_log):
    parts = urlsplit(bot.server.url)
    head = (
        "POST /slack/events HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        f"Content-Type: {FORM}\r\nTransfer-Encoding: chunked\r\n\r\n"
    ).encode()
    chunk = b"%x\r\n%s\r\n" % (65536, MARKER.encode() * (65536 // len(MARKER)) + b"x" * (65536 % len(MARKER)))
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as s:
        s.sendall(head)
        sent = 0
        try:
            # far more than the limit, chunk by chunk, stopping as soon as the server answers
            while sent < 20 * 1024 * 1024 and not select.select([s], [], [], 0)[0]:
                s.sendall(chunk)
                sent += 65536
        except OSError:  # the server answered and closed while a chunk was on its way
            pass
        data = s.recv(65536)
    assert data.startswith(b"HTTP/1.1 413"), data[:100]
    assert 1024 * 1024 <= sent < 20 * 1024 * 1024  # read up to the limit, not to the end
    _log_ok(bot_log.getvalue(), 1)


def test_the_body_limit_is_a_setting(settings, holder, state, fake_slack):
    from bot.app import build_app
    from bot.serve import make_asgi
    from bot.settings import load_settings
    from tests.slack_fakes import BotServer, slash

    small = load_settings(
        SLACK_BOT_TOKEN="xoxb-test-token",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        FACTBOT_DB=str(settings.db),
        FACTBOT_SOURCES=str(settings.sources),
        FACTBOT_SLACK_API_URL=fake_slack.api_url,
        FACTBOT_MAX_BODY_BYTES="2048",
    )
    assert small.max_body_bytes == 2048
    server = BotServer(make_asgi(build_app(small, holder, state), holder, small))
    try:
        ok = server.command("/fact", "Microsoft capex")
        assert ok.status == 200
        big = slash("/fact", "Microsoft capex " * 200)
        assert len(big) > 2048
        assert server.post(big, content_type=FORM).status == 413
    finally:
        server.close()


def test_a_signed_request_still_works_after_rejections(bot, bot_log):
    raw_request(f"{bot.server.url}/slack/events", b"{", unsigned(b"{", JSON))
    r = bot.server.command("/fact", "Microsoft capex")
    assert r.status == 200 and "Microsoft" in r.body


# --- any shape, signed: never a 500 ---------------------------------------------------------------

BODIES = st.one_of(
    ANY_JSON.map(lambda v: (json.dumps(v).encode(), JSON)),
    ENVELOPE.map(lambda v: (json.dumps({**v, "type": "event_callback"}).encode(), JSON)),
    ENVELOPE.map(
        lambda v: (urlencode({"payload": json.dumps({**v, "type": "block_actions"})}).encode(), FORM)
    ),
    st.dictionaries(
        st.sampled_from(["command", "text", "user_id", "response_url", "channel_id"]), st.text(max_size=30)
    ).map(lambda v: (urlencode(v).encode(), FORM)),
)


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    # one bot serves every example: what matters is that none of them breaks it
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(BODIES)
def test_no_signed_request_shape_gets_a_500_or_a_traceback(bot, bot_log, case):
    body, content_type = case
    status, _ = raw_request(f"{bot.server.url}/slack/events", body, signed(body, content_type))
    assert status in (200, 400, 404)
    bot.listeners.wait_idle()
    assert "Traceback" not in bot_log.getvalue()


def test_bolt_itself_logs_a_failed_signature_without_the_body(bot, caplog):
    """Behind another adapter than bot.serve, Bolt's own verification still runs: its line stays,
    the body does not."""
    from slack_bolt import BoltRequest

    caplog.set_level(logging.INFO)
    request = BoltRequest(
        body=urlencode({"command": "/fact", "text": MARKER}),
        headers={
            "content-type": FORM,
            "x-slack-request-timestamp": str(int(time.time())),
            "x-slack-signature": "v0=" + "0" * 64,
        },
    )
    assert bot.app.dispatch(request).status == 401
    assert "Invalid request signature detected (body not logged)" in caplog.text
    assert MARKER not in caplog.text


def test_broken_http_framing_is_400_in_one_short_line(bot, bot_log):
    parts = urlsplit(bot.server.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as s:
        s.sendall(
            b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: " + MARKER.encode() + b"\r\n\r\n"
        )
        data = s.recv(65536)
    assert data.startswith(b"HTTP/1.1 400")
    _log_ok(bot_log.getvalue(), 1)


@pytest.mark.parametrize("text", ["payload capacity", "Microsoft capex payload", "PAYLOAD", "payload=1&x"])
def test_a_question_with_the_word_payload_is_answered(bot, text):
    # Bolt alone reads such a form body as an empty interactive payload (and answers 404)
    r = bot.server.command("/fact", text)
    assert r.status == 200
    message = r.json()
    assert message["response_type"] == "ephemeral" and message["blocks"]
    assert "payload" in all_text(message).lower()  # the question is echoed: it arrived whole
