"""What every state backend shares: the StateStore protocol, its records, the vote rule, the
owner of this process's claims and the quiet outage log.

A claim is one row of the outbox: the key of the work (`event:Ev123`, `share:…`), who holds it
(`owner`, this process), until when (`until`), whether it is done, how many deliveries tried it
(`attempts`) and, for an event, the event itself (`payload`), so that a process started after a
crash can answer what the dead one had acknowledged but not yet answered.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal, Protocol

from handlers.errors import StateUnavailable

__all__ = [
    "CLAIM_LEASE",
    "HEARTBEAT_INTERVAL",
    "OWNER_STALE_AFTER",
    "SEEN_EVENTS_TTL",
    "AuditEntry",
    "Claim",
    "OutageLog",
    "StateStore",
    "StateUnavailable",
    "StoreRecord",
    "VoteOutcome",
    "next_vote",
    "owner_is_dead_here",
    "this_owner",
]

SEEN_EVENTS_TTL = 24 * 3600  # Slack retries within minutes; a day of event ids is plenty
# How long one delivery may take to post its answer before another delivery may try, when its
# process is still alive: far longer than an answer takes, shorter than Slack's second retry.
CLAIM_LEASE = 30.0
# Every process writes a heartbeat this often; a claim whose owner's heartbeat is older than
# OWNER_STALE_AFTER (or whose owner is a process of this host that no longer exists) may be taken
# at once, however long its lease still runs.
HEARTBEAT_INTERVAL = 2.0
OWNER_STALE_AFTER = 10.0

_HOST = socket.gethostname()
_TOKEN = secrets.token_hex(4)


def this_owner() -> str:
    """The id this process writes on its claims: host, pid and a random token (pids are reused)."""
    return f"{_HOST}:{os.getpid()}:{_TOKEN}"


def owner_is_dead_here(owner: str) -> bool:
    """True when `owner` names a process of this host that no longer runs."""
    host, _, rest = owner.partition(":")
    pid, _, _token = rest.partition(":")
    if host != _HOST or not pid.isdigit() or owner == this_owner():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # someone else's live process
        return False
    return False


@dataclass(frozen=True)
class Claim:
    """The right to do one piece of work now: `attempt` 1 for the first delivery, more when an
    earlier one (perhaps in a process that died) may already have done part of it."""

    key: str
    attempt: int
    payload: str | None = None

    def __bool__(self) -> bool:
        return True


@dataclass(frozen=True)
class VoteOutcome:
    """What one press of 👍/👎 did, and the user's vote on the fact afterwards (0: none)."""

    change: Literal["recorded", "changed", "withdrawn", "unchanged"]
    vote: int


def next_vote(current: int | None, last_press: str | None, vote: int, press: str) -> VoteOutcome:
    """The rule both backends apply: the first press records, the other thumb changes the vote,
    the same thumb again withdraws it, and a replay of the very same press changes nothing."""
    vote = 1 if vote > 0 else -1
    if current is not None and last_press == press:
        return VoteOutcome("unchanged", current)
    if not current:
        return VoteOutcome("recorded", vote)
    if current == vote:
        return VoteOutcome("withdrawn", 0)
    return VoteOutcome("changed", vote)


@dataclass(frozen=True)
class StoreRecord:
    """Which store file is live, and its generation (and, when published through the state, its
    SHA-256: replicas without a shared disk fetch the file by it)."""

    path: str
    generation: int
    at: float
    sha256: str | None = None


@dataclass(frozen=True)
class AuditEntry:
    """One admin command attempt, allowed or refused."""

    at: float
    user: str
    action: str
    allowed: bool
    detail: str


