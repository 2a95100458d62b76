"""Pure functions from store results to Slack messages (Block Kit, built with slack-sdk's models).

Every function returns a plain dict — `{"text": fallback, "blocks": [...]}` for messages, a view dict
for App Home and modals — ready to pass to ack/respond/say/views.publish/views.open. Nothing here
talks to Slack or the store; the listener tests and the console render the same output. Every
string a user reads comes from handlers.messages, in the language of the question.

Slack's limits this module keeps to: 50 blocks per message and about 12,000 characters of text in
all (counted in characters, which matters for Chinese); 3,000 characters per section or context
text, 75 per button label, 2,000 per button value, 150 per header; a table of at most 100 rows of
at most 20 cells.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextActionsBlock,
    ContextBlock,
    DividerBlock,
    FeedbackButtonObject,
    FeedbackButtonsElement,
    HeaderBlock,
    ImageBlock,
    MarkdownTextObject,
    PlainTextObject,
    RawTextObject,
    RichTextBlock,
    RichTextElementParts,
    RichTextListElement,
    RichTextQuoteElement,
    RichTextSectionElement,
    SectionBlock,
    TableBlock,
    TableBlockColumnSettings,
)
from slack_sdk.models.blocks.basic_components import SlackFile
from slack_sdk.models.views import View

from store import Answer, SearchResult, StoreStats

from . import messages, wording
from .deps import ReloadReport
from .lookup import Comparison, Passage, Ref, Row
from .messages import Lang, language_of, metric_label
from .payloads import MAX_HEADLINE, ShareValue, VoteValue

MAX_BLOCKS = 50
MAX_TEXT = 3000
MAX_MESSAGE_CHARS = 12000  # all the text of one message, counted in characters
MAX_QUOTE = 2900  # a quote longer than this (none in practice) is cut with an ellipsis
MAX_FALLBACK = 3000  # top-level `text`: Slack allows more, but it is only a notification preview
MAX_ECHO = 200  # how much of the user's question we quote back
MAX_RELATED = 3
MAX_TABLE_ROWS = 100  # Slack's table limit, the header row included
MAX_TABLE_CELLS = 20
MAX_CELL = 200  # our own cap per cell: a table is for figures, the sources carry the sentences
MAX_MODAL_BLOCKS = 100
MAX_REPRINTS_LISTED = 50  # reprint sources listed in the Context modal

# Kept for callers that want the English names (the console's `factbot ask` view, tests).
METRIC_LABELS = {m: labels[0] for m, labels in messages.METRICS.items()}

COMMAND_EXAMPLES = {
    "fact": [
        "/fact Microsoft capex",
        "/fact 微软 资本支出",
        "/fact OpenAI valuation",
        "/fact capex Microsoft Google Meta",
    ],
    "spend": ["/spend Meta", "/spend 2025", "/spend 谷歌", "/spend Microsoft Google Meta"],
    "bench": ["/bench SenseNova", "/bench 讯飞星火", "/bench GPT-4"],
}
SYNTAX = {
    "fact": "/fact <question>",
    "spend": "/spend <company> [year]",
    "bench": "/bench <model or company>",
}
USAGE = {kind: (SYNTAX[kind], messages.text("en", f"cmd_{kind}"), COMMAND_EXAMPLES[kind]) for kind in SYNTAX}

Message = dict  # {"text": str, "blocks": list[dict]}


# ---------------------------------------------------------------------------------------------
# text helpers


def escape(text: str) -> str:
    """Text made safe for mrkdwn: Slack's three control characters escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, with an ellipsis when something was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def fit(raw: str, limit: int, *, prefix: str = "", suffix: str = "") -> str:
    """prefix + escape(raw) + suffix in at most `limit` characters, cutting raw (never an escape)."""
    room = limit - len(prefix) - len(suffix)
    out: list[str] = []
    used = 0
    for ch in raw:
        piece = escape(ch)
        if used + len(piece) > room - 1:
            out.append("…")
            break
        out.append(piece)
        used += len(piece)
    return prefix + "".join(out) + suffix


def _section(mrkdwn: str, *, block_id: str | None = None, verbatim: bool = False) -> SectionBlock:
    return SectionBlock(
        text=MarkdownTextObject(text=clip(mrkdwn, MAX_TEXT), verbatim=verbatim), block_id=block_id
    )


