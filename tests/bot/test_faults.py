"""When Slack, the state database or the disk misbehave (issue 16): every request acknowledged
within Slack's 3 s, every answer posted exactly once.

One test per row of the issue's table, each driving the real Bolt app over real HTTP on loopback
with signed requests — in this process (bot.app.build_app behind bot.serve.make_asgi, with the
executors production uses) or, where a process must die, as `factbot` runs in production
(benchmarks.load.ServerProcess). Slack's Web API is the product's stand-in
(bot.slack_standin), told to fail on purpose; the state is a real SQLite file or a real
PostgreSQL, stopped and started again. Every wait is bounded in count and time.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from benchmarks.load import ServerProcess
from bot.app import build_app, remember_identity
from bot.holder import StoreHolder
from bot.serve import make_asgi
from bot.settings import load_settings
from bot.slack_standin import Fault
from bot.state import open_state
from store import generations
from tests.slack_fakes import (
    BOT_TOKEN,
    SIGNING_SECRET,
    BotServer,
    FakeSlack,
    Response,
    all_text,
    block_actions,
    buttons,
    event,
    eventually,
    feedback,
    http,
    mention,
    signed_headers,
    slash,
)
from tests.slack_fixtures import ADMIN

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
ACK_LIMIT = 3.0  # Slack's: a request not acknowledged within it is an error the user sees


def _timed(send) -> tuple[Response, float]:
    started = time.monotonic()
    response = send()
    return response, time.monotonic() - started


def _post(url: str, body: str, content_type: str, **kwargs) -> tuple[Response, float]:
    headers = signed_headers(body, content_type=content_type, **kwargs)
    return _timed(lambda: http(f"{url}/slack/events", body, headers, timeout=10))


def _mention(url: str, n: int, *, retry: int | None = None) -> tuple[Response, float]:
    body = event(mention(f"Microsoft capex {n}", ts=f"1700001000.{n:06d}"), event_id=f"EvFault{n}")
    extra = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else None
    return _post(url, body, JSON, **({"extra": extra} if extra else {}))


def _answers_by_thread(slack: FakeSlack) -> Counter:
    """How many answers Slack took in each thread (HTTP 200 chat.postMessage), by thread_ts."""
    return Counter(
        c.body.get("thread_ts")
        for c in slack.of("chat.postMessage")
        if c.status == 200 and c.body.get("thread_ts")
    )


def _unsettled(state_path: Path) -> int:
    with sqlite3.connect(state_path) as db:
        return db.execute("SELECT count(*) FROM claims WHERE done = 0").fetchone()[0]


class LiveBot:
    """factbot in HTTP mode in this process, with production's executors (no test tracker)."""

    def __init__(self, settings, holder, state) -> None:
        self.settings, self.holder, self.state = settings, holder, state
        self.app = build_app(settings, holder, state)
        remember_identity(self.app, self.app.client.auth_test())  # as bot.serve does at start-up
        self.server = BotServer(make_asgi(self.app, holder, settings))
        self.url = self.server.url

    def close(self) -> None:
        self.server.close()
        self.app.outbox.close()


@pytest.fixture
def live(settings, holder, state, fake_slack):
    bot = LiveBot(settings, holder, state)
    yield bot
    bot.close()


def _ok_reply(slack: FakeSlack, method: str, body: dict) -> dict | str:
    # what the stand-in would have answered: a stall delays Slack's normal answer, it does not change it
    return slack.reply(method, body)


# --- Web API: 429, 500, stalls --------------------------------------------------------------------


def test_a_429_with_retry_after_then_200_is_answered_once(live, fake_slack):
    fake_slack.plan(
        "chat.postMessage",
        Fault(status=429, body={"ok": False, "error": "ratelimited"}, headers={"Retry-After": "1"}),
    )
    r, took = _mention(live.url, 1)
    assert r.status == 200 and took < ACK_LIMIT
    first, second = fake_slack.wait_for("chat.postMessage", 2, timeout=15)
    assert (first.status, second.status) == (429, 200)
    assert eventually(lambda: _unsettled(live.state.path) == 0)
    assert _answers_by_thread(fake_slack) == {"1700001000.000001": 1}


