import json
import os
import sqlite3
import threading

import pytest

from store import BuildError, StoreInvalid, StoreNotFound, build_store, open_store
from store import build as build_module


def copy_seeds(seeds, dest):
    dest.mkdir()
    for p in seeds.iterdir():
        (dest / p.name).write_bytes(p.read_bytes())
    return dest


def test_build_writes_every_table_and_meta(seed_store_path):
    con = sqlite3.connect(seed_store_path)
    tables = {r[0] for r in con.execute("select name from sqlite_master where type in ('table')")}
    assert {"meta", "documents", "facts", "entities", "aliases", "facts_fts"} <= tables
    meta = dict(con.execute("select key, value from meta"))
    assert meta["generation"] == "1" and meta["builder_version"] and meta["built_at"]
    assert len(json.loads(meta["sources"])) == 5
    assert con.execute("select count(*) from documents").fetchone()[0] == 5
    assert con.execute("select count(*) from facts").fetchone()[0] > 200


def test_build_is_deterministic(seeds, tmp_path):
    a = build_store(seeds, tmp_path / "a.db")
    b = build_store(seeds, tmp_path / "b.db")
    ids = [open_store(p).fact_ids() for p in (a.path, b.path)]
    assert ids[0] == ids[1] and a.facts == b.facts


def test_rebuild_counts_generation_and_changes(seeds, tmp_path):
    src = copy_seeds(seeds, tmp_path / "src")
    db = tmp_path / "facts.db"
    first = build_store(src, db)
    (src / "004_3653db6383d9b4a9.txt").unlink()
    second = build_store(src, db)
    assert (first.generation, second.generation) == (1, 2)
    assert second.added == 0 and second.removed > 0
    assert second.articles == 4


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("latin1.txt", "微软".encode("gbk"), "not UTF-8"),
        ("empty.txt", b"   \n", "empty"),
        ("blob.txt", b"\x00\x01\x02binary", "binary"),
        ("noise.txt", b"the quick brown fox", "no facts"),
    ],
)
def test_bad_sources_are_reported_by_name_and_the_rest_still_build(seeds, tmp_path, name, content, reason):
    src = copy_seeds(seeds, tmp_path / "src")
    (src / name).write_bytes(content)
    report = build_store(src, tmp_path / "facts.db")
    assert [(e.file, reason in e.reason) for e in report.errors] == [(name, True)]
    assert report.facts > 200


def test_a_folder_with_nothing_usable_fails_and_leaves_the_old_store(seeds, tmp_path):
    db = tmp_path / "facts.db"
    build_store(seeds, db)
    before = db.read_bytes()
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.txt").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(BuildError, match="x.txt"):
        build_store(bad, db)
    assert db.read_bytes() == before


def test_an_interrupted_build_leaves_no_half_written_store(seeds, tmp_path, monkeypatch):
    db = tmp_path / "facts.db"
    build_store(seeds, db)
    before = db.read_bytes()

    def explode(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(build_module, "_fact_tokens", explode)
    with pytest.raises(KeyboardInterrupt):
        build_store(seeds, db)
    assert db.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["facts.db"]


def test_open_store_rejects_missing_and_foreign_files(tmp_path):
    with pytest.raises(StoreNotFound):
        open_store(tmp_path / "nope.db")
    junk = tmp_path / "junk.db"
    junk.write_bytes(os.urandom(4096))
    with pytest.raises(StoreInvalid):
        open_store(junk)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("create table t(x)").connection.commit()
    with pytest.raises(StoreInvalid):
        open_store(other)


def test_store_serves_many_threads(seed_store):
    errors = []

    def ask():
        try:
            for _ in range(20):
                assert seed_store.search("Microsoft capex").answers
        except Exception as e:  # collected and asserted below
            errors.append(e)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
