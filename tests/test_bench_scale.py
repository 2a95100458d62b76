"""The scale benchmark at a tiny size: every column present, numbers that make sense.

Also: the parallel builder writes the same store as the serial one.
"""

from __future__ import annotations

import json
import math
import random
import sqlite3

import pytest

from benchmarks import scale as bench_scale
from benchmarks.scale import COLUMNS, HEADERS, SEEDS, Generator, main, percentile
from store import Lexicon, build_store, extract_facts
from store.errors import BuildError


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.load()


@pytest.fixture(scope="module")
def generator(lexicon) -> Generator:
    return Generator.from_seeds(SEEDS, lexicon)


def test_synthetic_articles_are_deterministic_and_of_the_genre(generator, lexicon):
    a = [generator.article(random.Random(7)) for _ in range(2)]
    assert a[0] == a[1]
    assert a[0] != generator.article(random.Random(8))
    doc = extract_facts(a[0], "20230101_syn0000000.txt", lexicon)
    assert len(doc.facts) >= 10
    # entities were swapped in, and figures parsed
    assert any(f.entities for f in doc.facts)
    assert any(v.amount for f in doc.facts for v in f.values)


def test_generator_uses_every_kind_and_both_scripts(generator):
    rng = random.Random(1)
    text = "".join(generator.article(rng) for _ in range(200))
    kinds_seen = {
        kind
        for kind, entities in generator.names.items()
        if any(form in text for forms in entities for script in forms for form in script)
    }
    assert {"company", "person"} <= kinds_seen
    assert "資本支出" in text or "營收" in text  # Traditional shapes survive
    assert "资本支出" in text or "营收" in text


def test_archive_holds_seeds_and_about_the_facts_asked_for(generator, lexicon, tmp_path):
    per_article = generator.facts_per_article(lexicon, sample=10)
    stats = generator.write_archive(tmp_path, 1000, per_article, seed=3)
    files = sorted(tmp_path.glob("*.txt"))
    assert len(files) == stats["articles"]
    assert {p.name for p in SEEDS.glob("*.txt")} <= {p.name for p in files}
    assert stats["bytes"] == sum(p.stat().st_size for p in files)
    assert {p.name for p in bench_scale.real_articles()} <= {p.name for p in files}
    build_store(tmp_path, tmp_path / "s.db", lexicon=lexicon)
    con = sqlite3.connect(tmp_path / "s.db")
    synthetic = con.execute("select count(*) from facts where file like '%_syn%'").fetchone()[0]
    assert 600 <= synthetic <= 1500, synthetic
    # some synthetic articles are reprints of others, and they are folded
    assert stats["reprints"] > 0
    assert con.execute("select count(*) from facts where reprint_of is not null").fetchone()[0] > 0


def test_synthetic_articles_are_about_invented_companies_only(generator, lexicon):
    from store import fold

    for kind, entities in generator.names.items():
        assert len(entities) == bench_scale.INVENTED_PER_KIND, kind
        for forms in entities:
            for name in (n for script in forms for n in script):
                assert not lexicon.find_mentions(fold(name)), name
    rng = random.Random(11)
    for i in range(100):
        doc = extract_facts(generator.article(rng), f"s{i}.txt", lexicon)
        real = {e for f in doc.facts for e in f.entities if e in lexicon.entities}
        assert not real, real


def test_parallel_build_writes_the_same_store_as_build_store(generator, lexicon, tmp_path):
    generator.write_archive(tmp_path / "a", 300, generator.facts_per_article(lexicon, sample=5), seed=5)
    serial = build_store(tmp_path / "a", tmp_path / "serial.db", lexicon=lexicon)
    parallel = build_store(tmp_path / "a", tmp_path / "parallel.db", workers=2, lexicon=lexicon)
    assert (parallel.articles, parallel.facts, parallel.chars, parallel.generation) == (
        serial.articles,
        serial.facts,
        serial.chars,
        serial.generation,
    )
    a, b = sqlite3.connect(tmp_path / "serial.db"), sqlite3.connect(tmp_path / "parallel.db")
    for table in ("documents", "facts", "entities", "aliases"):
        assert (
            a.execute(f"select * from {table} order by 1").fetchall()
            == b.execute(f"select * from {table} order by 1").fetchall()
        ), table
    # a second build follows the generation of the first and reports no change
    again = build_store(tmp_path / "a", tmp_path / "parallel.db", workers=2, lexicon=lexicon)
    assert (again.generation, again.added, again.removed) == (2, 0, 0)


