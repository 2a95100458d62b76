"""Layer 1: the renderers are pure — store results in, Block Kit dicts out, within Slack's limits."""

from __future__ import annotations

import dataclasses

import pytest

from handlers import render
from handlers.deps import ReloadReport
from handlers.lookup import PAGE, Ref, passage, search
from handlers.payloads import ShareValue, VoteValue
from tests.slack_fakes import all_text, buttons, feedback


def _chars(node) -> int:
    """Characters of text in a message, counted independently of handlers.render."""
    if isinstance(node, dict):
        own = len(node["text"]) if isinstance(node.get("text"), str) else 0
        return own + sum(_chars(v) for k, v in node.items() if k != "text")
    if isinstance(node, list):
        return sum(_chars(v) for v in node)
    return 0


def _limits_ok(message: dict) -> None:
    """Slack's Block Kit limits, checked on the rendered JSON."""
    blocks = message["blocks"]
    assert 0 < len(blocks) <= 50
    assert _chars(message) <= 12000, f"{_chars(message)} characters"
    assert sum(1 for b in blocks if b["type"] == "table") <= 1
    for block in blocks:
        if block["type"] == "table":
            assert 0 < len(block["rows"]) <= 100
            assert all(0 < len(row) <= 20 for row in block["rows"])
            assert len({len(row) for row in block["rows"]}) == 1, "every row has the same cells"
        if block["type"] == "rich_text":
            assert block["elements"]
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
    quote = message["blocks"][2]
    assert quote["type"] == "rich_text" and quote["elements"][0]["type"] == "rich_text_quote"
    assert quote["elements"][0]["elements"] == [{"type": "text", "text": first.quote.replace("\n", " ")}]
    # the article's title as the store knows it (front matter, sources.toml or its first headline)
    title = first.source_meta.get("title") if isinstance(getattr(first, "source_meta", None), dict) else None
    assert (title or first.file) in all_text({"blocks": [quote]})
    # the quote is really from that article (as the store cleaned it)
    assert first.quote in store.document_text(first.file)
    b = buttons(message)
    assert len(b["share"]) == len(b["context"]) == len(result.answers)
    assert ShareValue.parse(b["share"][0]["value"]).f == first.fact_id
    assert ShareValue.parse(b["share"][0]["value"]).h == render.headline(first)
    votes = [
        VoteValue.parse(feedback(message, i, up=up)["value"])
        for i in range(len(result.answers))
        for up in (True, False)
    ]
    assert [(v.f, v.v) for v in votes[:2]] == [(first.fact_id, 1), (first.fact_id, -1)]


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
    shares = [ShareValue.parse(b["value"]) for b in buttons(message)["share"]]
    for related, share in zip(result.related[: render.MAX_RELATED], shares, strict=True):
        assert render.headline(related) in text
        assert (share.f, share.h) == (related.fact_id, render.headline(related))


def test_huge_answers_are_cut_to_block_kit_limits(store):
    answer = search(store, "fact", "Microsoft capex").answers[0]
    huge = dataclasses.replace(
        answer, quote="微软资本支出<&>" * 1000, entity="M" * 5000, entity_zh="微<&>" * 2000
    )
    result = search(store, "fact", "Microsoft capex")
    result = dataclasses.replace(result, query="问" * 4000, answers=[huge] * PAGE, total=PAGE + 5)
    message = render.answers_message(result, "fact")
    _limits_ok(message)
    assert "…" in all_text(message)
    quote = next(b for b in message["blocks"] if b["type"] == "rich_text")
    shown = quote["elements"][0]["elements"][0]["text"]
    assert shown.endswith("…") and huge.quote.startswith(shown[:-1])  # cut, never altered
    assert "&lt;&amp;&gt;" in message["blocks"][1]["text"]["text"]  # mrkdwn headline: escaped
    assert "&am…" not in all_text(message)
    assert "more" in buttons(message), "the More button survives the cut"


