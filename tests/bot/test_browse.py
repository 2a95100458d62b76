"""`factbot browse`: Datasette over the live store, opened in headless Chromium."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from bot import browse
from store import build_store, generations
from tests.services import free_port, unavailable

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
FACTBOT = Path(sys.executable).with_name("factbot")
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
)  # fmt: skip
ADDED = "2025年3月1日,苹果公司称其资本支出同比增长12%至330亿美元。\n"


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        if path := shutil.which(name):
            return path
    unavailable("chromium is not installed (Debian package chromium)")
    raise AssertionError("unreachable")


@pytest.fixture
def archive(tmp_path):
    """A store of two generations: the seeds, then the seeds and one more article (live)."""
    sources = tmp_path / "sources"
    shutil.copytree(SEEDS, sources)
    db = tmp_path / "data" / "facts.db"
    build_store(sources, db)
    (sources / "010_apple.txt").write_text(ADDED, encoding="utf-8")
    second = generations.next_path(db, 2)
    build_store(sources, second, previous=db)
    generations.set_live(db, second)
    return db


def test_metadata_describes_every_table_and_column_of_the_store(archive):
    live = generations.live_path(archive)
    quotes = browse.build_companion(live, generations.previous_path(archive))
    meta = browse.metadata(live, quotes)
    for name, path in ((browse.ARCHIVE_NAME, live), (browse.QUOTES_NAME, quotes)):
        tables = meta["databases"][name]["tables"]
        con = sqlite3.connect(path)
        for (table,) in con.execute("select name from sqlite_master where type = 'table'"):
            if tables.get(table, {}).get("hidden") or table.startswith(("sqlite_", "facts_fts")):
                continue
            notes = tables[table]["description_html"]
            summary, _, folded = notes.partition("<details>")
            assert summary.strip() and "What each column means" in folded, table  # notes one click away
            columns = {r[1] for r in con.execute(f"pragma table_info({table})")}
            missing = {c for c in columns if f"<code>{c}</code>" not in folded}
            assert not missing, (name, table, missing)
    added = sqlite3.connect(quotes).execute("select quote from added").fetchall()
    assert added == [(ADDED.strip(),)]


@pytest.mark.parametrize(
    ("words", "query"),
    [
        ("微软", '"微软"'),
        ("微軟 資本支出", '"微软" "资本 本支 支出"'),
        ("AI营收", '"ai" "营收"'),
        ("微", '"微"*'),
        ("!!", '""'),
    ],
)
def test_search_words_become_the_store_s_tokens(words, query):
    assert browse.fts_query(words) == query


def test_browse_serves_facets_search_and_canned_queries_in_chromium(archive, tmp_path):
    chromium = _chromium()
    port = free_port()
    log = tmp_path / "browse.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [str(FACTBOT), "browse", "--db", str(archive), "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/-/versions.json", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        f"factbot browse did not start: {server.stderr.read() if server.stderr else ''}"
                    )
                time.sleep(0.2)
        live, quotes = browse.ARCHIVE_NAME, browse.QUOTES_NAME

        def page(path: str) -> str:
            profile = tmp_path / f"chromium-{time.monotonic_ns()}"
            out = subprocess.run(
                [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", base + path],
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert out.returncode == 0, out.stderr[-2000:]
            return out.stdout

        def rows_found(html: str) -> int:
            m = re.search(r"([\d,]+) rows? where search matches", html)
            return int(m.group(1).replace(",", "")) if m else 0

        faceted = page(f"/{live}/facts?_facet=entity&_facet=metric&_facet=period&entity=Microsoft")
        assert "資本支出同比增長79%至140億美元" in faceted  # a real fact
        assert all(f'data-column="{c}"' in faceted for c in ("entity", "metric", "period"))  # the facets
        # the column notes are one click away, not forty lines above the first row
        notes, _, rest = faceted.partition("<details>")
        assert "first character of the quote" not in notes and "first character of the quote" in rest
        # the readable facts page leads with quote, entity, metric, headline, period
        readable = page(f"/{quotes}/facts?metric=capex")
        header = [c for c in re.findall(r'<th[^>]*data-column="([^"]+)"', readable) if c != "rowid"]
        assert header[:5] == ["quote", "entity", "metric", "headline", "period"], header
        assert "US$14 billion, +79% YoY" in readable and "(forecast)" in readable
        # search: a two-character word, in either script, and a Latin word
        simplified = page(f"/{quotes}/facts?_search={urllib.parse.quote('微软')}")
        traditional = page(f"/{quotes}/facts?_search={urllib.parse.quote('微軟')}")
        assert rows_found(simplified) == rows_found(traditional) > 5
        assert "資本支出同比增長79%至140億美元" in traditional
        for word in ("营收", "資本支出", "AI"):
            assert rows_found(page(f"/{quotes}/facts?_search={urllib.parse.quote(word)}")) > 0, word
        found = page(f"/{quotes}/facts?_search={urllib.parse.quote('资本支出')}")
        assert "330亿美元" in found
        # canned queries: dated facts first
        figures = page(f"/{live}/company_figures?entity={urllib.parse.quote('Microsoft')}")
        assert "One company" in figures and "140億美元" in figures

        def cell(row: str, column: str) -> str:
            m = re.search(rf'class="col-{column}[^"]*"[^>]*>(.*?)</td>', row, re.S)
            return (m.group(1) if m else "").replace("&nbsp;", "").replace("\xa0", "").strip()

        dated = [
            bool(cell(row, "period") or cell(row, "published"))
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", figures, re.S)
            if "<td" in row
        ]
        assert dated and dated[0] and False in dated and dated == sorted(dated, reverse=True), dated
        added = page(f"/{quotes}/reload_added")
        assert "What a reload added" in added and "330亿美元" in added
    finally:
        server.terminate()
        server.wait(timeout=15)
    # stopping factbot browse stops the server too: nothing is left listening on its port
    with pytest.raises(OSError):
        urllib.request.urlopen(base + "/-/versions.json", timeout=2)
