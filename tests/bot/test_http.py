"""Layer 3: factbot in HTTP mode behind real HTTP on loopback (uvicorn, Bolt's ASGI adapter),
driven by signed requests, talking to a fake Slack Web API that records what the bot posts."""

from __future__ import annotations

import json
import threading
import time

import pytest

from handlers.payloads import VoteValue
from tests.slack_fakes import (
    all_text,
    block_actions,
    buttons,
    dm,
    event,
    eventually,
    feedback,
    http,
    mention,
    signed_headers,
    slash,
)
from tests.slack_fixtures import ADMIN

FORM = "application/x-www-form-urlencoded"


@pytest.mark.parametrize(
    "command,text,expect",
    [
        ("/fact", "Microsoft capex", "Microsoft"),
        ("/spend", "Meta 2024", "Meta"),
        ("/bench", "GPT-4", ""),
    ],
)
def test_each_lookup_command_answers_in_the_acknowledgement(bot, command, text, expect):
    r = bot.server.command(command, text, response_url=bot.slack.response_url())
    assert r.status == 200
    message = r.json()
    assert message["response_type"] == "ephemeral"
    assert expect in all_text(message)
    assert message["blocks"]
    assert not bot.slack.of("response_url")  # nothing followed: the answer came with the ack


@pytest.mark.parametrize("command", ["/fact", "/spend", "/bench"])
@pytest.mark.parametrize("text", ["", "help"])
def test_empty_or_help_is_usage(bot, command, text):
    message = bot.server.command(command, text).json()
    assert f"Usage: {command}" in message["text"]


@pytest.mark.parametrize(
    "text",
    [
        "微软 资本支出 " * 400,  # 4,000+ characters
        "🙂🤖💸" * 5,
        "Ｍｉｃｒｏｓｏｆｔ ｃａｐｅｘ",  # full-width
        "微\u200b软\u202e capex\u0000",  # zero-width, bidi override, NUL
        "مايكروسوفت",
        "<!channel> <@U123> *bold* _it_ `code`",
    ],
)
def test_odd_or_huge_input_gets_a_readable_reply(bot, text):
    r = bot.server.command("/fact", text)
    assert r.status == 200
    message = r.json()
    assert message["response_type"] == "ephemeral"
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in message["blocks"])
    assert "<!channel>" not in all_text(message)


def test_mention_is_answered_once_in_a_thread(bot):
    body = event(
        mention("how much did Meta plan to spend in 2024?", ts="1700000001.000100"), event_id="EvMENTION1"
    )
    r = bot.server.post(body, content_type="application/json")
    assert r.status == 200
    (call,) = bot.slack.wait_for("chat.postMessage")
    assert call.body["channel"] == "CGENERAL" and call.body["thread_ts"] == "1700000001.000100"
    assert "Meta" in all_text(call.body)
    assert call.headers["Authorization"] == "Bearer xoxb-test-token"


def test_direct_message_is_answered_in_a_thread(bot):
    r = bot.server.post(
        event(dm("Microsoft capex", ts="1700000002.000200"), event_id="EvDM1"),
        content_type="application/json",
    )
    assert r.status == 200
    (call,) = bot.slack.wait_for("chat.postMessage")
    assert call.body["channel"] == "DALICE" and call.body["thread_ts"] == "1700000002.000200"
    assert "Microsoft" in all_text(call.body)


def test_retried_deliveries_are_answered_once(bot):
    body = event(mention("Microsoft capex", ts="1700000003.000300"), event_id="EvRETRY1")
    assert bot.server.post(body, content_type="application/json").status == 200
    bot.slack.wait_for("chat.postMessage")
    for n in (1, 2, 3):
        retry = bot.server.post(
            body,
            content_type="application/json",
            extra={"X-Slack-Retry-Num": str(n), "X-Slack-Retry-Reason": "http_timeout"},
        )
        assert retry.status == 200
    # a later, different event is still answered: the bot was not merely stuck
    other = event(mention("Meta capex", ts="1700000004.000400"), event_id="EvRETRY2")
    bot.server.post(other, content_type="application/json")
    calls = bot.slack.wait_for("chat.postMessage", 2)
    bot.listeners.wait_idle()  # every listener the deliveries started has finished
    posts = bot.slack.of("chat.postMessage")
    assert len(posts) == 2 and {c.body["thread_ts"] for c in calls} == {
        "1700000003.000300",
        "1700000004.000400",
    }