def _context(*parts: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=clip(p, MAX_TEXT)) for p in parts[:10]])


def _button(label: str, action_id: str, value: str, *, style: str | None = None) -> ButtonElement:
    return ButtonElement(
        text=PlainTextObject(text=clip(label, 75), emoji=True), action_id=action_id, value=value, style=style
    )


def _text(text: str, **style: bool) -> RichTextElementParts.Text:
    return RichTextElementParts.Text(
        text=text, style=RichTextElementParts.TextStyle(**style) if style else None
    )


def text_chars(node: Any) -> int:
    """How many characters of text a message, view or block carries (what Slack's size limit counts)."""
    if isinstance(node, dict):
        own = len(node["text"]) if isinstance(node.get("text"), str) else 0
        return own + sum(text_chars(v) for k, v in node.items() if k != "text")
    if isinstance(node, list):
        return sum(text_chars(v) for v in node)
    return 0


def _message(fallback: str, blocks: Sequence[Block], lang: Lang = "en") -> Message:
    """One message from `blocks`, cut at a block boundary to Slack's block and character limits."""
    kept = [b.to_dict() for b in blocks]
    note = _context(f"_{messages.text(lang, 'shortened')}_").to_dict()
    fallback = clip(fallback, MAX_FALLBACK)
    budget = MAX_MESSAGE_CHARS - len(fallback)
    if len(kept) > MAX_BLOCKS or text_chars(kept) > budget:
        room = budget - text_chars(note)
        while kept and (len(kept) > MAX_BLOCKS - 1 or text_chars(kept) > room):
            kept.pop()
        kept.append(note)
    return {"text": fallback, "blocks": kept}


def text_message(text: str) -> Message:
    """A one-paragraph message (confirmations, refusals, short errors)."""
    return _message(text, [_section(fit(text, MAX_TEXT))])


# ---------------------------------------------------------------------------------------------
# sources


@dataclass(frozen=True)
class Source:
    """Where a quote comes from, as a reader would cite it."""

    title: str
    url: str | None = None
    outlet: str | None = None
    published: str | None = None


def _field(answer: Any, name: str) -> str | None:
    # The store carries article metadata in `source_meta` (title, url, outlet); answers built
    # elsewhere may carry it as attributes or in a `source` mapping, and older stores carry none.
    # Either way an empty value counts as unknown.
    value = getattr(answer, name, None)
    for holder in ("source_meta", "source"):
        if value is not None:
            break
        meta = getattr(answer, holder, None)
        value = (
            meta.get(name)
            if isinstance(meta, dict)
            else getattr(meta, name, None)
            if meta is not None
            else None
        )
    return (str(value).strip() or None) if value is not None else None


def source_of(answer: Answer) -> Source:
    """The article an answer quotes: its title (the file name when the store knows no title),
    outlet, published date and link when known."""
    return Source(
        title=_field(answer, "title") or answer.file,
        url=_field(answer, "url"),
        outlet=_field(answer, "outlet"),
        published=_field(answer, "published"),
    )


def source_text(answer: Answer) -> str:
    """'Title · Outlet · 2024-05-01' in plain text (fallbacks, the console, numbered sources)."""
    s = source_of(answer)
    return " · ".join(p for p in (s.title, s.outlet, s.published) if p)


def reprint_sources(answer: Answer) -> list[Source]:
    """The other articles that state an answer's fact (its reprints), earliest first."""
    return [
        Source(
            title=str(a.get("title") or "").strip() or a.get("file") or "?",
            url=a.get("url") or None,
            outlet=a.get("outlet") or None,
            published=a.get("published") or None,
        )
        for a in getattr(answer, "also", None) or []
    ]


def _source_elements(answer: Answer, lang: Lang, *, lead: str | None = None) -> list:
    return _source_parts(source_of(answer), lang, lead=lead)


def _source_parts(s: Source, lang: Lang, *, lead: str | None = None) -> list:
    parts: list = [_text(lead if lead is not None else f"{messages.text(lang, 'source')}: ")]
    title = clip(s.title, 300)
    if s.url and s.url.startswith(("http://", "https://")):
        parts.append(
            RichTextElementParts.Link(
                url=s.url[:3000], text=title, style=RichTextElementParts.TextStyle(bold=True)
            )
        )
    else:
        parts.append(_text(title, bold=True))
    rest = [p for p in (s.outlet, s.published) if p]
    if rest:
        parts.append(_text(" · " + clip(" · ".join(rest), 200)))
    return parts


