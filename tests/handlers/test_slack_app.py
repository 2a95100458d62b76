"""Issue 9 end to end: the real Bolt app over real HTTP on loopback, signed requests, and the
recording Slack stand-in (tests/slack_fakes.FakeSlack) — the agent Messages tab, cited quotes,
context, the message shortcut, comparisons and the slow path."""

from __future__ import annotations

import json
import threading

import pytest

from bot.app import build_app
from bot.console import ListenerTracker
from bot.serve import make_asgi
from handlers.answer import answer_page
from handlers.lookup import Ref, clean_question
from tests.slack_fakes import (
    BotServer,
    all_text,
    block_actions,
    buttons,
    dm,
    event,
    mention,
    message_shortcut,
)

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
    listeners = ListenerTracker()
    app = build_app(
        settings, stores, state, answer_budget=0.2, listener_executor=listeners, outbox_executor=listeners
    )
    server = BotServer(make_asgi(app, holder, settings))
    yield server, stores, fake_slack, listeners
    stores.gate.set()
    server.close()
    listeners.shutdown(wait=False)


@pytest.mark.parametrize("command,text", [("/fact", "Microsoft capex"), ("/spend", "Microsoft Google Meta")])
def test_a_slow_answer_is_one_message_after_an_empty_ack(slow_bot, command, text):
    server, stores, slack, listeners = slow_bot
    r = server.command(command, text, response_url=slack.response_url("slow"))
    assert r.status == 200 and r.body == ""  # Slack shows nothing for an empty ack
    assert stores.waiting.is_set()
    assert not slack.of("response_url")
    stores.gate.set()
    (call,) = slack.wait_for("response_url")
    listeners.wait_idle()  # the listener has returned: a second message would have been sent
    assert len(slack.of("response_url")) == 1
    assert call.body["response_type"] == "ephemeral" and "replace_original" not in call.body
    assert "Microsoft" in all_text(call.body)


def test_a_fast_answer_rides_on_the_ack_and_nothing_follows(bot):
    r = bot.server.command("/fact", "Microsoft capex", response_url=bot.slack.response_url())
    assert "Microsoft" in all_text(r.json())
    bot.listeners.wait_idle()  # the listener has returned: nothing can follow
    assert not bot.slack.of("response_url")


def _ask(bot, text="Microsoft capex", command="/fact"):
    message = bot.server.command(command, text, response_url=bot.slack.response_url("cmd")).json()
    return message, buttons(message)


# --- 2. cited quotes ---------------------------------------------------------------------------


def test_answers_over_http_quote_in_rich_text_with_the_article_as_source(bot):
    message, _ = _ask(bot)
    answer = bot.holder.current.search("Microsoft capex").answers[0]
    quote = message["blocks"][2]
    assert quote["type"] == "rich_text"
    assert quote["elements"][0] == {
        "type": "rich_text_quote",
        "elements": [{"type": "text", "text": answer.quote}],
    }
    source = quote["elements"][1]
    assert source["type"] == "rich_text_section"
    title = (getattr(answer, "source_meta", None) or {}).get("title") or answer.file
    assert title in all_text({"blocks": [quote]})


# --- 3. context --------------------------------------------------------------------------------


def test_context_button_opens_a_modal_with_the_paragraph_article_and_other_facts(bot):
    _, b = _ask(bot)
    r = bot.server.post(
        block_actions(b["context"][0], response_url=bot.slack.response_url("ctx")), content_type=FORM
    )
    assert r.status == 200
    (call,) = bot.slack.wait_for("views.open")
    assert call.body["trigger_id"] == "1.2.3"
    view = call.body["view"]
    assert view["type"] == "modal" and view["title"]["text"] == "Context"
    store = bot.holder.current
    answer = store.fact(Ref.from_value(b["context"][0]["value"]).fact_id)
    paragraph = next(blk for blk in view["blocks"] if blk.get("block_id") == "context-paragraph")
    runs = [e for section in paragraph["elements"] for e in section["elements"]]
    marked = [e for e in runs if (e.get("style") or {}).get("bold")]
    assert [e["text"] for e in marked] == [answer.quote]  # the quote, and only it, is marked
    shown = "".join(e["text"] for e in runs)
    text = store.document_text(answer.file)
    assert shown.replace("\n", "") in text.replace("\n", "")  # the article's own words, around it
    assert len(shown) > len(answer.quote)
    others = [blk for blk in view["blocks"] if blk.get("block_id", "").startswith("context-other-")]
    assert 1 <= len(others) <= 3
    for blk in others:
        other = blk["elements"][0]["elements"][0]["text"]
        assert other in text and other != answer.quote  # from the same article, not the same fact
    assert answer.file in all_text(view)  # the position, for whoever checks the article
    assert not bot.slack.of("response_url")


