"""Buttons and events that cannot be fooled or repeated (issue 8 items 2-5, 7, 8; issue 9 item 4),
over real HTTP on loopback: the real Bolt app behind uvicorn, signed requests, the recording
Slack stand-in."""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest

from bot.app import build_app, is_slack_url, response_url_hosts
from bot.holder import StoreHolder
from bot.serve import make_asgi
from bot.settings import load_settings
from bot.state import open_state
from handlers.payloads import ShareValue, VoteValue
from tests.slack_fakes import (
    BOT_TOKEN,
    SIGNING_SECRET,
    BotServer,
    FakeSlack,
    all_text,
    block_actions,
    block_actions_payload,
    buttons,
    event,
    eventually,
    feedback,
    mention,
)
from tests.slack_fixtures import ADMIN

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def _ask(bot, text="Microsoft capex"):
    r = bot.server.command("/fact", text, response_url=bot.slack.response_url("cmd"))
    assert r.status == 200
    message = r.json()
    return message, buttons(message)


def _headline(message: dict, block_id: str) -> str:
    """The headline text of one answer as the user sees it (without its number)."""
    (block,) = [b for b in message["blocks"] if b.get("block_id") == block_id]
    text = block["text"]["text"].strip("*")
    return text.split(". ", 1)[1] if block_id != "answer-0" else text


def _quote(message: dict, block_id: str) -> str:
    blocks = message["blocks"]
    i = next(n for n, b in enumerate(blocks) if b.get("block_id") == block_id)
    return all_text({"blocks": [blocks[i + 1]]})


def _replies(bot, name: str) -> list[str]:
    return [all_text(c.body) for c in bot.slack.of("response_url") if c.path == f"/response/{name}"]


# --- item 2: our own values are validated, not trusted ----------------------------------------


def _with_value(button: dict, value: str) -> dict:
    return {**button, "value": value}


BAD_VALUES = [
    '{"k":"fact","q":"Microsoft capex","o":1e400}',
    '{"k":"fact","q":"Microsoft capex","i":0,"f":{"$ne":1},"h":"x"}',
    '{"k":"fact","q":"Microsoft capex","i":0,"f":["a","b"],"h":"x"}',
    '{"k":"fact","q":"Microsoft capex","i":-1,"f":"abc","h":"x"}',
    '{"k":"nope","q":"x"}',
    '{"f":"abc","v":7,"k":"fact","q":"x"}',
    "[1,2,3]",
    "not json",
    "",
    '{"k":"fact","q":"' + "x" * 3000 + '"}',
]


@pytest.mark.parametrize("action", ["share", "more", "feedback"])
@pytest.mark.parametrize("value", BAD_VALUES)
def test_a_button_value_we_did_not_write_no_longer_works(bot, action, value, caplog):
    message, b = _ask(bot, "Microsoft")
    button = feedback(message) if action == "feedback" else b[action][0]
    r = bot.server.post(
        block_actions(_with_value(button, value), response_url=bot.slack.response_url("bad")),
        content_type=FORM,
    )
    assert r.status == 200
    (call,) = bot.slack.wait_for("response_url")
    assert "no longer works" in all_text(call.body) and call.body["response_type"] == "ephemeral"
    assert bot.state.feedback_totals() == {} and bot.state.shares() == []
    assert "Traceback" not in caplog.text and "unhandled" not in caplog.text


def test_a_press_without_a_user_no_longer_works(bot, caplog):
    _, b = _ask(bot)
    payload = block_actions_payload(b["share"][0], response_url=bot.slack.response_url("nouser"))
    del payload["user"]
    r = bot.server.post(urlencode({"payload": json.dumps(payload)}), content_type=FORM)
    assert r.status == 200
    (call,) = bot.slack.wait_for("response_url")
    assert "no longer works" in all_text(call.body)
    assert bot.state.shares() == [] and "Traceback" not in caplog.text


# --- item 3: at least once, exactly one answer --------------------------------------------------