def quote_block(answer: Answer, lang: Lang, *, block_id: str | None = None) -> RichTextBlock:
    """The verbatim quote as a rich_text quote (nothing in it is read as formatting), followed by
    its source: the article's title (linked when a URL is known), outlet and date, and how many
    other articles state the same sentence."""
    quote = clip(answer.quote.replace("\n", " "), MAX_QUOTE)
    source = _source_elements(answer, lang)
    also = getattr(answer, "also", None) or []
    if also:
        source.append(_text(" · " + messages.text(lang, "also_in", n=len(also)), italic=True))
    return RichTextBlock(
        block_id=block_id,
        elements=[RichTextQuoteElement(elements=[_text(quote)]), RichTextSectionElement(elements=source)],
    )


# ---------------------------------------------------------------------------------------------
# answers


def headline(answer: Answer, lang: Lang = "en") -> str:
    """'Microsoft · capex · FY2024 Q3 · US$14 billion, +79% YoY' — who, what, when, how much —
    wholly in the reader's language ('微软 · 资本支出 · 2024财年第三季度 · 140亿美元，同比增长79%'),
    a forecast or guidance marked as one (handlers.wording)."""
    name = (answer.entity_zh or answer.entity) if lang != "en" else (answer.entity or answer.entity_zh)
    name = messages.in_script(name, lang) if name else messages.text(lang, "unnamed")
    if answer.joint:  # one figure for several companies together is never passed off as one's own
        name = _together(answer, lang)
    parts = [name, metric_label(answer.metric, lang)]
    when = wording.period(answer.period, lang, published=answer.published)
    if when:
        parts.append(when)
    value = wording.answer_figure(answer, lang)
    if value:
        parts.append(value)
    return " · ".join(parts)


def _together(answer: Answer, lang: Lang) -> str:
    """'Google + Microsoft + Meta (combined)', '谷歌、微软、Meta（合计）': who a joint figure is for."""
    if lang == "en":
        return " + ".join(answer.joint) + " (combined)"
    return messages.in_script("、".join(answer.joint_zh or answer.joint) + "（合计）", lang)


def source_line(answer: Answer) -> str:
    """Where the quote comes from, as mrkdwn: title, outlet and date (plain text, escaped)."""
    return escape(source_text(answer))


def feedback_block(ref: Ref, block_id: str) -> Block:
    """Slack's own 👍/👎 under an answer (`feedback_buttons` in a `context_actions` block); each
    side's value names the fact, the way of the vote and the question (handlers.payloads.VoteValue)."""

    def side(vote: int, label: str, meaning: str) -> FeedbackButtonObject:
        value = VoteValue(f=ref.fact_id, v=vote, k=ref.kind, q=ref.query[:200], i=ref.index)  # type: ignore[arg-type]
        return FeedbackButtonObject(text=label, value=value.to_value(), accessibility_label=meaning)

    return ContextActionsBlock(
        block_id=block_id,
        elements=[
            FeedbackButtonsElement(
                action_id="feedback",
                positive_button=side(1, "👍", "This answer is right"),
                negative_button=side(-1, "👎", "This answer is wrong"),
            )
        ],
    )


def answer_blocks(
    answer: Answer,
    ref: Ref,
    *,
    number: int | None = None,
    shareable: bool = True,
    shared_by: str | None = None,
    lang: Lang | None = None,
    shown_headline: str | None = None,
) -> list[Block]:
    """The blocks for one answer: headline, verbatim quote and its source, Share and Context
    buttons, then 👍/👎. `shown_headline` replaces the one read from `answer` (a Share repeats
    what the user saw)."""
    lang = lang or language_of(ref.query)
    bid = f"answer-{number if number is not None else 0}"
    lead = f"{number}. " if number is not None else ""
    title = shown_headline or headline(answer, lang)
    blocks: list[Block] = [
        _section(fit(title, MAX_TEXT, prefix=f"*{lead}", suffix="*"), block_id=bid),
        quote_block(answer, lang, block_id=f"{bid}-quote"),
    ]
    if shared_by:
        blocks.append(_context(messages.text(lang, "shared_by", user=f"<@{shared_by}>")))
    value = ref.to_value()
    buttons = []
    if shareable:
        # Share carries what is shown, so the shared copy is this answer, not a new reading of it.
        share = ShareValue(
            k=ref.kind, q=ref.query[:500], i=ref.index or 0, f=answer.fact_id, h=clip(title, MAX_HEADLINE)
        )  # type: ignore[arg-type]
        buttons.append(_button(messages.text(lang, "share"), "share", share.to_value(), style="primary"))
    buttons.append(_button(messages.text(lang, "context"), "context", value))
    blocks.append(ActionsBlock(block_id=f"{bid}-actions", elements=buttons))
    blocks.append(feedback_block(ref, f"{bid}-feedback"))
    return blocks


