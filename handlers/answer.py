"""The one store call behind every question: search (or compare), then render what came back."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from store import FactStore, QueryError

from . import charts, render
from .lookup import Comparison, compare, read, search
from .messages import language_of

log = logging.getLogger(__name__)


def answer_page(
    store: FactStore, kind: str, question: str, *, offset: int = 0, client: WebClient | None = None
) -> render.Message:
    """A page of answers, a not-found reply with the nearest facts, a comparison table (when the
    question names several companies, or a period and no company) or — when the store finds
    nothing searchable in the question (only emoji, punctuation…) — a reply saying so.

    With a `client`, a comparison whose rows share a unit comes with a bar chart uploaded to Slack."""
    try:
        query = read(store, kind, question)  # read once: the comparison's rows are copies of it
    except QueryError as e:
        return render.unsearchable_message(question, kind, str(e))
    if offset == 0:
        comparison = compare(store, kind, query)
        if comparison is not None and comparison.rows:
            return render.comparison_message(comparison, chart_file_id=upload_chart(client, comparison))
    return render.answers_message(search(store, kind, query, offset=offset), kind, offset=offset)


def upload_chart(client: WebClient | None, comparison: Comparison) -> str | None:
    """Draw the comparison's bar chart and upload it (files.uploadV2, shared with no channel: the
    message's image block shows it); the file id, or None without a chart."""
    if client is None:
        return None
    png = charts.bar_chart_png(comparison)
    if png is None:
        return None
    title = render.chart_title(comparison, language_of(comparison.query))
    try:
        response = client.files_upload_v2(content=png, filename="comparison.png", title=title, alt_txt=title)
    except (SlackApiError, SlackRequestError) as e:  # the table alone still answers
        log.warning("chart upload failed: %s", e)
        return None
    file = response.get("file") or {}
    return file.get("id")