def test_a_500_on_the_first_post_still_ends_in_one_answer(bot):
    # slack_sdk's ServerErrorRetryHandler, on every client the bot builds (issue 16, item 1)
    bot.slack.fail_next("chat.postMessage")
    body = event(mention("Microsoft capex", ts="1700000010.000100"), event_id="EvFAIL1")
    assert bot.server.post(body, content_type=JSON).status == 200
    failed, answered = bot.slack.wait_for("chat.postMessage", 2)
    assert failed.status == 500 and answered.status == 200
    assert answered.body["thread_ts"] == "1700000010.000100" and "Microsoft" in all_text(answered.body)
    assert answered.body["metadata"]["event_payload"]["event_id"] == "EvFAIL1"
    bot.listeners.wait_idle()
    assert [c.status for c in bot.slack.of("chat.postMessage")] == [500, 200]


def test_a_post_that_keeps_failing_is_tried_again_by_the_outbox_not_by_slack(bot, caplog):
    caplog.set_level(logging.INFO, logger="factbot")
    bot.app.outbox.retry_after = 0.1  # seconds before the outbox's next attempt (5 in production)
    bot.app.outbox.sweep_interval = 0.1
    bot.slack.fail_next("chat.postMessage", 3)  # the client's first try and both its retries
    body = event(mention("Microsoft capex", ts="1700000010.000100"), event_id="EvFAIL2")
    assert bot.server.post(body, content_type=JSON).status == 200
    calls = bot.slack.wait_for("chat.postMessage", 4, timeout=20)
    assert [c.status for c in calls] == [500, 500, 500, 200]
    assert "could not answer event EvFAIL2 (attempt 1 of 5)" in caplog.text
    # the second attempt looked in the thread for an answer carrying the event id first
    (look,) = bot.slack.of("conversations.replies")
    assert look.body["ts"] == "1700000010.000100"
    # answered now: a retry from Slack is skipped, and nothing more is posted
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert bot.server.post(body, content_type=JSON, extra=retry).status == 200
    assert eventually(lambda: "skipping a delivery of event:EvFAIL2" in caplog.text)
    bot.listeners.wait_idle()
    assert len(bot.slack.of("chat.postMessage")) == 4


def _deliver_at_once(servers, body: str, copies: int) -> list[int]:
    start = threading.Barrier(copies)

    def deliver(i: int) -> int:
        start.wait(timeout=10)
        return servers[i % len(servers)].post(body, content_type=JSON).status

    with ThreadPoolExecutor(copies) as pool:
        return list(pool.map(deliver, range(copies)))


def test_concurrent_deliveries_of_one_event_post_once(bot):
    body = event(mention("Meta capex", ts="1700000011.000100"), event_id="EvCONC1")
    assert _deliver_at_once([bot.server], body, 8) == [200] * 8
    bot.slack.wait_for("chat.postMessage")
    bot.listeners.wait_idle()  # the seven that lost the claim are skipped by the outbox
    assert len(bot.slack.of("chat.postMessage")) == 1


@pytest.fixture
def pg_replicas(tmp_path, seed_db, sources, postgres_db):
    """Two bots in HTTP mode sharing one PostgreSQL state database, as two replicas would."""
    import shutil

    slack = FakeSlack()
    started = []
    for i in range(2):
        db = tmp_path / f"r{i}" / "facts.db"
        db.parent.mkdir()
        shutil.copy(seed_db, db)
        settings = load_settings(
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            FACTBOT_ADMINS=ADMIN,
            FACTBOT_DB=str(db),
            FACTBOT_SOURCES=str(sources),
            FACTBOT_STATE_DSN=postgres_db,
            FACTBOT_SLACK_API_URL=slack.api_url,
        )
        state = open_state(settings)
        holder = StoreHolder.open(db=db, sources=sources, state=state)
        app = build_app(settings, holder, state)
        app.outbox.retry_after = app.outbox.sweep_interval = 0.2
        server = BotServer(make_asgi(app, holder, settings))
        server.app = app
        started.append((server, holder, state))
    yield [s for s, _, _ in started], slack
    for server, holder, state in started:
        server.close()
        server.app.outbox.close()
        holder.close()
        state.close()
    slack.close()