def test_bot_ignores_its_own_and_edited_messages(bot):
    own = dm("echo", ts="1.1") | {"user": "UFACTBOT", "bot_id": "BFACTBOT"}
    edited = dm("edited", ts="1.2") | {"subtype": "message_changed"}
    for i, e in enumerate((own, edited)):
        assert bot.server.post(event(e, event_id=f"EvIGN{i}"), content_type="application/json").status == 200
    bot.listeners.wait_idle()
    assert not bot.slack.of("chat.postMessage")


@pytest.mark.parametrize("problem", ["bad", "stale", "missing"])
def test_requests_with_a_bad_or_stale_signature_are_rejected(bot, problem):
    body = slash("/fact", "Microsoft capex")
    if problem == "bad":
        headers = signed_headers(body, content_type=FORM, secret="not-the-secret")
    elif problem == "stale":
        headers = signed_headers(body, content_type=FORM, timestamp=int(time.time()) - 60 * 10)
    else:
        headers = {"Content-Type": FORM}
    r = http(f"{bot.server.url}/slack/events", body, headers)
    assert r.status == 401
    assert "Microsoft" not in r.body


def test_tampered_body_is_rejected(bot):
    body = slash("/fact", "Microsoft capex")
    headers = signed_headers(body, content_type=FORM)
    r = http(f"{bot.server.url}/slack/events", body.replace("capex", "revenue"), headers)
    assert r.status == 401


def test_url_verification_and_healthz(bot):
    challenge = json.dumps({"type": "url_verification", "challenge": "abc123", "token": "t"})
    r = bot.server.post(challenge, content_type="application/json")
    assert r.status == 200 and "abc123" in r.body
    health = http(f"{bot.server.url}/healthz")
    assert health.status == 200 and health.json()["generation"] == bot.holder.generation


def _ask(bot, text="Microsoft capex"):
    message = bot.server.command("/fact", text, response_url=bot.slack.response_url("cmd")).json()
    return message, buttons(message)


def test_share_button_posts_publicly_saying_who_shared(bot):
    message, b = _ask(bot)
    r = bot.server.post(
        block_actions(b["share"][0], user="UBOB", response_url=bot.slack.response_url("share")),
        content_type=FORM,
    )
    assert r.status == 200
    (call,) = bot.slack.wait_for("response_url")
    assert call.path == "/response/share"
    assert call.body["response_type"] == "in_channel" and call.body["replace_original"] is False
    assert "<@UBOB>" in all_text(call.body)
    first_quote = message["blocks"][2]["elements"][0]  # the rich_text_quote
    assert first_quote in call.body["blocks"][1]["elements"]
    assert eventually(bot.state.shares)[0][:2] == ("UBOB", "CGENERAL")


def test_more_button_shows_the_next_answers(bot):
    _, b = _ask(bot, "Microsoft")
    assert "more" in b
    bot.server.post(
        block_actions(b["more"][0], response_url=bot.slack.response_url("more")), content_type=FORM
    )
    (call,) = bot.slack.wait_for("response_url")
    assert call.body["replace_original"] is True
    assert "More answers" in all_text(call.body)
    numbers = [
        blk["block_id"]
        for blk in call.body["blocks"]
        if blk.get("block_id", "").startswith("answer-") and not blk["block_id"].endswith("actions")
    ]
    assert numbers[0] == "answer-4"


def test_more_under_a_threaded_answer_posts_into_the_thread(bot):
    bot.server.post(
        event(mention("Microsoft", ts="1700000005.000500"), event_id="EvMORE1"),
        content_type="application/json",
    )
    (answer,) = bot.slack.wait_for("chat.postMessage")
    more = buttons(answer.body)["more"][0]
    bot.server.post(
        block_actions(
            more,
            ephemeral=False,
            response_url=bot.slack.response_url("m"),
            message_ts="1700000005.000600",
            thread_ts="1700000005.000500",
        ),
        content_type=FORM,
    )
    calls = bot.slack.wait_for("chat.postMessage", 2)
    assert calls[1].body["thread_ts"] == "1700000005.000500"
    assert "More answers" in all_text(calls[1].body)