def test_parallel_build_reports_bad_sources_and_refuses_an_empty_folder(lexicon, tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "bad.txt").write_bytes(b"\xff\xfe\x00 not text")
    (tmp_path / "src" / "empty.txt").write_text("  ")
    (tmp_path / "db.db").write_text("the old store")
    with pytest.raises(BuildError, match="bad.txt"):
        build_store(tmp_path / "src", tmp_path / "db.db", workers=2, lexicon=lexicon)
    assert (tmp_path / "db.db").read_text() == "the old store"
    for seed in sorted(SEEDS.glob("*.txt"))[:2]:
        (tmp_path / "src" / seed.name).write_bytes(seed.read_bytes())
    report = build_store(tmp_path / "src", tmp_path / "new.db", workers=2, lexicon=lexicon)
    assert sorted(e.file for e in report.errors) == ["bad.txt", "empty.txt"]
    assert report.articles == 2 and report.facts > 0


def test_percentile_is_nearest_rank():
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 50) == 3.0
    assert percentile(list(map(float, range(1, 101))), 99) == 99.0
    assert math.isnan(percentile([], 50))


def test_tiny_benchmark_prints_every_column_and_sane_figures(tmp_path, capsys, monkeypatch):
    out, json_path = tmp_path, tmp_path / "bench.json"
    questions = out / "questions.jsonl"
    questions.write_text(
        '{"id": "a", "query": "Microsoft capex", "must_contain": ["140億美元"]}\n'
        '{"id": "b", "query": "weather in Paris", "must_contain": []}\n',
        encoding="utf-8",
    )
    argv = [
        "--sizes",
        "300,600",
        "--queries",
        "3",
        "--workdir",
        str(out / "work"),
        "--questions",
        str(questions),
        "--dev-questions",
        str(questions),
    ]
    # keep the tiny run tiny: a short lookup budget
    monkeypatch.setattr(bench_scale, "LOOKUP_BUDGET_S", 0.2)
    assert main([*argv, "--json", str(json_path)]) == 0
    printed = capsys.readouterr().out
    for col in COLUMNS:
        assert HEADERS[col] in printed, col
    for title in ("factbot scale benchmark", "how cost grows with the archive", "targets (issue 10)"):
        assert title in printed
    result = json.loads(json_path.read_text(encoding="utf-8"))
    rows = result["sizes"]
    assert [r["target"] for r in rows] == [300, 600]
    assert len(result["queries"]) == 3
    for r in rows:
        assert set(COLUMNS) <= set(r)
        assert r["facts"] >= 286 and r["articles"] >= 5
        assert r["facts"] < 3 * r["target"]
        assert 0 < r["build_s"] < 120 and r["build_mb_s"] > 0
        assert r["text_mb"] > 0.05 and r["store_mb"] > 0.1
        assert 20 < r["rss_mb"] < 2048
        assert 0 < r["p50_ms"] <= r["p99_ms"] < 5000
        assert 0 < r["brute_p50_ms"] <= r["brute_p99_ms"]
        assert r["speedup_p50"] == pytest.approx(r["brute_p50_ms"] / r["p50_ms"])
        assert r["brute_timed"] == "3/3"
        assert r["detail"]["lookup_samples"] >= 3 * 3
        assert 0 < r["reload_s"] < r["build_s"] * 2 and r["detail"]["reload_extracted"] == 1
        if bench_scale.SHARED_EVAL.joinpath("score.py").exists():
            # invented companies never outrank the real articles' answers
            assert r["shared_q"] == result["real_quality"]["shared"] == "2/2"
    assert rows[1]["facts"] > rows[0]["facts"]
    assert len(result["growth"]) == 1 and result["growth"][0]["facts_x"] > 1
    assert {t["target"].split()[0] for t in result["targets"]} >= {"lookup", "full", "reload", "serving"}
    assert result["total_s"] > 0
    # the work folder is cleaned up unless --keep
    assert not list((out / "work").glob("store-*.db"))
    assert not list((out / "work").glob("archive-*"))