def understood_line(result: SearchResult, lang: Lang | None = None) -> str:
    """'Understood: company Microsoft · metric capex · period 2024' from the store's reading."""
    lang = lang or language_of(result.query)
    u = result.understood
    parts = []
    if u.entities:
        names = u.entities
        if lang != "en":  # the Chinese names the facts found carry (微软 for Microsoft)
            zh = {
                a.entity: a.entity_zh for a in (*result.answers, *result.related) if a.entity and a.entity_zh
            }
            names = [messages.in_script(zh.get(n, n), lang) for n in u.entities]
        parts.append(messages.text(lang, "understood_company", names=", ".join(names)))
    if u.metrics:
        names = ", ".join(metric_label(m, lang) for m in u.metrics)
        parts.append(messages.text(lang, "understood_metric", names=names))
    if u.periods:
        periods = ", ".join(wording.period(p, lang) or p for p in u.periods)
        parts.append(messages.text(lang, "understood_period", names=periods))
    if not parts:
        return messages.text(lang, "understood_nothing")
    return fit(" · ".join(parts), MAX_TEXT, prefix=f"{messages.text(lang, 'understood')}: ")


def answers_message(result: SearchResult, kind: str, *, offset: int = 0, shareable: bool = True) -> Message:
    """A page of answers (or a not-found reply) for one search, with a More button if more may follow."""
    query = result.query
    lang = language_of(query)
    if not result.answers:
        return not_found_message(result, kind, offset=offset)
    count = len(result.answers)
    label = messages.text(lang, "more_answers_for" if offset else "answers_for")
    title = fit(query, MAX_ECHO + 40, prefix=f"*{label}* “", suffix="”")
    blocks: list[Block] = [_section(title)]
    for i, answer in enumerate(result.answers):
        index = offset + i
        ref = Ref(kind, query, offset=offset, index=index, fact_id=answer.fact_id)
        blocks += answer_blocks(answer, ref, number=index + 1, shareable=shareable, lang=lang)
        blocks.append(DividerBlock())
    footer: list[Block] = [_context(understood_line(result, lang))]
    if offset + count < result.total:
        more = Ref(kind, query, offset=offset + count)
        footer.append(
            ActionsBlock(
                block_id="more", elements=[_button(messages.text(lang, "more"), "more", more.to_value())]
            )
        )
    first = result.answers[0]
    fallback = f"{headline(first, lang)}: {first.quote}"
    # the footer (More) must survive a cut, so the answers are cut first
    message = _message(fallback, blocks, lang)
    tail = [b.to_dict() for b in footer]
    while (
        len(message["blocks"]) + len(tail) > MAX_BLOCKS
        or text_chars(message) + text_chars(tail) > MAX_MESSAGE_CHARS
    ):
        message["blocks"].pop(-2 if len(message["blocks"]) > 1 else -1)
    message["blocks"] += tail
    return message


def _examples(kind: str) -> str:
    return " · ".join(COMMAND_EXAMPLES[kind])


def not_found_message(result: SearchResult, kind: str, *, offset: int = 0) -> Message:
    """'Nothing found' that says what was understood and offers the nearest facts instead of guessing."""
    query = result.query
    lang = language_of(query)
    template = messages.text(lang, "no_more" if offset else "not_found", query="\x00")
    before, _, after = template.partition("\x00")
    lead = fit(query, MAX_ECHO + 60, prefix=before, suffix=after)
    blocks: list[Block] = [_section(lead), _context(understood_line(result, lang))]
    related = result.related[:MAX_RELATED] if not offset else []
    if related:
        blocks.append(_section(messages.text(lang, "nearest")))
        for i, answer in enumerate(related):
            ref = Ref(kind, query, index=i, fact_id=answer.fact_id, related=True)
            blocks += answer_blocks(answer, ref, number=i + 1, lang=lang)
    elif not offset:
        blocks.append(_context(escape(messages.text(lang, "try", examples=_examples(kind)))))
    return _message(lead.replace("*", ""), blocks, lang)


