"""Pure functions from store results to Slack messages (Block Kit, built with slack-sdk's models).

Every function returns a plain dict — `{"text": fallback, "blocks": [...]}` for messages, a view dict
for App Home — ready to pass to ack/respond/say/views.publish. Nothing here talks to Slack or the
store; the listener tests and the console render the same output.

Slack's limits this module keeps to: 50 blocks per message, 3,000 characters per section or
context text, 75 per button label, 2,000 per button value, 150 per header.
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from store import Answer, SearchResult, StoreStats

from .deps import ReloadReport
from .lookup import Ref

MAX_BLOCKS = 50
MAX_TEXT = 3000
MAX_FALLBACK = 3000  # top-level `text`: Slack allows more, but it is only a notification preview
MAX_ECHO = 200  # how much of the user's question we quote back
MAX_RELATED = 3

METRIC_LABELS = {
    "capex": "capex",
    "revenue": "revenue",
    "loss": "loss",
    "net_profit": "net profit",
    "valuation": "valuation",
    "market_cap": "market cap",
    "investment": "investment",
    "stock_move": "share price move",
    "price": "price",
    "training_cost": "training cost",
    "chip_spend": "chip spend",
    "gpu_count": "GPU count",
    "parameters": "parameters",
    "benchmark": "benchmark",
    "market_size": "market size",
    "compute": "compute",
    "growth": "growth",
    "other": "other",
}

USAGE = {
    "fact": (
        "/fact <question>",
        "Anything the articles state: a company, a metric, a period.",
        ["/fact Microsoft capex", "/fact 微软 资本支出 2024", "/fact OpenAI valuation"],
    ),
    "spend": (
        "/spend <company> [year]",
        "What a company spends on AI (capex, investment, training cost, chips), newest period first.",
        ["/spend Meta", "/spend Microsoft 2024", "/spend 谷歌"],
    ),
    "bench": (
        "/bench <model or company>",
        "Benchmark claims about a model or a company's models.",
        ["/bench SenseNova", "/bench 讯飞星火", "/bench GPT-4"],
    ),
}

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


def _message(fallback: str, blocks: Sequence[Block]) -> Message:
    kept = list(blocks)
    if len(kept) > MAX_BLOCKS:
        kept = kept[: MAX_BLOCKS - 1] + [_context("_(shortened to fit one Slack message)_")]
    return {"text": clip(fallback, MAX_FALLBACK), "blocks": [b.to_dict() for b in kept]}


def text_message(text: str) -> Message:
    """A one-paragraph message (confirmations, refusals, short errors)."""
    return _message(text, [_section(fit(text, MAX_TEXT))])


# ---------------------------------------------------------------------------------------------
# answers


def headline(answer: Answer) -> str:
    """'Microsoft · capex · FY2024 Q3 · US$14.0 billion, +79% YoY' — who, what, when, how much."""
    parts = [
        answer.entity or answer.entity_zh or "Unnamed company",
        METRIC_LABELS.get(answer.metric, answer.metric.replace("_", " ")),
    ]
    if answer.period:
        parts.append(answer.period)
    value = answer.readable_values if answer.values else ""
    if value:
        parts.append(value)
    return " · ".join(parts)


def source_line(answer: Answer) -> str:
    """Where the quote comes from: article file and character position, and its date if known."""
    line = f"Source: `{answer.file}` chars {answer.start}–{answer.end}"
    if answer.published:
        line += f" · published {answer.published}"
    return escape(line)


def answer_blocks(
    answer: Answer,
    ref: Ref,
    *,
    number: int | None = None,
    shareable: bool = True,
    shared_by: str | None = None,
) -> list[Block]:
    """The blocks for one answer: headline, verbatim quote, source, then Share and 👍/👎 buttons."""
    bid = f"answer-{number if number is not None else 0}"
    lead = f"{number}. " if number is not None else ""
    blocks: list[Block] = [
        _section(fit(headline(answer), MAX_TEXT, prefix=f"*{lead}", suffix="*"), block_id=bid),
        _section(fit(answer.quote.replace("\n", " "), MAX_TEXT, prefix="> "), verbatim=True),
    ]
    context = [source_line(answer)]
    if shared_by:
        context.append(f"Shared by <@{shared_by}>")
    blocks.append(_context(*context))
    value = ref.to_value()
    buttons = []
    if shareable:
        buttons.append(_button("Share in channel", "share", value, style="primary"))
    buttons += [_button("👍", "feedback_up", value), _button("👎", "feedback_down", value)]
    blocks.append(ActionsBlock(block_id=f"{bid}-actions", elements=buttons))
    return blocks


def understood_line(result: SearchResult) -> str:
    """'Understood: company Microsoft · metric capex · period 2024' from the store's reading."""
    u = result.understood
    parts = []
    if u.entities:
        parts.append("company " + ", ".join(u.entities))
    if u.metrics:
        parts.append("metric " + ", ".join(METRIC_LABELS.get(m, m) for m in u.metrics))
    if u.periods:
        parts.append("period " + ", ".join(u.periods))
    if not parts:
        return "Understood: nothing specific — try naming a company, a metric or a year."
    return fit(" · ".join(parts), MAX_TEXT, prefix="Understood: ")


