"""The state store in PostgreSQL, for more than one replica.

    state = PostgresState("postgresql://factbot@db.internal/factbot")   # FACTBOT_STATE_DSN
    state.claim("event:Ev123")      # True on one replica at a time, until settled or the lease ends
    state.current_store()           # the generation a reload on any replica published

Implements `bot.state.base.StateStore` with the same tables and meaning as `SqliteState`. Every
method is one statement in autocommit mode (a vote: one short transaction), so each is its own
short transaction; a claim is one `INSERT … ON CONFLICT DO UPDATE … WHERE`, atomic across every
process sharing the database.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import psycopg
from psycopg import pq

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

# Any constant shared by every replica: serialises schema creation when several start at once
# (concurrent CREATE TABLE IF NOT EXISTS can still collide in PostgreSQL's catalogs).
_SCHEMA_LOCK = 0x66616374  # "fact"

_SCHEMA = [
    # store files published for replicas without a shared disk: the bytes in chunks, by SHA-256
    """CREATE TABLE IF NOT EXISTS store_files (
        sha256 text PRIMARY KEY,
        generation bigint NOT NULL,
        size bigint NOT NULL,
        complete boolean NOT NULL DEFAULT false,
        at timestamptz NOT NULL DEFAULT now())""",
    """CREATE TABLE IF NOT EXISTS store_chunks (
        sha256 text NOT NULL REFERENCES store_files (sha256) ON DELETE CASCADE,
        seq integer NOT NULL,
        data bytea NOT NULL,
        PRIMARY KEY (sha256, seq))""",
    """CREATE TABLE IF NOT EXISTS shares (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        user_id text NOT NULL,
        channel text NOT NULL,
        fact_id text NOT NULL,
        generation bigint NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS audit (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        user_id text NOT NULL,
        action text NOT NULL,
        allowed boolean NOT NULL,
        detail text NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS live_store (
        id smallint PRIMARY KEY CHECK (id = 1),
        path text NOT NULL,
        generation bigint NOT NULL,
        at timestamptz NOT NULL DEFAULT now())""",
    "ALTER TABLE live_store ADD COLUMN IF NOT EXISTS sha256 text",
    # seen_events and feedback (the tables before claims and votes) are left alone in old databases.
    """CREATE TABLE IF NOT EXISTS claims (
        key text PRIMARY KEY,
        until timestamptz NOT NULL,
        done boolean NOT NULL DEFAULT false,
        at timestamptz NOT NULL DEFAULT now())""",
    "CREATE INDEX IF NOT EXISTS claims_at ON claims (at)",
    "ALTER TABLE claims ADD COLUMN IF NOT EXISTS owner text",
    "ALTER TABLE claims ADD COLUMN IF NOT EXISTS attempts integer NOT NULL DEFAULT 1",
    "ALTER TABLE claims ADD COLUMN IF NOT EXISTS payload text",
    # who is alive: a claim whose owner stopped writing here may be taken at once
    """CREATE TABLE IF NOT EXISTS processes (
        owner text PRIMARY KEY,
        heartbeat timestamptz NOT NULL)""",
    # the one source of generation numbers for every replica
    """CREATE TABLE IF NOT EXISTS counters (
        name text PRIMARY KEY,
        value bigint NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS votes (
        user_id text NOT NULL,
        fact_id text NOT NULL,
        vote smallint NOT NULL CHECK (vote IN (-1, 0, 1)),
        press text NOT NULL,
        query text NOT NULL,
        generation bigint NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, fact_id))""",
]

# Old event ids are pruned by roughly one insert in this many, so no replica needs a timer.
_PRUNE_ONE_IN = 100


class _Pool:
    """A few reusable connections, at most `max_size` at once; broken ones are replaced."""

    def __init__(self, dsn: str, *, max_size: int, wait: float, check_idle_after: float) -> None:
        self._dsn = dsn
        self._wait = wait
        self._check_idle_after = check_idle_after
        self._slots = threading.BoundedSemaphore(max_size)
        self._idle: list[tuple[psycopg.Connection, float]] = []
        self._lock = threading.Lock()
        self._closed = False
        # one line when PostgreSQL goes away and one when it is back, not a traceback per request
        self.outage = OutageLog(log, "the state database (PostgreSQL)")

    def _connect(self) -> psycopg.Connection:
        try:
            conn = psycopg.connect(self._dsn, autocommit=True, connect_timeout=5, application_name="factbot")
        except psycopg.OperationalError as e:
            # libpq's message names host and port, never the password.
            raise StateUnavailable(f"cannot connect to the state database: {str(e).strip()}") from e
        # Slack waits 3 s for an acknowledgement: a statement stuck longer must fail, not hang.
        conn.execute("SET statement_timeout = '5s'")
        return conn

    def _checkout(self) -> psycopg.Connection:
        with self._lock:
            if self._closed:
                raise StateUnavailable("the state store is closed")
            conn, since = self._idle.pop() if self._idle else (None, 0.0)
        if conn is not None and not conn.closed and time.monotonic() - since >= self._check_idle_after:
            # A connection idle for a while may have been cut (server restart, failover, idle
            # timeout in a proxy): find out now, while a retry is still harmless.
            try:
                conn.execute("SELECT 1")
            except psycopg.Error:
                conn.close()
        if conn is None or conn.closed:
            conn = self._connect()
        return conn

    def _checkin(self, conn: psycopg.Connection) -> None:
        reusable = (
            not conn.closed and not conn.broken and conn.info.transaction_status == pq.TransactionStatus.IDLE
        )
        with self._lock:
            if reusable and not self._closed:
                self._idle.append((conn, time.monotonic()))
                return
        conn.close()

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        try:
            with self._connection() as conn:
                yield conn
        except StateUnavailable as e:
            if not self._closed:
                self.outage.failed(str(e))
            raise
        self.outage.succeeded()

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection]:
        if not self._slots.acquire(timeout=self._wait):
            raise StateUnavailable(f"no state database connection free within {self._wait:.0f}s")
        try:
            conn = self._checkout()
            try:
                yield conn
            except psycopg.OperationalError as e:
                conn.close()
                raise StateUnavailable(f"the state database failed: {str(e).strip()}") from e
            except psycopg.Error:
                self._checkin(conn)  # an SQL error leaves an autocommit connection usable
                raise
            except BaseException:
                conn.close()
                raise
            else:
                self._checkin(conn)
        finally:
            self._slots.release()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn, _ in idle:
            conn.close()


class PostgresState:
    """StateStore in PostgreSQL: one database shared by every replica of the bot.

    `max_connections` bounds this process's connections; callers beyond it wait up to
    `wait` seconds. Safe to call from many threads.
    """

    def __init__(
        self,
        dsn: str,
        *,
        max_connections: int = 8,
        wait: float = 5.0,
        check_idle_after: float = 2.0,
        heartbeat: bool = True,
    ) -> None:
        self._pool = _Pool(dsn, max_size=max_connections, wait=wait, check_idle_after=check_idle_after)
        self.owner = this_owner()
        with self._pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
            for statement in _SCHEMA:
                conn.execute(statement)
        self._forget_dead_processes()
        self.heartbeat()
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None
        if heartbeat:
            self._beat = threading.Thread(target=self._beat_loop, name="state-heartbeat", daemon=True)
            self._beat.start()

    def _beat_loop(self) -> None:
        while not self._stop.wait(HEARTBEAT_INTERVAL):
            try:
                self.heartbeat()
            except StateUnavailable:  # the outage log has said so
                pass

    def heartbeat(self) -> None:
        """Say this process is alive: its claims stay its own."""
        with self._pool.connection() as conn:
            conn.execute(
                "INSERT INTO processes (owner, heartbeat) VALUES (%s, now()) "
                "ON CONFLICT (owner) DO UPDATE SET heartbeat = now()",
                (self.owner,),
            )
            if random.randrange(_PRUNE_ONE_IN) == 0:
                conn.execute("DELETE FROM processes WHERE heartbeat < now() - interval '1 day'")

    def _forget_dead_processes(self) -> None:
        with self._pool.connection() as conn:
            owners = [row[0] for row in conn.execute("SELECT owner FROM processes").fetchall()]
            dead = [owner for owner in owners if owner_is_dead_here(owner)]
            if dead:
                conn.execute("DELETE FROM processes WHERE owner = ANY(%s)", (dead,))

    def claim(self, key: str, lease: float = CLAIM_LEASE, payload: str | None = None) -> Claim | None:
        """A Claim on one replica at a time for `key`: a new key, or an unsettled one whose lease
        ran out or whose owner stopped its heartbeat."""
        claim = self._claim(key, lease, payload)
        if claim is None:
            with self._pool.connection() as conn:
                row = conn.execute("SELECT owner, done FROM claims WHERE key = %s", (key,)).fetchone()
            if row and not row[1] and row[0] and owner_is_dead_here(row[0]):
                with self._pool.connection() as conn:
                    conn.execute("DELETE FROM processes WHERE owner = %s", (row[0],))
                claim = self._claim(key, lease, payload)
        return claim

    def _claim(self, key: str, lease: float, payload: str | None) -> Claim | None:
        with self._pool.connection() as conn:
            row = conn.execute(
                "INSERT INTO claims (key, until, owner, attempts, payload) "
                "VALUES (%s, now() + make_interval(secs => %s), %s, 1, %s) "
                "ON CONFLICT (key) DO UPDATE SET until = excluded.until, at = now(), "
                "owner = excluded.owner, attempts = claims.attempts + 1, "
                "payload = coalesce(excluded.payload, claims.payload) "
                "WHERE NOT claims.done AND (claims.until <= now() OR claims.owner IS NULL "
                "OR claims.owner NOT IN (SELECT owner FROM processes "
                "WHERE heartbeat > now() - make_interval(secs => %s))) "
                "RETURNING attempts, payload",
                (key, lease, self.owner, payload, OWNER_STALE_AFTER),
            ).fetchone()
            if row and random.randrange(_PRUNE_ONE_IN) == 0:
                conn.execute(
                    "DELETE FROM claims WHERE done AND at < now() - make_interval(secs => %s)",
                    (SEEN_EVENTS_TTL,),
                )
        return Claim(key, int(row[0]), row[1]) if row else None

    def settle(self, key: str) -> None:
        """The work `key` names is done: later claims of it are refused on every replica."""
        with self._pool.connection() as conn:
            conn.execute("UPDATE claims SET done = true, payload = NULL WHERE key = %s", (key,))

    def release(self, key: str) -> None:
        """The work failed: the next claim of `key` may try again at once."""
        with self._pool.connection() as conn:
            conn.execute("DELETE FROM claims WHERE key = %s AND NOT done", (key,))

    def defer(self, key: str, seconds: float) -> None:
        """The work failed for now: whoever claims it after `seconds` tries again."""
        with self._pool.connection() as conn:
            conn.execute(
                "UPDATE claims SET until = now() + make_interval(secs => %s) WHERE key = %s AND NOT done",
                (seconds, key),
            )

    def pending(self, limit: int = 50) -> list[str]:
        """Unsettled events whose owner died or whose lease ran out, oldest first."""
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT key, owner, (until <= now() OR owner IS NULL OR owner NOT IN (SELECT owner "
                "FROM processes WHERE heartbeat > now() - make_interval(secs => %s))) FROM claims "
                "WHERE NOT done AND payload IS NOT NULL ORDER BY at LIMIT %s",
                (OWNER_STALE_AFTER, limit * 4),
            ).fetchall()
        return [key for key, owner, takeable in rows if takeable or owner_is_dead_here(owner)][:limit]

    def next_generation(self, at_least: int) -> int:
        """The next generation number for every replica: never one handed out before."""
        with self._pool.connection() as conn:
            row = conn.execute(
                "INSERT INTO counters (name, value) VALUES ('generation', %s) ON CONFLICT (name) DO UPDATE "
                "SET value = greatest(counters.value + 1, excluded.value) RETURNING value",
                (at_least,),
            ).fetchone()
        assert row is not None
        return int(row[0])

    def vote(
        self, *, user: str, fact_id: str, vote: int, press: str, query: str, generation: int
    ) -> VoteOutcome:
        """Apply one 👍/👎 press (bot.state.next_vote), one vote per user per fact on every replica."""
        with self._pool.connection() as conn, conn.transaction():
            # The row exists before it is locked, so two first presses at once still queue on it.
            conn.execute(
                "INSERT INTO votes (user_id, fact_id, vote, press, query, generation) "
                "VALUES (%s, %s, 0, '', %s, %s) ON CONFLICT DO NOTHING",
                (user, fact_id, query, generation),
            )
            current, last_press = conn.execute(
                "SELECT vote, press FROM votes WHERE user_id = %s AND fact_id = %s FOR UPDATE",
                (user, fact_id),
            ).fetchone()
            outcome = next_vote(current, last_press or None, vote, press)
            if outcome.change != "unchanged":
                conn.execute(
                    "UPDATE votes SET vote = %s, press = %s, query = %s, generation = %s, at = now() "
                    "WHERE user_id = %s AND fact_id = %s",
                    (outcome.vote, press, query, generation, user, fact_id),
                )
        return outcome

    def record_share(self, *, user: str, channel: str, fact_id: str, generation: int) -> None:
        """Store that `user` shared a fact into `channel`."""
        with self._pool.connection() as conn:
            conn.execute(
                "INSERT INTO shares (user_id, channel, fact_id, generation) VALUES (%s, %s, %s, %s)",
                (user, channel, fact_id, generation),
            )

    def audit(self, *, user: str, action: str, allowed: bool, detail: str = "") -> None:
        """Append one admin command attempt to the audit log."""
        with self._pool.connection() as conn:
            conn.execute(
                "INSERT INTO audit (user_id, action, allowed, detail) VALUES (%s, %s, %s, %s)",
                (user, action, allowed, detail),
            )

    def begin_audit(self, *, user: str, action: str, detail: str = "started") -> int:
        """Write the audit row of an admin action that is starting; return its id for end_audit."""
        with self._pool.connection() as conn:
            row = conn.execute(
                "INSERT INTO audit (user_id, action, allowed, detail) VALUES (%s, %s, true, %s) RETURNING id",
                (user, action, detail),
            ).fetchone()
        assert row is not None
        return int(row[0])

    def end_audit(self, audit_id: int, detail: str) -> None:
        """Complete the audit row begin_audit wrote with how the action ended."""
        with self._pool.connection() as conn:
            conn.execute("UPDATE audit SET detail = %s WHERE id = %s", (detail, audit_id))

    shares_store_files = True  # replicas may share no disk: a reload publishes the file here

    def current_store(self) -> StoreRecord | None:
        """The store file and generation the last reload on any replica published, if any."""
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT path, generation, extract(epoch FROM at)::float8, sha256 FROM live_store WHERE id = 1"
            ).fetchone()
        return StoreRecord(*row) if row else None

    def set_current_store(self, path: str, generation: int, sha256: str | None = None) -> None:
        """Publish `path` as the live store; every replica polling current_store() follows it."""
        with self._pool.connection() as conn:
            conn.execute(
                "INSERT INTO live_store (id, path, generation, at, sha256) VALUES (1, %s, %s, now(), %s) "
                "ON CONFLICT (id) DO UPDATE SET path = excluded.path, generation = excluded.generation, "
                "at = excluded.at, sha256 = excluded.sha256",
                (path, generation, sha256),
            )
            conn.execute(
                "INSERT INTO counters (name, value) VALUES ('generation', %s) ON CONFLICT (name) DO UPDATE "
                "SET value = greatest(counters.value, excluded.value)",
                (generation,),
            )

    def publish_store_file(self, sha256: str, generation: int, chunks: Iterable[bytes]) -> None:
        """Keep a store file's bytes under its SHA-256, in chunked rows (one transaction per chunk, so
        no single statement holds the whole file); marked complete only once every chunk is in."""
        with self._pool.connection() as conn:
            row = conn.execute("SELECT complete FROM store_files WHERE sha256 = %s", (sha256,)).fetchone()
            if row and row[0]:
                return
            conn.execute("DELETE FROM store_files WHERE sha256 = %s", (sha256,))  # a half-published one
            conn.execute(
                "INSERT INTO store_files (sha256, generation, size) VALUES (%s, %s, 0)", (sha256, generation)
            )
            size = 0
            for seq, chunk in enumerate(chunks):
                conn.execute(
                    "INSERT INTO store_chunks (sha256, seq, data) VALUES (%s, %s, %s)", (sha256, seq, chunk)
                )
                size += len(chunk)
            conn.execute(
                "UPDATE store_files SET complete = true, size = %s WHERE sha256 = %s", (size, sha256)
            )

    def store_file_chunks(self, sha256: str) -> Iterator[bytes]:
        """The bytes of a published store file, chunk by chunk (KeyError if it is not complete)."""
        with self._pool.connection() as conn:
            row = conn.execute("SELECT complete FROM store_files WHERE sha256 = %s", (sha256,)).fetchone()
            if not row or not row[0]:
                raise KeyError(sha256)
            seq = 0
            while True:
                chunk = conn.execute(
                    "SELECT data FROM store_chunks WHERE sha256 = %s AND seq = %s", (sha256, seq)
                ).fetchone()
                if chunk is None:
                    return
                yield bytes(chunk[0])
                seq += 1

    def prune_store_files(self, keep: set[str]) -> None:
        """Forget published store files other than `keep`."""
        with self._pool.connection() as conn:
            conn.execute("DELETE FROM store_files WHERE NOT (sha256 = ANY(%s))", (sorted(keep),))

    def feedback_totals(self) -> dict[str, tuple[int, int]]:
        """fact_id → (👍 count, 👎 count)."""
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT fact_id, count(*) FILTER (WHERE vote = 1), count(*) FILTER (WHERE vote = -1) "
                "FROM votes WHERE vote != 0 GROUP BY fact_id"
            ).fetchall()
        return {fact_id: (up, down) for fact_id, up, down in rows}

    def shares(self) -> list[tuple[str, str, str]]:
        """(user, channel, fact_id) of every share, oldest first."""
        with self._pool.connection() as conn:
            rows = conn.execute("SELECT user_id, channel, fact_id FROM shares ORDER BY id").fetchall()
        return [tuple(row) for row in rows]

    def audit_log(self, limit: int = 50) -> list[AuditEntry]:
        """The newest audit entries first."""
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT extract(epoch FROM at)::float8, user_id, action, allowed, detail "
                "FROM audit ORDER BY id DESC LIMIT %s",
                (limit,),
            ).fetchall()
        return [AuditEntry(*row) for row in rows]

    def close(self) -> None:
        """Close every connection; later calls raise StateUnavailable."""
        self._stop.set()
        if self._beat is not None:
            self._beat.join(timeout=10)
        self._pool.close()
