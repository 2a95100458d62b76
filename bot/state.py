"""State that outlives store reloads: feedback votes, shares, the admin audit log, which store
generation is live, and the Slack event ids already answered.

    state = SqliteState(Path("data/state.db"))
    state.first_delivery("Ev123")   # True once, False for every retry of the same event

`StateStore` is the interface the bot uses; `SqliteState` is the single-process backend. A shared
backend (e.g. PostgreSQL, for several replicas) implements the same protocol: every method is one
short transaction, `first_delivery` must be atomic across processes (INSERT … ON CONFLICT DO
NOTHING), and `current_store` lets replicas follow a reload done by another one.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .settings import Settings

SEEN_EVENTS_TTL = 24 * 3600  # Slack retries within minutes; a day of event ids is plenty


class StateUnavailable(Exception):
    """The state database could not be reached, or every connection to it stayed busy."""


@dataclass(frozen=True)
class StoreRecord:
    """Which store file is live, and its generation."""

    path: str
    generation: int
    at: float


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

    def first_delivery(self, event_id: str) -> bool:
        """True the first time `event_id` is seen, False for any later delivery of it."""
        ...

    def record_feedback(self, *, user: str, fact_id: str, vote: int, query: str, generation: int) -> None: ...

    def record_share(self, *, user: str, channel: str, fact_id: str, generation: int) -> None: ...

    def audit(self, *, user: str, action: str, allowed: bool, detail: str = "") -> None: ...

    def begin_audit(self, *, user: str, action: str, detail: str = "started") -> int:
        """Write the audit row of an admin action as it starts (so an interrupted one still shows)."""
        ...

    def end_audit(self, audit_id: int, detail: str) -> None:
        """Complete that row with how the action ended."""
        ...

    def current_store(self) -> StoreRecord | None: ...

    def set_current_store(self, path: str, generation: int) -> None: ...

    def feedback_totals(self) -> dict[str, tuple[int, int]]:
        """fact_id → (👍 count, 👎 count)."""
        ...

    def shares(self) -> list[tuple[str, str, str]]:
        """(user, channel, fact_id) of every share, oldest first."""
        ...

    def audit_log(self, limit: int = 50) -> list[AuditEntry]:
        """The newest audit entries first."""
        ...

    def close(self) -> None: ...


_SCHEMA = """
CREATE TABLE IF NOT EXISTS seen_events (event_id TEXT PRIMARY KEY, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY, at REAL NOT NULL, user TEXT NOT NULL, fact_id TEXT NOT NULL,
    vote INTEGER NOT NULL CHECK (vote IN (-1, 1)), query TEXT NOT NULL, generation INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS shares (
    id INTEGER PRIMARY KEY, at REAL NOT NULL, user TEXT NOT NULL, channel TEXT NOT NULL,
    fact_id TEXT NOT NULL, generation INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY, at REAL NOT NULL, user TEXT NOT NULL, action TEXT NOT NULL,
    allowed INTEGER NOT NULL, detail TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS live_store (
    id INTEGER PRIMARY KEY CHECK (id = 1), path TEXT NOT NULL, generation INTEGER NOT NULL, at REAL NOT NULL);
"""


class SqliteState:
    """StateStore in one SQLite file (WAL), a connection per thread."""

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

    def first_delivery(self, event_id: str) -> bool:
        now = time.time()
        db = self._conn()
        cur = db.execute("INSERT OR IGNORE INTO seen_events (event_id, at) VALUES (?, ?)", (event_id, now))
        if cur.rowcount and hash(event_id) % 100 == 0:  # now and then, forget old ids
            db.execute("DELETE FROM seen_events WHERE at < ?", (now - SEEN_EVENTS_TTL,))
        return cur.rowcount == 1

    def record_feedback(self, *, user: str, fact_id: str, vote: int, query: str, generation: int) -> None:
        self._conn().execute(
            "INSERT INTO feedback (at, user, fact_id, vote, query, generation) VALUES (?, ?, ?, ?, ?, ?)",
            (time.time(), user, fact_id, 1 if vote > 0 else -1, query, generation),
        )

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

    def set_current_store(self, path: str, generation: int) -> None:
        self._conn().execute(
            "INSERT INTO live_store (id, path, generation, at) VALUES (1, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET path = excluded.path, generation = excluded.generation, at = excluded.at",
            (path, generation, time.time()),
        )

    def feedback_totals(self) -> dict[str, tuple[int, int]]:
        rows = (
            self._conn()
            .execute("SELECT fact_id, SUM(vote = 1), SUM(vote = -1) FROM feedback GROUP BY fact_id")
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
