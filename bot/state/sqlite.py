"""The state store in one SQLite file (WAL), for one process on one disk.

    state = SqliteState(Path("data/state.db"))
    if claim := state.claim("event:Ev123", payload=event_json):   # one delivery at a time
        post_the_answer()
        state.settle("event:Ev123")            # only now: a failed post is deferred instead
    state.vote(user="U1", fact_id="f1", vote=1, press="1700.1", query="…", generation=3)

Tables and upserts go through sqlite-utils; the claim stays one hand-written
`INSERT … ON CONFLICT DO UPDATE … WHERE … RETURNING`, because its condition (unsettled, and its
lease ran out or its owner died) is what makes it atomic and sqlite-utils' upsert has no WHERE.
"""

from __future__ import annotations

import functools
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import sqlite_utils

from .base import (
    CLAIM_LEASE,
    HEARTBEAT_INTERVAL,
    OWNER_STALE_AFTER,
    SEEN_EVENTS_TTL,
    AuditEntry,
    Claim,
    OutageLog,
    StateUnavailable,
    StoreRecord,
    VoteOutcome,
    next_vote,
    owner_is_dead_here,
    this_owner,
)

log = logging.getLogger("factbot.state")
F = TypeVar("F", bound=Callable[..., Any])


def _busy(method: F) -> F:
    """A state database another process keeps locked past the busy timeout is unavailable for
    now (StateUnavailable, logged once per outage), like an unreachable PostgreSQL."""

    @functools.wraps(method)
    def wrapper(self: SqliteState, *args: Any, **kwargs: Any) -> Any:
        try:
            result = method(self, *args, **kwargs)
        except sqlite3.OperationalError as e:
            self.outage.failed(str(e))
            raise StateUnavailable(f"the state database is busy: {e}") from e
        self.outage.succeeded()
        return result

    return wrapper  # type: ignore[return-value]


# seen_events and feedback (the tables before claims and votes) are left alone in old files.
_TABLES: dict[str, dict] = {
    "shares": dict(
        columns={"id": int, "at": float, "user": str, "channel": str, "fact_id": str, "generation": int},
        pk="id",
        not_null={"at", "user", "channel", "fact_id", "generation"},
    ),
    "audit": dict(
        columns={"id": int, "at": float, "user": str, "action": str, "allowed": int, "detail": str},
        pk="id",
        not_null={"at", "user", "action", "allowed", "detail"},
    ),
    "live_store": dict(
        columns={"id": int, "path": str, "generation": int, "at": float},
        pk="id",
        not_null={"path", "generation", "at"},
    ),  # fmt: skip
    "claims": dict(
        columns={
            "key": str,
            "until": float,
            "done": int,
            "at": float,
            "owner": str,
            "attempts": int,
            "payload": str,
        },  # fmt: skip
        pk="key",
        not_null={"until", "done", "at"},
        defaults={"done": 0, "attempts": 1},
    ),
    "votes": dict(
        columns={
            "user": str,
            "fact_id": str,
            "vote": int,
            "press": str,
            "query": str,
            "generation": int,
            "at": float,
        },  # fmt: skip
        pk=("user", "fact_id"),
        not_null={"user", "fact_id", "vote", "press", "query", "generation", "at"},
    ),
    # who is alive: a claim whose owner stopped writing here may be taken at once
    "processes": dict(columns={"owner": str, "heartbeat": float}, pk="owner", not_null={"heartbeat"}),
    # the one source of generation numbers for everything that shares this state
    "counters": dict(columns={"name": str, "value": int}, pk="name", not_null={"value"}),
}


