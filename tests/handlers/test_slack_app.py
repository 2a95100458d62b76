"""Issue 9 end to end: the real Bolt app over real HTTP on loopback, signed requests, and the
recording Slack stand-in (tests/slack_fakes.FakeSlack) — the agent Messages tab, cited quotes,
context, the message shortcut, comparisons and the slow path."""

from __future__ import annotations

import threading
import time

import pytest

from bot.app import build_app
from bot.serve import make_asgi
from tests.slack_fakes import BotServer, all_text, dm, event

FORM = "application/x-www-form-urlencoded"


def _post_event(bot, inner: dict, event_id: str):
    r = bot.server.post(event(inner, event_id=event_id), content_type="application/json")
    assert r.status == 200
    return r


# --- 1. the agent Messages tab ----------------------------------------------------------------


def test_opening_the_messages_tab_sets_prompts_from_what_the_store_knows(bot):
    opened = {
        "type": "app_home_opened",
        "user": "UALICE",
        "channel": "DALICE",
        "tab": "messages",
        "event_ts": "1.0",
    }
    _post_event(bot, opened, "EvTAB1")
    (call,) = bot.slack.wait_for("assistant.threads.setSuggestedPrompts")
    assert call.body["channel_id"] == "DALICE"
    assert "thread_ts" not in call.body  # agent_view: a thread_ts would make Slack drop the call
    prompts = call.body["prompts"]
    assert 2 <= len(prompts) <= 4 and all(p["title"] and p["message"] for p in prompts)
    top = {name for name, _ in bot.holder.current.stats().top_entities}
    assert any(p["message"].split()[0] in top for p in prompts), "drawn from the most-covered companies"
    assert any(any("\u4e00" <= ch <= "\u9fff" for ch in p["message"]) for p in prompts), "one in Chinese"
    for p in prompts:  # each prompt is a question the store answers
        assert bot.holder.current.search(p["message"]).answers, p
    assert not bot.slack.of("views.publish")  # that is the Home tab's


def test_a_question_in_the_messages_tab_is_answered_in_its_thread_with_a_status_first(bot):
    _post_event(bot, dm("微软 资本支出", ts="1700000010.000100"), "EvDMSTATUS1")
    (post,) = bot.slack.wait_for("chat.postMessage")
    (status,) = bot.slack.of("assistant.threads.setStatus")
    assert status.body["channel_id"] == "DALICE" and status.body["thread_ts"] == "1700000010.000100"
    assert status.body["status"] and status.body["loading_messages"]
    assert "正在" in status.body["status"]  # in the question's language
    assert bot.slack.calls.index(status) < bot.slack.calls.index(post)
    assert post.body["thread_ts"] == "1700000010.000100" and "微软" in all_text(post.body)


# --- 7. one message on the slow path -----------------------------------------------------------


class GatedStores:
    """The bot's real store holder behind the Stores boundary handlers/deps.py defines, except
    that a lookup waits until the test opens the gate: a slow store, deterministically."""

    def __init__(self, holder) -> None:
        self.holder = holder
        self.gate = threading.Event()
        self.waiting = threading.Event()

    @property
    def current(self):
        self.waiting.set()
        assert self.gate.wait(20), "the test never opened the gate"
        return self.holder.current

    def __getattr__(self, name):
        return getattr(self.holder, name)


@pytest.fixture
def slow_bot(settings, holder, state, fake_slack):
    stores = GatedStores(holder)
    app = build_app(settings, stores, state, answer_budget=0.2)
    server = BotServer(make_asgi(app, holder, settings))
    yield server, stores, fake_slack
    stores.gate.set()
    server.close()


@pytest.mark.parametrize("command,text", [("/fact", "Microsoft capex"), ("/spend", "Microsoft Google Meta")])
def test_a_slow_answer_is_one_message_after_an_empty_ack(slow_bot, command, text):
    server, stores, slack = slow_bot
    r = server.command(command, text, response_url=slack.response_url("slow"))
    assert r.status == 200 and r.body == ""  # Slack shows nothing for an empty ack
    assert stores.waiting.is_set()
    assert not slack.of("response_url")
    stores.gate.set()
    (call,) = slack.wait_for("response_url")
    time.sleep(0.3)  # a second message would show up here
    assert len(slack.of("response_url")) == 1
    assert call.body["response_type"] == "ephemeral" and "replace_original" not in call.body
    assert "Microsoft" in all_text(call.body)


def test_a_fast_answer_rides_on_the_ack_and_nothing_follows(bot):
    r = bot.server.command("/fact", "Microsoft capex", response_url=bot.slack.response_url())
    assert "Microsoft" in all_text(r.json())
    time.sleep(0.2)
    assert not bot.slack.of("response_url")