def test_a_500_on_every_first_post_still_answers_each_mention_once(live, fake_slack):
    seen: set[str] = set()
    lock = threading.Lock()

    def first_post_fails(method: str, body: dict) -> Fault | None:
        if method != "chat.postMessage":
            return None
        with lock:
            if body.get("thread_ts") in seen:
                return None
            seen.add(body.get("thread_ts"))
        return Fault()  # HTTP 500, as Slack answers when it is failing

    fake_slack.fault_hook = first_post_fails
    for n in range(5):
        r, took = _mention(live.url, n)
        assert r.status == 200 and took < ACK_LIMIT
    assert eventually(lambda: len(_answers_by_thread(fake_slack)) == 5, timeout=20)
    assert eventually(lambda: _unsettled(live.state.path) == 0)
    assert set(_answers_by_thread(fake_slack).values()) == {1}
    assert Counter(c.status for c in fake_slack.of("chat.postMessage")) == {500: 5, 200: 5}


def test_a_stalled_web_api_delays_answers_never_acks(live, fake_slack, holder):
    stall = threading.Event()
    stall.set()
    STALL = 4.0  # seconds each Web API call hangs before Slack answers as usual

    def stalled(method: str, body: dict) -> Fault | None:
        if stall.is_set() and method != "response_url":
            return Fault(status=200, body=_ok_reply(fake_slack, method, body), delay=STALL)
        return None

    fake_slack.fault_hook = stalled
    # more mentions than Bolt's old 10 listener threads, each waiting on the stalled Web API ...
    acks = [_mention(live.url, n) for n in range(12)]
    # ... then lookups and button presses, each of which needs a free listener thread to ack
    for text in ("Microsoft capex", "Meta 2024", "日日新"):
        command = {"Microsoft capex": "/fact", "Meta 2024": "/spend", "日日新": "/bench"}[text]
        body = slash(command, text, response_url=fake_slack.response_url("stall"))
        acks.append(_post(live.url, body, FORM))
    message = acks[12][0].json()
    press = block_actions(feedback(message), response_url=fake_slack.response_url("vote"))
    acks.append(_post(live.url, press, FORM))
    assert [r.status for r, _ in acks] == [200] * len(acks)
    assert max(took for _, took in acks) < ACK_LIMIT, [round(t, 2) for _, t in acks]
    stall.clear()  # Slack recovers: every mention is answered, once
    assert eventually(lambda: len(_answers_by_thread(fake_slack)) == 12, timeout=40)
    assert eventually(lambda: _unsettled(live.state.path) == 0, timeout=20)
    assert set(_answers_by_thread(fake_slack).values()) == {1}


# --- the state database -----------------------------------------------------------------------


LOCK_SECONDS = 5.0


