"""Layer 3, Socket Mode: the same app behind Bolt's Socket Mode handler, against a local WebSocket
stand-in for Slack (apps.connections.open on the fake Web API hands out its URL)."""

from __future__ import annotations

import time

import pytest

from bot.app import build_app
from bot.console import ListenerTracker
from bot.serve import SocketModeRuntime, connection_health
from tests.slack_fakes import (
    APP_TOKEN,
    FakeSocketModeServer,
    all_text,
    block_actions_payload,
    dm,
    eventually,
    feedback,
    http,
    mention,
)
from tests.slack_fixtures import ADMIN

PING = 0.3  # seconds: short, so a stalled socket shows within a second or two


@pytest.fixture
def ws_server(fake_slack):
    server = FakeSocketModeServer()
    fake_slack.ws_url = server.url
    yield server
    server.close()


@pytest.fixture
def listeners():
    """Bolt's listener executor for socket_bot: `wait_idle()` once nothing more can be posted."""
    tracker = ListenerTracker()
    yield tracker
    tracker.shutdown(wait=False)


@pytest.fixture
def socket_bot(settings, holder, state, fake_slack, ws_server, listeners):
    app = build_app(
        settings.model_copy(update={"slack_signing_secret": None}),
        holder,
        state,
        listener_executor=listeners,
        outbox_executor=listeners,
    )
    runtime = SocketModeRuntime(app, APP_TOKEN, host="127.0.0.1", port=0, ping_interval=PING, holder=holder)
    runtime.start()
    ws_server.wait_for_connections(1)
    yield runtime
    # Hang up from Slack's side first: the client's reader otherwise sits out its 3-second recv timeout.
    runtime.handler.client.auto_reconnect_enabled = False
    ws_server.close()
    runtime.stop()


def _slash_payload(command: str, text: str, response_url: str, user: str = "UALICE") -> dict:
    return {
        "token": "legacy",
        "team_id": "T0TEST",
        "channel_id": "CGENERAL",
        "user_id": user,
        "command": command,
        "text": text,
        "api_app_id": "AFACTBOT",
        "response_url": response_url,
        "trigger_id": "1.2.3",
    }


def _events_payload(inner: dict, event_id: str) -> dict:
    return {
        "token": "legacy",
        "team_id": "T0TEST",
        "api_app_id": "AFACTBOT",
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "event": inner,
        "authorizations": [{"team_id": "T0TEST", "user_id": "UFACTBOT", "is_bot": True}],
    }


def test_connection_is_opened_with_the_app_token(socket_bot, fake_slack):
    call = fake_slack.of("apps.connections.open")[0]
    assert call.headers["Authorization"] == f"Bearer {APP_TOKEN}"


def test_slash_command_answer_rides_on_the_envelope_ack(socket_bot, ws_server, fake_slack):
    ack = ws_server.push(
        "slash_commands",
        _slash_payload("/fact", "Microsoft capex", fake_slack.response_url()),
        accepts_response_payload=True,
    )
    assert ack["payload"]["response_type"] == "ephemeral"
    assert "Microsoft" in all_text(ack["payload"])


def test_admin_command_over_socket_mode(socket_bot, ws_server, fake_slack):
    ack = ws_server.push(
        "slash_commands",
        _slash_payload("/factadmin", "status", fake_slack.response_url(), user=ADMIN),
        accepts_response_payload=True,
    )
    assert "Generation" in all_text(ack["payload"])
    refused = ws_server.push(
        "slash_commands",
        _slash_payload("/factadmin", "reload", fake_slack.response_url(), user="UMALLORY"),
        accepts_response_payload=True,
    )
    assert "only for this bot's admins" in all_text(refused["payload"])


def test_mention_event_is_acked_and_answered_once_despite_a_retry(
    socket_bot, ws_server, fake_slack, listeners
):
    payload = _events_payload(mention("Microsoft capex", ts="1700000010.000100"), "EvSOCK1")
    ack = ws_server.push("events_api", payload)
    assert "envelope_id" in ack
    (call,) = fake_slack.wait_for("chat.postMessage")
    assert call.body["thread_ts"] == "1700000010.000100"
    ws_server.push("events_api", payload, retry_attempt=1)
    ws_server.push("events_api", _events_payload(dm("Meta capex", ts="1700000010.000200"), "EvSOCK2"))
    calls = fake_slack.wait_for("chat.postMessage", 2)
    listeners.wait_idle()  # both deliveries and the retry were acked: their listeners are done
    assert len(fake_slack.of("chat.postMessage")) == 2
    assert calls[1].body["channel"] == "DALICE"


def test_interactive_button_is_acked_and_handled(socket_bot, ws_server, fake_slack):
    ack = ws_server.push(
        "slash_commands",
        _slash_payload("/fact", "Microsoft capex", fake_slack.response_url()),
        accepts_response_payload=True,
    )
    up = feedback(ack["payload"])
    ws_server.push("interactive", block_actions_payload(up, response_url=fake_slack.response_url("fb")))
    (call,) = fake_slack.wait_for("response_url")
    assert "recorded" in all_text(call.body)


def test_healthz_reports_a_live_connection(socket_bot):
    r = eventually(lambda: (lambda r: r if r.status == 200 else None)(http(socket_bot.health_server.url)))
    assert r and r.json()["ok"] is True and r.json()["last_pong_age"] is not None


def test_dropped_connection_is_reopened_and_keeps_answering(socket_bot, ws_server, fake_slack):
    ws_server.drop()
    ws_server.wait_for_connections(2)
    assert len(fake_slack.of("apps.connections.open")) >= 2
    ack = ws_server.push(
        "slash_commands",
        _slash_payload("/fact", "Meta capex", fake_slack.response_url()),
        accepts_response_payload=True,
    )
    assert "Meta" in all_text(ack["payload"])
    assert eventually(lambda: http(socket_bot.health_server.url).status == 200)


def test_stalled_connection_turns_healthz_red_until_reconnected(socket_bot, ws_server, fake_slack):
    assert eventually(lambda: http(socket_bot.health_server.url).status == 200)
    fake_slack.ws_url = None  # reconnecting fails for now: the outage lasts until we say so
    ws_server.stall()
    red = eventually(lambda: (lambda r: r if r.status == 503 else None)(http(socket_bot.health_server.url)))
    assert red, "healthz stayed green although pings went unanswered"
    assert red.json()["ok"] is False
    fake_slack.ws_url = ws_server.url
    ws_server.wait_for_connections(2)
    assert eventually(lambda: http(socket_bot.health_server.url).status == 200)
    ack = ws_server.push(
        "slash_commands",
        _slash_payload("/fact", "Microsoft capex", fake_slack.response_url()),
        accepts_response_payload=True,
    )
    assert "Microsoft" in all_text(ack["payload"])


@pytest.mark.parametrize(
    "connected,last_pong,alive",
    [
        (False, 99.0, False),
        (True, None, False),
        (True, 99.5, True),
        (True, 100.0 - 3 * 10 + 1, True),
        (True, 100.0 - 3 * 10 - 1, False),
    ],
)
def test_connection_health_needs_recent_pongs(connected, last_pong, alive):
    assert (
        connection_health(connected=connected, last_pong=last_pong, now=100.0, ping_interval=10).alive
        is alive
    )
