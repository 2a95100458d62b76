"""Building the fact store: articles in a folder -> one SQLite file, atomically.

The file is self-contained: besides documents and facts it carries the lexicon's aliases,
metric keywords and glossary it was built with, so a replica needs nothing but the file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from .errors import BuildError
from .extract import Document, Fact
from .lexicon import Lexicon
from .text import fold

BUILDER_VERSION = "1.0.0"
SCHEMA_VERSION = 6
MAX_SOURCE_BYTES = 20 * 1024 * 1024
SOURCE_SUFFIXES = {".txt", ".md", ".text"}


@dataclass(frozen=True)
class SourceProblem:
    """A source file that could not be used, and why."""

    file: str
    reason: str


@dataclass
class BuildReport:
    """What a build produced: counts, problems, timing and the new generation."""

    path: Path
    generation: int
    articles: int
    facts: int
    seconds: float
    errors: list[SourceProblem] = field(default_factory=list)
    added: int = 0
    removed: int = 0
    chars: int = 0


def tag(prefix: str, name: str) -> str:
    """Return the FTS token that marks a fact's entity (``xe``), metric (``xm``) or year (``xy``)."""
    return (
        prefix + re.sub(r"[^0-9a-z]", "", fold(name))
        if re.search(r"[0-9a-z]", fold(name))
        else prefix + hashlib.md5(name.encode()).hexdigest()[:8]
    )


def text_tokens(key: str) -> list[str]:
    """Return the FTS tokens of a match key: Chinese character bigrams and Latin/digit words."""
    tokens: list[str] = []
    for run in re.finditer(r"[\u3400-\u9fff]+|[0-9a-z]+", key):
        s = run.group(0)
        if s[0].isascii() or len(s) == 1:
            tokens.append(s)
        else:
            tokens.extend(s[i : i + 2] for i in range(len(s) - 1))
    return tokens


def read_source(path: Path) -> str:
    """Return a source file's text, or raise ValueError saying why it cannot be used."""
    data = path.read_bytes()
    if not data.strip():
        raise ValueError("empty file")
    if len(data) > MAX_SOURCE_BYTES:
        raise ValueError(f"larger than {MAX_SOURCE_BYTES // (1024 * 1024)} MiB")
    if b"\x00" in data[:8192]:
        raise ValueError("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ValueError(f"not UTF-8 (byte {e.start}: {data[e.start : e.start + 1]!r})") from None


def iter_sources(folder: Path) -> list[Path]:
    """Return the article files of a folder, sorted by name (hidden files skipped)."""
    if not folder.is_dir():
        raise BuildError(f"sources folder {folder} does not exist")
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and not p.name.startswith(".")
        and (p.suffix.lower() in SOURCE_SUFFIXES or not p.suffix)
    )


def _previous_state(previous: Path | None) -> tuple[int, set[str]]:
    if not previous or not Path(previous).exists():
        return 0, set()
    try:
        con = sqlite3.connect(f"file:{previous}?mode=ro", uri=True)
        try:
            row = con.execute("select value from meta where key = 'generation'").fetchone()
            ids = {r[0] for r in con.execute("select id from facts")}
        finally:
            con.close()
        return int(row[0]) if row else 0, ids
    except sqlite3.Error:
        return 0, set()


def build_store(
    sources: Path | str,
    db_path: Path | str,
    *,
    lexicon: Lexicon | None = None,
    previous: Path | str | None = None,
) -> BuildReport:
    """Build the fact store for every article in ``sources`` and write it to ``db_path``.

    Returns a ``BuildReport``. The file appears all at once (written to a temporary file
    beside it, then renamed), so a failed or interrupted build leaves any existing store
    untouched. Unreadable sources are reported in ``errors``; the rest still build.
    ``previous`` (default: the existing ``db_path``) gives the generation to follow and
    the facts to compare against.
    """
    from .parallel import build_store_parallel  # the streaming builder; it imports this module

    return build_store_parallel(sources, db_path, workers=1, lexicon=lexicon, previous=previous)