def test_context_of_a_reprinted_fact_lists_the_other_outlets_that_ran_it(bot, sources):
    seed = bot.holder.current.search("Microsoft capex").answers[0]
    original = (sources / seed.file).read_text(encoding="utf-8")
    for name, outlet, day in (("copy_a.txt", "甲报", "2024-04-26"), ("copy_b.txt", "乙报", "2024-04-27")):
        front = f"---\ntitle: 微软资本支出（{outlet}转载）\noutlet: {outlet}\npublished: {day}\n---\n"
        (sources / name).write_text(front + original, encoding="utf-8")
    assert bot.holder.reload().generation == 2
    message, b = _ask(bot)
    answer = bot.holder.current.search("Microsoft capex").answers[0]
    # one answer, from the earliest dated article; the undated seed comes last
    assert answer.quote == seed.quote and answer.file == "copy_a.txt"
    assert [a["file"] for a in answer.also] == ["copy_b.txt", seed.file]
    assert "also in 2 other article(s)" in all_text(message)
    bot.server.post(
        block_actions(b["context"][0], response_url=bot.slack.response_url("ctx")), content_type=FORM
    )
    (call,) = bot.slack.wait_for("views.open")
    blocks = call.body["view"]["blocks"]
    assert "甲报" in all_text({"blocks": [blk for blk in blocks if blk.get("block_id") == "context-article"]})
    listed = next(blk for blk in blocks if blk.get("block_id") == "context-also")
    items = [
        all_text({"blocks": [{"type": "rich_text", "elements": [i]}]})
        for i in listed["elements"][0]["elements"]
    ]
    assert len(items) == 2
    assert "微软资本支出（乙报转载）" in items[0] and "乙报" in items[0] and "2024-04-27" in items[0]
    assert (seed.title or seed.file) in items[1]


def test_context_of_a_fact_gone_since_says_so_privately(bot):
    _, b = _ask(bot)
    stale = dict(b["context"][0])
    stale["value"] = stale["value"].replace('"f":"', '"f":"gone-')
    bot.server.post(block_actions(stale, response_url=bot.slack.response_url("ctx")), content_type=FORM)
    (call,) = bot.slack.wait_for("response_url")
    assert "no longer" in all_text(call.body) and call.body["response_type"] == "ephemeral"
    assert not bot.slack.of("views.open")


# --- 5. the message shortcut -----------------------------------------------------------------


def test_ask_factbot_on_a_message_answers_privately_with_the_same_blocks(bot):
    text = "Did you see what <@UCAROL> said? Microsoft capex jumped again"
    r = bot.server.post(message_shortcut(text, response_url=bot.slack.response_url("sc")), content_type=FORM)
    assert r.status == 200 and r.body == ""
    (call,) = bot.slack.wait_for("response_url")
    assert call.path == "/response/sc"
    assert call.body["response_type"] == "ephemeral"
    expected = answer_page(bot.holder.current, "fact", clean_question(text))
    assert call.body["blocks"] == expected["blocks"]
    assert "Microsoft" in all_text(call.body)
    assert {"share", "context"} <= set(buttons(call.body))


def test_ask_factbot_on_a_message_without_text_says_so(bot):
    bot.server.post(message_shortcut("", response_url=bot.slack.response_url("sc")), content_type=FORM)
    (call,) = bot.slack.wait_for("response_url")
    assert "no text" in all_text(call.body)