class SqliteState:
    """StateStore in one SQLite file (WAL), a connection per thread."""

    shares_store_files = False  # one process on one disk: the store file is already there

    def __init__(self, path: Path, *, heartbeat: bool = True) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.owner = this_owner()
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False
        self.outage = OutageLog(log, f"the state database ({self.path.name})")
        db = self._db()
        with db.conn:
            for name, spec in _TABLES.items():
                table = db[name]
                if not table.exists():
                    table.create(**spec, if_not_exists=True)
                else:  # a file from before these columns
                    have = set(table.columns_dict)
                    for column, kind in spec["columns"].items():
                        if column not in have:
                            table.add_column(
                                column, kind, not_null_default=spec.get("defaults", {}).get(column)
                            )
            db.conn.execute("CREATE INDEX IF NOT EXISTS claims_pending ON claims (done, until)")
        self._forget_dead_processes()
        self.heartbeat()
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None
        if heartbeat:
            self._beat = threading.Thread(target=self._beat_loop, name="state-heartbeat", daemon=True)
            self._beat.start()

    def _conn(self) -> sqlite3.Connection:
        if self._closed:
            raise StateUnavailable("the state store is closed")
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            # Writers wait for each other up to 10 s; nothing waits on the state before an ack.
            conn.execute("PRAGMA busy_timeout=10000")
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def _db(self) -> sqlite_utils.Database:
        return sqlite_utils.Database(self._conn())

    def _beat_loop(self) -> None:
        while not self._stop.wait(HEARTBEAT_INTERVAL):
            try:
                self.heartbeat()
            except (sqlite3.Error, StateUnavailable):  # locked for a while: the next beat will do
                pass

    @_busy
    def heartbeat(self) -> None:
        self._db()["processes"].upsert({"owner": self.owner, "heartbeat": time.time()}, pk="owner")

    def _forget_dead_processes(self) -> None:
        db = self._conn()
        for (owner,) in db.execute("SELECT owner FROM processes").fetchall():
            if owner_is_dead_here(owner):
                db.execute("DELETE FROM processes WHERE owner = ?", (owner,))

    @_busy
    def claim(self, key: str, lease: float = CLAIM_LEASE, payload: str | None = None) -> Claim | None:
        claim = self._claim(key, lease, payload)
        if claim is None:
            # held by a process of this host that is gone (kill -9): no need to wait for its lease
            row = self._conn().execute("SELECT owner, done FROM claims WHERE key = ?", (key,)).fetchone()
            if row and not row[1] and row[0] and owner_is_dead_here(row[0]):
                self._conn().execute("DELETE FROM processes WHERE owner = ?", (row[0],))
                claim = self._claim(key, lease, payload)
        return claim

    def _claim(self, key: str, lease: float, payload: str | None) -> Claim | None:
        now = time.time()
        db = self._conn()
        # One statement, so SQLite's write lock makes it atomic: a new key, or an unsettled one
        # whose lease ran out or whose owner stopped its heartbeat (crashed, hung, killed).
        row = db.execute(
            "INSERT INTO claims (key, until, done, at, owner, attempts, payload) VALUES (?, ?, 0, ?, ?, 1, ?) "
            "ON CONFLICT (key) DO UPDATE SET until = excluded.until, at = excluded.at, "
            "owner = excluded.owner, attempts = claims.attempts + 1, "
            "payload = coalesce(excluded.payload, claims.payload) "
            "WHERE claims.done = 0 AND (claims.until <= excluded.at OR claims.owner NOT IN "
            "(SELECT owner FROM processes WHERE heartbeat > ?)) "
            "RETURNING attempts, payload",
            (key, now + lease, now, self.owner, payload, now - OWNER_STALE_AFTER),
        ).fetchone()
        if row and hash(key) % 100 == 0:  # now and then, forget old keys
            db.execute("DELETE FROM claims WHERE at < ? AND done = 1", (now - SEEN_EVENTS_TTL,))
        return Claim(key, row[0], row[1]) if row else None

    @_busy
    def settle(self, key: str) -> None:
        self._conn().execute("UPDATE claims SET done = 1, payload = NULL WHERE key = ?", (key,))

    @_busy
    def release(self, key: str) -> None:
        self._conn().execute("DELETE FROM claims WHERE key = ? AND done = 0", (key,))

    @_busy
    def defer(self, key: str, seconds: float) -> None:
        self._conn().execute(
            "UPDATE claims SET until = ? WHERE key = ? AND done = 0", (time.time() + seconds, key)
        )

    @_busy
    def pending(self, limit: int = 50) -> list[str]:
        now = time.time()
        rows = (
            self._conn()
            .execute(
                "SELECT key, owner, (until <= ? OR owner IS NULL OR owner NOT IN "
                "(SELECT owner FROM processes WHERE heartbeat > ?)) FROM claims "
                "WHERE done = 0 AND payload IS NOT NULL ORDER BY at LIMIT ?",
                (now, now - OWNER_STALE_AFTER, limit * 4),
            )
            .fetchall()
        )
        return [key for key, owner, takeable in rows if takeable or owner_is_dead_here(owner)][:limit]

    @_busy
    def vote(
        self, *, user: str, fact_id: str, vote: int, press: str, query: str, generation: int
    ) -> VoteOutcome:
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")  # read and write under one lock: two presses at once stay two
        try:
            row = conn.execute(
                "SELECT vote, press FROM votes WHERE user = ? AND fact_id = ?", (user, fact_id)
            ).fetchone()
            outcome = next_vote(row[0] if row else None, row[1] if row else None, vote, press)
            if outcome.change != "unchanged":
                conn.execute(
                    "INSERT INTO votes (user, fact_id, vote, press, query, generation, at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user, fact_id) DO UPDATE SET "
                    "vote = excluded.vote, press = excluded.press, query = excluded.query, "
                    "generation = excluded.generation, at = excluded.at",
                    (user, fact_id, outcome.vote, press, query, generation, time.time()),
                )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return outcome

    @_busy
    def record_share(self, *, user: str, channel: str, fact_id: str, generation: int) -> None:
        self._db()["shares"].insert(
            {
                "at": time.time(),
                "user": user,
                "channel": channel,
                "fact_id": fact_id,
                "generation": generation,
            }
        )

    def audit(self, *, user: str, action: str, allowed: bool, detail: str = "") -> None:
        self.begin_audit(user=user, action=action, detail=detail, allowed=allowed)

    def publish_store_file(self, sha256: str, generation: int, chunks: Iterable[bytes]) -> None:
        raise NotImplementedError("a SQLite state is one process's: it does not carry store files")

    def store_file_chunks(self, sha256: str) -> Iterator[bytes]:
        raise KeyError(sha256)

    def prune_store_files(self, keep: set[str]) -> None:
        return None

    @_busy
    def begin_audit(self, *, user: str, action: str, detail: str = "started", allowed: bool = True) -> int:
        table = self._db()["audit"].insert(
            {"at": time.time(), "user": user, "action": action, "allowed": int(allowed), "detail": detail}
        )
        return int(table.last_rowid or 0)

    @_busy
    def end_audit(self, audit_id: int, detail: str) -> None:
        self._db()["audit"].update(audit_id, {"detail": detail})

    @_busy
    def current_store(self) -> StoreRecord | None:
        row = self._conn().execute("SELECT path, generation, at FROM live_store WHERE id = 1").fetchone()
        return StoreRecord(*row) if row else None

    @_busy
    def set_current_store(self, path: str, generation: int, sha256: str | None = None) -> None:
        # one disk: the path is enough (the SHA-256 matters to replicas fetching the file)
        self._db()["live_store"].upsert(
            {"id": 1, "path": path, "generation": generation, "at": time.time()}, pk="id"
        )
        # never hand out a number that is live already
        self._conn().execute(
            "INSERT INTO counters (name, value) VALUES ('generation', ?) ON CONFLICT (name) DO UPDATE "
            "SET value = max(counters.value, excluded.value)",
            (generation,),
        )

    @_busy
    def next_generation(self, at_least: int) -> int:
        row = (
            self._conn()
            .execute(
                "INSERT INTO counters (name, value) VALUES ('generation', ?) ON CONFLICT (name) DO UPDATE "
                "SET value = max(counters.value + 1, excluded.value) RETURNING value",
                (at_least,),
            )
            .fetchone()
        )
        return int(row[0])

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
        self._closed = True
        self._stop.set()
        if self._beat is not None:
            self._beat.join(timeout=5)
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()
