"""The buttons under an answer: Share in channel, More, and Slack's 👍/👎 feedback buttons.

Every button value is parsed by handlers.payloads before anything else happens; one we did not
write is answered "That button no longer works" right after the ack, never an error after it.
"""

from __future__ import annotations

import logging
import re

from slack_bolt import Ack, App, Respond, Say
from slack_sdk import WebClient

from store import StoreError

from . import render
from .answer import answer_page, upload_chart
from .deps import Deps, Lease, posting
from .errors import FactbotError, PostFailed, StaleButton, StateUnavailable
from .lookup import Ref, compare
from .messages import language_of, text
from .payloads import Press, ShareValue, VoteValue

log = logging.getLogger(__name__)

GONE = "That fact is no longer in the store (it was reloaded since); please ask again."


def _reply_problem(respond: Respond, body: dict, e: Exception) -> None:
    if not body.get("response_url"):  # nowhere to say it; the ack was all Slack needed
        return
    respond(**render.text_message(str(e)), response_type="ephemeral", replace_original=False)


def _is_ephemeral(body: dict) -> bool:
    return bool((body.get("container") or {}).get("is_ephemeral"))


def share_action(ack: Ack, body: dict, action: dict, respond: Respond, deps: Deps) -> None:
    """Share in channel: the answer the user saw — its headline, quote and source — posted publicly
    once, saying who shared it. Rendered from the fact the button names, not searched again."""
    ack()
    try:
        press = Press.of(body, action)
        share = ShareValue.parse(action.get("value"))
        answer = deps.stores.current.fact(share.f)
        if answer is None:
            raise StaleButton(GONE)
    except (FactbotError, StoreError) as e:
        _reply_problem(respond, body, e)
        return
    # One share per press of this answer's button in this message, however often Slack (or
    # anyone replaying the request) delivers it.
    lease = Lease(deps.state, f"share:{press.channel}:{press.message_ts}:{press.user}:{share.f}:{share.i}")
    try:
        claimed = deps.state.claim(lease.key)
    except StateUnavailable:  # without the claim a replayed press could post twice: not now
        _reply_problem(respond, body, FactbotError(text(language_of(share.q), "share_not_recorded")))
        return
    if not claimed:
        _reply_problem(respond, body, FactbotError(text(language_of(share.q), "already_shared")))
        return
    with posting(lease):
        # response_url posts into the channel even where the bot is not a member.
        sent = respond(
            **render.shared_message(answer, share, press.user),
            response_type="in_channel",
            replace_original=False,
        )
        if sent.status_code != 200:
            raise PostFailed(sent.status_code)  # released for another press, logged by @app.error
    try:
        deps.state.record_share(
            user=press.user, channel=press.channel, fact_id=share.f, generation=deps.stores.generation
        )
    except StateUnavailable:
        pass  # shared; only the count of shares misses it (the outage is logged once, by the state)


def share_table_action(
    ack: Ack, body: dict, action: dict, respond: Respond, client: WebClient, deps: Deps
) -> None:
    """Share in channel under a comparison: the table (with its chart) posted publicly once,
    saying who shared it, from the comparison the button names."""
    ack()
    try:
        press = Press.of(body, action)
        ref = Ref.from_value(action.get("value"))
        comparison = compare(deps.stores.current, ref.kind, ref.query)
        if comparison is None or not comparison.rows:
            raise StaleButton(GONE)
    except (FactbotError, StoreError) as e:
        _reply_problem(respond, body, e)
        return
    lease = Lease(deps.state, f"share:{press.channel}:{press.message_ts}:{press.user}:table")
    try:
        claimed = deps.state.claim(lease.key)
    except StateUnavailable:
        _reply_problem(respond, body, FactbotError(text(language_of(ref.query), "share_not_recorded")))
        return
    if not claimed:
        _reply_problem(respond, body, FactbotError(text(language_of(ref.query), "already_shared")))
        return
    with posting(lease):
        message = render.comparison_message(
            comparison, chart_file_id=upload_chart(client, comparison), shareable=False, shared_by=press.user
        )
        sent = respond(**message, response_type="in_channel", replace_original=False)
        if sent.status_code != 200:
            raise PostFailed(sent.status_code)
    try:
        for row in comparison.rows:
            deps.state.record_share(
                user=press.user,
                channel=press.channel,
                fact_id=row.answer.fact_id,
                generation=deps.stores.generation,
            )
    except StateUnavailable:
        pass  # shared; only the count of shares misses it


def more_action(ack: Ack, body: dict, action: dict, respond: Respond, say: Say, deps: Deps) -> None:
    """More: the next page of answers — in place of a private answer, or in the thread of a public one."""
    ack()
    try:
        ref = Ref.from_value(action.get("value"))
        page = answer_page(deps.stores.current, ref.kind, ref.query, offset=ref.offset)
    except (FactbotError, StoreError) as e:
        _reply_problem(respond, body, e)
        return
    if _is_ephemeral(body):
        respond(**page, replace_original=True)
        return
    message = body.get("message") or {}
    thread_ts = (
        message.get("thread_ts") or message.get("ts") or (body.get("container") or {}).get("message_ts")
    )
    say(**page, thread_ts=thread_ts)


def feedback_action(ack: Ack, body: dict, action: dict, respond: Respond, deps: Deps) -> None:
    """👍/👎: one vote per user per fact. The first press records it, the other thumb changes it,
    the same thumb again withdraws it — and the reply says which. Facts the store does not have
    take no votes."""
    ack()
    try:
        press = Press.of(body, action)
        value = VoteValue.parse(action.get("value"))
        if deps.stores.current.fact(value.f) is None:
            raise StaleButton(GONE)
    except (FactbotError, StoreError) as e:
        _reply_problem(respond, body, e)
        return
    try:
        outcome = deps.state.vote(
            user=press.user,
            fact_id=value.f,
            vote=value.v,
            press=press.action_ts,
            query=value.q,
            generation=deps.stores.generation,
        )
    except StateUnavailable:
        reply = render.feedback_message("not_recorded", value.v, language_of(value.q))
        respond(**reply, response_type="ephemeral", replace_original=False)
        return
    reply = render.feedback_message(outcome.change, value.v, language_of(value.q))
    respond(**reply, response_type="ephemeral", replace_original=False)


def retired_button(ack: Ack, body: dict, respond: Respond) -> None:
    """👍/👎 as plain buttons (feedback_up/down), still under answers posted before the feedback
    element replaced them: answered, so Slack shows no error."""
    ack()
    _reply_problem(respond, body, StaleButton("Those 👍/👎 buttons no longer work; please ask again."))


def register(app: App, deps: Deps) -> None:
    """Attach the button listeners to `app`."""
    app.action("share")(share_action)
    app.action("share_table")(share_table_action)
    app.action("more")(more_action)
    app.action("feedback")(feedback_action)
    app.action(re.compile(r"^feedback_(up|down)$"))(retired_button)