# --- 6. comparisons -----------------------------------------------------------------------------


def _table(message: dict) -> list[list[str]]:
    table = next(b for b in message["blocks"] if b["type"] == "table")
    return [[c["text"] for c in row] for row in table["rows"]]


@pytest.mark.parametrize(
    "command,text",
    [
        ("/spend", "Microsoft Google Meta"),
        ("/fact", "revenue Baidu Alibaba Tencent"),
        ("/spend", "2025"),
        ("/spend", "2024"),
        ("/fact", "revenue 2022"),
    ],
)
def test_comparisons_answer_with_a_table_and_a_numbered_source_per_row(bot, command, text):
    message, _ = _ask(bot, text, command)
    header, *rows = _table(message)
    assert header[0] == "Company" and rows
    sources = next(b for b in message["blocks"] if b.get("block_id") == "compare-sources")
    assert len(sources["elements"][0]["elements"]) == len(rows)
    for n, row in enumerate(rows, 1):
        assert row[3] == f"[{n}]"
    store = bot.holder.current
    understood = store.understand(text).entities
    for row in rows:
        company = row[0].split(" (with ")[0]
        if understood:
            assert company in understood  # only the companies asked about
    assert "Figure" in header


def test_no_company_comparison_never_puts_a_figure_in_another_company_s_row(bot):
    from handlers.lookup import compare

    comparison = compare(bot.holder.current, "fact", "revenue 2022")
    assert len(comparison.rows) >= 3
    for row in comparison.rows:
        assert row.label in row.answer.entities
        assert bot.holder.current.fact(row.answer.fact_id).quote == row.answer.quote


def test_a_comparison_with_one_unit_comes_with_a_bar_chart_uploaded_to_slack(bot):
    message, _ = _ask(bot, "revenue Baidu Alibaba Tencent")
    (get_url,) = bot.slack.of("files.getUploadURLExternal")
    (upload,) = bot.slack.of("upload")
    (complete,) = bot.slack.of("files.completeUploadExternal")
    file_id = json.loads(complete.body["files"])[0]["id"]
    assert bot.slack.uploads[file_id].startswith(b"\x89PNG")
    assert int(get_url.body["length"]) == len(bot.slack.uploads[file_id]) == upload.body["bytes"]
    assert "channel_id" not in complete.body  # shared through the message, not posted on its own
    image = next(b for b in message["blocks"] if b["type"] == "image")
    assert image["slack_file"] == {"id": file_id} and image["alt_text"]


def test_without_matplotlib_a_comparison_is_the_table_alone(bot, monkeypatch):
    from handlers import charts

    monkeypatch.setattr(charts, "Figure", None)  # what a plain `pip install factbot` has
    assert not charts.available()
    message, _ = _ask(bot, "revenue Baidu Alibaba Tencent")
    assert _table(message) and not any(b["type"] == "image" for b in message["blocks"])
    assert not bot.slack.of("files.getUploadURLExternal")


def test_figures_in_different_units_get_no_chart(bot):
    from handlers import charts
    from handlers.lookup import compare

    comparison = compare(bot.holder.current, "fact", "revenue Baidu ByteDance")
    units = {
        (v.kind, v.currency) for r in comparison.rows for v in (r.answer.headline or r.answer.values)[:1]
    }
    assert len(units) == 2, "yuan and dollars"
    assert charts.bar_chart_png(comparison) is None
    message, _ = _ask(bot, "revenue Baidu ByteDance")
    assert _table(message) and not bot.slack.of("files.getUploadURLExternal")


# --- 8. the asker's language ---------------------------------------------------------------------


