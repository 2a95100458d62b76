"""What the listeners need from the running bot, as small interfaces the bot/ package implements.

Listeners receive one `Deps` through Bolt's context (`deps` argument), so they stay plain functions
that tests can call with real stores and tiny fakes for ack/respond/say.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from store import FactStore

from .errors import StateUnavailable
from .messages import Lang


@dataclass(frozen=True)
class ReloadReport:
    """What a successful reload did: the new generation, its size and how it differs from the last."""

    generation: int
    previous_generation: int
    articles: int
    facts: int
    added: int
    removed: int
    seconds: float
    skipped: list[str] = field(default_factory=list)  # "file: reason" for sources the builder could not use
    added_facts: list[str] = field(default_factory=list)  # ids of (some of) the facts it added
    read_as: list[str] = field(default_factory=list)  # "file: read as GB18030" for sources not in UTF-8


@dataclass(frozen=True)
class ArticleAdded:
    """An article an admin added from Slack: where it was saved, what it added, a few of its facts."""

    file: str
    title: str | None
    facts: int
    examples: list[str]  # up to three of its quotes
    reload: ReloadReport


class Stores(Protocol):
    """The live fact store and the means to replace it."""

    @property
    def current(self) -> FactStore: ...

    @property
    def generation(self) -> int: ...

    @property
    def started_at(self) -> float: ...

    def reload(self, *, force: bool = False) -> ReloadReport: ...

    def add_article(
        self,
        text: str,
        *,
        title: str | None = None,
        outlet: str | None = None,
        url: str | None = None,
        published: str | None = None,
    ) -> ArticleAdded: ...


class StateLog(Protocol):
    """Where listeners record what users did; it outlives store reloads (bot.state.StateStore)."""

    def claim(self, key: str, lease: float = ..., payload: str | None = None) -> Any: ...

    def settle(self, key: str) -> None: ...

    def release(self, key: str) -> None: ...

    def vote(self, *, user: str, fact_id: str, vote: int, press: str, query: str, generation: int) -> Any: ...

    def record_share(self, *, user: str, channel: str, fact_id: str, generation: int) -> None: ...

    def audit(self, *, user: str, action: str, allowed: bool, detail: str = "") -> None: ...

    def begin_audit(self, *, user: str, action: str, detail: str = "started") -> int: ...

    def end_audit(self, audit_id: int, detail: str) -> None: ...


@dataclass(frozen=True)
class Lease:
    """The claim on one piece of work (an event to answer, a share to post), held until settled."""

    state: StateLog
    key: str


@contextmanager
def posting(lease: Lease | None) -> Iterator[None]:
    """Around the one post that answers: settled only when the post returned, released when it
    raised — so the user's next press (or Slack's retry) can try again. With the state database
    unreachable the post still stands; only its record is missing (the outage is logged once).

        with posting(Lease(deps.state, key)):
            respond(**message)
    """
    try:
        yield
    except BaseException:
        if lease is not None:
            try:
                lease.state.release(lease.key)
            except StateUnavailable:
                pass  # the lease runs out by itself
        raise
    if lease is not None:
        try:
            lease.state.settle(lease.key)
        except StateUnavailable:
            pass


class EventOutbox(Protocol):
    """Where an acknowledged event goes to be answered exactly once (bot.outbox.Outbox)."""

    def submit(self, event_id: str, event: dict) -> None: ...


@dataclass
class Deps:
    """Everything a listener may touch besides what Bolt passes in."""

    stores: Stores
    state: StateLog
    admins: frozenset[str] = frozenset()
    # Slack waits 3 s for the acknowledgement; answers ready within this budget ride on it,
    # slower ones follow through response_url.
    answer_budget: float = 2.0
    pool: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(8, thread_name_prefix="lookup")
    )
    # Mentions and DMs are answered through it, off Bolt's listener threads (None: inline).
    outbox: EventOutbox | None = None
    # The language each user last asked in, so App Home speaks it too (in memory: a restart
    # falls back to English until the next question).
    languages: dict[str, Lang] = field(default_factory=dict)

    def uptime(self) -> float:
        """Seconds since the bot started."""
        return time.time() - self.stores.started_at