def test_concurrent_deliveries_across_replicas_on_postgres_post_once(pg_replicas):
    servers, slack = pg_replicas
    body = event(mention("Meta capex", ts="1700000012.000100"), event_id="EvPG1")
    assert _deliver_at_once(servers, body, 8) == [200] * 8
    slack.wait_for("chat.postMessage")
    assert len(slack.of("chat.postMessage")) == 1


def test_an_event_one_replica_failed_to_answer_is_answered_once_by_the_outbox(pg_replicas, caplog):
    servers, slack = pg_replicas
    slack.fail_next("chat.postMessage", 3)  # the client's try and both its retries
    body = event(mention("Microsoft capex", ts="1700000013.000100"), event_id="EvPG2")
    servers[0].post(body, content_type=JSON)
    servers[1].post(body, content_type=JSON, extra={"X-Slack-Retry-Num": "1"})  # skipped or swept
    calls = slack.wait_for("chat.postMessage", 4, timeout=20)
    assert [c.status for c in calls] == [500, 500, 500, 200]
    time.sleep(1)  # five sweeps of both replicas: nothing more is posted
    assert len(slack.of("chat.postMessage")) == 4


def test_event_ids_over_255_characters_are_refused(bot):
    long_id = "Ev" + "x" * 100_000
    r = bot.server.post(event(mention("Microsoft capex"), event_id=long_id), content_type=JSON)
    assert r.status == 400
    ok = bot.server.post(
        event(mention("Meta", ts="1700000014.1"), event_id="Ev" + "y" * 253), content_type=JSON
    )
    assert ok.status == 200
    bot.slack.wait_for("chat.postMessage")
    with sqlite3.connect(bot.state.path) as db:
        keys = [k for (k,) in db.execute("SELECT key FROM claims")]
    assert keys == ["event:Ev" + "y" * 253]


# --- item 4: share shares what the user saw -----------------------------------------------------


def test_share_posts_the_headline_and_quote_the_user_saw(bot):
    message, b = _ask(bot)
    for n in range(len(b["share"])):
        shown, quote = _headline(message, f"answer-{n + 1}"), _quote(message, f"answer-{n + 1}")
        bot.slack.clear()
        bot.server.post(
            block_actions(b["share"][n], user="UBOB", response_url=bot.slack.response_url(f"s{n}")),
            content_type=FORM,
        )
        (call,) = bot.slack.wait_for("response_url")
        assert call.body["response_type"] == "in_channel"
        assert _headline(call.body, "answer-0") == shown
        assert _quote(call.body, "answer-0") == quote
    # (In the seeds the second answer to "Microsoft capex" is a sentence the question reads as
    # Microsoft's capex and the fact alone as Google's investment — the case issue 8 found.)


def test_the_shared_headline_is_the_one_the_button_carries_not_a_new_reading(bot):
    _, b = _ask(bot)
    value = ShareValue.parse(b["share"][0]["value"])
    carried = ShareValue(k=value.k, q=value.q, i=value.i, f=value.f, h="What the user was shown")
    bot.server.post(
        block_actions(
            {**b["share"][0], "value": carried.to_value()}, response_url=bot.slack.response_url("h")
        ),
        content_type=FORM,
    )
    (call,) = bot.slack.wait_for("response_url")
    assert _headline(call.body, "answer-0") == "What the user was shown"
    assert bot.holder.current.fact(value.f).quote.replace("\n", " ") in all_text(call.body)