def unsearchable_message(question: str, kind: str, reason: str) -> Message:
    """A question with nothing the store can search for (only emoji, punctuation, stopwords…)."""
    lang = language_of(question)
    before, _, after = messages.text(lang, "unsearchable", query="\x00").partition("\x00")
    lead = fit(question, MAX_ECHO + 60, prefix=before, suffix=after)
    blocks: list[Block] = [
        _section(lead),
        _context(fit(reason, MAX_TEXT)),
        _context(escape(messages.text(lang, "try", examples=_examples(kind)))),
    ]
    return _message(lead, blocks, lang)


def shared_message(answer: Answer, share: ShareValue, user: str) -> Message:
    """The public copy of the answer a user chose: the headline they saw, the quote and source of
    the fact the button names, and who shared it."""
    lang = language_of(share.q)
    ref = Ref(share.k, share.q, index=share.i, fact_id=share.f)
    blocks = answer_blocks(answer, ref, shareable=False, shared_by=user, lang=lang, shown_headline=share.h)
    return _message(messages.text(lang, "shared_text", user=f"<@{user}>", headline=share.h), blocks, lang)


def feedback_message(change: str, pressed: int, lang: Lang = "en") -> Message:
    """What a press of 👍 (pressed > 0) or 👎 did: recorded, changed, withdrawn, or — a repeat of
    the very same press — nothing."""
    return text_message(messages.text(lang, f"vote_{change}", thumb="👍" if pressed > 0 else "👎"))


# ---------------------------------------------------------------------------------------------
# comparisons


def chart_title(comparison: Comparison, lang: Lang) -> str:
    """The title of a comparison's bar chart."""
    metric = metric_label(comparison.metric or comparison.rows[0].answer.metric, lang)
    if comparison.by == "period":
        return messages.text(lang, "chart_title_periods", entity=comparison.entity or "", metric=metric)
    return messages.text(lang, "chart_title", metric=metric)


def _cell(text: str) -> RawTextObject:
    return RawTextObject(text=clip(text or "—", MAX_CELL))


MAX_ROW_FEEDBACK = 8  # rows of a comparison with their own 👍/👎 (two blocks each)


def comparison_message(
    comparison: Comparison,
    *,
    chart_file_id: str | None = None,
    shareable: bool = True,
    shared_by: str | None = None,
) -> Message:
    """A comparison as a table — one row per company (or per period of one company) with its figure,
    unit and period — a numbered source under it for each row, and the bar chart when one was
    uploaded; then Share in channel (the whole table) and 👍/👎 for each of the first rows' facts,
    as under any answer. `shared_by` makes it the public copy a user shared.

    Rows beyond what one message holds (100 table rows, ~12,000 characters) are left out, and the
    message says it was shortened."""
    lang = language_of(comparison.query)
    rows = comparison.rows[: MAX_TABLE_ROWS - 1]
    fallback = (
        "; ".join(f"{r.label}: {wording.answer_figure(r.answer, lang) or '—'}" for r in rows)
        or comparison.query
    )
    fallback = clip(fallback, 500)
    count = len(rows)
    while True:
        blocks = _comparison_blocks(comparison, rows[:count], chart_file_id, lang)
        if count < len(rows):
            blocks.append(_context(f"_{messages.text(lang, 'shortened')}_"))
        if rows:
            blocks += _comparison_actions(comparison, rows[:count], lang, shareable, shared_by)
        dicts = [b.to_dict() for b in blocks]
        if count <= 1 or (
            len(dicts) <= MAX_BLOCKS and text_chars(dicts) + len(fallback) <= MAX_MESSAGE_CHARS
        ):
            return _message(fallback, blocks, lang)
        count = max(1, int(count * 0.8))


