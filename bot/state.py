"""State that outlives store reloads: feedback votes, shares, the admin audit log, which store
generation is live, and the Slack events and actions being answered or answered already.

    state = SqliteState(Path("data/state.db"))
    if state.claim("event:Ev123", lease=30):   # True for one delivery at a time, until settled
        post_the_answer()
        state.settle("event:Ev123")            # only now: a failed post is released instead
    state.vote(user="U1", fact_id="f1", vote=1, press="1700.1", query="…", generation=3)

`StateStore` is the interface the bot uses; `SqliteState` is the single-process backend. A shared
backend (e.g. PostgreSQL, for several replicas) implements the same protocol: every method is one
short transaction, `claim` must be atomic across processes (one INSERT … ON CONFLICT DO UPDATE …
WHERE), and `current_store` lets replicas follow a reload done by another one.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from .settings import Settings

SEEN_EVENTS_TTL = 24 * 3600  # Slack retries within minutes; a day of event ids is plenty
# How long one delivery may take to post its answer before another delivery may try: far longer
# than an answer takes, shorter than Slack's second retry (about a minute after the first).
CLAIM_LEASE = 30.0


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


class StateUnavailable(Exception):
    """The state database could not be reached, or every connection to it stayed busy."""


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


class StateStore(Protocol):
    """The bot's durable state. Implementations must be safe to call from many threads."""

    def claim(self, key: str, lease: float = CLAIM_LEASE) -> bool:
        """True if the caller may do the work `key` names (answer an event, post a share): nobody
        settled it, and nobody else holds an unexpired lease on it. The lease lasts `lease` s."""
        ...

    def settle(self, key: str) -> None:
        """The work is done: every later claim of `key` is refused."""
        ...

    def release(self, key: str) -> None:
        """The work failed: the next claim of `key` (Slack's retry) may try again at once."""
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


_SCHEMA = """
-- seen_events and feedback (the tables before claims and votes) are left alone in old files.
CREATE TABLE IF NOT EXISTS shares (
    id INTEGER PRIMARY KEY, at REAL NOT NULL, user TEXT NOT NULL, channel TEXT NOT NULL,
    fact_id TEXT NOT NULL, generation INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY, at REAL NOT NULL, user TEXT NOT NULL, action TEXT NOT NULL,
    allowed INTEGER NOT NULL, detail TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS live_store (
    id INTEGER PRIMARY KEY CHECK (id = 1), path TEXT NOT NULL, generation INTEGER NOT NULL, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS claims (
    key TEXT PRIMARY KEY, until REAL NOT NULL, done INTEGER NOT NULL DEFAULT 0, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS votes (
    user TEXT NOT NULL, fact_id TEXT NOT NULL, vote INTEGER NOT NULL CHECK (vote IN (-1, 0, 1)),
    press TEXT NOT NULL, query TEXT NOT NULL, generation INTEGER NOT NULL, at REAL NOT NULL,
    PRIMARY KEY (user, fact_id));
"""


