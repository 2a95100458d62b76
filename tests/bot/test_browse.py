"""`factbot browse`: Datasette over the live store, opened in headless Chromium."""

from __future__ import annotations

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
    tables = meta["databases"][browse.ARCHIVE_NAME]["tables"]
    con = sqlite3.connect(live)
    for (name,) in con.execute("select name from sqlite_master where type = 'table'"):
        if name in browse.HIDDEN or name.startswith("sqlite_"):
            continue
        columns = {r[1] for r in con.execute(f"pragma table_info({name})")}
        assert tables[name]["description"], name
        assert columns <= set(tables[name]["columns"]), (name, columns - set(tables[name]["columns"]))
    added = sqlite3.connect(quotes).execute("select quote from added").fetchall()
    assert added == [(ADDED.strip(),)]


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

        faceted = page(f"/{live}/facts?_facet=entity&_facet=metric&_facet=period&entity=Microsoft")
        assert "資本支出同比增長79%至140億美元" in faceted  # a real fact
        assert all(f'data-column="{c}"' in faceted for c in ("entity", "metric", "period"))  # the facets
        figures = page(f"/{live}/company_figures?entity={urllib.parse.quote('Microsoft')}")
        assert "One company" in figures and "140億美元" in figures
        added = page(f"/{quotes}/reload_added")
        assert "What a reload added" in added and "330亿美元" in added
        found = page(f"/{quotes}/quotes?_search={urllib.parse.quote('资本支出')}")
        assert "330亿美元" in found
    finally:
        server.terminate()
        server.wait(timeout=15)
    # stopping factbot browse stops the server too: nothing is left listening on its port
    with pytest.raises(OSError):
        urllib.request.urlopen(base + "/-/versions.json", timeout=2)
