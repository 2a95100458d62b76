"""A progress line while a big store builds: articles done, rate, time left (bot/progress.py)."""

from __future__ import annotations

import io
from pathlib import Path

from bot.progress import ProgressLine, progress_text
from store import build_store

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


class Clock:
    """Time that moves only when the test says so (no timed tests)."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_big_build_says_done_rate_and_time_left_every_second_and_at_the_end():
    out, clock = io.StringIO(), Clock()
    line = ProgressLine(out, clock=clock)
    line(1, 1000)  # the first article: nothing yet
    clock.now += 0.5
    line(50, 1000)  # under a second since the last line: nothing
    clock.now += 1.5
    line(400, 1000)  # 400 articles in 2 s
    clock.now += 0.2
    line(420, 1000)
    clock.now += 3.0
    line(1000, 1000)  # the end is always said
    lines = out.getvalue().splitlines()
    assert lines == [
        "building the store: 400/1,000 articles · 200 articles/s · about 3 s left",
        "building the store: 1,000/1,000 articles · 192 articles/s · read in 5 s; writing the store…",
    ]


def test_a_small_build_says_nothing():
    out = io.StringIO()
    line = ProgressLine(out, clock=Clock())
    for done in range(1, 300):
        line(done, 299)
    assert out.getvalue() == ""


def test_long_builds_count_in_minutes():
    assert progress_text(1000, 100_000, 100.0).endswith("about 2 h 45 min left")
    assert progress_text(30_000, 100_000, 600.0).endswith("about 23 min 20 s left")


def test_build_store_reports_each_article_it_extracts(tmp_path, seed_db):
    sources = tmp_path / "sources"
    sources.mkdir()
    for p in SEEDS.iterdir():
        (sources / p.name).write_bytes(p.read_bytes())
    (sources / "new.txt").write_text(
        "2025年3月1日，苹果公司称其资本支出同比增长12%至330亿美元。\n", encoding="utf-8"
    )
    calls: list[tuple[int, int]] = []
    report = build_store(
        sources,
        tmp_path / "facts.db",
        previous=seed_db,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert report.incremental and calls == [(1, 1)]  # only the article it had to read
