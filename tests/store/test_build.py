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
    # every fact no one's reprint is indexed, once; the index's bulk-loading settings are put
    # back to FTS5's own for the incremental builds after
    indexed = {r[0] for r in con.execute("select id from facts_fts_docsize")}
    shown = {r[0] for r in con.execute("select rid from facts where reprint_of is null")}
    assert indexed == shown
    config = dict(con.execute("select k, v from facts_fts_config"))
    assert config.get("automerge", 4) == 4 and config.get("hashsize", 1 << 20) == 1 << 20


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
        ("latin1.txt", "Café crème: capex".encode("latin-1"), "not UTF-8"),
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

    monkeypatch.setattr(build_module, "_tokens", explode)
    for incremental in (False, True):
        with pytest.raises(KeyboardInterrupt):
            # the incremental build extracts only a changed article: change one
            src = copy_seeds(seeds, tmp_path / f"src{incremental}")
            (src / "000_098a629b4404de33.txt").write_text("微软资本支出140亿美元。", encoding="utf-8")
            build_store(src, db, incremental=incremental)
        assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["facts.db"]


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


def _table(path, table, order="1"):
    con = sqlite3.connect(path)
    try:
        return con.execute(f"select * from {table} order by {order}").fetchall()
    finally:
        con.close()


def _same_store(a, b):
    assert build_module.fact_table(a) == build_module.fact_table(b)
    for table in ("documents", "entities", "aliases", "latin_words"):
        assert _table(a, table) == _table(b, table), table
    assert _table(a, "term_df") == _table(b, "term_df")
    ma = dict(sqlite3.connect(a).execute("select key, value from meta"))
    mb = dict(sqlite3.connect(b).execute("select key, value from meta"))
    for m in (ma, mb):
        m.pop("built_at")
        m.pop("generation")
    assert ma == mb


def test_an_incremental_build_extracts_only_what_changed_and_equals_a_full_build(
    seeds, tmp_path, monkeypatch
):
    src = copy_seeds(seeds, tmp_path / "src")
    names = sorted(p.name for p in src.iterdir())
    (src / names[4]).rename(tmp_path / names[4])  # added later
    db = tmp_path / "facts.db"
    first = build_store(src, db)
    assert not first.incremental and first.extracted == 4
    # one article added, one changed, one removed
    (tmp_path / names[4]).rename(src / names[4])
    changed = src / names[1]
    changed.write_text(
        changed.read_text(encoding="utf-8") + "\n微软本季资本支出达到200亿美元。\n", encoding="utf-8"
    )
    (src / names[2]).unlink()
    extracted: list[str] = []
    real = build_module.extract_facts
    monkeypatch.setattr(
        build_module, "extract_facts", lambda text, file, lex: extracted.append(file) or real(text, file, lex)
    )
    again = build_store(src, db)
    assert again.incremental and again.generation == 2
    assert sorted(extracted) == sorted([names[1], names[4]])
    assert again.added > 0 and again.removed > 0
    full = build_store(src, tmp_path / "full.db", incremental=False)
    assert not full.incremental and full.facts == again.facts
    _same_store(db, tmp_path / "full.db")
    # and the two answer alike
    for q in ("Microsoft capex", "商汤 亏损 2022", "Nvidia revenue"):
        a, b = open_store(db).search(q).to_dict(), open_store(tmp_path / "full.db").search(q).to_dict()
        assert a["answers"] == b["answers"] and a["related"] == b["related"]


def test_a_new_lexicon_or_builder_means_a_full_build(seeds, tmp_path, monkeypatch):
    db = tmp_path / "facts.db"
    build_store(seeds, db)
    assert build_store(seeds, db).incremental
    monkeypatch.setattr(build_module, "BUILDER_VERSION", "0.0.0-other")
    assert not build_store(seeds, db).incremental


ARTICLE = "微软第三财季资本支出同比增长79%至140亿美元。\n英伟达数据中心营收达到184亿美元。\n"


