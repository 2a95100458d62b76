"""Questions by @mention in a channel or by direct message, answered in a thread under the question."""

from __future__ import annotations

from slack_bolt import App, Say

from store import StoreError

from . import render
from .answer import answer_page
from .deps import Deps
from .errors import FactbotError
from .lookup import clean_question, wants_help


def _answer_in_thread(event: dict, say: Say, deps: Deps) -> None:
    question = clean_question(event.get("text"))
    thread_ts = event.get("thread_ts") or event.get("ts")
    if wants_help(question):
        say(**render.mention_usage_message(), thread_ts=thread_ts)
        return
    try:
        message = answer_page(deps.stores.current, "fact", question)
    except (FactbotError, StoreError) as e:
        message = render.text_message(str(e))
    say(**message, thread_ts=thread_ts)


def app_mention(event: dict, say: Say, deps: Deps) -> None:
    """@factbot <question> in a channel: the answer, in a thread under the question."""
    _answer_in_thread(event, say, deps)


def direct_message(event: dict, say: Say, deps: Deps) -> None:
    """Any message in a DM with the bot: the answer, in a thread under it."""
    _answer_in_thread(event, say, deps)


def is_direct_message(event: dict) -> bool:
    """True for a person's own new message in a DM (not edits, joins, or bots, including us)."""
    return (
        event.get("channel_type") == "im"
        and event.get("subtype") is None
        and event.get("bot_id") is None
        and bool(event.get("user"))
    )


def ignore_message() -> None:
    """Other message events (edits, joins, our own posts) are not questions; handled so Slack gets a 200."""


def register(app: App, deps: Deps) -> None:
    """Attach the mention and DM listeners to `app`."""
    app.event("app_mention")(app_mention)
    app.event("message", matchers=[is_direct_message])(direct_message)
    app.event("message")(ignore_message)