class OutageLog:
    """One WARNING line when a dependency starts failing and one when it answers again (with how
    many operations failed meanwhile and for how long) — not a traceback per request."""

    def __init__(self, logger: logging.Logger, what: str, clock=time.monotonic) -> None:
        self.logger = logger
        self.what = what
        self.clock = clock
        self._lock = threading.Lock()
        self._since: float | None = None
        self._failed = 0

    @property
    def down(self) -> bool:
        """True while the last operation failed."""
        return self._since is not None

    def failed(self, reason: str) -> None:
        with self._lock:
            first = self._since is None
            if first:
                self._since = self.clock()
            self._failed += 1
        if first:
            self.logger.warning("%s unavailable: %s", self.what, reason[:300])

    def succeeded(self) -> None:
        if self._since is None:  # the common case, without the lock
            return
        with self._lock:
            if self._since is None:
                return
            seconds, failed = self.clock() - self._since, self._failed
            self._since, self._failed = None, 0
        self.logger.warning(
            "%s available again after %.1fs; %d operations failed meanwhile", self.what, seconds, failed
        )


class StateStore(Protocol):
    """The bot's durable state. Implementations must be safe to call from many threads."""

    def claim(self, key: str, lease: float = CLAIM_LEASE, payload: str | None = None) -> Claim | None:
        """A Claim if the caller may do the work `key` names (answer an event, post a share):
        nobody settled it, and nobody else holds it — a claim lasts `lease` s, or less if its
        owner died. `payload` (the event) is kept with the claim until it is settled."""
        ...

    def settle(self, key: str) -> None:
        """The work is done: every later claim of `key` is refused."""
        ...

    def release(self, key: str) -> None:
        """The work failed: the next claim of `key` (Slack's retry) may try again at once."""
        ...

    def defer(self, key: str, seconds: float) -> None:
        """The work failed for now: keep it (and its payload) for whoever claims it after `seconds`."""
        ...

    def pending(self, limit: int = 50) -> list[str]:
        """Keys of unsettled work with a payload that may be claimed now (its owner died, or its
        lease or deferral ran out): the outbox a process answers after a restart."""
        ...

    def heartbeat(self) -> None:
        """Say this process is alive (HEARTBEAT_INTERVAL): its claims stay its own."""
        ...

    def vote(
        self, *, user: str, fact_id: str, vote: int, press: str, query: str, generation: int
    ) -> VoteOutcome:
        """Apply one 👍 (vote > 0) or 👎 press by `user` on a fact (see next_vote); `press`
        identifies the press (Slack's action_ts), so a replay of it changes nothing."""
        ...

    def record_share(self, *, user: str, channel: str, fact_id: str, generation: int) -> None: ...

    def audit(self, *, user: str, action: str, allowed: bool, detail: str = "") -> None: ...

    # Store files through the state, for replicas that share no disk (PostgreSQL). A backend that
    # cannot share files (SQLite: one process, one disk) has shares_store_files False.
    shares_store_files: bool

    def publish_store_file(self, sha256: str, generation: int, chunks: Iterable[bytes]) -> None:
        """Keep a store file's bytes under its SHA-256 (once; a second publish of it is a no-op)."""
        ...

    def store_file_chunks(self, sha256: str) -> Iterator[bytes]:
        """The bytes of a published store file, in order (raises KeyError if it was not published)."""
        ...

    def prune_store_files(self, keep: set[str]) -> None:
        """Forget published store files other than `keep` (the live one and the one before it)."""
        ...

    def begin_audit(self, *, user: str, action: str, detail: str = "started") -> int:
        """Write the audit row of an admin action as it starts (so an interrupted one still shows)."""
        ...

    def end_audit(self, audit_id: int, detail: str) -> None:
        """Complete that row with how the action ended."""
        ...

    def current_store(self) -> StoreRecord | None: ...

    def set_current_store(self, path: str, generation: int, sha256: str | None = None) -> None: ...

    def next_generation(self, at_least: int) -> int:
        """A generation number nobody sharing this state was given before, and at least `at_least`."""
        ...

    def feedback_totals(self) -> dict[str, tuple[int, int]]:
        """fact_id → (👍 count, 👎 count), one vote per user per fact."""
        ...

    def shares(self) -> list[tuple[str, str, str]]:
        """(user, channel, fact_id) of every share, oldest first."""
        ...

    def audit_log(self, limit: int = 50) -> list[AuditEntry]:
        """The newest audit entries first."""
        ...

    def close(self) -> None: ...