def _hold_write_lock(path: Path, seconds: float) -> subprocess.Popen:
    """Another process that takes the state database's write lock and keeps it for `seconds`."""
    code = (
        "import sqlite3, sys, time\n"
        "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "db.execute('BEGIN IMMEDIATE')\n"
        'db.execute(\'INSERT INTO audit (at, user, action, allowed, detail) VALUES (0, "x", "lock", 1, "")\')\n'
        "print('locked', flush=True)\n"
        "time.sleep(float(sys.argv[2]))\n"
        "db.execute('ROLLBACK')\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


def test_a_state_database_locked_by_another_process_delays_answers_never_acks(live, fake_slack):
    r, _ = _post(live.url, slash("/fact", "Microsoft capex", response_url=fake_slack.response_url("a")), FORM)
    message = r.json()
    locker = _hold_write_lock(live.state.path, LOCK_SECONDS)
    try:
        acks = [_mention(live.url, n) for n in range(3)]
        acks += [
            _post(live.url, slash("/fact", "Meta capex", response_url=fake_slack.response_url("b")), FORM)
            for _ in range(3)
        ]
        acks.append(
            _post(live.url, block_actions(feedback(message), response_url=fake_slack.response_url("v")), FORM)
        )
        assert [r.status for r, _ in acks] == [200] * len(acks)
        assert max(took for _, took in acks) < ACK_LIMIT, [round(t, 2) for _, t in acks]
        assert locker.poll() is None, "the lock was held throughout"
    finally:
        locker.wait(timeout=LOCK_SECONDS + 10)
        assert locker.stdout is not None
        locker.stdout.close()
    # once the lock is gone: every mention answered once, the vote recorded once
    assert eventually(lambda: len(_answers_by_thread(fake_slack)) == 3, timeout=20)
    assert eventually(lambda: _unsettled(live.state.path) == 0, timeout=20)
    assert set(_answers_by_thread(fake_slack).values()) == {1}
    assert eventually(lambda: sum(up for up, _ in live.state.feedback_totals().values()) == 1, timeout=15)


# --- the bot killed ---------------------------------------------------------------------------


@pytest.fixture
def killable(tmp_path, seed_db, sources, fake_slack):
    """Start `factbot` (production's serve) as a process on a copy of the seed store; restartable."""
    db = tmp_path / "data" / "facts.db"
    db.parent.mkdir()
    shutil.copy(seed_db, db)
    started: list[ServerProcess] = []

    def start(name: str) -> ServerProcess:
        workdir = tmp_path / name
        workdir.mkdir()
        proc = ServerProcess(
            workdir=workdir, db=db, sources=sources, slack=fake_slack, lifetime=120,
            extra_env={
                "FACTBOT_STATE": str(tmp_path / "state.db"), "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "SLACK_BOT_TOKEN": BOT_TOKEN, "FACTBOT_ADMINS": ADMIN,
            },
        )  # fmt: skip
        started.append(proc)
        proc.wait_ready(timeout=60)
        return proc

    start.state_path = tmp_path / "state.db"  # type: ignore[attr-defined]
    start.db = db  # type: ignore[attr-defined]
    yield start
    for proc in started:
        if proc.proc.poll() is None:
            proc.proc.kill()
        proc.stop()


IN_FLIGHT = 20


def test_kill_9_with_mentions_in_flight_loses_none_and_doubles_none(killable, fake_slack):
    first = killable("first")
    gate = threading.Event()
    posts = Counter()
    lock = threading.Lock()

    def kill_on_the_sixth_post(method: str, body: dict) -> Fault | None:
        if method != "chat.postMessage" or first.proc.poll() is not None:
            return None
        gate.wait(timeout=30)  # every mention acknowledged before any answer is taken
        with lock:
            posts["n"] += 1
            if posts["n"] == 6:
                # Slack takes this answer, and the process dies before it can record that
                os.kill(first.proc.pid, signal.SIGKILL)
        return None

    fake_slack.fault_hook = kill_on_the_sixth_post
    acks = [_mention(first.url, n) for n in range(IN_FLIGHT)]
    assert [r.status for r, _ in acks] == [200] * IN_FLIGHT
    assert max(took for _, took in acks) < ACK_LIMIT
    gate.set()
    first.proc.wait(timeout=30)
    assert first.proc.returncode == -signal.SIGKILL
    answered_before = _answers_by_thread(fake_slack)
    assert 5 <= len(answered_before) < IN_FLIGHT  # some answered, the rest in flight
    fake_slack.fault_hook = None

    second = killable("second")
    # Slack redelivers half of them; the outbox answers the rest without being asked
    for n in range(0, IN_FLIGHT, 2):
        r, took = _mention(second.url, n, retry=1)
        assert r.status == 200 and took < ACK_LIMIT
    assert eventually(lambda: len(_answers_by_thread(fake_slack)) == IN_FLIGHT, timeout=60), second.log_tail()
    assert eventually(lambda: _unsettled(killable.state_path) == 0, timeout=30), second.log_tail()
    counts = _answers_by_thread(fake_slack)
    assert set(counts.values()) == {1}, {ts: c for ts, c in counts.items() if c != 1}
    # the one posted and never marked was found in its thread by its event id, not posted again
    assert fake_slack.of("conversations.replies")
    assert second.errors() == []


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found |= {int(c) for c in (task / "children").read_text().split()}
        except OSError:
            pass
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc to find the build process")
def test_kill_9_during_a_reload_takes_the_build_with_it(killable, fake_slack):
    first = killable("first")
    before = {p.name for p in killable.db.parent.iterdir()}
    body = slash("/factadmin", "reload --force", user=ADMIN, response_url=fake_slack.response_url("reload"))
    r, took = _post(first.url, body, FORM)
    assert r.status == 200 and took < ACK_LIMIT
    builder = eventually(lambda: _children(first.proc.pid), timeout=30)
    assert builder, "the reload started a build process"
    os.kill(first.proc.pid, signal.SIGKILL)
    first.proc.wait(timeout=10)
    # the kernel ends the build with its parent; nothing of it runs on
    assert eventually(lambda: not any(_alive(pid) for pid in builder), timeout=15), builder
    second = killable("second")
    health = http(f"{second.url}/healthz").json()
    assert health["ok"] and health["generation"] == 1
    time.sleep(2)  # what a surviving build would have renamed by now
    after = {p.name for p in killable.db.parent.iterdir() if not p.name.endswith(".building")}
    assert {n for n in after if generations.is_generation_file(killable.db.parent / n, killable.db)} <= before


@pytest.mark.skipif(not hasattr(__import__("resource"), "prlimit"), reason="needs resource.prlimit (Linux)")
def test_a_full_disk_during_a_reload_keeps_the_old_store_and_leaves_no_partial_files(killable, fake_slack):
    import resource

    bot = killable("first")
    before = sorted(p.name for p in killable.db.parent.iterdir())
    # From now on no file of the bot's (or of the build it starts) may grow past 512 KiB: writes
    # fail with EFBIG, as they fail with ENOSPC on a full disk. The store needs three times that.
    resource.prlimit(bot.proc.pid, resource.RLIMIT_FSIZE, (512 * 1024, 512 * 1024))
    body = slash("/factadmin", "reload --force", user=ADMIN, response_url=fake_slack.response_url("full"))
    r, took = _post(bot.url, body, FORM)
    assert r.status == 200 and took < ACK_LIMIT
    replies = eventually(
        lambda: [c for c in fake_slack.of("response_url") if c.path.endswith("/full")], timeout=90
    )
    assert replies and re.search(r"file too large|disk i/o error", all_text(replies[-1].body).lower()), [
        all_text(c.body) for c in replies
    ]
    health = http(f"{bot.url}/healthz").json()
    assert health["ok"] and health["generation"] == 1  # the old store serves
    r, _ = _lookup(bot.url, fake_slack)
    assert "Microsoft" in all_text(r.json())
    assert sorted(p.name for p in killable.db.parent.iterdir()) == before  # no partial files
    assert bot.errors() == []


# --- the disk: a damaged store ------------------------------------------------------------------


def _lookup(url: str, slack: FakeSlack, text: str = "Microsoft capex") -> tuple[Response, float]:
    return _post(url, slash("/fact", text, response_url=slack.response_url("look")), FORM)


def _truncate(path: Path) -> bytes:
    data = path.read_bytes()
    with open(path, "r+b") as f:
        f.truncate(len(data) // 3)
    return data


def test_a_truncated_store_serves_the_previous_generation_and_recovers_when_restored(
    live, fake_slack, holder, caplog
):
    holder.separate_process = False
    holder.reload()  # generation 2 live, generation 1 before it on disk
    holder.start_following(interval=0.2)
    live_file = Path(holder.current.path)
    saved = _truncate(live_file)
    for _ in range(5):  # lookups keep working, from generation 1
        r, took = _lookup(live.url, fake_slack)
        assert r.status == 200 and took < ACK_LIMIT and "Microsoft" in all_text(r.json())
    health = eventually(lambda: (h := http(f"{live.url}/healthz")).status == 503 and h, timeout=10)
    assert (
        health and "damaged" in health.json()["reason"] and "serving generation 1" in health.json()["reason"]
    )
    # not ready, but alive: a liveness probe must not restart a process that repairs itself
    assert http(f"{live.url}/livez").status == 200
    # the admins are told, once
    told = eventually(
        lambda: [c for c in fake_slack.of("chat.postMessage") if c.body.get("channel") == ADMIN]
    )
    assert len(told) == 1 and "damaged" in told[0].body["text"]
    live_file.write_bytes(saved)  # the operator restores it: no restart needed
    assert eventually(lambda: http(f"{live.url}/healthz").status == 200, timeout=10)
    assert Path(holder.current.path) == live_file and holder.generation == 2
    r, took = _lookup(live.url, fake_slack)
    assert r.status == 200 and took < ACK_LIMIT and "Microsoft" in all_text(r.json())
    assert len([c for c in fake_slack.of("chat.postMessage") if c.body.get("channel") == ADMIN]) == 1
    assert "Traceback" not in caplog.text


def test_a_damaged_store_without_a_sound_generation_says_so_until_a_reload(live, fake_slack, holder):
    holder.separate_process = False
    holder.start_following(interval=0.2)
    _truncate(Path(holder.current.path))
    r, took = _lookup(live.url, fake_slack)
    assert r.status == 200 and took < ACK_LIMIT
    assert "being repaired" in all_text(r.json())
    assert eventually(lambda: http(f"{live.url}/healthz").status == 503, timeout=10)
    body = slash("/factadmin", "reload", user=ADMIN, response_url=fake_slack.response_url("reload"))
    r, took = _post(live.url, body, FORM)
    assert r.status == 200 and took < ACK_LIMIT
    assert eventually(lambda: http(f"{live.url}/healthz").status == 200, timeout=60)
    r, _ = _lookup(live.url, fake_slack)
    assert "Microsoft" in all_text(r.json())


# --- PostgreSQL stopped under load -------------------------------------------------------------


@pytest.fixture
def own_postgres():
    """A PostgreSQL of this test's own, to stop and start again (the session's is shared)."""
    from tests.services import PostgresServer, postgres_bindir, unavailable

    if postgres_bindir() is None:
        unavailable("PostgreSQL is not installed (apt-get install postgresql)")
    server = PostgresServer.start()
    yield server
    server.stop()


PG_DOWN = 5.0


def test_postgresql_stopped_under_load_users_are_told_and_the_log_stays_quiet(
    tmp_path, seed_db, sources, fake_slack, own_postgres, caplog
):
    caplog.set_level(logging.INFO)
    dsn = own_postgres.create_database("factbot")
    db = tmp_path / "data" / "facts.db"
    db.parent.mkdir()
    shutil.copy(seed_db, db)
    settings = load_settings(
        SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, FACTBOT_ADMINS=ADMIN,
        FACTBOT_DB=str(db), FACTBOT_SOURCES=str(sources), FACTBOT_STATE_DSN=dsn,
        FACTBOT_SLACK_API_URL=fake_slack.api_url,
    )  # fmt: skip
    state = open_state(settings)
    holder = StoreHolder.open(db=db, sources=sources, state=state)
    holder.start_following(interval=0.5)
    bot = LiveBot(settings, holder, state)
    try:
        r, _ = _lookup(bot.url, fake_slack)
        message = r.json()
        share = buttons(message)["share"][0]
        caplog.clear()
        own_postgres.pause()
        down_since = time.monotonic()
        with ThreadPoolExecutor(4) as pool:
            lookups = list(pool.map(lambda _: _lookup(bot.url, fake_slack), range(12)))
        vote_url, share_url = fake_slack.response_url("vote-down"), fake_slack.response_url("share-down")
        vote, vote_took = _post(bot.url, block_actions(feedback(message), response_url=vote_url), FORM)
        shared, share_took = _post(bot.url, block_actions(share, response_url=share_url), FORM)
        assert [r.status for r, _ in lookups] == [200] * 12
        assert all("Microsoft" in all_text(r.json()) for r, _ in lookups)
        assert max(t for _, t in lookups) < ACK_LIMIT and vote_took < ACK_LIMIT and share_took < ACK_LIMIT
        assert vote.status == 200 and shared.status == 200
        # the people pressing are told it did not count, and to try again

        def replies(name: str) -> list[str]:
            return [all_text(c.body) for c in fake_slack.of("response_url") if c.path.endswith(name)]

        assert eventually(lambda: replies("vote-down"), timeout=15)
        assert "not recorded" in replies("vote-down")[0] and "try again" in replies("vote-down")[0]
        assert eventually(lambda: replies("share-down"), timeout=15)
        assert "not shared" in replies("share-down")[0] and "try again" in replies("share-down")[0]
        time.sleep(max(0.0, PG_DOWN - (time.monotonic() - down_since)))
        own_postgres.resume()
        assert eventually(lambda: "available again" in caplog.text, timeout=20)
        r, _ = _post(
            bot.url, block_actions(feedback(message), response_url=fake_slack.response_url("v2")), FORM
        )
        assert eventually(lambda: state.feedback_totals(), timeout=10)  # recorded once it is back
    finally:
        bot.close()
        holder.close()
        state.close()
    lines = [rec for rec in caplog.records if rec.name.startswith("factbot.state")]
    began = [rec for rec in lines if "unavailable" in rec.getMessage()]
    ended = [rec for rec in lines if "available again" in rec.getMessage()]
    assert len(began) == 1 and len(ended) == 1, [rec.getMessage() for rec in lines]
    assert "operations failed meanwhile" in ended[0].getMessage()
    assert not [rec for rec in caplog.records if rec.exc_info], "no traceback per request"
    assert "unhandled error" not in caplog.text
