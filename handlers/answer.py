"""The one store call behind every question: search, then render what came back."""

from __future__ import annotations

from store import FactStore, QueryError

from . import render
from .lookup import search


def answer_page(store: FactStore, kind: str, question: str, *, offset: int = 0) -> render.Message:
    """A page of answers, a not-found reply with the nearest facts, or — when the store finds
    nothing searchable in the question (only emoji, punctuation…) — a reply saying so."""
    try:
        result = search(store, kind, question, offset=offset)
    except QueryError as e:
        return render.unsearchable_message(question, kind, str(e))
    return render.answers_message(result, kind, offset=offset)
