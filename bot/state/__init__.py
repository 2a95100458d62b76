"""State that outlives store reloads: feedback votes, shares, the admin audit log, which store
generation is live, and the Slack events and actions being answered or answered already.

    state = open_state(settings)       # SQLite at FACTBOT_STATE, or PostgreSQL with FACTBOT_STATE_DSN
    if state.claim("event:Ev123", payload=event_json):
        ...

`base` holds the StateStore protocol and what both backends share; `sqlite` is the single-process
backend, `postgres` the one replicas share (the `factbot[postgres]` extra, imported only when
FACTBOT_STATE_DSN asks for it). Every method is one short transaction; `claim` is atomic across
processes (one INSERT … ON CONFLICT DO UPDATE … WHERE).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import (
    CLAIM_LEASE,
    SEEN_EVENTS_TTL,
    AuditEntry,
    Claim,
    OutageLog,
    StateStore,
    StateUnavailable,
    StoreRecord,
    VoteOutcome,
    next_vote,
)
from .sqlite import SqliteState

if TYPE_CHECKING:
    from ..settings import Settings

__all__ = [
    "CLAIM_LEASE",
    "SEEN_EVENTS_TTL",
    "AuditEntry",
    "Claim",
    "OutageLog",
    "SqliteState",
    "StateStore",
    "StateUnavailable",
    "StoreRecord",
    "VoteOutcome",
    "next_vote",
    "open_state",
]


def open_state(settings: Settings) -> StateStore:
    """The state store the settings call for: PostgreSQL with FACTBOT_STATE_DSN, else SQLite at
    settings.state_path."""
    if settings.state_dsn is not None:
        try:  # psycopg is an extra (factbot[postgres])
            from .postgres import PostgresState
        except ImportError as e:
            raise StateUnavailable(
                "FACTBOT_STATE_DSN is set but PostgreSQL support is not installed: pip install 'factbot[postgres]'"
            ) from e

        return PostgresState(settings.state_dsn.get_secret_value())
    return SqliteState(settings.state_path)