def _comparison_actions(
    comparison: Comparison, rows: list[Row], lang: Lang, shareable: bool, shared_by: str | None
) -> list[Block]:
    blocks: list[Block] = []
    if shared_by:
        blocks.append(_context(messages.text(lang, "shared_by", user=f"<@{shared_by}>")))
    if shareable:
        value = Ref(comparison.kind, comparison.query).to_value()
        share = _button(messages.text(lang, "share"), "share_table", value, style="primary")
        blocks.append(ActionsBlock(block_id="compare-actions", elements=[share]))
    for n, row in enumerate(rows[:MAX_ROW_FEEDBACK], 1):
        ref = Ref(comparison.kind, comparison.query, index=n - 1, fact_id=row.answer.fact_id)
        blocks.append(_context(f"[{n}] {escape(row_label(row, comparison.by, lang))}"))
        blocks.append(feedback_block(ref, f"compare-feedback-{n}"))
    return blocks


def row_label(row: Row, by: str, lang: Lang) -> str:
    """A comparison row's name in the reader's language: the period (2024年), or the company's
    Chinese name for a Chinese question."""
    if by == "period":
        return wording.period(row.label, lang) or row.label
    if lang != "en" and row.answer.entity == row.label and row.answer.entity_zh:
        return messages.in_script(row.answer.entity_zh, lang)
    return row.label


def _comparison_blocks(
    comparison: Comparison, rows: list[Row], chart_file_id: str | None, lang: Lang
) -> list[Block]:
    title = fit(
        messages.text(lang, "compare_title", query=comparison.query[:MAX_ECHO]),
        MAX_TEXT,
        prefix="*",
        suffix="*",
    )
    first = messages.text(lang, "col_period" if comparison.by == "period" else "col_company")
    third = messages.text(lang, "col_metric" if comparison.by == "period" else "col_period")
    header = [
        _cell(first),
        _cell(messages.text(lang, "col_figure")),
        _cell(third),
        _cell(messages.text(lang, "col_source")),
    ]
    table_rows = [header]
    for n, row in enumerate(rows, 1):
        label = row_label(row, comparison.by, lang)
        if row.shared_with:
            label = messages.text(lang, "with_others", name=row.label, others=", ".join(row.shared_with))
        a = row.answer
        when = wording.period(a.period, lang, published=a.published)
        third_cell = metric_label(a.metric, lang) if comparison.by == "period" else (when or "—")
        figure = wording.answer_figure(a, lang) or "—"
        table_rows.append([_cell(label), _cell(figure), _cell(third_cell), _cell(f"[{n}]")])
    blocks: list[Block] = [_section(title, block_id="compare")]
    if not rows:
        blocks.append(_section(fit(messages.text(lang, "no_rows", query=comparison.query), MAX_TEXT)))
        return blocks
    blocks.append(
        TableBlock(
            block_id="compare-table",
            rows=[r[:MAX_TABLE_CELLS] for r in table_rows],
            column_settings=[
                TableBlockColumnSettings(is_wrapped=True),
                TableBlockColumnSettings(align="right"),
                None,
                TableBlockColumnSettings(align="center"),
            ],
        )
    )
    if chart_file_id:
        name = clip(chart_title(comparison, lang), 2000)
        blocks.append(
            ImageBlock(
                block_id="compare-chart", slack_file=SlackFile(id=chart_file_id), alt_text=name, title=name
            )
        )
    items = []
    for row in rows:
        parts = _source_elements(row.answer, lang, lead="")
        parts.append(_text(" — “" + clip(row.answer.quote.replace("\n", " "), 160) + "”"))
        items.append(RichTextSectionElement(elements=parts))
    blocks.append(_section(messages.text(lang, "sources"), block_id="compare-sources-title"))
    # one ordered list: its numbers are the [n] in the table
    blocks.append(
        RichTextBlock(
            block_id="compare-sources", elements=[RichTextListElement(style="ordered", elements=items)]
        )
    )
    return blocks


# ---------------------------------------------------------------------------------------------
# help, admin, home


def usage_message(kind: str, lang: Lang = "en") -> Message:
    """How to use one slash command, with examples."""
    syntax, _, examples = USAGE[kind]
    what = messages.text(lang, f"cmd_{kind}")
    blocks: list[Block] = [
        _section(f"*`{escape(syntax)}`* — {escape(what)}"),
        _section(messages.text(lang, "examples") + "\n" + "\n".join(f"• `{escape(e)}`" for e in examples)),
        _context(messages.text(lang, "usage_footer")),
    ]
    return _message(messages.text(lang, "usage", syntax=syntax), blocks, lang)


