import json
import re
import subprocess
import sys
from pathlib import Path

FACTBOT = Path(sys.executable).with_name("factbot")


def test_bench_takes_its_own_options_from_any_folder(tmp_path):
    out = subprocess.run(
        [str(FACTBOT), "bench", "--help"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert "--sizes" in out.stdout and "--quick" in out.stdout


def test_a_failed_build_is_one_line_and_a_non_zero_exit(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    out = subprocess.run(
        [str(FACTBOT), "build", "--sources", str(empty), "--db", str(tmp_path / "f.db")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 1
    assert out.stderr.startswith("build failed:") and "Traceback" not in out.stderr
    assert not (tmp_path / "f.db").exists()


def test_ask_explain_shows_each_stage_and_each_rule(tmp_path):
    """`factbot ask --explain`: what was understood, and the points each ranking rule gave."""
    import subprocess
    import sys
    from pathlib import Path

    seeds = Path(__file__).resolve().parents[2] / "seeds"
    factbot = Path(sys.executable).with_name("factbot")
    db = tmp_path / "facts.db"
    subprocess.run(
        [str(factbot), "build", "--sources", str(seeds), "--db", str(db)], check=True, capture_output=True
    )
    out = subprocess.run(
        [str(factbot), "ask", "--db", str(db), "--explain", "what did OpenAI lose in 2022?"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "understood: entity OpenAI; metric loss; period 2022" in out
    assert "[answer ]" in out and "entity +40.0" in out and "metric +" in out
    assert "no: " in out  # and why the others are not answers
    # the index queries that gathered the candidates, each with how many facts it gave
    gathered = out.split("gathered by:\n", 1)[1].split("candidates:", 1)[0].splitlines()
    assert gathered and all(re.match(r"\s+\d+ facts  \S", line) for line in gathered)
    assert any("xmloss" in line and "xy2022" in line for line in gathered)
    # each rule's reason, and the reason a gate gave for a candidate that is no answer
    assert "why: entity: 100% of the names asked" in out and "| rejected: " in out


def test_ask_with_an_empty_question_fails(tmp_path):
    out = subprocess.run(
        [str(FACTBOT), "ask", "--db", str(tmp_path / "none.db"), "  "],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2 and "question is empty" in out.stderr
    assert not (tmp_path / "none.db").exists()  # refused before any store is built


def test_entities_lists_what_the_store_believes_and_how_it_was_found(tmp_path):
    """`factbot build --no-entity-lexicon` knows only names the articles give; `factbot entities`
    shows each with how it was found, its spellings and its facts."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text(
        "摩尔线程上市首日大涨\n12月5日,摩尔线程(688795.SH)在上交所科创板挂牌上市,募资近80亿元。"
        "摩尔线程上市首日高开468%,市值达到2822.52亿元。百度18日公布第3季財報營收人民幣311.7億元。",
        encoding="utf-8",
    )
    db = tmp_path / "f.db"
    build = [str(FACTBOT), "build", "--sources", str(src), "--db", str(db), "--no-entity-lexicon"]
    subprocess.run(build, check=True, capture_output=True, timeout=120)

    def entities(*args: str) -> str:
        out = subprocess.run(
            [str(FACTBOT), "entities", "--db", str(db), *args], capture_output=True, text=True, timeout=60
        )
        return out.stdout

    listed = entities()
    assert "摩尔线程 · name · 3 facts · found by ticker, title" in listed
    assert "Baidu (百度) · name · 1 facts · found by dictionary" in listed
    assert "lexicon" not in listed  # built as if the lexicon listed nobody
    assert entities("Moore", "Thread").startswith("摩尔线程")  # the dictionary's English spelling
    assert "spellings: bai du, baidu, 百度" in entities("百度")  # its pinyin, whole and a syllable at a time
    rows = [json.loads(line) for line in entities("--json").splitlines()]
    assert {r["name"] for r in rows} >= {"摩尔线程", "Baidu"} and all(r["how"] for r in rows)


def test_ask_stops_quietly_when_its_reader_does(tmp_path):
    """`factbot ask - | head -1`: the reader goes away after one answer; no traceback, exit 0."""
    seeds = Path(__file__).resolve().parents[2] / "seeds"
    db = tmp_path / "facts.db"
    subprocess.run(
        [str(FACTBOT), "build", "--sources", str(seeds), "--db", str(db)], check=True, capture_output=True
    )
    ask = subprocess.Popen(
        [str(FACTBOT), "ask", "--db", str(db), "--json", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert ask.stdin and ask.stdout and ask.stderr
    ask.stdin.write(b"what did OpenAI lose in 2022?\n")
    ask.stdin.flush()
    assert b"OpenAI" in ask.stdout.readline()
    ask.stdout.close()  # the reader is gone; the answers after this one have nowhere to go
    ask.stdin.write(b"Meta capex 2024\n" * 20)
    ask.stdin.close()
    assert ask.wait(timeout=60) == 0
    with ask.stderr:
        assert b"Traceback" not in ask.stderr.read()