def test_many_answers_still_fit_in_fifty_blocks(store):
    result = search(store, "fact", "Microsoft capex")
    answers = (result.answers or result.related) * 40
    result = dataclasses.replace(result, answers=answers, total=len(answers) + 1)
    untrimmed = 1 + sum(
        len(render.answer_blocks(a, Ref("fact", result.query, index=i, fact_id=a.fact_id))) + 1
        for i, a in enumerate(answers)
    )
    assert untrimmed > 50  # the page would not fit without cutting
    message = render.answers_message(result, "fact")
    _limits_ok(message)
    blocks = message["blocks"]
    assert "More" in all_text({"blocks": blocks[-1:]})  # the footer survives the cut…
    assert render.understood_line(result) in all_text({"blocks": blocks[-2:-1]})
    assert "shortened" in all_text(message)  # …and the reader is told answers were left out
    shown = [b for b in blocks if (b.get("block_id") or "").endswith("-quote")]
    assert 1 <= len(shown) < len(answers)


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
    shown = ShareValue(k="fact", q="Microsoft capex", i=0, f=answer.fact_id, h="What the user saw")
    message = render.shared_message(answer, shown, "UBOB")
    assert "What the user saw" in all_text(message)
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


# --- cited quotes (issue 9, item 2) ---------------------------------------------------------


@dataclasses.dataclass
class _AnswerWithSource(render.Answer):
    """An answer as a store with article metadata returns it (title, outlet, url)."""

    title: str | None = None
    outlet: str | None = None
    url: str | None = None


def _with_source(answer, **meta):
    fields = {f.name: getattr(answer, f.name) for f in dataclasses.fields(answer)}
    if "source_meta" in fields:
        fields["source_meta"] = {}  # only what the test gives
    return _AnswerWithSource(**(fields | meta))


def _quote_block(message: dict) -> dict:
    return next(b for b in message["blocks"] if b["type"] == "rich_text")


def test_quote_is_rich_text_exactly_as_written_even_with_mrkdwn_characters(store):
    answer = search(store, "fact", "Microsoft capex").answers[0]
    tricky = dataclasses.replace(answer, quote="*粗体* _斜体_ ~删除~ `代码` <@U123> &amp; > 引用")
    message = render.answers_message(
        dataclasses.replace(search(store, "fact", "Microsoft capex"), answers=[tricky]), "fact"
    )
    quote = _quote_block(message)["elements"][0]
    assert quote["type"] == "rich_text_quote"
    assert quote["elements"] == [{"type": "text", "text": tricky.quote}]  # one plain run, no style


def test_source_is_title_outlet_date_linked_when_the_store_knows_them(store):
    answer = search(store, "fact", "Microsoft capex").answers[0]
    cited = _with_source(
        answer,
        title="微软季度资本支出创新高",
        outlet="财新",
        url="https://example.com/a/1",
        published="2024-04-26",
    )
    result = dataclasses.replace(search(store, "fact", "Microsoft capex"), answers=[cited])
    source = _quote_block(render.answers_message(result, "fact"))["elements"][1]["elements"]
    link = next(e for e in source if e["type"] == "link")
    assert link == {
        "type": "link",
        "url": "https://example.com/a/1",
        "text": "微软季度资本支出创新高",
        "style": {"bold": True},
    }
    rest = "".join(e.get("text", "") for e in source if e["type"] == "text")
    assert "财新" in rest and "2024-04-26" in rest
    assert answer.file not in all_text(render.answers_message(result, "fact"))  # no hash file names