def write_store(
    documents: Iterable[Document],
    db_path: Path,
    *,
    lexicon: Lexicon,
    generation: int = 1,
    batch: int = 5000,
) -> BuildReport:
    """Write documents and their facts to a new SQLite file at ``db_path``, atomically."""
    started = time.perf_counter()
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{db_path.name}.", suffix=".building", dir=db_path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        counts = _write(documents, tmp, lexicon=lexicon, generation=generation, batch=batch)
        os.replace(tmp, db_path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    articles, facts, chars = counts
    return BuildReport(db_path, generation, articles, facts, time.perf_counter() - started, chars=chars)


def _schema(db: sqlite_utils.Database) -> None:
    db.table("meta").create({"key": str, "value": str}, pk="key")
    db.table("documents").create(
        {"file": str, "sha256": str, "published": str, "chars": int, "facts": int, "text": str}, pk="file"
    )
    db.table("facts").create(
        {
            "rowid": int,
            "rid": int,
            "id": str,
            "file": str,
            "start": int,
            "end": int,
            "quote": str,
            "key": str,
            "entity": str,
            "entities": str,
            "context": str,
            "context_weight": float,
            "metric": str,
            "metrics": str,
            "metric_distance": str,
            "period": str,
            "period_sort": float,
            "recency": float,
            "published": str,
            "value_list": str,
        },
        pk="rowid",
    )
    db.table("entities").create({"name": str, "zh": str, "kind": str, "parent": str, "facts": int}, pk="name")
    db.table("aliases").create({"alias": str, "name": str}, pk="alias")
    db.table("latin_words").create({"word": str}, pk="word")
    db.execute("create virtual table facts_fts using fts5(tokens, content='', tokenize='unicode61')")


def _fact_row(rowid: int, rid: int, f: Fact) -> dict:
    return {
        "rowid": rowid,
        "rid": rid,
        "id": f.id,
        "file": f.file,
        "start": f.start,
        "end": f.end,
        "quote": f.quote,
        "key": f.key,
        "entity": f.entities[0] if f.entities else (f.context[0] if f.context else None),
        "entities": json.dumps(f.entities, ensure_ascii=False),
        "context": json.dumps(f.context, ensure_ascii=False),
        "context_weight": f.context_weight,
        "metric": f.metric,
        "metrics": json.dumps(f.metrics),
        "metric_distance": json.dumps(f.metric_distance),
        "period": f.period,
        "period_sort": f.period_sort,
        "recency": recency(f),
        "published": f.published,
        "value_list": json.dumps([v.to_dict() for v in f.values], ensure_ascii=False),
    }


def recency(f: Fact) -> float:
    """Return how recent a fact's figure is: its stated period, else its article's date."""
    if f.period_sort >= 1900 or not f.published:
        return f.period_sort
    year, month = int(f.published[:4]), int(f.published[5:7])
    return year + (month - 1) / 12


ROWID_BUCKET = 10**8
FAR = 999
_YEARS = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
STATED_WITHIN = 12  # characters between a metric's keyword and its figure


def recency_rowid(f: Fact, seq: int) -> int:
    """Return a fact's id in the FTS index: newer figures get larger ids, so it yields newest first.

    The recency (a fractional year) is kept to a hundredth of a year; ``seq`` keeps ids unique
    and, within one bucket, the articles' order.
    """
    return (int(round(recency(f) * 100)) + 1) * ROWID_BUCKET + seq


def _fact_tokens(f: Fact) -> str:
    tokens = text_tokens(f.key)
    tokens.extend(tag("xe", e) for e in f.entities)
    tokens.extend(tag("xc", e) for e in f.context)
    tokens.extend(tag("xm", m) for m in f.metrics)
    # every year the fact states, in its period or its words: "OpenAI 2022 loss" needs 2022
    years = set(_YEARS.findall(f.period or "")) | set(_YEARS.findall(f.key))
    tokens.extend(f"xy{y}" for y in sorted(years))
    # the metric's own figure sits right by its keyword ("资本支出…140亿美元"): a stated value
    tokens.extend(tag("xv", m) for m in f.metrics if f.metric_distance.get(m, FAR) <= STATED_WITHIN)
    return " ".join(tokens)


def _write(
    documents: Iterable[Document], path: Path, *, lexicon: Lexicon, generation: int, batch: int
) -> tuple[int, int, int]:
    db = sqlite_utils.Database(path)
    db.execute("pragma journal_mode = off")
    db.execute("pragma synchronous = off")
    _schema(db)
    entity_counts: Counter[str] = Counter()
    discovered: dict[str, str] = {}
    people: dict[str, str] = {}
    hashes: dict[str, str] = {}
    seq = 0
    articles = facts = chars = 0
    fact_rows: list[dict] = []
    latin_words: set[str] = set()
    fts_rows: list[tuple[int, str]] = []

    def flush() -> None:
        db.table("facts").insert_all(fact_rows, batch_size=1000)
        db.conn.executemany("insert into facts_fts(rowid, tokens) values (?, ?)", fts_rows)
        fact_rows.clear()
        fts_rows.clear()

    with db.conn:
        for doc in documents:
            articles += 1
            chars += len(doc.text)
            hashes[doc.file] = doc.sha256
            people.update((p, o) for p, o in doc.people.items() if p not in lexicon.entities)
            db.table("documents").insert(
                {
                    "file": doc.file,
                    "sha256": doc.sha256,
                    "published": doc.published,
                    "chars": len(doc.text),
                    "facts": len(doc.facts),
                    "text": doc.text,
                }
            )
            for f in doc.facts:
                seq += 1
                facts += 1
                # the table keeps arrival order (fast appends); the index is ordered by recency
                rid = recency_rowid(f, seq)
                fact_rows.append(_fact_row(seq, rid, f))
                fts_rows.append((rid, _fact_tokens(f)))
                latin_words.update(w for w in re.findall(r"[a-z][a-z0-9]+", f.key) if len(w) <= 40)
                entity_counts.update(set(f.entities))
                for n in f.names:
                    if n not in lexicon.entities:
                        discovered.setdefault(n, n)
                if len(fact_rows) >= batch:
                    flush()
        flush()
        known = set(lexicon.entities)
        db.table("entities").insert_all(
            (
                {
                    "name": e.name,
                    "zh": e.zh,
                    "kind": e.kind,
                    "parent": e.parent,
                    "facts": entity_counts.get(e.name, 0),
                }
                for e in lexicon.entities.values()
            ),
        )
        db.table("entities").insert_all(
            (
                {"name": n, "zh": n, "kind": "name", "parent": None, "facts": entity_counts.get(n, 0)}
                for n in discovered
                if n not in known
            ),
        )
        aliases = dict(lexicon.alias_pairs())
        for n in discovered:
            aliases.setdefault(fold(n), n)
        db.table("aliases").insert_all(({"alias": a, "name": n} for a, n in aliases.items()))
        db.table("latin_words").insert_all(({"word": w} for w in sorted(latin_words)), batch_size=5000)
        meta = {
            "schema_version": SCHEMA_VERSION,
            "generation": generation,
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "builder_version": BUILDER_VERSION,
            "lexicon": lexicon.fingerprint(),
            "articles": articles,
            "facts": facts,
            "sources": json.dumps(hashes, sort_keys=True),
            "metrics": json.dumps(
                {
                    m.name: {"label": m.label, "expects": m.expects, "spend": m.spend, "keywords": m.keywords}
                    for m in lexicon.metrics.values()
                },
                ensure_ascii=False,
            ),
            "glossary": json.dumps(lexicon.glossary, ensure_ascii=False),
            "value_hints": json.dumps(lexicon.value_hints, ensure_ascii=False),
            "stopwords": json.dumps(sorted(lexicon.stopwords), ensure_ascii=False),
        }
        db.table("meta").insert_all(({"key": k, "value": str(v)} for k, v in meta.items()))
    db.table("facts").create_index(["id"], unique=True)
    db.table("facts").create_index(["rid"], unique=True)
    db.table("facts").create_index(["file"])
    db.table("facts").create_index(["recency"])
    db.execute("insert into facts_fts(facts_fts) values ('optimize')")
    # how many facts hold each token: the search skips tokens too common to narrow anything
    db.execute("create virtual table temp.fts_vocab using fts5vocab(main, facts_fts, row)")
    db.execute("create table term_df (term text primary key, df integer) without rowid")
    db.execute("insert into term_df select term, doc from temp.fts_vocab")
    db.conn.commit()
    db.conn.close()
    return articles, facts, chars
