"""Layer 1: the renderers are pure — store results in, Block Kit dicts out, within Slack's limits."""

from __future__ import annotations

import dataclasses

import pytest

from handlers import render
from handlers.deps import ReloadReport
from handlers.lookup import PAGE, Ref, search
from tests.slack_fakes import all_text, buttons


def _limits_ok(message: dict) -> None:
    """Slack's Block Kit limits, checked on the rendered JSON."""
    blocks = message["blocks"]
    assert 0 < len(blocks) <= 50
    for block in blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
        if block["type"] == "context":
            assert len(block["elements"]) <= 10
            assert all(len(e["text"]) <= 3000 for e in block["elements"])
        if block["type"] == "actions":
            assert len(block["elements"]) <= 25
            for e in block["elements"]:
                assert len(e["text"]["text"]) <= 75
                assert len(e.get("value", "")) <= 2000
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        assert len(block.get("block_id", "")) <= 255
    ids = [b["block_id"] for b in blocks if "block_id" in b]
    assert len(ids) == len(set(ids)), "block_ids must be unique within a message"


def test_answer_has_headline_verbatim_quote_source_and_buttons(store):
    result = search(store, "fact", "Microsoft capex")
    assert result.answers, "the seed articles state Microsoft's capex"
    message = render.answers_message(result, "fact")
    _limits_ok(message)
    first = result.answers[0]
    text = all_text(message)
    assert render.headline(first) in text
    assert first.quote.replace("\n", " ") in text  # verbatim
    assert first.file in text and f"{first.start}–{first.end}" in text
    # the quote is really from that article (as the store cleaned it)
    assert first.quote in store.document_text(first.file)
    b = buttons(message)
    assert len(b["share"]) == len(b["feedback_up"]) == len(b["feedback_down"]) == len(result.answers)
    assert Ref.from_value(b["share"][0]["value"]).fact_id == first.fact_id


def test_headline_reads_entity_metric_period_value(store):
    answer = search(store, "fact", "Microsoft capex").answers[0]
    line = render.headline(answer)
    assert line.startswith(answer.entity or answer.entity_zh or "")
    assert render.METRIC_LABELS[answer.metric] in line
    if answer.period:
        assert answer.period in line


def test_more_button_points_at_the_next_page(store):
    result = search(store, "fact", "Microsoft")
    message = render.answers_message(result, "fact")
    assert result.total > PAGE, "the seeds hold more than a page of Microsoft facts"
    more = Ref.from_value(buttons(message)["more"][0]["value"])
    assert (more.kind, more.query, more.offset) == ("fact", result.query, PAGE)
    last = search(store, "fact", "Microsoft", offset=result.total - 1)
    assert "more" not in buttons(render.answers_message(last, "fact", offset=result.total - 1))


def test_not_found_says_what_was_understood_and_offers_nearest_facts(store):
    result = search(store, "fact", "Microsoft quantum teleportation budget 1999")
    result = dataclasses.replace(result, answers=[]) if result.answers else result
    message = render.answers_message(result, "fact")
    _limits_ok(message)
    text = all_text(message)
    assert "couldn't find" in text
    assert "Understood:" in text
    for related in result.related[: render.MAX_RELATED]:
        assert render.headline(related) in text
        assert Ref.from_value(buttons(message)["share"][0]["value"]).related


def test_huge_answers_are_cut_to_block_kit_limits(store):
    answer = search(store, "fact", "Microsoft capex").answers[0]
    huge = dataclasses.replace(answer, quote="微软资本支出<&>" * 1000, entity="M" * 5000)
    result = search(store, "fact", "Microsoft capex")
    result = dataclasses.replace(result, query="问" * 4000, answers=[huge] * PAGE)
    message = render.answers_message(result, "fact")
    _limits_ok(message)
    assert "…" in all_text(message)
    assert "&lt;&amp;&gt;" in all_text(message)  # escaped, and never cut mid-entity
    assert "&am…" not in all_text(message)


def test_many_related_facts_still_fit_in_fifty_blocks(store):
    result = search(store, "fact", "Microsoft capex")
    answers = result.answers or result.related
    result = dataclasses.replace(result, answers=[], related=answers * 40)
    _limits_ok(render.answers_message(result, "fact"))


def test_user_text_is_escaped_not_interpreted(store):
    result = search(store, "fact", "Microsoft capex <!channel> <@U123>")
    message = render.answers_message(result, "fact")
    assert "<!channel>" not in all_text(message)  # (button values carry it raw: they are never shown)
    assert "&lt;!channel&gt;" in all_text(message)


def test_button_refs_round_trip_and_bad_values_are_stale():
    ref = Ref("spend", "微软 2024 “资本支出”", offset=3, index=4, fact_id="abc", related=True)
    assert Ref.from_value(ref.to_value()) == ref
    from handlers.errors import StaleButton

    for bad in ("", "not json", '{"k": "nope", "q": "x"}', "[1,2]"):
        with pytest.raises(StaleButton):
            Ref.from_value(bad)


@pytest.mark.parametrize("kind", ["fact", "spend", "bench"])
def test_usage_lists_syntax_and_examples(kind):
    message = render.usage_message(kind)
    syntax, _, examples = render.USAGE[kind]
    text = all_text(message)
    assert syntax.replace("<", "&lt;").replace(">", "&gt;") in text
    assert all(e in text for e in examples)


def test_shared_message_names_who_shared_and_has_no_share_button(store):
    answer = search(store, "fact", "Microsoft capex").answers[0]
    message = render.shared_message(
        answer, Ref("fact", "Microsoft capex", index=0, fact_id=answer.fact_id), "UBOB"
    )
    assert "<@UBOB>" in all_text(message)
    assert "share" not in buttons(message)
    assert answer.quote.replace("\n", " ") in all_text(message)


def test_reload_and_status_and_home(store):
    report = ReloadReport(
        generation=3,
        previous_generation=2,
        articles=5,
        facts=40,
        added=4,
        removed=1,
        seconds=1.25,
        skipped=["bad.txt: empty"],
    )
    text = all_text(render.reload_message(report))
    for piece in ("2 → 3", "5 articles", "40 facts", "+4 added", "−1 removed", "1.2s", "bad.txt: empty"):
        assert piece in text
    stats = store.stats()
    status = all_text(render.status_message(stats, uptime=3725))
    assert (
        f"Generation {stats.generation}" in status and f"{stats.facts} facts" in status and "1h 02m" in status
    )
    view = render.home_view(stats)
    assert view["type"] == "home"
    home = all_text(view)
    assert f"{stats.facts} facts" in home and f"generation {stats.generation}" in home
    assert "/fact" in home and "/spend" in home and "/bench" in home
    if stats.top_entities:
        assert stats.top_entities[0][0] in home


@pytest.mark.parametrize(
    "seconds,expected", [(4.24, "4.2s"), (125, "2m 05s"), (7200, "2h 00m"), (90061, "1d 1h 01m")]
)
def test_duration(seconds, expected):
    assert render.duration(seconds) == expected
