"""The store holder: reload builds beside the live store, validates, swaps one reference."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from bot.holder import StoreHolder
from handlers.errors import ReloadFailed, ReloadInProgress


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

    threads = [threading.Thread(target=lookups) for _ in range(6)]
    for t in threads:
        t.start()
    try:
        for _ in range(4):
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
    holder._reload_lock.acquire()  # a reload in progress
    try:
        with pytest.raises(ReloadInProgress):
            holder.reload()
    finally:
        holder._reload_lock.release()


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
