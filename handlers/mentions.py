"""Questions by @mention in a channel or by direct message (the Messages tab of Slack's agent
messaging experience), answered in a thread under the question with a loading status meanwhile."""

from __future__ import annotations

import logging

from slack_bolt import App, BoltContext, Say
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from store import StoreError

from . import render
from .answer import answer_page
from .deps import Deps, posting
from .errors import FactbotError
from .lookup import clean_question, wants_help
from .messages import language_of, text

log = logging.getLogger(__name__)


def _answer_in_thread(
    event: dict,
    say: Say,
    deps: Deps,
    set_status=None,
    client: WebClient | None = None,
    context: BoltContext | None = None,
) -> None:
    question = clean_question(event.get("text"))
    thread_ts = event.get("thread_ts") or event.get("ts")
    lang = language_of(question)
    if question:
        deps.languages[event.get("user", "")] = lang
    # The event counts as answered only once its answer is posted (bot.app claims it).
    lease = (context or {}).get("event_lease")
    if wants_help(question):
        with posting(lease):
            say(**render.mention_usage_message(lang), thread_ts=thread_ts)
        return
    if set_status is not None:
        # "is looking that up…" under the question until the answer is posted (Slack clears it)
        try:
            set_status(status=text(lang, "status"), loading_messages=text(lang, "status_messages").split("|"))
        except SlackApiError as e:  # a status is a courtesy: the answer still follows
            log.info("could not set the thread status: %s", e)
    try:
        message = answer_page(deps.stores.current, "fact", question, client=client)
    except (FactbotError, StoreError) as e:
        message = render.text_message(str(e))
    with posting(lease):
        say(**message, thread_ts=thread_ts)


def app_mention(
    event: dict,
    say: Say,
    deps: Deps,
    set_status=None,
    client: WebClient | None = None,
    context: BoltContext | None = None,
) -> None:
    """@factbot <question> in a channel: the answer, in a thread under the question."""
    _answer_in_thread(event, say, deps, set_status, client, context)


def direct_message(
    event: dict,
    say: Say,
    deps: Deps,
    set_status=None,
    client: WebClient | None = None,
    context: BoltContext | None = None,
) -> None:
    """Any message in a DM with the bot (its Messages tab): the answer, in a thread under it."""
    _answer_in_thread(event, say, deps, set_status, client, context)


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