class SqliteState:
    """StateStore in one SQLite file (WAL), a connection per thread."""

    shares_store_files = False  # one process on one disk: the store file is already there

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        with self._conn() as db:
            db.executescript(_SCHEMA)

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA busy_timeout=10000")
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def claim(self, key: str, lease: float = CLAIM_LEASE) -> bool:
        now = time.time()
        db = self._conn()
        # One statement, so SQLite's write lock makes it atomic: a new key, or an unsettled one
        # whose lease ran out (the delivery holding it crashed or hung).
        cur = db.execute(
            "INSERT INTO claims (key, until, done, at) VALUES (?, ?, 0, ?) "
            "ON CONFLICT (key) DO UPDATE SET until = excluded.until, at = excluded.at "
            "WHERE claims.done = 0 AND claims.until <= excluded.at",
            (key, now + lease, now),
        )
        if cur.rowcount and hash(key) % 100 == 0:  # now and then, forget old keys
            db.execute("DELETE FROM claims WHERE at < ?", (now - SEEN_EVENTS_TTL,))
        return cur.rowcount == 1

    def settle(self, key: str) -> None:
        self._conn().execute("UPDATE claims SET done = 1 WHERE key = ?", (key,))

    def release(self, key: str) -> None:
        self._conn().execute("DELETE FROM claims WHERE key = ? AND done = 0", (key,))

    def vote(
        self, *, user: str, fact_id: str, vote: int, press: str, query: str, generation: int
    ) -> VoteOutcome:
        db = self._conn()
        db.execute("BEGIN IMMEDIATE")  # read and write under one lock: two presses at once stay two
        try:
            row = db.execute(
                "SELECT vote, press FROM votes WHERE user = ? AND fact_id = ?", (user, fact_id)
            ).fetchone()
            outcome = next_vote(row[0] if row else None, row[1] if row else None, vote, press)
            if outcome.change != "unchanged":
                db.execute(
                    "INSERT INTO votes (user, fact_id, vote, press, query, generation, at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user, fact_id) DO UPDATE SET "
                    "vote = excluded.vote, press = excluded.press, query = excluded.query, "
                    "generation = excluded.generation, at = excluded.at",
                    (user, fact_id, outcome.vote, press, query, generation, time.time()),
                )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return outcome

    def record_share(self, *, user: str, channel: str, fact_id: str, generation: int) -> None:
        self._conn().execute(
            "INSERT INTO shares (at, user, channel, fact_id, generation) VALUES (?, ?, ?, ?, ?)",
            (time.time(), user, channel, fact_id, generation),
        )

    def audit(self, *, user: str, action: str, allowed: bool, detail: str = "") -> None:
        self._conn().execute(
            "INSERT INTO audit (at, user, action, allowed, detail) VALUES (?, ?, ?, ?, ?)",
            (time.time(), user, action, int(allowed), detail),
        )

    def publish_store_file(self, sha256: str, generation: int, chunks: Iterable[bytes]) -> None:
        raise NotImplementedError("a SQLite state is one process's: it does not carry store files")

    def store_file_chunks(self, sha256: str) -> Iterator[bytes]:
        raise KeyError(sha256)

    def prune_store_files(self, keep: set[str]) -> None:
        return None

    def begin_audit(self, *, user: str, action: str, detail: str = "started") -> int:
        cur = self._conn().execute(
            "INSERT INTO audit (at, user, action, allowed, detail) VALUES (?, ?, ?, 1, ?)",
            (time.time(), user, action, detail),
        )
        return int(cur.lastrowid or 0)

    def end_audit(self, audit_id: int, detail: str) -> None:
        self._conn().execute("UPDATE audit SET detail = ? WHERE id = ?", (detail, audit_id))

    def current_store(self) -> StoreRecord | None:
        row = self._conn().execute("SELECT path, generation, at FROM live_store WHERE id = 1").fetchone()
        return StoreRecord(*row) if row else None

    def set_current_store(self, path: str, generation: int, sha256: str | None = None) -> None:
        # one disk: the path is enough (the SHA-256 matters to replicas fetching the file)
        self._conn().execute(
            "INSERT INTO live_store (id, path, generation, at) VALUES (1, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET path = excluded.path, generation = excluded.generation, at = excluded.at",
            (path, generation, time.time()),
        )

    def feedback_totals(self) -> dict[str, tuple[int, int]]:
        rows = (
            self._conn()
            .execute(
                "SELECT fact_id, SUM(vote = 1), SUM(vote = -1) FROM votes WHERE vote != 0 GROUP BY fact_id"
            )
            .fetchall()
        )
        return {fact_id: (up, down) for fact_id, up, down in rows}

    def shares(self) -> list[tuple[str, str, str]]:
        return list(self._conn().execute("SELECT user, channel, fact_id FROM shares ORDER BY id").fetchall())

    def audit_log(self, limit: int = 50) -> list[AuditEntry]:
        rows = (
            self._conn()
            .execute("SELECT at, user, action, allowed, detail FROM audit ORDER BY id DESC LIMIT ?", (limit,))
            .fetchall()
        )
        return [
            AuditEntry(at, user, action, bool(allowed), detail) for at, user, action, allowed, detail in rows
        ]

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()


def open_state(settings: Settings) -> StateStore:
    """The state store the settings call for: PostgreSQL with FACTBOT_STATE_DSN, else SQLite at
    settings.state_path."""
    if settings.state_dsn is not None:
        # Imported here: bot.state_pg imports this module, and psycopg is an extra (factbot[postgres]).
        try:
            from .state_pg import PostgresState
        except ImportError as e:
            raise StateUnavailable(
                "FACTBOT_STATE_DSN is set but PostgreSQL support is not installed: pip install 'factbot[postgres]'"
            ) from e

        return PostgresState(settings.state_dsn.get_secret_value())
    return SqliteState(settings.state_path)
