"""Layer 2: listener functions called directly, with real stores and tiny recording fakes for
ack/respond/say/client — no Bolt app, no HTTP."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import pytest

from handlers import actions, admin, commands, home, mentions
from handlers.answer import answer_page
from handlers.deps import Deps
from handlers.payloads import ShareValue, VoteValue
from tests.slack_fakes import all_text, buttons, feedback
from tests.slack_fixtures import ADMIN


class Recorder:
    """Stands in for Bolt's ack / respond / say: records each call's keyword arguments."""

    def __init__(self) -> None:
        self.calls: list[dict] = []
        self.event = threading.Event()

    def __call__(self, text: str = "", **kwargs):
        self.calls.append({"text": text, **kwargs})
        self.event.set()
        return SimpleNamespace(status_code=200)  # as Bolt's respond answers when Slack took it

    @property
    def last(self) -> dict:
        assert self.calls, "not called"
        return self.calls[-1]


class RecordingClient:
    def __init__(self) -> None:
        self.published: list[dict] = []
        self.prompts: list[dict] = []

    def views_publish(self, *, user_id: str, view: dict) -> None:
        self.published.append({"user_id": user_id, "view": view})

    def assistant_threads_setSuggestedPrompts(self, **kwargs) -> None:  # noqa: N802 - slack_sdk's name
        self.prompts.append(kwargs)


@pytest.fixture
def deps(holder, state) -> Deps:
    return Deps(stores=holder, state=state, admins=frozenset({ADMIN}))


def _command(text: str, *, name: str = "/fact", user: str = "UALICE") -> dict:
    return {"command": name, "text": text, "user_id": user, "channel_id": "CGENERAL"}


@pytest.mark.parametrize(
    "listener,name",
    [
        (commands.fact_command, "/fact"),
        (commands.spend_command, "/spend"),
        (commands.bench_command, "/bench"),
    ],
)
@pytest.mark.parametrize("text", ["", "help", "  HELP  "])
def test_empty_or_help_answers_usage(listener, name, text, deps):
    ack, respond = Recorder(), Recorder()
    listener(ack=ack, respond=respond, command=_command(text, name=name), deps=deps)
    assert "Usage" in ack.last["text"] and name in ack.last["text"]
    assert ack.last["response_type"] == "ephemeral"
    assert not respond.calls


def test_fact_answer_arrives_with_the_ack(deps):
    ack, respond = Recorder(), Recorder()
    commands.fact_command(ack=ack, respond=respond, command=_command("Microsoft capex"), deps=deps)
    assert len(ack.calls) == 1 and not respond.calls
    assert ack.last["response_type"] == "ephemeral"
    assert "Microsoft" in all_text(ack.last) and buttons(ack.last)["share"]


def test_spend_lists_only_spending_metrics_newest_first(deps):
    ack = Recorder()
    commands.spend_command(
        ack=ack, respond=Recorder(), command=_command("Microsoft", name="/spend"), deps=deps
    )
    result = deps.stores.current.search(
        "Microsoft",
        metrics={"capex", "investment", "training_cost", "chip_spend"},
        newest_first=True,
        limit=3,
    )
    assert result.answers
    text = all_text(ack.last)
    for answer in result.answers:
        assert answer.metric in {"capex", "investment", "training_cost", "chip_spend"}
    # shown in the store's newest-first order
    positions = [text.index(a.quote.replace("\n", " ")) for a in result.answers]
    assert positions == sorted(positions)


@pytest.mark.parametrize("about", ["GPT-4", "日日新"])
def test_bench_searches_benchmark_claims_only(deps, about):
    store = deps.stores.current
    # asked plainly, the store has other kinds of facts about it too (losses, share prices…)
    plain = store.search(about, limit=10).answers
    assert {a.metric for a in plain} - {"benchmark"}, "the seeds should hold non-benchmark facts here"
    ack = Recorder()
    commands.bench_command(ack=ack, respond=Recorder(), command=_command(about, name="/bench"), deps=deps)
    shown = [store.fact(ShareValue.parse(b["value"]).f) for b in buttons(ack.last).get("share", [])]
    assert shown, "a benchmark claim is shown"
    assert all(a is not None and a.metric == "benchmark" for a in shown)
    # and every benchmark claim the plain search found is among them
    assert {a.fact_id for a in plain if a.metric == "benchmark"} <= {a.fact_id for a in shown}


class GatedStores:
    """The real holder, but lookups wait for the test to open the gate: a slow store, deterministically."""

    def __init__(self, holder) -> None:
        self.holder = holder
        self.gate = threading.Event()

    @property
    def current(self):
        assert self.gate.wait(10)
        return self.holder.current

    def __getattr__(self, name):
        return getattr(self.holder, name)


def test_slow_lookup_is_acknowledged_empty_then_answered_once_via_response_url(holder, state):
    stores = GatedStores(holder)
    deps = Deps(stores=stores, state=state, answer_budget=0.05)
    ack, respond = Recorder(), Recorder()
    t = threading.Thread(
        target=commands.fact_command,
        kwargs=dict(ack=ack, respond=respond, command=_command("Microsoft capex"), deps=deps),
    )
    t.start()
    assert ack.event.wait(5)
    assert ack.calls == [{"text": ""}] and not respond.calls  # an empty ack: Slack shows nothing
    stores.gate.set()
    t.join(10)
    assert len(respond.calls) == 1 and "replace_original" not in respond.last
    assert respond.last["response_type"] == "ephemeral" and "Microsoft" in all_text(respond.last)


@pytest.mark.parametrize(
    "text",
    [
        "🙂" * 10,
        "\u200b\u200b",
        "Ｍｉｃｒｏｓｏｆｔ ｃａｐｅｘ",
        "微软\u0000资本支出",
        "x" * 5000,
        "مايكروسوفت",
        "<@U123> <!here> *bold*",
    ],
)
def test_odd_and_huge_input_gets_a_reply_never_an_exception(text, deps):
    ack = Recorder()
    commands.fact_command(ack=ack, respond=Recorder(), command=_command(text), deps=deps)
    assert len(ack.calls) == 1
    assert ack.last.get("blocks") or ack.last["text"]


def test_mention_is_answered_in_a_thread_under_the_question(deps):
    say = Recorder()
    mentions.app_mention(
        event={"text": "<@UFACTBOT> Microsoft capex", "ts": "111.222", "user": "UALICE"},
        say=say,
        deps=deps,
    )
    assert say.last["thread_ts"] == "111.222"
    assert "Microsoft" in all_text(say.last)


def test_mention_inside_a_thread_stays_in_that_thread(deps):
    say = Recorder()
    mentions.app_mention(
        event={"text": "<@UFACTBOT> Meta", "ts": "5.6", "thread_ts": "1.2"}, say=say, deps=deps
    )
    assert say.last["thread_ts"] == "1.2"


def test_bare_mention_explains_how_to_ask(deps):
    say = Recorder()
    mentions.app_mention(event={"text": "<@UFACTBOT>", "ts": "1.1"}, say=say, deps=deps)
    assert "/fact" in all_text(say.last)


def test_direct_message_answered_and_only_people_s_new_messages_count(deps):
    say = Recorder()
    mentions.direct_message(
        event={"text": "Microsoft capex", "ts": "3.4", "channel_type": "im"}, say=say, deps=deps
    )
    assert say.last["thread_ts"] == "3.4" and "Microsoft" in all_text(say.last)
    assert mentions.is_direct_message({"channel_type": "im", "user": "U1", "text": "hi"})
    assert not mentions.is_direct_message({"channel_type": "im", "user": "U1", "subtype": "message_changed"})
    assert not mentions.is_direct_message({"channel_type": "im", "bot_id": "B1", "user": "U1"})
    assert not mentions.is_direct_message({"channel_type": "channel", "user": "U1"})


# A press under a private answer, as Slack describes it (listeners read user, channel, message ts).
PRESS_BODY = {
    "user": {"id": "UBOB"},
    "channel": {"id": "CGENERAL"},
    "container": {"message_ts": "1700000000.000300", "is_ephemeral": True},
    "response_url": "https://hooks.slack.com/actions/T/1/x",
}


def _answer_buttons(deps, query="Microsoft capex"):
    ack = Recorder()
    commands.fact_command(ack=ack, respond=Recorder(), command=_command(query), deps=deps)
    return buttons(ack.last)


def test_share_posts_the_same_answer_publicly_and_records_it(deps, state):
    share = _answer_buttons(deps)["share"][0] | {"action_ts": "1.1"}
    ack, respond = Recorder(), Recorder()
    actions.share_action(ack=ack, body=PRESS_BODY, action=share, respond=respond, deps=deps)
    assert ack.calls
    assert respond.last["response_type"] == "in_channel" and respond.last["replace_original"] is False
    assert "<@UBOB>" in all_text(respond.last)
    assert len(state.shares()) == 1 and state.shares()[0][0] == "UBOB"


def test_share_of_a_fact_gone_after_reload_says_so(deps, state):
    share = _answer_buttons(deps)["share"][0] | {"action_ts": "1.1"}
    share["value"] = share["value"].replace('"f":"', '"f":"gone')
    respond = Recorder()
    actions.share_action(ack=Recorder(), body=PRESS_BODY, action=share, respond=respond, deps=deps)
    assert "no longer" in respond.last["text"] and respond.last["response_type"] == "ephemeral"
    assert state.shares() == []


def test_more_replaces_a_private_answer_with_the_next_page(deps):
    b = _answer_buttons(deps, "Microsoft")
    if "more" not in b:
        pytest.skip("too few Microsoft facts in the seeds for a second page")
    respond, say = Recorder(), Recorder()
    actions.more_action(
        ack=Recorder(),
        body={"user": {"id": "UALICE"}, "container": {"is_ephemeral": True}},
        action=b["more"][0],
        respond=respond,
        say=say,
        deps=deps,
    )
    assert respond.last["replace_original"] is True and not say.calls
    assert "More answers" in all_text(respond.last) or "No more" in all_text(respond.last)


def test_more_under_a_public_answer_continues_in_its_thread(deps):
    b = _answer_buttons(deps, "Microsoft")
    if "more" not in b:
        pytest.skip("too few Microsoft facts in the seeds for a second page")
    respond, say = Recorder(), Recorder()
    body = {
        "user": {"id": "UALICE"},
        "container": {"is_ephemeral": False, "message_ts": "9.9"},
        "message": {"ts": "9.9", "thread_ts": "1.0"},
    }
    actions.more_action(ack=Recorder(), body=body, action=b["more"][0], respond=respond, say=say, deps=deps)
    assert say.last["thread_ts"] == "1.0" and not respond.calls


@pytest.mark.parametrize("up", [True, False])
def test_feedback_is_recorded_once_per_user(up, deps, state):
    ack = Recorder()
    answer = answer_page(deps.stores.current, "fact", "Microsoft capex")
    button = feedback(answer, up=up) | {"action_ts": "1.1"}
    respond = Recorder()
    body = PRESS_BODY | {"user": {"id": "UCAROL"}}
    actions.feedback_action(ack=ack, body=body, action=button, respond=respond, deps=deps)
    fact_id = VoteValue.parse(button["value"]).f
    assert ack.calls and state.feedback_totals() == {fact_id: (1, 0) if up else (0, 1)}
    assert "recorded" in respond.last["text"]


def test_require_admin_refuses_politely_logs_and_audits(deps, state, caplog):
    ack, nexts = Recorder(), []
    admin.require_admin(
        ack=ack,
        command=_command("reload", name="/factadmin", user="UMALLORY"),
        deps=deps,
        next=lambda: nexts.append(1),
    )
    assert not nexts  # the listener never runs
    assert "only for this bot's admins" in ack.last["text"]
    assert "UMALLORY" in caplog.text
    entry = state.audit_log()[0]
    assert (entry.user, entry.allowed) == ("UMALLORY", False) and "reload" in entry.action


def test_require_admin_lets_admins_through(deps):
    ack, nexts = Recorder(), []
    admin.require_admin(
        ack=ack,
        command=_command("reload", name="/factadmin", user=ADMIN),
        deps=deps,
        next=lambda: nexts.append(1),
    )
    assert nexts == [1] and not ack.calls


def test_status_reports_generation_counts_build_time_uptime(deps):
    ack = Recorder()
    admin.factadmin_command(
        ack=ack, respond=Recorder(), command=_command("status", name="/factadmin", user=ADMIN), deps=deps
    )
    stats = deps.stores.current.stats()
    text = all_text(ack.last)
    assert f"Generation {stats.generation}" in text and f"{stats.facts} facts" in text
    assert stats.built_at in text and "up " in text


def test_reload_reports_the_new_generation(deps, state):
    before = deps.stores.generation
    ack, respond = Recorder(), Recorder()
    admin.factadmin_command(
        ack=ack, respond=respond, command=_command("reload", name="/factadmin", user=ADMIN), deps=deps
    )
    assert "Rebuilding" in ack.last["text"]
    text = all_text(respond.last)
    assert f"generation {before} → {before + 1}" in text and "added" in text and "removed" in text
    assert deps.stores.generation == before + 1
    assert state.audit_log()[0].allowed and "reload" in state.audit_log()[0].action


def test_failed_reload_tells_the_admin_why_and_old_store_serves(deps, sources):
    for f in sources.iterdir():
        f.unlink()
    before = deps.stores.generation
    respond = Recorder()
    admin.factadmin_command(
        ack=Recorder(), respond=respond, command=_command("reload", name="/factadmin", user=ADMIN), deps=deps
    )
    assert "Reload failed" in all_text(respond.last)
    assert deps.stores.generation == before
    assert deps.stores.current.search("Microsoft capex").answers


def test_factadmin_without_verb_shows_usage(deps):
    ack = Recorder()
    admin.factadmin_command(
        ack=ack, respond=Recorder(), command=_command("", name="/factadmin", user=ADMIN), deps=deps
    )
    assert "/factadmin reload" in all_text(ack.last)


def test_home_tab_is_published_for_the_user(deps):
    client = RecordingClient()
    home.app_home_opened(event={"user": "UALICE", "tab": "home"}, client=client, deps=deps)
    assert client.published[0]["user_id"] == "UALICE"
    assert client.published[0]["view"]["type"] == "home"
    home.app_home_opened(
        event={"user": "UALICE", "tab": "messages", "channel": "DALICE"}, client=client, deps=deps
    )
    assert len(client.published) == 1  # the Messages tab is not the Home tab
    (prompts,) = client.prompts
    assert prompts["channel_id"] == "DALICE" and "thread_ts" not in prompts


def test_uptime_counts_from_start_not_from_the_last_reload(deps):
    started = deps.stores.started_at
    assert time.time() - 300 < started <= time.time()  # when this test's bot started
    before = deps.uptime()
    assert 0 <= before <= time.time() - started + 1
    deps.stores.reload()
    assert deps.stores.started_at == started  # a reload is not a restart
    assert deps.uptime() >= before
