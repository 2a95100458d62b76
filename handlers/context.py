"""The Context button under an answer: a modal with the quote in its paragraph, the article it
comes from, and other facts from the same article."""

from __future__ import annotations

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from store import StoreError

from . import messages, render
from .deps import Deps
from .errors import FactbotError, StaleButton
from .lookup import Ref, find_answer, other_facts, passage
from .messages import language_of


def context_action(
    ack: Ack, body: dict, action: dict, client: WebClient, respond: Respond, deps: Deps
) -> None:
    """Context: open a modal (views.open, on the click's trigger_id) showing where the quote stands."""
    ack()
    try:
        ref = Ref.from_value(action.get("value"))
        store = deps.stores.current
        answer = find_answer(store, ref)
        text = store.document_text(answer.file)
        if text is None:
            raise StaleButton(messages.text(language_of(ref.query), "article_gone"))
        view = render.context_view(
            answer,
            passage(text, answer.text_start, answer.text_end),  # offsets in the cleaned text
            other_facts(store, answer),
            language_of(ref.query),
        )
    except (FactbotError, StoreError) as e:
        respond(**render.text_message(str(e)), response_type="ephemeral", replace_original=False)
        return
    client.views_open(trigger_id=body["trigger_id"], view=view)


def register(app: App, deps: Deps) -> None:
    """Attach the Context button."""
    app.action("context")(context_action)