def test_share_after_a_reload_still_shares_what_was_shown(bot):
    message, b = _ask(bot)
    shown, quote = _headline(message, "answer-1"), _quote(message, "answer-1")
    before = bot.holder.generation
    bot.server.command("/factadmin", "reload", user=ADMIN, response_url=bot.slack.response_url("reload"))
    bot.slack.wait_for("response_url", timeout=60)
    assert bot.holder.generation == before + 1
    bot.slack.clear()
    bot.server.post(
        block_actions(b["share"][0], user="UBOB", response_url=bot.slack.response_url("after")),
        content_type=FORM,
    )
    (call,) = bot.slack.wait_for("response_url")
    assert (_headline(call.body, "answer-0"), _quote(call.body, "answer-0")) == (shown, quote)


def test_a_replayed_share_posts_once(bot):
    _, b = _ask(bot)
    body = block_actions(b["share"][0], user="UBOB", response_url=bot.slack.response_url("replay"))
    for _ in range(3):
        assert bot.server.post(body, content_type=FORM).status == 200
    calls = bot.slack.wait_for("response_url", 3)
    public = [c for c in calls if c.body.get("response_type") == "in_channel"]
    assert len(public) == 1
    assert sum("already shared" in all_text(c.body) for c in calls) == 2
    assert len(eventually(bot.state.shares)) == 1  # recorded just after Slack took the post


def test_a_failed_share_can_be_pressed_again(bot):
    _, b = _ask(bot)
    bot.slack.fail_next("response_url")
    body = block_actions(b["share"][0], user="UBOB", response_url=bot.slack.response_url("flaky"))
    bot.server.post(body, content_type=FORM)
    (failed,) = bot.slack.wait_for("response_url")
    assert failed.status == 500
    assert eventually(lambda: len(bot.slack.of("response_url")) == 1 and _released(bot))
    bot.server.post(body, content_type=FORM)
    second = bot.slack.wait_for("response_url", 2)[1]
    assert second.status == 200 and second.body["response_type"] == "in_channel"
    assert len(eventually(bot.state.shares)) == 1


def _released(bot) -> bool:
    with sqlite3.connect(bot.state.path) as db:
        return db.execute("SELECT count(*) FROM claims WHERE key LIKE 'share:%'").fetchone()[0] == 0


# --- item 5 / issue 9 item 4: one vote per user per fact -----------------------------------------


def test_feedback_is_slacks_feedback_buttons_element(bot):
    message, _ = _ask(bot)
    blocks = [b for b in message["blocks"] if b["type"] == "context_actions"]
    assert blocks and all(len(b["elements"]) == 1 for b in blocks)
    element = blocks[0]["elements"][0]
    assert element["type"] == "feedback_buttons" and element["action_id"] == "feedback"
    assert element["positive_button"]["text"]["text"] == "👍"
    assert element["negative_button"]["text"]["text"] == "👎"
    assert "feedback_up" not in buttons(message) and "feedback_down" not in buttons(message)


def test_a_vote_is_one_per_user_and_a_second_press_changes_or_withdraws_it(bot):
    message, _ = _ask(bot)
    up, down = feedback(message, up=True), feedback(message, up=False)
    fact_id = VoteValue.parse(up["value"]).f
    url = bot.slack.response_url("vote")

    def press(button, body=None):
        bot.slack.clear()
        body = body or block_actions(button, user="UCAROL", response_url=url)
        assert bot.server.post(body, content_type=FORM).status == 200
        (call,) = bot.slack.wait_for("response_url")
        return all_text(call.body), body

    text, replayed = press(up)
    assert "recorded" in text and bot.state.feedback_totals() == {fact_id: (1, 0)}
    for _ in range(4):  # the same signed press, sent again
        text, _ = press(up, replayed)
        assert "already counted" in text
    assert bot.state.feedback_totals() == {fact_id: (1, 0)}
    text, _ = press(down)
    assert "Changed your vote to 👎" in text and bot.state.feedback_totals() == {fact_id: (0, 1)}
    text, _ = press(down)
    assert "Withdrew your 👎" in text and bot.state.feedback_totals() == {}
    press(up)
    bot.server.post(block_actions(up, user="UDAVE", response_url=url), content_type=FORM)
    assert eventually(lambda: bot.state.feedback_totals() == {fact_id: (2, 0)})