def test_source_from_the_store_s_own_metadata(store):
    """What the store returns: `source_meta` with title, url and outlet (the JSON contract's
    source.title, source.url, source.outlet), any of them None."""
    answer = search(store, "fact", "Microsoft capex").answers[0]
    with_meta = dataclasses.replace(answer, title="标题", url="https://example.com/y", outlet="新华社")
    assert with_meta.source_meta == {"title": "标题", "url": "https://example.com/y", "outlet": "新华社"}
    assert render.source_of(with_meta) == render.Source(
        "标题", "https://example.com/y", "新华社", answer.published
    )
    without = dataclasses.replace(answer, title=None, url=None, outlet=None)
    assert render.source_of(without) == render.Source(answer.file, None, None, answer.published)


@pytest.mark.parametrize("url", [None, "", "javascript:alert(1)"])
def test_source_without_metadata_falls_back_to_the_file_and_never_links_a_bad_url(store, url):
    answer = search(store, "fact", "Microsoft capex").answers[0]
    bare = _with_source(answer, title=None, outlet=None, url=url)
    bare = dataclasses.replace(bare, published=None)
    source = render.quote_block(bare, "en").to_dict()["elements"][1]["elements"]
    assert not any(e["type"] == "link" for e in source)
    assert [e["text"] for e in source] == ["Source: ", answer.file]


def test_source_in_a_mapping_is_read_too(store):
    """Stores that group the metadata under `source` (as the JSON contract does) work alike."""
    answer = search(store, "fact", "Microsoft capex").answers[0]
    wrapped = _with_source(answer, title=None, url=None, outlet=None)
    object.__setattr__(wrapped, "source", {"title": "标题", "url": "https://example.com/x", "outlet": None})
    assert render.source_of(wrapped) == render.Source(
        title="标题", url="https://example.com/x", outlet=None, published=answer.published
    )


# --- the message's language (issue 9, item 8) -----------------------------------------------


@pytest.mark.parametrize(
    "question,lang,label",
    [
        ("Microsoft capex", "en", "Share in channel"),
        ("微软 资本支出", "zh-Hans", "分享到频道"),
        ("微軟 資本支出", "zh-Hant", "分享到頻道"),
    ],
)
def test_labels_follow_the_script_of_the_question(store, question, lang, label):
    from handlers.messages import language_of

    assert language_of(question) == lang
    result = search(store, "fact", question)
    assert result.answers
    message = render.answers_message(result, "fact")
    assert buttons(message)["share"][0]["text"]["text"] == label


@pytest.mark.parametrize(
    "question,expect",
    [
        ("微软 量子传送 预算 1999", "没有找到"),
        ("微軟 量子傳送 預算 1999", "沒有找到"),
        ("Microsoft teleport budget 1999", "couldn't find"),
    ],
)
def test_not_found_speaks_the_question_s_language(store, question, expect):
    result = dataclasses.replace(search(store, "fact", question), answers=[])
    assert expect in all_text(render.answers_message(result, "fact"))


def test_every_catalogue_entry_has_three_languages_with_the_same_fields():
    import string

    from handlers.messages import CATALOGUE, METRICS

    for key, entries in CATALOGUE.items():
        assert len(entries) == 3 and all(entries), key
        fields = [{f for _, f, _, _ in string.Formatter().parse(e) if f} for e in entries]
        assert fields[0] == fields[1] == fields[2], key
    assert set(METRICS) >= set(render.METRIC_LABELS)


def test_every_metric_of_the_lexicon_has_a_name_in_each_language():
    from handlers.messages import METRICS
    from store import Lexicon

    assert set(Lexicon.load().metrics) <= set(METRICS)  # else a Chinese reply names it in English


def test_a_metric_name_asked_back_reads_as_that_metric():
    # the home tab offers "<company> <metric name>" as questions: each must mean its metric
    from handlers.messages import METRICS
    from store import Lexicon
    from store.question import QuestionVocabulary, read_question

    lexicon = Lexicon.load()
    vocab = QuestionVocabulary.from_lexicon(lexicon)
    for metric, names in METRICS.items():
        if metric in lexicon.metrics:
            for name in names:
                assert metric in read_question(f"Nvidia {name}", vocab).metrics, (metric, name)