def command_lines(lang: Lang = "en") -> list[str]:
    """One mrkdwn line per slash command: its syntax, what it does and an example."""
    return [
        f"• `{escape(syntax)}` — {escape(messages.text(lang, f'cmd_{kind}'))} "
        f"{messages.text(lang, 'eg')} `{escape(COMMAND_EXAMPLES[kind][0])}`"
        for kind, syntax in SYNTAX.items()
    ]


def mention_usage_message(lang: Lang = "en") -> Message:
    """What to say when someone @mentions the bot without a question."""
    blocks: list[Block] = [
        _section(messages.text(lang, "mention_lead")),
        _section("\n".join(command_lines(lang))),
    ]
    return _message(messages.text(lang, "mention_text"), blocks, lang)


ADMIN_USAGE = messages.text("en", "admin_usage")


def admin_usage_message(lang: Lang = "en") -> Message:
    """Usage of /factadmin: reload, status, add, and articles sent as files in a DM."""
    return _message(
        "Usage: /factadmin reload | status | add <article>",
        [_section(messages.text(lang, "admin_usage"))],
        lang,
    )


def refusal_message() -> Message:
    """The polite no for a non-admin trying /factadmin."""
    return text_message(
        "Sorry — /factadmin is only for this bot's admins. Ask one of them if the facts look out of date."
    )


def duration(seconds: float) -> str:
    """'3d 4h 05m' / '12m 03s' / '4.2s'."""
    if seconds < 60:
        return f"{seconds:.1f}s"
    s = int(seconds)
    d, s = divmod(s, 86400)
    h, s = divmod(s, 3600)
    m, s = divmod(s, 60)
    if d:
        return f"{d}d {h}h {m:02d}m"
    if h:
        return f"{h}h {m:02d}m"
    return f"{m}m {s:02d}s"


def reload_message(report: ReloadReport) -> Message:
    """What a reload did: generation, articles, facts, +added/−removed, build time, skipped sources."""
    text = (
        f"*Reloaded: generation {report.previous_generation} → {report.generation}*\n"
        f"{report.articles} articles · {report.facts} facts · "
        f"+{report.added} added / −{report.removed} removed · built in {report.seconds:.1f}s"
    )
    blocks: list[Block] = [_section(text)]
    if report.skipped:
        listed = "\n".join(f"• {escape(s)}" for s in report.skipped[:20])
        more = f"\n…and {len(report.skipped) - 20} more" if len(report.skipped) > 20 else ""
        blocks.append(
            _section(clip(f"*Skipped {len(report.skipped)} source file(s):*\n{listed}{more}", MAX_TEXT))
        )
    if report.read_as:
        listed = "\n".join(f"• {escape(s)}" for s in report.read_as[:20])
        more = f"\n…and {len(report.read_as) - 20} more" if len(report.read_as) > 20 else ""
        blocks.append(_section(clip(f"*Not UTF-8, read as detected:*\n{listed}{more}", MAX_TEXT)))
    return _message(text.replace("*", ""), blocks)


def reload_failed_message(reason: str) -> Message:
    """Why a reload failed, and that the old store is still serving."""
    return _message(
        f"Reload failed: {reason}",
        [
            _section(
                fit(reason, MAX_TEXT - 100, prefix="*Reload failed* — the previous store keeps serving.\n")
            )
        ],
    )


def status_message(stats: StoreStats, *, uptime: float) -> Message:
    """Generation, counts, build time and uptime, for /factadmin status."""
    text = (
        f"*Generation {stats.generation}* · {stats.articles} articles · {stats.facts} facts\n"
        f"Built {escape(stats.built_at)} · up {duration(uptime)}"
    )
    return _message(
        text.replace("*", ""), [_section(text), _context(f"Store file: `{escape(str(stats.path))}`")]
    )