def test_votes_for_facts_the_store_does_not_have_are_refused(bot):
    message, _ = _ask(bot)
    up = feedback(message)
    forged = VoteValue(f="0123456789abcdef", v=1, k="fact", q="Microsoft capex")
    bot.server.post(
        block_actions({**up, "value": forged.to_value()}, response_url=bot.slack.response_url("v")),
        content_type=FORM,
    )
    (call,) = bot.slack.wait_for("response_url")
    assert "no longer in the store" in all_text(call.body)
    assert bot.state.feedback_totals() == {}


def test_old_plain_thumb_buttons_are_answered(bot):
    r = bot.server.post(
        block_actions(
            {"action_id": "feedback_up", "value": "{}", "text": {"type": "plain_text", "text": "👍"}},
            response_url=bot.slack.response_url("old"),
        ),
        content_type=FORM,
    )
    assert r.status == 200
    (call,) = bot.slack.wait_for("response_url")
    assert "no longer work" in all_text(call.body)


# --- item 7: outbound only where Slack is --------------------------------------------------------


@pytest.fixture
def elsewhere():
    """A second HTTP server that is not Slack: nothing may ever be posted to it."""
    other = FakeSlack()
    yield other
    other.close()


def test_response_url_elsewhere_is_refused_and_logged(bot, elsewhere, caplog):
    _, b = _ask(bot)
    caplog.set_level(logging.WARNING)
    for body in (
        block_actions(b["share"][0], response_url=elsewhere.response_url("steal")),
        block_actions(feedback(_ask(bot)[0]), response_url="https://hooks.slack.com.attacker.example/x"),
    ):
        assert bot.server.post(body, content_type=FORM).status == 400
    r = bot.server.command("/fact", "Microsoft capex", response_url=elsewhere.response_url("cmd"))
    assert r.status == 400
    assert caplog.text.count("response_url is not Slack's") == 3
    assert not elsewhere.calls and bot.state.shares() == []


@pytest.mark.parametrize(
    "url,ok",
    [
        ("https://hooks.slack.com/commands/T0/1/abc", True),
        ("https://HOOKS.slack.com/actions/T0/1/abc", True),
        ("http://hooks.slack.com/commands/T0/1/abc", False),
        ("https://hooks.slack.com.attacker.example/x", False),
        ("https://user@hooks.slack.com/x", False),
        ("https://hooks.slack.com:8443/x", False),
        ("https://slack.com/api/x", True),  # the configured Web API's host
        ("https://evil.example/api/", False),
        ("https://[::1/x", False),
        (12, False),
    ],
)
def test_which_response_urls_are_slacks(url, ok):
    assert is_slack_url(url, response_url_hosts("https://slack.com/api/")) is ok


def test_govslack_response_urls_are_its_own_hooks_host():
    gov = response_url_hosts("https://slack-gov.com/api/")
    assert is_slack_url("https://hooks.slack-gov.com/commands/T0/1/abc", gov)
    assert not is_slack_url("https://hooks.evil-gov.com/commands/T0/1/abc", gov)


# --- item 8: /factadmin with any verb is audited ------------------------------------------------


def test_every_factadmin_verb_is_audited(bot):
    message = bot.server.command("/factadmin", "frobnicate --all", user=ADMIN).json()
    assert "reload" in all_text(message)  # the usage
    entry = bot.state.audit_log()[0]
    assert (entry.user, entry.action, entry.allowed, entry.detail) == (
        ADMIN,
        "/factadmin frobnicate --all",
        True,
        "unknown verb",
    )


def test_zero_width_characters_inside_a_word_are_removed(bot):
    message = bot.server.command("/fact", "Micro\u200dsoft cap\u200bex").json()
    assert "company Microsoft" in all_text(message)
