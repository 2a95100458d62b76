"""The buttons under an answer: Share in channel, More, and 👍/👎 feedback."""

from __future__ import annotations

import re

from slack_bolt import Ack, App, Respond, Say

from store import StoreError

from . import render
from .answer import answer_page
from .deps import Deps
from .errors import FactbotError
from .lookup import Ref, find_answer


def _reply_problem(respond: Respond, e: Exception) -> None:
    respond(**render.text_message(str(e)), response_type="ephemeral", replace_original=False)


def _is_ephemeral(body: dict) -> bool:
    return bool((body.get("container") or {}).get("is_ephemeral"))


def share_action(ack: Ack, body: dict, action: dict, respond: Respond, deps: Deps) -> None:
    """Share in channel: the same answer posted publicly, saying who shared it."""
    ack()
    user = body["user"]["id"]
    try:
        ref = Ref.from_value(action.get("value"))
        answer = find_answer(deps.stores.current, ref)
    except (FactbotError, StoreError) as e:
        _reply_problem(respond, e)
        return
    # response_url posts into the channel even where the bot is not a member.
    respond(**render.shared_message(answer, ref, user), response_type="in_channel", replace_original=False)
    channel = (body.get("channel") or {}).get("id", "")
    deps.state.record_share(
        user=user, channel=channel, fact_id=answer.fact_id, generation=deps.stores.generation
    )


def more_action(ack: Ack, body: dict, action: dict, respond: Respond, say: Say, deps: Deps) -> None:
    """More: the next page of answers — in place of a private answer, or in the thread of a public one."""
    ack()
    try:
        ref = Ref.from_value(action.get("value"))
        page = answer_page(deps.stores.current, ref.kind, ref.query, offset=ref.offset)
    except (FactbotError, StoreError) as e:
        _reply_problem(respond, e)
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
    """👍/👎: the vote is recorded against the fact and the store generation it came from."""
    ack()
    vote = 1 if action["action_id"] == "feedback_up" else -1
    try:
        ref = Ref.from_value(action.get("value"))
        if ref.fact_id is None:
            raise FactbotError("That button no longer works; please ask again.")
    except FactbotError as e:
        _reply_problem(respond, e)
        return
    deps.state.record_feedback(
        user=body["user"]["id"],
        fact_id=ref.fact_id,
        vote=vote,
        query=ref.query,
        generation=deps.stores.generation,
    )
    respond(**render.feedback_message(vote), response_type="ephemeral", replace_original=False)


def register(app: App, deps: Deps) -> None:
    """Attach the button listeners to `app`."""
    app.action("share")(share_action)
    app.action("more")(more_action)
    app.action(re.compile(r"^feedback_(up|down)$"))(feedback_action)