@pytest.mark.parametrize("up,expected", [(True, (1, 0)), (False, (0, 1))])
def test_feedback_buttons_record_votes(bot, up, expected):
    message, _ = _ask(bot)
    button = feedback(message, up=up)
    bot.server.post(
        block_actions(button, user="UCAROL", response_url=bot.slack.response_url("fb")), content_type=FORM
    )
    (call,) = bot.slack.wait_for("response_url")
    assert "recorded" in all_text(call.body) and call.body["response_type"] == "ephemeral"
    fact_id = VoteValue.parse(button["value"]).f
    assert bot.state.feedback_totals() == {fact_id: expected}


def test_admin_status(bot):
    message = bot.server.command("/factadmin", "status", user=ADMIN).json()
    stats = bot.holder.current.stats()
    assert f"Generation {stats.generation}" in all_text(message)


def test_non_admin_is_refused_politely_and_the_attempt_is_logged(bot, caplog):
    before = bot.holder.generation
    message = bot.server.command(
        "/factadmin", "reload", user="UMALLORY", response_url=bot.slack.response_url()
    ).json()
    assert "only for this bot's admins" in all_text(message)
    assert "UMALLORY" in caplog.text
    assert bot.state.audit_log()[0].user == "UMALLORY" and not bot.state.audit_log()[0].allowed
    bot.listeners.wait_idle()
    assert bot.holder.generation == before and not bot.slack.of("response_url")


def test_admin_reload_while_lookups_run_never_fails_a_lookup(bot):
    failures: list[str] = []
    answered = 0
    stop = threading.Event()

    def hammer() -> None:
        nonlocal answered
        while not stop.is_set():
            r = bot.server.command("/fact", "Microsoft capex")
            if r.status != 200 or "Microsoft" not in all_text(r.json()):
                failures.append(f"{r.status}: {r.body[:200]}")
            else:
                answered += 1

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        before = bot.holder.generation
        for _ in range(2):
            ack = bot.server.command(
                "/factadmin", "reload", user=ADMIN, response_url=bot.slack.response_url("reload")
            )
            assert "Rebuilding" in all_text(ack.json())
        reports = bot.slack.wait_for("response_url", 2, timeout=60)
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    assert not failures
    assert answered > 0
    texts = [all_text(c.body) for c in reports]
    assert any(f"generation {before} → {before + 1}" in t for t in texts)
    assert all(
        ("articles" in t and "facts" in t and "added" in t and "built in" in t) or "already running" in t
        for t in texts
    )
    assert bot.holder.generation > before


def test_failed_reload_keeps_the_old_store_and_tells_the_admin(bot, sources):
    for f in sources.iterdir():
        f.write_text("", encoding="utf-8")
    before = bot.holder.generation
    bot.server.command("/factadmin", "reload", user=ADMIN, response_url=bot.slack.response_url("reload"))
    (call,) = bot.slack.wait_for("response_url", timeout=60)
    assert "Reload failed" in all_text(call.body)
    assert bot.holder.generation == before
    assert "Microsoft" in all_text(bot.server.command("/fact", "Microsoft capex").json())


def test_app_home_is_published(bot):
    body = event(
        {"type": "app_home_opened", "user": "UALICE", "channel": "DALICE", "tab": "home", "event_ts": "1.0"},
        event_id="EvHOME1",
    )
    assert bot.server.post(body, content_type="application/json").status == 200
    (call,) = bot.slack.wait_for("views.publish")
    assert call.body["user_id"] == "UALICE"
    view = call.body["view"]
    assert view["type"] == "home" and f"generation {bot.holder.generation}" in all_text(view)


def test_unknown_paths_are_404(bot):
    assert http(f"{bot.server.url}/nope").status == 404