def test_help_not_found_and_app_home_follow_the_script_of_the_question(bot):
    assert "用法" in bot.server.command("/fact", "帮助").json()["text"]
    assert "用法" in bot.server.command("/spend", "幫助").json()["text"]
    hant = bot.server.command("/fact", "微軟 量子傳送 預算 1999").json()
    assert "沒有找到" in all_text(hant) and "couldn't" not in all_text(hant)
    hans, b = _ask(bot, "微软 资本支出")
    assert b["share"][0]["text"]["text"] == "分享到频道" and "来源" in all_text(hans)
    opened = {
        "type": "app_home_opened",
        "user": "UALICE",
        "channel": "DALICE",
        "tab": "home",
        "event_ts": "1.0",
    }
    _post_event(bot, opened, "EvHOMEZH")
    (home,) = bot.slack.wait_for("views.publish")
    assert "AI 行业事实" in all_text(home.body["view"])  # UALICE last asked in Simplified Chinese
    _post_event(
        bot, mention("Microsoft capex", ts="1700000020.000100", user="UBOB") | {"user": "UBOB"}, "EvEN1"
    )
    bot.slack.wait_for("chat.postMessage")
    _post_event(bot, opened | {"user": "UBOB"}, "EvHOMEEN")
    (_, english) = bot.slack.wait_for("views.publish", 2)
    assert "facts about the AI industry" in all_text(english.body["view"])


def test_a_one_company_comparison_across_periods_is_a_table_of_periods(store):
    from handlers.lookup import compare

    comparison = compare(store, "fact", "revenue Baidu 2022 2023")
    if comparison is None:  # only one of the periods has a figure: answers instead
        assert compare(store, "fact", "revenue Baidu 2022") is None
        return
    assert comparison.by == "period" and all(r.answer.entity == "Baidu" for r in comparison.rows)


def test_a_comparison_keeps_share_and_feedback(bot):
    from tests.slack_fakes import feedback

    message, b = _ask(bot, "revenue Baidu Alibaba Tencent")
    header, *rows = _table(message)
    assert b["share_table"] and len(rows) >= 2
    feedbacks = [blk for blk in message["blocks"] if blk["type"] == "context_actions"]
    assert len(feedbacks) == min(len(rows), 8)
    # 👍 on row 2 is a vote for that row's fact
    from handlers.lookup import compare

    second = compare(bot.holder.current, "fact", "revenue Baidu Alibaba Tencent").rows[1].answer
    r = bot.server.post(
        block_actions(feedback(message, 1), response_url=bot.slack.response_url("vote")), content_type=FORM
    )
    assert r.status == 200
    bot.slack.wait_for("response_url")
    assert bot.state.feedback_totals() == {second.fact_id: (1, 0)}
    # Share posts the whole table publicly, once, saying who shared it
    bot.slack.clear()
    r = bot.server.post(
        block_actions(b["share_table"][0], user="UBOB", response_url=bot.slack.response_url("share")),
        content_type=FORM,
    )
    (shared,) = bot.slack.wait_for("response_url")
    assert shared.body["response_type"] == "in_channel" and "<@UBOB>" in all_text(shared.body)
    assert _table(shared.body) == [header, *rows]
    assert "share_table" not in buttons(shared.body)
    bot.listeners.wait_idle()  # shares are recorded once the post returned
    assert {fact for _, _, fact in bot.state.shares()} == {
        r.answer.fact_id for r in compare(bot.holder.current, "fact", "revenue Baidu Alibaba Tencent").rows
    }


def test_a_comparison_is_made_from_the_one_query_never_from_re_read_text(store):
    """The listener reads the question once; each comparison row searches a copy of that Query
    about one company, so a Query whose text says nothing still compares what it was read as."""
    import dataclasses

    from handlers.lookup import compare, read

    query = read(store, "fact", "revenue Baidu Alibaba Tencent")
    silent = dataclasses.replace(query, text="…")
    by_query, by_copy = compare(store, "fact", query), compare(store, "fact", silent)
    assert by_query is not None and by_copy is not None and len(by_query.rows) >= 2
    assert [(r.label, r.answer.fact_id) for r in by_copy.rows] == [
        (r.label, r.answer.fact_id) for r in by_query.rows
    ]
    assert {r.label for r in by_query.rows} <= {"Baidu", "Alibaba", "Tencent"}
    assert query.about(entities=["Baidu"]).entities == ["Baidu"] and len(query.entities) == 3