def home_view(stats: StoreStats, lang: Lang = "en", *, admin: bool = False) -> dict:
    """The App Home tab: what the bot knows, how to ask, which store generation is loaded; for an
    admin, the /factadmin commands and adding an article by DM."""
    top = ", ".join(f"{escape(name)} ({n})" for name, n in stats.top_entities[:12]) or messages.text(
        lang, "home_none"
    )
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=clip(messages.text(lang, "home_header"), 150))),
        _section(messages.text(lang, "home_knows", facts=stats.facts, articles=stats.articles)),
        _section(clip(messages.text(lang, "home_top", names=top), MAX_TEXT)),
        DividerBlock(),
        _section(messages.text(lang, "home_how") + "\n" + "\n".join(command_lines(lang))),
        _section(messages.text(lang, "home_also")),
        *(
            [_section(messages.text(lang, "home_admin") + "\n" + messages.text(lang, "admin_usage"))]
            if admin
            else []
        ),
        _context(
            messages.text(
                lang, "home_generation", generation=stats.generation, built_at=escape(stats.built_at)
            )
        ),
    ]
    return View(type="home", blocks=blocks).to_dict()


def suggested_prompts(prompts: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    """Up to four suggested prompts for the Messages tab, each a title and the question it sends."""
    return [{"title": clip(title, 75), "message": clip(message, 300)} for title, message in list(prompts)[:4]]


# ---------------------------------------------------------------------------------------------
# context


def context_view(answer: Answer, passage: Passage, others: Sequence[Answer], lang: Lang) -> dict:
    """The Context modal: the quote in its paragraph (the quote in bold), the article's title,
    outlet, date and link, every other article that ran the same fact (a reprint), and up to
    three other facts from the same article."""
    paragraph: list = []
    if passage.before:
        paragraph.append(_text(passage.before))
    paragraph.append(_text(passage.quote.replace("\n", " "), bold=True))
    if passage.after:
        paragraph.append(_text(passage.after))
    sections = []
    if passage.previous:
        sections.append(RichTextSectionElement(elements=[_text(passage.previous + "\n")]))
    sections.append(RichTextSectionElement(elements=paragraph))
    if passage.next:
        sections.append(RichTextSectionElement(elements=[_text("\n" + passage.next)]))
    article = _source_elements(answer, lang, lead="")
    position = messages.text(lang, "context_position", start=answer.start, end=answer.end, file=answer.file)
    blocks: list[Block] = [
        _section(fit(headline(answer, lang), MAX_TEXT, prefix="*", suffix="*"), block_id="context-headline"),
        _section(messages.text(lang, "context_paragraph")),
        RichTextBlock(block_id="context-paragraph", elements=sections),
        _section(messages.text(lang, "context_article")),
        RichTextBlock(block_id="context-article", elements=[RichTextSectionElement(elements=article)]),
        _context(escape(position)),
    ]
    reprints = reprint_sources(answer)
    if reprints:
        # every outlet that ran the story; a list this long is already more than anyone reads
        shown = [
            RichTextSectionElement(elements=_source_parts(r, lang, lead=""))
            for r in reprints[:MAX_REPRINTS_LISTED]
        ]
        blocks.append(_section(messages.text(lang, "context_also", n=len(reprints))))
        blocks.append(
            RichTextBlock(
                block_id="context-also", elements=[RichTextListElement(style="bullet", elements=shown)]
            )
        )
        if len(reprints) > MAX_REPRINTS_LISTED:
            blocks.append(
                _context(messages.text(lang, "context_also_more", n=len(reprints) - MAX_REPRINTS_LISTED))
            )
    blocks += [
        DividerBlock(),
        _section(messages.text(lang, "context_other")),
    ]
    if not others:
        blocks.append(_context(messages.text(lang, "context_none")))
    for n, other in enumerate(others[:3], 1):
        blocks.append(_section(fit(headline(other, lang), MAX_TEXT, prefix=f"*{n}. ", suffix="*")))
        blocks.append(
            RichTextBlock(
                block_id=f"context-other-{n}",
                elements=[
                    RichTextQuoteElement(elements=[_text(clip(other.quote.replace("\n", " "), MAX_QUOTE))])
                ],
            )
        )
    view = View(
        type="modal",
        title=PlainTextObject(text=clip(messages.text(lang, "context_title"), 24)),
        close=PlainTextObject(text=clip(messages.text(lang, "context_close"), 24)),
        blocks=blocks[:MAX_MODAL_BLOCKS],
    )
    return view.to_dict()