def answers_message(result: SearchResult, kind: str, *, offset: int = 0, shareable: bool = True) -> Message:
    """A page of answers (or a not-found reply) for one search, with a More button if more may follow."""
    query = result.query
    if not result.answers:
        return not_found_message(result, kind, offset=offset)
    count = len(result.answers)
    title = fit(query, MAX_ECHO + 40, prefix=f"*{'More answers' if offset else 'Answers'} for* “", suffix="”")
    blocks: list[Block] = [_section(title)]
    for i, answer in enumerate(result.answers):
        index = offset + i
        ref = Ref(kind, query, offset=offset, index=index, fact_id=answer.fact_id)
        blocks += answer_blocks(answer, ref, number=index + 1, shareable=shareable)
        blocks.append(DividerBlock())
    footer: list[Block] = [_context(understood_line(result))]
    if offset + count < result.total:
        more = Ref(kind, query, offset=offset + count)
        footer.append(ActionsBlock(block_id="more", elements=[_button("More", "more", more.to_value())]))
    fallback = f"{headline(result.answers[0])}: {result.answers[0].quote}"
    return _message(fallback, blocks + footer)


def not_found_message(result: SearchResult, kind: str, *, offset: int = 0) -> Message:
    """'Nothing found' that says what was understood and offers the nearest facts instead of guessing."""
    query = result.query
    if offset:
        lead = fit(query, MAX_ECHO + 40, prefix="No more answers for “", suffix="”.")
    else:
        lead = fit(query, MAX_ECHO + 60, prefix="I couldn't find a fact for “", suffix="”.")
    blocks: list[Block] = [_section(lead), _context(understood_line(result))]
    related = result.related[:MAX_RELATED] if not offset else []
    if related:
        blocks.append(_section("*Nearest facts — did you mean:*"))
        for i, answer in enumerate(related):
            ref = Ref(kind, query, index=i, fact_id=answer.fact_id, related=True)
            blocks += answer_blocks(answer, ref, number=i + 1)
    elif not offset:
        blocks.append(_context(escape("Try: " + " · ".join(USAGE[kind][2]))))
    return _message(lead.replace("*", ""), blocks)


def unsearchable_message(question: str, kind: str, reason: str) -> Message:
    """A question with nothing the store can search for (only emoji, punctuation, stopwords…)."""
    lead = fit(question, MAX_ECHO + 60, prefix="I couldn't find anything to search for in “", suffix="”.")
    blocks: list[Block] = [
        _section(lead),
        _context(fit(reason, MAX_TEXT)),
        _context(escape("Try: " + " · ".join(USAGE[kind][2]))),
    ]
    return _message(lead, blocks)


def shared_message(answer: Answer, ref: Ref, user: str) -> Message:
    """The public copy of one answer, saying who shared it."""
    blocks = answer_blocks(answer, ref, shareable=False, shared_by=user)
    return _message(f"<@{user}> shared: {headline(answer)}", blocks)


def feedback_message(vote: int) -> Message:
    """Thanks for a 👍 or 👎."""
    return text_message("Thanks — noted 👍." if vote > 0 else "Thanks — noted 👎. We'll look at this fact.")


# ---------------------------------------------------------------------------------------------
# help, admin, home


def usage_message(kind: str) -> Message:
    """How to use one slash command, with examples."""
    syntax, what, examples = USAGE[kind]
    blocks: list[Block] = [
        _section(f"*`{escape(syntax)}`* — {escape(what)}"),
        _section("*Examples*\n" + "\n".join(f"• `{escape(e)}`" for e in examples)),
        _context("Questions may be in English or Chinese. You can also @mention me or send me a DM."),
    ]
    return _message(f"Usage: {syntax}", blocks)


def mention_usage_message() -> Message:
    """What to say when someone @mentions the bot without a question."""
    lines = [f"• `{escape(s)}` — {escape(w)}" for s, w, _ in USAGE.values()]
    blocks: list[Block] = [
        _section("Ask me about the AI industry, e.g. *how much did Meta plan to spend in 2024?*"),
        _section("\n".join(lines)),
    ]
    return _message("Ask me about the AI industry.", blocks)


ADMIN_USAGE = "`/factadmin reload` rebuilds the fact store from the sources folder · `/factadmin status` shows what is loaded"


def admin_usage_message() -> Message:
    """Usage of /factadmin."""
    return _message("Usage: /factadmin reload | status", [_section(ADMIN_USAGE)])


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


def home_view(stats: StoreStats) -> dict:
    """The App Home tab: what the bot knows, how to ask, which store generation is loaded."""
    top = ", ".join(f"{escape(name)} ({n})" for name, n in stats.top_entities[:12]) or "none yet"
    how = "\n".join(f"• `{escape(s)}` — {escape(w)}" for s, w, _ in USAGE.values())
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text="factbot — facts about the AI industry")),
        _section(
            f"I know *{stats.facts} facts* from *{stats.articles} articles* (Chinese news), each with the "
            "verbatim sentence it came from."
        ),
        _section(clip(f"*Most covered:* {top}", MAX_TEXT)),
        DividerBlock(),
        _section("*How to ask*\n" + how),
        _section(
            "Or @mention me in a channel (*@factbot how much did Meta plan to spend in 2024?*), or write to me "
            "here in Messages. Answers come with a source; 👍/👎 tell us which ones are right."
        ),
        _context(f"Store generation {stats.generation} · built {escape(stats.built_at)}"),
    ]
    return View(type="home", blocks=blocks).to_dict()