@pytest.mark.parametrize(
    "lang,header",
    [("en", "facts about the AI industry"), ("zh-Hans", "AI 行业事实"), ("zh-Hant", "AI 產業事實")],
)
def test_home_and_help_in_each_language(store, lang, header):
    assert header in all_text(render.home_view(store.stats(), lang))
    usage = all_text(render.usage_message("fact", lang))
    assert all(e in usage for e in render.COMMAND_EXAMPLES["fact"])


# --- comparisons (item 6) and limits (item 10) ------------------------------------------------


def test_comparison_is_one_table_with_a_numbered_source_per_row(store):
    from handlers.lookup import compare

    comparison = compare(store, "fact", "revenue Baidu Alibaba Tencent")
    assert [r.label for r in comparison.rows] == ["Baidu", "Alibaba", "Tencent"]
    message = render.comparison_message(comparison)
    _limits_ok(message)
    table = next(b for b in message["blocks"] if b["type"] == "table")
    header, *rows = table["rows"]
    assert [c["text"] for c in header] == ["Company", "Figure", "Period", "Source"]
    for n, (row, cells) in enumerate(zip(comparison.rows, rows, strict=True), 1):
        assert cells[0]["text"] == row.label and row.label in row.answer.entities  # never a wrong company
        assert cells[1]["text"] == row.answer.readable_values and cells[3]["text"] == f"[{n}]"
    sources = next(b for b in message["blocks"] if b.get("block_id") == "compare-sources")
    listed = sources["elements"][0]
    assert listed["style"] == "ordered" and len(listed["elements"]) == len(rows)
    assert not any(b["type"] == "image" for b in message["blocks"])  # no chart without an upload


def test_longest_quotes_and_a_full_table_stay_within_slack_limits(store):
    """The largest messages the bot can build: three answers with the longest quotes the store
    holds (and then quotes far longer), and a comparison with more rows than a table may have."""
    from handlers.lookup import compare

    every = [store.fact(i) for i in store.fact_ids()]
    longest = sorted(every, key=lambda a: len(a.quote), reverse=True)[:PAGE]
    result = dataclasses.replace(search(store, "fact", "Microsoft capex"), answers=longest, total=99)
    _limits_ok(render.answers_message(result, "fact"))
    for factor in (10, 100):
        giant = [dataclasses.replace(a, quote=a.quote * factor) for a in longest]
        message = render.answers_message(dataclasses.replace(result, answers=giant), "fact")
        _limits_ok(message)
    chinese = [dataclasses.replace(a, quote="资" * 5000, entity_zh="微软" * 100) for a in longest]
    _limits_ok(
        render.answers_message(dataclasses.replace(result, query="微软 资本支出", answers=chinese), "fact")
    )

    comparison = compare(store, "fact", "revenue Baidu Alibaba Tencent")
    many = [dataclasses.replace(comparison.rows[i % 3], label=f"公司{i}" * 20) for i in range(150)]
    full = dataclasses.replace(comparison, rows=many, query="营收 " * 300)
    message = render.comparison_message(full, chart_file_id="F123")
    _limits_ok(message)
    table = next(b for b in message["blocks"] if b["type"] == "table")
    assert 10 < len(table["rows"]) <= 100  # as many rows as one message holds, never more than Slack's 100
    sources = next(b for b in message["blocks"] if b.get("block_id") == "compare-sources")
    assert len(sources["elements"][0]["elements"]) == len(table["rows"]) - 1  # each row keeps its source
    assert "shortened" in all_text(message) or "缩短" in all_text(message)
    assert any(b["type"] == "image" and b["slack_file"] == {"id": "F123"} for b in message["blocks"])
    # short rows: the table itself is the limit
    tiny = [dataclasses.replace(r, answer=dataclasses.replace(r.answer, quote="短")) for r in many]
    tiny = [dataclasses.replace(r, label=f"C{i}") for i, r in enumerate(tiny)]
    message = render.comparison_message(dataclasses.replace(comparison, rows=tiny))
    _limits_ok(message)
    assert len(next(b for b in message["blocks"] if b["type"] == "table")["rows"]) <= 100


