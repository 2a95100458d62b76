"""Archives as they come: articles in GB18030/GBK or Big5 are read (and the build says so), files
that are not text are named with why they were skipped, and a file no encoding reads cleanly is
refused rather than turned into mojibake facts."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import opencc
import pytest

from store import build_store
from store.sources import decode_source_as, skipped_sources

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SIMPLIFIED = (SEEDS / "002_b6b9a5957fad2dae.txt").read_text(encoding="utf-8")


def encodable(text: str, encoding: str) -> str:
    """`text` without the characters `encoding` cannot hold (pinyin tone marks in Big5…)."""
    return "".join(c for c in text if c.encode(encoding, "ignore"))


def facts_of(db: Path) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return sorted(con.execute("select quote, start, end from facts"))
    finally:
        con.close()


@pytest.mark.parametrize(
    ("encoding", "script", "named"),
    [
        ("gb18030", "simplified", "GB18030"),
        ("gbk", "simplified", "GB18030"),  # GB18030 is a superset of GBK: the same reading
        ("big5", "traditional", "Big5"),
    ],
)
def test_a_chinese_archive_file_builds_the_facts_its_utf8_twin_does(tmp_path, encoding, script, named):
    text = SIMPLIFIED if script == "simplified" else opencc.OpenCC("s2twp").convert(SIMPLIFIED)
    text = encodable(text, encoding)
    utf8, legacy = tmp_path / "utf8", tmp_path / "legacy"
    utf8.mkdir(), legacy.mkdir()
    (utf8 / "a.txt").write_text(text, encoding="utf-8")
    (legacy / "a.txt").write_bytes(text.encode(encoding))
    twin = build_store(utf8, tmp_path / "utf8.db")
    report = build_store(legacy, tmp_path / "legacy.db")
    assert [(n.file, n.reason) for n in report.notes] == [("a.txt", f"read as {named}")]
    assert not twin.notes and not report.errors
    assert report.facts == twin.facts > 10
    assert facts_of(tmp_path / "legacy.db") == facts_of(tmp_path / "utf8.db")


def test_non_text_files_are_named_with_why_they_were_skipped(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text(SIMPLIFIED, encoding="utf-8")
    (src / "dump.bin").write_bytes(bytes(range(256)))
    (src / "chart.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    (src / "report.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    (src / "scan.txt").write_bytes(b"%PDF-1.4\n" + bytes(range(256)))  # a PDF named .txt
    report = build_store(src, tmp_path / "facts.db")
    why = {e.file: e.reason for e in report.errors}
    assert set(why) == {"dump.bin", "chart.png", "report.pdf", "scan.txt"}
    assert why["chart.png"].startswith("an image (PNG)") and "not an article" in why["chart.png"]
    assert why["report.pdf"].startswith("a PDF") and why["scan.txt"].startswith("a PDF, not text")
    assert why["dump.bin"].startswith("a .bin file")
    assert report.articles == 1 and report.facts > 10
    assert [name for name, _ in skipped_sources(src)] == ["chart.png", "dump.bin", "report.pdf"]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        # half GB18030, half Big5: each half reads, the whole file does not
        (
            "mixed.txt",
            SIMPLIFIED[:1500].encode("gb18030")
            + encodable(opencc.OpenCC("s2t").convert(SIMPLIFIED[1500:3000]), "big5").encode("big5"),
        ),
        ("japanese.txt", "マイクロソフトの設備投資は140億ドルに増えた。".encode("shift_jis") * 20),
        ("latin1.txt", "Café crème: Microsoft's capex rose to 14 billion.".encode("latin-1")),
        ("noise.txt", b"\xff\xfe\x00 not text"),  # a UTF-16 BOM before bytes that are no UTF-16 text
    ],
)
def test_a_file_no_encoding_reads_cleanly_is_refused_not_turned_into_mojibake(tmp_path, name, data):
    with pytest.raises(ValueError, match="not UTF-8.*save it as UTF-8"):
        decode_source_as(data)
    src = tmp_path / "src"
    src.mkdir()
    (src / "good.txt").write_text(SIMPLIFIED, encoding="utf-8")
    (src / name).write_bytes(data)
    report = build_store(src, tmp_path / "facts.db")
    assert [e.file for e in report.errors] == [name] and not report.notes
    con = sqlite3.connect(tmp_path / "facts.db")
    assert con.execute("select count(*) from facts where file = ?", (name,)).fetchone()[0] == 0


def test_utf8_stays_utf8_and_utf16_with_a_bom_is_read():
    assert decode_source_as("微软资本支出".encode()) == ("微软资本支出", "utf-8")
    assert decode_source_as("\ufeff微软".encode()) == ("微软", "utf-8")
    text, encoding = decode_source_as("微软资本支出140亿美元。".encode("utf-16"))
    assert (text, encoding) == ("微软资本支出140亿美元。", "utf_16")
