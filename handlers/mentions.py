"""Questions by @mention in a channel or by direct message (the Messages tab of Slack's agent
messaging experience), answered in a thread under the question with a loading status meanwhile."""

from __future__ import annotations

import logging

from slack_bolt import App, Say
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from store import StoreError

from . import render
from .answer import answer_page
from .deps import Deps
from .errors import FactbotError
from .lookup import clean_question, wants_help
from .messages import language_of, text

log = logging.getLogger(__name__)


ANSWER_EVENT_TYPE = "factbot_answer"  # the metadata every answer to an event carries


def answer_metadata(event_id: str) -> dict:
    """The message metadata that marks a post as the answer to event `event_id`."""
    return {"event_type": ANSWER_EVENT_TYPE, "event_payload": {"event_id": event_id}}


def already_answered(client: WebClient, channel: str, thread_ts: str, event_id: str) -> bool:
    """True when the thread already holds our answer to `event_id` (its metadata says so): an
    earlier attempt posted it and died before it could record that."""
    try:
        replies = client.conversations_replies(
            channel=channel, ts=thread_ts, include_all_metadata=True, limit=200
        )
    except (SlackApiError, SlackRequestError, OSError) as e:
        log.warning(
            "could not read the thread of event %s to check for an earlier answer: %s", event_id[:40], e
        )
        return False
    for message in replies.get("messages") or []:
        payload = (message.get("metadata") or {}).get("event_payload") or {}
        if payload.get("event_id") == event_id:
            return True
    return False


def _message_for(question: str, deps: Deps, client: WebClient | None) -> dict:
    lang = language_of(question)
    if wants_help(question):
        return render.mention_usage_message(lang)
    try:
        return answer_page(deps.stores.current, "fact", question, client=client)
    except (FactbotError, StoreError) as e:
        return render.text_message(str(e))


def answer_event(event: dict, event_id: str, attempt: int, *, deps: Deps, client: WebClient) -> None:
    """Post the answer to a mention or DM `event` in its thread, once: a later attempt (after a
    failure or a crash) first looks in the thread for an answer carrying the event's id. Raises
    when Slack did not take the post, so the outbox tries again."""
    question = clean_question(event.get("text"))
    channel = event.get("channel") or ""
    thread_ts = event.get("thread_ts") or event.get("ts") or ""
    lang = language_of(question)
    if question:
        deps.languages[event.get("user", "")] = lang
    if attempt > 1 and already_answered(client, channel, thread_ts, event_id):
        log.info("event %s was answered by an earlier attempt", event_id[:40])
        return
    if not wants_help(question):
        # "is looking that up…" under the question until the answer is posted (Slack clears it)
        try:
            client.assistant_threads_setStatus(
                channel_id=channel,
                thread_ts=thread_ts,
                status=text(lang, "status"),
                loading_messages=text(lang, "status_messages").split("|"),
            )
        except (SlackApiError, SlackRequestError) as e:  # a status is a courtesy: the answer still follows
            log.info("could not set the thread status: %s", e)
    message = _message_for(question, deps, client)
    client.chat_postMessage(
        channel=channel, thread_ts=thread_ts, metadata=answer_metadata(event_id), **message
    )


def _answer_in_thread(
    event: dict,
    say: Say,
    deps: Deps,
    set_status=None,
    client: WebClient | None = None,
    body: dict | None = None,
) -> None:
    event_id = (body or {}).get("event_id")
    if deps.outbox is not None and isinstance(event_id, str) and event_id:
        # Bolt has acknowledged the event already: the outbox claims, answers and settles it
        deps.outbox.submit(event_id, event)
        return
    question = clean_question(event.get("text"))
    thread_ts = event.get("thread_ts") or event.get("ts")
    if question:
        deps.languages[event.get("user", "")] = language_of(question)
    if set_status is not None and not wants_help(question):
        lang = language_of(question)
        try:
            set_status(status=text(lang, "status"), loading_messages=text(lang, "status_messages").split("|"))
        except SlackApiError as e:
            log.info("could not set the thread status: %s", e)
    say(**_message_for(question, deps, client), thread_ts=thread_ts)


def app_mention(
    event: dict,
    say: Say,
    deps: Deps,
    set_status=None,
    client: WebClient | None = None,
    body: dict | None = None,
) -> None:
    """@factbot <question> in a channel: the answer, in a thread under the question."""
    _answer_in_thread(event, say, deps, set_status, client, body)


def direct_message(
    event: dict,
    say: Say,
    deps: Deps,
    set_status=None,
    client: WebClient | None = None,
    body: dict | None = None,
) -> None:
    """Any message in a DM with the bot (its Messages tab): the answer, in a thread under it."""
    _answer_in_thread(event, say, deps, set_status, client, body)


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
