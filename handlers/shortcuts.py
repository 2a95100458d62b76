"""The "Ask factbot" message shortcut: on any message, a private answer about what it says."""

from __future__ import annotations

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from store import StoreError

from . import render
from .answer import answer_page
from .deps import Deps
from .errors import FactbotError
from .lookup import clean_question
from .messages import language_of, text

CALLBACK_ID = "ask_factbot"  # deploy/manifest.yml's shortcut


def ask_shortcut(
    ack: Ack, shortcut: dict, respond: Respond, deps: Deps, client: WebClient | None = None
) -> None:
    """Ask factbot (message shortcut): the same answer blocks as /fact, about the message's text,
    visible only to whoever used the shortcut."""
    ack()
    message = shortcut.get("message") or {}
    question = clean_question(message.get("text"))
    lang = language_of(question)
    user = (shortcut.get("user") or {}).get("id", "")
    if not question:
        respond(
            **render.text_message(text(deps.languages.get(user, "en"), "shortcut_empty")),
            response_type="ephemeral",
        )
        return
    deps.languages[user] = lang
    try:
        page = answer_page(deps.stores.current, "fact", question, client=client)
    except (FactbotError, StoreError) as e:
        page = render.text_message(str(e))
    respond(**page, response_type="ephemeral", replace_original=False)


def register(app: App, deps: Deps) -> None:
    """Attach the message shortcut."""
    app.message_shortcut(CALLBACK_ID)(ask_shortcut)