def test_front_matter_and_sources_toml_are_document_metadata_not_facts(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    front = (
        "---\ntitle: 微软资本支出创新高\noutlet: 财联社\nurl: https://example.com/a/1\n"
        "published: 2024-4-26\n---\n"
    )
    (src / "a.txt").write_text(front + ARTICLE, encoding="utf-8")
    (src / "b.txt").write_text("微软资本支出：季度新高\n\n" + ARTICLE, encoding="utf-8")
    (src / "c.txt").write_text(ARTICLE.replace("140", "150"), encoding="utf-8")
    (src / "sources.toml").write_text(
        '["c.txt"]\ntitle = "Listed title"\noutlet = "Reuters"\nurl = "https://example.com/c"\n',
        encoding="utf-8",
    )
    db = tmp_path / "facts.db"
    report = build_store(src, db)
    assert report.articles == 3 and not report.errors  # sources.toml is not an article
    con = sqlite3.connect(db)
    docs = {r[0]: r[1:] for r in con.execute("select file, title, outlet, url, published from documents")}
    assert docs["a.txt"] == ("微软资本支出创新高", "财联社", "https://example.com/a/1", "2024-04-26")
    assert docs["b.txt"][0] == "微软资本支出：季度新高"  # the headline line, no metadata
    assert docs["c.txt"][:3] == ("Listed title", "Reuters", "https://example.com/c")
    raw = (src / "a.txt").read_text(encoding="utf-8")
    quotes = con.execute("select quote, start, \"end\" from facts where file = 'a.txt'").fetchall()
    assert quotes and all("财联社" not in q and "example.com" not in q for q, _, _ in quotes)
    assert all(raw[s:e] == q for q, s, e in quotes)  # offsets point into the file as stored
    answer = open_store(db).search("Microsoft capex").to_dict()["answers"][0]
    assert set(answer["source"]) >= {"title", "url", "outlet"}
    assert answer["source"]["title"] in {"微软资本支出创新高", "微软资本支出：季度新高", "Listed title"}
    # metadata changed in sources.toml only: the facts are reused, the document row follows
    (src / "sources.toml").write_text('["c.txt"]\ntitle = "Renamed"\n', encoding="utf-8")
    again = build_store(src, db)
    assert again.incremental and again.extracted == 0
    con = sqlite3.connect(db)
    assert con.execute("select title, outlet from documents where file = 'c.txt'").fetchone() == (
        "Renamed",
        None,
    )


def test_a_broken_sources_toml_stops_the_build_with_its_name(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (src / "sources.toml").write_text("[broken", encoding="utf-8")
    with pytest.raises(BuildError, match="sources.toml"):
        build_store(src, tmp_path / "facts.db")


def test_article_numbers_that_collide_elsewhere_do_not_stop_an_incremental_build(
    seeds, tmp_path, monkeypatch
):
    # two of the seeds get one number (as 25k file names at 30 bits sometimes do): the full build
    # moves the later one on; adding a third article elsewhere is still incremental and the same
    src = copy_seeds(seeds, tmp_path / "src")
    names = sorted(p.name for p in src.iterdir())
    real = build_module.doc_number
    monkeypatch.setattr(build_module, "doc_number", lambda f: real(names[0]) if f in names[:2] else real(f))
    db = tmp_path / "facts.db"
    build_store(src, db)
    (src / "010_apple.txt").write_text(
        "2025年3月1日,苹果公司称其资本支出同比增长12%至330亿美元。\n", encoding="utf-8"
    )
    again = build_store(src, db)
    assert again.incremental and again.extracted == 1
    build_store(src, tmp_path / "full.db", incremental=False)
    _same_store(db, tmp_path / "full.db")
    # changing one of the two that collide needs the full build's order: a full build it is
    first = src / names[1]
    first.write_text(first.read_text(encoding="utf-8") + "\n微软资本支出达到200亿美元。\n", encoding="utf-8")
    assert not build_store(src, db).incremental