def test_source_says_how_many_other_articles_state_the_sentence(store):
    answer = search(store, "fact", "Microsoft capex").answers[0]
    reprinted = dataclasses.replace(answer, also=[{"file": "b.txt"}, {"file": "c.txt"}])
    source = render.quote_block(reprinted, "en").to_dict()["elements"][1]["elements"]
    assert source[-1]["text"] == " · also in 2 other article(s)"
    alone = dataclasses.replace(answer, also=[])
    assert "also in" not in all_text({"blocks": [render.quote_block(alone, "en").to_dict()]})


def test_headline_names_the_company_in_the_reader_s_script(store):
    answer = search(store, "fact", "微軟 資本支出").answers[0]
    assert render.headline(answer, "zh-Hant").startswith("微軟 · 資本支出")
    assert render.headline(answer, "zh-Hans").startswith("微软 · 资本支出")
    assert render.headline(answer, "en").startswith("Microsoft · capex")


@pytest.mark.parametrize(
    "text,expect_neighbours",
    [("前一段。\n“他说的话。”\n后一段。", True), ("前一段。\n他说：“话。”还有更多内容。\n后一段。", False)],
)
def test_passage_shows_the_neighbours_of_a_one_sentence_paragraph(text, expect_neighbours):
    from handlers.lookup import passage

    start = text.index("他说") if "他说的" in text else text.index("“话")
    end = text.index("。”") + 1
    p = passage(text, start, end)
    assert p.quote == text[start:end]
    assert (p.previous == "前一段。" and p.next == "后一段。") is expect_neighbours


def test_context_modal_lists_every_article_that_ran_the_same_fact(store):
    answer = search(store, "fact", "Microsoft capex").answers[0]
    text = store.document_text(answer.file)
    where = passage(text, answer.text_start, answer.text_end)
    reprints = [
        {
            "file": f"r{i}.txt",
            "title": f"转载 {i}",
            "outlet": f"Outlet {i}",
            "url": f"https://example.com/{i}",
        }
        for i in range(3)
    ] + [{"file": "untitled.txt", "title": None, "outlet": None, "url": None}]
    view = render.context_view(dataclasses.replace(answer, also=reprints), where, [], "en")
    listed = next(b for b in view["blocks"] if b.get("block_id") == "context-also")
    items = listed["elements"][0]["elements"]
    assert len(items) == 4
    shown = [all_text({"blocks": [{"type": "rich_text", "elements": [item]}]}) for item in items]
    for i in range(3):
        assert f"转载 {i}" in shown[i] and f"Outlet {i}" in shown[i]
        link = next(e for e in items[i]["elements"] if e["type"] == "link")
        assert link["url"] == f"https://example.com/{i}"
    assert "untitled.txt" in shown[3]  # no title known: the file name stands for it
    assert "Also reported by 4 other article(s)" in all_text(view)
    # a story run everywhere: the modal stays within Slack's limits and says how many it left out
    many = dataclasses.replace(answer, also=[{"file": f"m{i}.txt", "outlet": "X"} for i in range(80)])
    view = render.context_view(many, where, [], "zh-Hans")
    listed = next(b for b in view["blocks"] if b.get("block_id") == "context-also")
    assert len(listed["elements"][0]["elements"]) == render.MAX_REPRINTS_LISTED
    assert f"另有 {80 - render.MAX_REPRINTS_LISTED} 篇" in all_text(view)
    assert len(view["blocks"]) <= 100
    # a fact nobody else ran shows no such list
    alone = render.context_view(dataclasses.replace(answer, also=[]), where, [], "en")
    assert not any(b.get("block_id") == "context-also" for b in alone["blocks"])
