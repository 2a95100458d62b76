"""Slash commands: /fact, /spend and /bench.

Each answers inside the acknowledgement when the lookup finishes within `deps.answer_budget`
(well under Slack's 3-second limit). A slower lookup is acknowledged with an empty body — Slack
shows nothing for it — and the answer follows once through response_url: Slack does not replace
a slash command's ephemeral acknowledgement, so a "Looking…" ack would stay beside the answer.
Answers are ephemeral until someone presses Share.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from store import StoreError

from . import render
from .answer import answer_page
from .deps import Deps
from .errors import FactbotError
from .lookup import clean_question, wants_help
from .messages import language_of


@dataclass(frozen=True)
class Command:
    """A slash command as the manifest and the help text describe it."""

    name: str
    kind: str
    description: str
    usage_hint: str


COMMANDS = (
    Command("/fact", "fact", "Look up a fact about the AI industry, with its source", "Microsoft capex 2024"),
    Command(
        "/spend",
        "spend",
        "What a company spends on AI (capex, investment, chips), newest first",
        "<company> [year]",
    ),
    Command("/bench", "bench", "Benchmark claims about a model or company", "<model or company>"),
)


def answer_in_ack(ack: Ack, respond: Respond, deps: Deps, make: Callable[[], render.Message]) -> None:
    """Acknowledge with the message `make` builds if it is ready within the budget, else follow up.

    Our own expected failures (and the store's) become a short ephemeral reply."""
    future = deps.pool.submit(make)
    try:
        message = future.result(timeout=deps.answer_budget)
    except FutureTimeout:
        ack()  # empty: nothing is shown, and the one answer follows
        try:
            message = future.result()
        except (FactbotError, StoreError) as e:
            respond(**render.text_message(str(e)), response_type="ephemeral")
            return
        respond(**message, response_type="ephemeral")
        return
    except (FactbotError, StoreError) as e:
        ack(**render.text_message(str(e)), response_type="ephemeral")
        return
    ack(**message, response_type="ephemeral")


def _lookup_command(
    kind: str, ack: Ack, respond: Respond, command: dict, deps: Deps, client: WebClient | None
) -> None:
    question = clean_question(command.get("text"))
    lang = language_of(question)
    if question:
        deps.languages[command.get("user_id", "")] = lang
    if wants_help(question):
        ack(
            **render.usage_message(kind, deps.languages.get(command.get("user_id", ""), lang)),
            response_type="ephemeral",
        )
        return
    answer_in_ack(ack, respond, deps, lambda: answer_page(deps.stores.current, kind, question, client=client))


def fact_command(
    ack: Ack, respond: Respond, command: dict, deps: Deps, client: WebClient | None = None
) -> None:
    """/fact <question>: the best-matching facts, each with its verbatim quote and source; a
    metric across several companies (or periods) as a table."""
    _lookup_command("fact", ack, respond, command, deps, client)


def spend_command(
    ack: Ack, respond: Respond, command: dict, deps: Deps, client: WebClient | None = None
) -> None:
    """/spend <company> [year]: the company's spending facts, newest period first; a year alone or
    several companies as a table."""
    _lookup_command("spend", ack, respond, command, deps, client)


def bench_command(
    ack: Ack, respond: Respond, command: dict, deps: Deps, client: WebClient | None = None
) -> None:
    """/bench <model or company>: benchmark claims."""
    _lookup_command("bench", ack, respond, command, deps, client)


LISTENERS = {"fact": fact_command, "spend": spend_command, "bench": bench_command}


def register(app: App, deps: Deps) -> None:
    """Attach the lookup commands to `app`."""
    for c in COMMANDS:
        app.command(c.name)(LISTENERS[c.kind])
