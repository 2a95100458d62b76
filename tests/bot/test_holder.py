"""The store holder: reload builds beside the live store, validates, swaps one reference."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bot.holder import ReloadRefused, StoreHolder
from handlers import admin
from handlers.deps import Deps
from handlers.errors import ReloadFailed, ReloadInProgress
from store import generations


def test_reload_builds_a_new_file_and_never_touches_the_live_one(holder):
    live = Path(holder.current.stats().path)
    before = live.read_bytes()
    report = holder.reload()
    assert Path(holder.current.stats().path) != live
    assert live.read_bytes() == before
    assert report.generation == report.previous_generation + 1 == holder.generation
    assert report.facts == holder.current.stats().facts and report.articles == 5


def test_reload_reports_added_and_removed_facts(holder, sources):
    victim = sorted(sources.iterdir())[0]
    victim.unlink()
    report = holder.reload()
    assert report.removed > 0 and report.added == 0
    assert report.articles == 4


def test_lookups_during_reloads_never_fail(holder):
    errors: list[BaseException] = []
    stop = threading.Event()
    count = 0

    def lookups() -> None:
        nonlocal count
        while not stop.is_set():
            try:
                assert holder.current.search("Microsoft capex").answers
                count += 1
            except BaseException as e:  # noqa: BLE001 - any failure is the finding
                errors.append(e)

    threads = [threading.Thread(target=lookups) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        for _ in range(2):  # the build runs niced in another process: busy lookups slow it down
            holder.reload()
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    assert not errors and count > 0


def test_only_the_live_and_previous_generation_files_are_kept(holder, tmp_path):
    first = Path(holder.current.stats().path)
    for _ in range(4):
        holder.reload()
    files = sorted(p.name for p in (tmp_path / "data").glob("facts*.db"))
    assert first.name in files  # the operator's FACTBOT_DB is never deleted
    assert len(files) == 3  # FACTBOT_DB, previous, live


def test_failed_build_keeps_the_old_store(holder, sources):
    for f in sources.iterdir():
        f.unlink()
    before = holder.generation
    with pytest.raises(ReloadFailed, match="build failed"):
        holder.reload()
    assert holder.generation == before and holder.current.search("Microsoft capex").answers
    assert len(list(Path(holder.current.stats().path).parent.glob("*.g*-*.db"))) == 0


def test_a_second_reload_while_one_runs_is_refused(holder):
    holder._reload_running.acquire()  # a reload in progress
    try:
        with pytest.raises(ReloadInProgress):
            holder.reload()
    finally:
        holder._reload_running.release()


def test_a_reload_waits_for_a_follow_poll_instead_of_refusing(holder):
    # A replica polls the state's record every fraction of a second; an admin's reload that
    # meets a poll must wait for it, not be told another reload is running.
    stop = threading.Event()
    polls = 0

    def poll() -> None:
        nonlocal polls
        while not stop.is_set():
            holder.follow()
            polls += 1

    follower = threading.Thread(target=poll)
    follower.start()
    try:
        reports = [holder.reload() for _ in range(3)]
    finally:
        stop.set()
        follower.join(30)
    assert polls > 0
    assert [r.generation for r in reports] == [reports[0].generation + i for i in range(3)]


def test_a_restart_serves_the_generation_the_state_names(holder, state, sources):
    holder.reload()
    generation = holder.generation
    again = StoreHolder.open(db=holder._db, sources=sources, state=state)
    try:
        assert again.generation == generation
    finally:
        again.close()


def test_first_start_builds_the_store_from_sources(tmp_path, sources, state):
    h = StoreHolder.open(db=tmp_path / "new" / "facts.db", sources=sources, state=state)
    try:
        assert h.current.stats().articles == 5 and (tmp_path / "new" / "facts.db").exists()
    finally:
        h.close()


FACTBOT = Path(sys.executable).with_name("factbot")


def _ask(db: Path, question: str) -> dict:
    out = subprocess.run(
        [str(FACTBOT), "ask", "--db", str(db), "--json", question],
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if not k.startswith(("FACTBOT_", "SLACK_"))},
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


NEW_ARTICLE = "2025年3月1日,苹果公司称其资本支出同比增长12%至330亿美元。\n"


def test_factbot_ask_reads_the_generation_a_reload_made_live(holder, sources):
    db = holder._db
    (sources / "010_apple.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    report = holder.reload()
    assert report.added > 0
    assert generations.live_path(db) == Path(holder.current.stats().path) != db
    answers = _ask(db, "Apple capex")["answers"]
    assert answers and "330亿美元" in answers[0]["quote"]


def test_factbot_build_makes_a_generation_the_running_bot_follows(holder, sources, state):
    db = holder._db
    holder.reload()
    served = Path(holder.current.stats().path)
    (sources / "010_apple.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    out = subprocess.run(
        [str(FACTBOT), "build", "--sources", str(sources), "--db", str(db), "--workers", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "FACTBOT_STATE": str(state.path)},  # the bot's settings
    )
    assert out.returncode == 0, out.stderr
    assert "incremental, 1 extracted" in out.stdout
    built = generations.live_path(db)
    assert built != served and served.exists()  # the file the bot serves is never rewritten
    assert state.current_store().path == str(built)  # published the way a reload publishes
    assert holder.follow()
    assert Path(holder.current.stats().path) == built
    assert holder.current.search("Apple capex").answers
    # generation numbers come from the state: the bot's next reload never reuses the build's
    built_generation = generations.generation_of(built)
    assert holder.generation == built_generation
    assert holder.reload().generation == built_generation + 1


def test_start_removes_stale_builds_and_generations_nobody_serves(holder, sources, state, tmp_path):
    db = holder._db
    holder.reload()
    holder.reload()
    live, previous = generations.live_path(db), generations.previous_path(db)
    holder.close()
    data = db.parent
    stale = data / ".facts.g9-abcdef.db.x1y2.building"
    stale.write_bytes(b"half a store")
    os.utime(stale, (time.time() - 3600, time.time() - 3600))
    fresh = data / ".facts.g9-abcdef.db.z3w4.building"  # another build still writing it
    fresh.write_bytes(b"being written")
    orphan = data / "facts.g1-0a0b0c.db"
    shutil.copy(live, orphan)
    again = StoreHolder.open(db=db, sources=sources, state=state)
    try:
        names = {p.name for p in data.iterdir()}
        assert stale.name not in names and orphan.name not in names
        assert {db.name, live.name, previous.name, fresh.name} <= names
        assert again.generation == 3
    finally:
        again.close()


def test_a_reload_that_would_lose_most_facts_is_refused_unless_forced(holder, sources):
    for f in sorted(sources.iterdir())[1:]:
        f.unlink()
    before = holder.generation
    with pytest.raises(ReloadRefused, match="--force"):
        holder.reload()
    assert holder.generation == before
    assert not list(holder._db.parent.glob("facts.g*-*.db"))
    report = holder.reload(force=True)
    assert report.articles == 1 and holder.generation > before  # a refused build used up a number


def test_the_reload_audit_row_is_written_at_the_start_and_completed_at_the_end(holder, sources, state):
    deps = Deps(stores=holder, state=state, admins=frozenset({"UADMIN1"}))
    replies: list[dict] = []
    command = {"user_id": "UADMIN1", "command": "/factadmin", "text": "reload"}

    def respond(**kwargs):
        # while the reload is being answered, its audit row already says how it ended
        replies.append(kwargs)

    admin.reload_command(lambda **kw: None, respond, command, deps)
    row = state.audit_log(1)[0]
    assert row.action == "/factadmin reload" and row.detail.startswith("generation 2:")
    for f in sorted(sources.iterdir())[1:]:
        f.unlink()
    admin.reload_command(lambda **kw: None, respond, command, deps)
    row = state.audit_log(1)[0]
    assert row.detail.startswith("failed:") and "--force" in row.detail
    # a reload that never finishes (the process killed) leaves its row saying so
    state.begin_audit(user="UADMIN1", action="/factadmin reload")
    assert state.audit_log(1)[0].detail == "started"
    assert len(replies) == 2
