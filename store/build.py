"""Building the fact store: articles in a folder -> one SQLite file, atomically.

    from store import build_store
    report = build_store("archive/", "data/facts.db", workers=2)

The file is self-contained: besides documents and facts it carries the lexicon's aliases,
metric keywords and glossary it was built with, so a replica needs nothing but the file.

Articles are read and extracted in ``workers`` processes (extraction is pure and CPU-bound, so it
is what parallelises) while this process writes SQLite (one writer). A build that follows a
store made by the same builder version with the same lexicon is *incremental*: it copies that
store and extracts only the articles that are new or whose text changed, drops the removed
ones, and re-decides reprints only where a key changed. Row ids do not depend on the other
articles (an article's facts are numbered from a hash of its file name), so the result is the
store a full build would write, row for row.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import itertools
import json
import multiprocessing
import os
import re
import shutil
import sqlite3
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import orjson

from . import reprints
from .dictionary import (
    chinese_company_names,
    english_renderings,
    english_words,
    load_in_background,
    write_dictionary,
)
from .errors import BuildError
from .extract import Document, Fact, extract_facts
from .lexicon import Lexicon, default_lexicon
from .names import strip_corporate
from .sources import (
    MAX_SOURCE_BYTES,
    SOURCE_SUFFIXES,
    Article,
    ArticleMeta,
    encoding_name,
    headline_title,
    iter_sources,
    load_catalogue,
    read_article,
    read_source,
    skipped_sources,
)
from .text import fold
from .vocabulary import CJK_RUN, is_latin

__all__ = [
    "BUILDER_VERSION",
    "MAX_SOURCE_BYTES",
    "SCHEMA_VERSION",
    "SOURCE_SUFFIXES",
    "BuildReport",
    "SourceProblem",
    "build_store",
    "iter_sources",
    "read_source",
    "tag",
    "text_tokens",
]

BUILDER_VERSION = "2.34.0"  # 2.34: a place before an everyday word is the name itself (中国移动, not 移动), Taiwan's X科 is X科技 (聯發科); 2.33: a dual listing's codes (688981.SH、00981.HK), an English word written capitalised again and again (Oracle) and the Chinese word CC-CEDICT glosses as it beside it (甲骨文), a parent's short form beside a unit named after it (阿里), a results announcement (协创数据甩出一份公告, 发布2025年第三季度报告), Hong Kong's 次季, a photo caption's date no dateline, a dated title's quarter without a year, a listed subsidiary its own article's subject (金山雲, not Kingsoft), a research summary's items end on their sources ([1]); 2.32: a bare quarter in an article whose lead reports a fiscal one is the company's fiscal quarter (展望第二季 after 2026会计年度第一财季: FY2026 Q2); 2.31: a 全年 sentence after a quarter's is the year's, 销售达 states revenue, 股数达 is no vague 数, trade words 电路/光电/光纤/电机; 2.30: amounts whose currency a note leaves unsaid (167.5 亿), small-form decimal points (102﹒75亿元), a qualifier before a keyword (經調整股東應佔溢利) shifts its metric, a lexicon company found by the head of its name (聯想（0992）) is that company, a saved page's date stamp no period, an analyst (…将目标价, …发布研究报告) no subject, a base year (2024年同期) no year the article reports, a period's end (截至2025年12月31日) no dateline, the lead's quarter past a portal's debris, 首季/末季, FQ1, FY2025/26, the June quarter; 2.29: Taiwan's 個百分比 are points, 小减 a fall, a level reached (至6.85%) no change, 种 counts; 2.28: a bare 元 in a Taiwan company's article is NT$, a quarter the lead reports implied for sentences stating none, a half-year report is H1, 天 of 天使 no day, a name opening a line before its stock code (长光华芯), a short form two names open on is neither's (奕斯), pinyin a syllable at a time (zhen ding), investors no subject, a site menu no paragraph, a headline restated in brackets; 2.27: periods an event follows date the event (去年下半年开启), a change from last year's figure ends on this year's (由去年同期…减至), 去年同期 takes the part the article speaks of, 首三季, 截至9月底止, 1949.3亿 no year, 本季 is the quarter the lead reports, the source of a figure (据LSEG调查) no subject, 该业务 refers to the sentence before, 生成式AI no product; 2.26: a figure written in two scales is one (2兆589.49億元), CC-CEDICT's other English names of a company (鸿海: Foxconn, Hon Hai) and its Chinese names of a company an article writes otherwise (英伟达 for 輝達(NVIDIA)); 2.25: a month glued to a Latin name is no part of it (SuperCLUE-12月), a count of other things restates no figure (20个, 20家); 2.24: a name opening on an ordinal has its number's English spelling (第四范式: 4paradigm, fourth paradigm); 2.23: a company's initials in brackets (丰疆智能(FJD)), tenths (五成), a figure another keyword names in its clause is no other clause's metric's; 2.22: a name may open on a particle the article never writes it without (如祺出行), short forms by pinyin (Ruqi), a model's number (RTX 4060) no figure, frame rates (70fps), production capacity; 2.21: a name may open on an ordinal (第四范式); 2.20: a Chinese name whose pinyin the article writes as its Latin name (百川 and Baichuan); 2.19: how many years (创立不到3年); 2.18: names that open sentence after sentence (聯鈞); 2.17: a name written once with its corporate word takes its edge from its head's repetitions (波若威科技); 2.16: a lead in round figures links the body's precise one; 2.15: article names match however their version numbers are joined (GPT4-Turbo, GPT-4 Turbo); 2.14: NVIDIA(輝達), 简称 after weaker corporate words, Xiaomi, scores (分) and memory (GB); 2.13: headlines link the body sentence restating their figures; 2.9: names by appositive, periods and terms never names, FY2026Q2, 2018年到截至2021年; 2.10: restated figures kept, stock codes no figures, 其X owned, datelines, timeless articles; 2.11: Taiwan and Hong Kong names (厂 appositives, legal names, reporters), bylines, months, 前3季, 中期, counts; 2.12: defined short names (「億都」), names ending on a corporate word, makers by trade (乐聚机器人), short pinyin, reports (三季报) no period
SCHEMA_VERSION = 9
NO_FACTS = "no facts found (is it an article of this genre?)"
# Files per task: big enough that pickling a task costs nothing next to extracting it,
# small enough that the workers stay evenly loaded and results stream to the writer.
CHUNK_FILES = 8
MAX_LISTED = 100  # fact ids a report lists as added (a reply shows a few; a full build adds them all)

# Row ids: the table's rowid is (article number << FACT_BITS | fact's index in its article), the
# index id puts the fact's recency above that, so "order by rowid desc" in the index is newest
# first. An article's number is a hash of its file name, so no article's ids depend on another's.
FACT_BITS = 15
DOC_BITS = 30
BUCKET_SHIFT = FACT_BITS + DOC_BITS
MAX_BUCKET = (1 << (63 - BUCKET_SHIFT)) - 1
MAX_FACTS_PER_ARTICLE = 1 << FACT_BITS


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
    # articles read, but not as UTF-8: "read as GB18030" (store.sources.decode_source_as)
    notes: list[SourceProblem] = field(default_factory=list)
    added: int = 0
    removed: int = 0
    chars: int = 0
    incremental: bool = False
    extracted: int = 0  # articles read and extracted by this build (the rest were reused)
    added_facts: list[str] = field(default_factory=list)  # ids of the facts this build added


@functools.lru_cache(maxsize=65536)  # names and metrics repeat across facts
def tag(prefix: str, name: str) -> str:
    """Return the FTS token that marks a fact's entity (``xe``), metric (``xm``) or year (``xy``)."""
    return (
        prefix + re.sub(r"[^0-9a-z]", "", fold(name))
        if re.search(r"[0-9a-z]", fold(name))
        else prefix + hashlib.md5(name.encode()).hexdigest()[:8]
    )


_TOKEN_RUN = re.compile(r"[\u3400-\u9fff]+|[0-9a-z]+")


def text_tokens(key: str) -> list[str]:
    """Return the FTS tokens of a match key: Chinese character bigrams and Latin/digit words."""
    tokens: list[str] = []
    for run in _TOKEN_RUN.finditer(key):
        s = run.group(0)
        if s[0].isascii() or len(s) == 1:
            tokens.append(s)
        else:
            tokens.extend(s[i : i + 2] for i in range(len(s) - 1))
    return tokens


def recency(f: Fact) -> float:
    """Return how recent a fact's figure is: its stated period, else its article's date, else the
    year its undated article implies (the one year it reports)."""
    if f.period_sort < 1900 and not f.published and f.implied_year:
        return float(f.implied_year)
    if f.period_sort >= 1900 or not f.published:
        return f.period_sort
    year, month = int(f.published[:4]), int(f.published[5:7])
    return year + (month - 1) / 12


def doc_number(file: str) -> int:
    """Return an article's number in row ids: a hash of its file name."""
    return int.from_bytes(hashlib.sha1(file.encode("utf-8", "surrogatepass")).digest()[:8], "big") >> (
        64 - DOC_BITS
    )


def index_id(recency_value: float, rowid: int) -> int:
    """Return a fact's id in the FTS index: newer figures get larger ids, so it yields newest first.

    The recency (a fractional year) is kept to a hundredth of a year; the table's rowid below it
    keeps ids unique."""
    bucket = min(max(int(round(recency_value * 100)) + 1, 0), MAX_BUCKET)
    return (bucket << BUCKET_SHIFT) | rowid


FAR = 999
_YEARS = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
STATED_WITHIN = 12  # characters between a metric's keyword and its figure


def _fact_tokens(row: dict) -> str:
    """Return a fact's FTS tokens from its table row (the same row always gives the same tokens, so
    an incremental build can remove a fact from the contentless index)."""
    return _tokens(
        row["key"],
        json.loads(row["entities"]),
        json.loads(row["context"]),
        json.loads(row["metrics"]),
        json.loads(row["metric_distance"]),
        row["period"],
        json.loads(row["extra"] or "{}").get("implied_year"),
    )


def _tokens(
    key: str,
    entities: list[str],
    context: list[str],
    metrics: list[str],
    distance: dict[str, int],
    period: str | None,
    implied: int | None,
) -> str:
    tokens = text_tokens(key)
    tokens.extend(tag("xe", e) for e in entities)
    tokens.extend(tag("xc", e) for e in context)
    tokens.extend(tag("xm", m) for m in metrics)
    # every year the fact states, in its period or its words: "OpenAI 2022 loss" needs 2022
    years = set(_YEARS.findall(period or "")) | set(_YEARS.findall(key))
    if implied and not years:
        years.add(str(implied))  # a period without a year, in an article of that year
    tokens.extend(f"xy{y}" for y in sorted(years))
    # the metric's own figure sits right by its keyword ("资本支出…140亿美元"): a stated value
    tokens.extend(tag("xv", m) for m in metrics if distance.get(m, FAR) <= STATED_WITHIN)
    return " ".join(tokens)


FACT_COLUMNS = (
    "rowid", "rid", "id", "file", "start", "end", "quote", "key", "entity", "entities", "context",
    "context_weight", "metric", "metrics", "metric_distance", "period", "period_sort", "recency",
    "published", "value_list", "text_key", "figure_key", "reprint_of", "extra",
)  # fmt: skip
DOC_COLUMNS = (
    "file", "doc_number", "sha256", "published", "chars", "facts", "text", "title", "outlet", "url",
    "names", "latin_words", "entity_counts", "dated", "headline", "aliases",
)  # fmt: skip


def _json(value: object) -> str:
    # the builder writes several JSON columns per fact: orjson does it in a seventh of the time
    return orjson.dumps(value).decode()


def _fact_row(rowid: int, f: Fact, lexicon: Lexicon) -> dict:
    values = [v.to_dict() for v in f.values]
    entity = f.entities[0] if f.entities else (f.context[0] if f.context else None)
    expects = lexicon.metrics[f.metric].expects if f.metric in lexicon.metrics else "any"
    rec = recency(f)
    return {
        "rowid": rowid,
        "rid": index_id(rec, rowid),
        "id": f.id,
        "file": f.file,
        "start": f.start,
        "end": f.end,
        "quote": f.quote,
        "key": f.key,
        "entity": entity,
        "entities": _json(f.entities),
        "context": _json(f.context),
        "context_weight": f.context_weight,
        "metric": f.metric,
        "metrics": _json(f.metrics),
        "metric_distance": _json(f.metric_distance),
        "period": f.period,
        "period_sort": f.period_sort,
        "recency": rec,
        "published": f.published,
        "value_list": _json(values),
        "text_key": reprints.text_key(f.key, [*f.entities, *f.context]),
        "figure_key": reprints.figure_key(entity, f.metric, f.period, values, expects),
        "reprint_of": None,
        # what the search reads but never filters on: the quote's span in the file as stored,
        # the year the article implies, whether the subject is the article's own, the article's date
        "extra": _json(
            {
                "file_span": [f.file_start, f.file_end],
                "implied_year": f.implied_year,
                **({"implied_part": f.implied_part} if f.implied_part else {}),
                "topic": f.topic,
                "published": f.published,
                **({"timeless": True} if f.timeless else {}),
                **({"restated_by": f.restated_by} if f.restated_by else {}),
                **({"refers": f.refers} if f.refers else {}),
            }
        ),
    }


def _doc_row(doc: Document, article: Article, number: int, lexicon: Lexicon) -> dict:
    names = list(dict.fromkeys(n for f in doc.facts for n in f.names))
    latin = sorted({w for f in doc.facts for w in re.findall(r"[a-z][a-z0-9]+", f.key) if len(w) <= 40})
    counts = Counter(e for f in doc.facts for e in set(f.entities))
    meta = article.meta
    headline = headline_title(doc.text, lexicon.is_boilerplate)
    return {
        "file": doc.file,
        "doc_number": number,
        "sha256": doc.sha256,
        "published": meta.published or doc.published,
        "chars": len(doc.text),
        "facts": len(doc.facts),
        "text": doc.text,
        "title": meta.title or headline,
        "outlet": meta.outlet,
        "url": meta.url,
        "names": _json(names),
        "latin_words": _json(latin),
        "entity_counts": _json(dict(sorted(counts.items()))),
        "dated": doc.published,  # the date the text or file name gives, for when metadata has none
        "headline": headline,  # the title when metadata has none
        # names the article gives in brackets (摩尔线程（Moore Threads）) and their Chinese names
        "aliases": _json({"aliases": doc.aliases, "zh": doc.names_zh, "found": doc.found}),
    }


@dataclass
class PreparedArticle:
    """An article extracted and turned into table rows (in a worker process, so that the one
    process writing SQLite only numbers the rows and inserts them)."""

    file: str
    chars: int
    document: dict  # its documents row, but for doc_number
    facts: list[list]  # its facts rows in FACT_COLUMNS order; rowid and rid left to the writer
    tokens: list[str]  # each fact's FTS tokens
    encoding: str = "utf-8"  # what the file was read as


_ROWID, _RID, _ID, _RECENCY, _TEXT_KEY, _FIGURE_KEY = (
    FACT_COLUMNS.index(c) for c in ("rowid", "rid", "id", "recency", "text_key", "figure_key")
)


def prepare(doc: Document, article: Article, lexicon: Lexicon) -> PreparedArticle:
    """Return an extracted article's rows, ready for the writer."""
    rows, tokens = [], []
    for f in doc.facts:
        fr = _fact_row(0, f, lexicon)
        tokens.append(
            _tokens(f.key, f.entities, f.context, f.metrics, f.metric_distance, f.period, f.implied_year)
        )
        rows.append([fr[c] for c in FACT_COLUMNS])
    document = _doc_row(doc, article, 0, lexicon)
    del document["doc_number"]
    return PreparedArticle(doc.file, len(doc.text), document, rows, tokens)


# The index keeps token positions (FTS5's default detail=full): whether the store's text holds a
# question's word is a phrase query of its bigrams (FactStore._occurs).
_SCHEMA = """
create table meta (key text primary key, value text);
create table documents (
    file text primary key, doc_number integer not null unique, sha256 text, published text,
    chars integer, facts integer, text text, title text, outlet text, url text,
    names text, latin_words text, entity_counts text, dated text, headline text, aliases text);
create table facts (
    rowid integer primary key, rid integer, id text, file text, start integer, "end" integer,
    quote text, key text, entity text, entities text, context text, context_weight float,
    metric text, metrics text, metric_distance text, period text, period_sort float, recency float,
    published text, value_list text, text_key text, figure_key text, reprint_of text, extra text);
create table entities (
    name text primary key, zh text, kind text, parent text, facts integer, how text, variants text);
create table aliases (alias text primary key, name text);
create table latin_words (word text primary key);
create virtual table facts_fts using fts5(tokens, content='', tokenize='unicode61');
"""
_INDEXES = """
create unique index if not exists idx_facts_id on facts (id);
create unique index if not exists idx_facts_rid on facts (rid);
create index if not exists idx_facts_file on facts (file);
create index if not exists idx_facts_text_key on facts (text_key);
create index if not exists idx_facts_figure_key on facts (figure_key);
create index if not exists idx_facts_reprint_of on facts (reprint_of);
"""


# FTS5's defaults (its in-memory segment before a flush; how many segments of one level it merges)
FTS_HASHSIZE, FTS_AUTOMERGE = 1 << 20, 4
BULK_HASHSIZE = 32 << 20  # a full build's: a few large segments


def _create_indexes(con: sqlite3.Connection) -> None:
    for statement in filter(str.strip, _INDEXES.split(";")):
        con.execute(statement)


# --- extraction, in worker processes -----------------------------------------------------

_worker_lexicon: Lexicon | None = None


def _init_worker(lexicon: Lexicon, nice: int = 0) -> None:
    global _worker_lexicon
    _worker_lexicon = lexicon
    if nice:
        os.nice(nice)


def _extract_chunk(
    tasks: list[tuple[str, ArticleMeta | None]],
) -> list[PreparedArticle | SourceProblem]:
    assert _worker_lexicon is not None
    return _extract_with(_worker_lexicon, tasks)


def _extract_with(
    lexicon: Lexicon, tasks: list[tuple[str, ArticleMeta | None]]
) -> list[PreparedArticle | SourceProblem]:
    out: list[PreparedArticle | SourceProblem] = []
    for name, listed in tasks:
        path = Path(name)
        try:
            article = read_article(path, {path.name: listed} if listed else None)
        except (OSError, ValueError) as e:
            out.append(SourceProblem(path.name, str(e)))
            continue
        doc = extract_facts(article.text, path.name, lexicon)
        if len(doc.facts) > MAX_FACTS_PER_ARTICLE:
            doc.facts = doc.facts[:MAX_FACTS_PER_ARTICLE]
        prepared = prepare(doc, article, lexicon)
        prepared.encoding = article.encoding
        out.append(prepared)
    return out


def _extracted(
    tasks: list[tuple[str, ArticleMeta | None]], lexicon: Lexicon, workers: int
) -> Iterator[PreparedArticle | SourceProblem]:
    """Yield every task's prepared article (or problem) in task order, extracted in ``workers`` processes."""
    chunks = [tasks[i : i + CHUNK_FILES] for i in range(0, len(tasks), CHUNK_FILES)]
    workers = max(1, min(workers, os.cpu_count() or 1, len(chunks) or 1))
    if workers == 1:
        for chunk in chunks:
            yield from _extract_with(lexicon, chunk)
        return
    # spawn, not fork: the bot may call this from a listener thread, and a forked child of a
    # threaded process can inherit a held lock. Workers run at this process's priority.
    ctx = multiprocessing.get_context("spawn")
    lexicon.name_sources()  # parsed once here and sent to the workers, not once per worker
    with ctx.Pool(workers, initializer=_init_worker, initargs=(lexicon,)) as pool:
        for batch in pool.imap(_extract_chunk, chunks):
            yield from batch


# --- the previous store ------------------------------------------------------------------


@dataclass
class _Previous:
    path: Path
    generation: int
    compatible: bool  # same schema, builder and lexicon: its facts can be reused
    documents: dict[str, tuple[str, int, int]]  # file -> (sha256, doc_number, facts)


def _previous(path: Path | None, lexicon: Lexicon) -> _Previous | None:
    if not path or not Path(path).is_file():
        return None
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            meta = dict(con.execute("select key, value from meta").fetchall())
            compatible = (
                meta.get("schema_version") == str(SCHEMA_VERSION)
                and meta.get("builder_version") == BUILDER_VERSION
                and meta.get("lexicon") == lexicon.fingerprint()
            )
            docs = (
                {
                    f: (s, n, c)
                    for f, s, n, c in con.execute("select file, sha256, doc_number, facts from documents")
                }
                if compatible
                else {}
            )
        finally:
            con.close()
        return _Previous(Path(path), int(meta.get("generation", 0)), compatible, docs)
    except (sqlite3.Error, ValueError):
        return None


def _fact_ids(path: Path) -> set[str]:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return {r[0] for r in con.execute("select id from facts")}
        finally:
            con.close()
    except sqlite3.Error:
        return set()


# --- building ----------------------------------------------------------------------------


def build_store(
    sources: Path | str,
    db_path: Path | str,
    *,
    lexicon: Lexicon | None = None,
    previous: Path | str | None = None,
    workers: int = 1,
    incremental: bool = True,
    progress: Callable[[int, int], None] | None = None,
    generation: int | None = None,
) -> BuildReport:
    """Build the fact store for every article in ``sources`` and write it to ``db_path``.

    Returns a ``BuildReport``. The file appears all at once (written to a temporary file
    beside it, then renamed), so a failed or interrupted build leaves any existing store
    untouched. Unreadable sources are reported in ``errors``; the rest still build; if no article
    has a fact, ``BuildError`` is raised. ``previous`` (default: the existing ``db_path``) gives
    the generation to follow, the facts to compare against and — when it was built by this
    builder with this lexicon and ``incremental`` is true — the facts to reuse. Articles are
    extracted in ``workers`` processes; ``progress(done, total)`` is called as each article to
    extract is done (``bot.progress.ProgressLine`` prints it). ``generation`` (default: the
    previous one's plus one) is the number the store records, for callers that hand numbers out
    from one place.
    """
    started = time.perf_counter()
    sources, db_path = Path(sources), Path(db_path)
    lexicon = lexicon or default_lexicon()
    paths = iter_sources(sources)
    catalogue = load_catalogue(sources)
    prev = _previous(Path(previous) if previous else db_path, lexicon)
    generation = generation or (prev.generation if prev else 0) + 1
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{db_path.name}.", suffix=".building", dir=db_path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        report = None
        if incremental and prev is not None and prev.compatible:
            report = _incremental(
                paths, catalogue, sources, prev, tmp, lexicon, workers, progress, generation
            )
        if report is None:
            old_ids = _fact_ids(prev.path) if prev else set()
            tmp.unlink(missing_ok=True)
            report = _full(
                paths,
                catalogue,
                sources,
                tmp,
                lexicon,
                workers,
                generation,
                progress,
            )
            new_ids = _fact_ids(tmp)
            report.added = len(new_ids - old_ids)
            report.removed = len(old_ids - new_ids)
            report.added_facts = sorted(new_ids - old_ids)[:MAX_LISTED]
        os.replace(tmp, db_path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    report.path = db_path
    report.seconds = time.perf_counter() - started
    # files that are not articles at all (a PDF, an image, a .bin) are named too, with why
    report.errors[:0] = [SourceProblem(name, why) for name, why in skipped_sources(sources)]
    return report


def _connect(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(path, isolation_level=None)
    con.row_factory = sqlite3.Row
    con.execute("pragma journal_mode = off")
    con.execute("pragma synchronous = off")
    con.execute("pragma cache_size = -65536")
    return con


class _Writer:
    """Inserts documents and facts into an open store, keeping the index and term counts in step."""

    def __init__(
        self, con: sqlite3.Connection, lexicon: Lexicon, *, track_df: bool, index_now: bool = True
    ) -> None:
        self.con = con
        self.lexicon = lexicon
        self.track_df = track_df
        # a full build indexes once reprints are decided (index_canonical), so it never indexes a
        # reprint only to take it out again; an incremental one keeps the index in step as it goes
        self.index_now = index_now
        self.df: Counter[str] = Counter()
        self.fact_rows: list[tuple] = []
        self.fts_rows: list[tuple[int, str]] = []
        # a full build's tokens wait here until reprints are decided (index_canonical)
        self.pending_tokens: list[tuple[int, str]] = []
        if not index_now:
            con.execute("create temp table pending_tokens (rid integer primary key, tokens text)")
        self.added_ids: list[str] = []
        self.keys: tuple[set[str], set[str]] = (set(), set())
        self.chars = 0
        self.numbers: set[int] = {r[0] for r in con.execute("select doc_number from documents")}

    def number_for(self, file: str) -> int | None:
        """The article's number: its hash, or the next free one after a collision (None if the
        incremental build cannot give the number a full build would)."""
        n = doc_number(file)
        return n if n not in self.numbers else None

    def add(self, article: PreparedArticle, number: int) -> None:
        self.numbers.add(number)
        self.chars += article.chars
        row = {**article.document, "doc_number": number}
        self.con.execute(
            f"insert into documents ({', '.join(DOC_COLUMNS)}) values ({', '.join('?' * len(DOC_COLUMNS))})",
            [row[c] for c in DOC_COLUMNS],
        )
        base = number << FACT_BITS
        for i, (fact, tokens) in enumerate(zip(article.facts, article.tokens, strict=True)):
            fact[_ROWID] = base | i
            fact[_RID] = rid = index_id(fact[_RECENCY], base | i)
            self.fact_rows.append(tuple(fact))
            if self.index_now:
                self.fts_rows.append((rid, tokens))
                if self.track_df:
                    self.df.update(set(tokens.split()))
            else:
                self.pending_tokens.append((rid, tokens))
            self.added_ids.append(fact[_ID])
            self.keys[0].add(fact[_TEXT_KEY])
            if fact[_FIGURE_KEY]:
                self.keys[1].add(fact[_FIGURE_KEY])
        if len(self.fact_rows) >= 5000:
            self.flush()

    def flush(self) -> None:
        cols = ", ".join(f'"{c}"' for c in FACT_COLUMNS)
        self.con.executemany(
            f"insert into facts ({cols}) values ({', '.join('?' * len(FACT_COLUMNS))})", self.fact_rows
        )
        self.con.executemany("insert into facts_fts (rowid, tokens) values (?, ?)", self.fts_rows)
        if self.pending_tokens:
            self.con.executemany("insert into temp.pending_tokens values (?, ?)", self.pending_tokens)
        self.fact_rows.clear()
        self.fts_rows.clear()
        self.pending_tokens.clear()

    def remove_file(self, file: str) -> list[str]:
        """Remove an article and its facts (from the index too); return the removed fact ids."""
        rows = self.con.execute("select * from facts where file = ?", (file,)).fetchall()
        for r in rows:
            self.keys[0].add(r["text_key"])
            if r["figure_key"]:
                self.keys[1].add(r["figure_key"])
            if r["reprint_of"] is None:
                self._unindex(r)
        self.con.execute("delete from facts where file = ?", (file,))
        self.con.execute("delete from documents where file = ?", (file,))
        return [r["id"] for r in rows]

    def _unindex(self, row) -> None:
        tokens = _fact_tokens(row)
        self.con.execute(
            "insert into facts_fts (facts_fts, rowid, tokens) values ('delete', ?, ?)", (row["rid"], tokens)
        )
        if self.track_df:
            self.df.subtract(set(tokens.split()))

    def index_canonical(self) -> None:
        """Index every fact that is no one's reprint (a full build, once reprints are decided)."""
        # One large in-memory segment and no merging while inserting: the 'optimize' that ends a
        # full build merges everything once, so the merges FTS5 would do along the way (and the
        # many small segments it would write) are work thrown away, about a third of the indexing
        # at a million facts. Both settings are put back, for the incremental builds after.
        self.con.execute("insert into facts_fts (facts_fts, rank) values ('hashsize', ?)", (BULK_HASHSIZE,))
        self.con.execute("insert into facts_fts (facts_fts, rank) values ('automerge', 0)")
        self.con.execute(
            "insert into facts_fts (rowid, tokens) select rid, tokens from temp.pending_tokens"
            " where rid not in (select rid from temp.reprinted) order by rid"
        )
        self.con.execute("insert into facts_fts (facts_fts, rank) values ('hashsize', ?)", (FTS_HASHSIZE,))
        self.con.execute("insert into facts_fts (facts_fts, rank) values ('automerge', ?)", (FTS_AUTOMERGE,))
        self.con.execute("drop table temp.pending_tokens")
        self.con.execute("drop table temp.reprinted")

    def apply_reprints(
        self, text_keys: Iterable[str], figure_keys: Iterable[str], *, complete: bool = False
    ) -> None:
        """Re-decide reprints for these keys and move facts in or out of the index accordingly."""
        changes = reprints.refold(self.con, text_keys, figure_keys, complete=complete)
        if not self.index_now:
            # a full build's: every change hides a reprint; index_canonical leaves those out,
            # knowing them without reading the facts table again
            self.con.execute("create temp table if not exists reprinted (rid integer primary key)")
            self.con.executemany(
                "insert or ignore into temp.reprinted values (?)", ((rid,) for rid, shown in changes if not shown)
            )
            return
        for rid, shown in changes:
            row = self.con.execute("select * from facts where rid = ?", (rid,)).fetchone()
            if shown:
                tokens = _fact_tokens(row)
                self.con.execute("insert into facts_fts (rowid, tokens) values (?, ?)", (rid, tokens))
                if self.track_df:
                    self.df.update(set(tokens.split()))
            else:
                self._unindex(row)


def _checked(
    items: Iterable[PreparedArticle | SourceProblem],
    errors: list[SourceProblem],
    notes: list[SourceProblem],
    progress: Callable[[int, int], None] | None = None,
    total: int = 0,
) -> Iterator[PreparedArticle]:
    for done, item in enumerate(items, 1):
        if progress is not None:
            progress(done, total)
        if isinstance(item, SourceProblem):
            errors.append(item)
            continue
        if item.encoding != "utf-8":
            notes.append(SourceProblem(item.file, f"read as {encoding_name(item.encoding)}"))
        if not item.facts:
            errors.append(SourceProblem(item.file, NO_FACTS))
        yield item


def _nothing_to_build(sources: Path, errors: list[SourceProblem]) -> BuildError:
    problems = [*(SourceProblem(n, why) for n, why in skipped_sources(sources)), *errors]
    reasons = "; ".join(f"{e.file}: {e.reason}" for e in problems) or "the folder holds no articles"
    return BuildError(f"nothing to build from {sources}: {reasons}")


def _full(
    paths: list[Path],
    catalogue: dict[str, ArticleMeta],
    sources: Path,
    tmp: Path,
    lexicon: Lexicon,
    workers: int,
    generation: int,
    progress: Callable[[int, int], None] | None = None,
) -> BuildReport:
    errors: list[SourceProblem] = []
    notes: list[SourceProblem] = []
    tasks = [(str(p), catalogue.get(p.name)) for p in paths]
    items = _checked(_extracted(tasks, lexicon, workers), errors, notes, progress, len(tasks))
    # Hold documents back until one has a fact, so that a folder with nothing to build raises
    # before anything is written.
    held: list[PreparedArticle] = []
    for item in items:
        held.append(item)
        if item.facts:
            break
    if not any(a.facts for a in held):
        raise _nothing_to_build(sources, errors)
    con = _connect(tmp)
    try:
        con.executescript(_SCHEMA)
        writer = _Writer(con, lexicon, track_df=False, index_now=False)
        con.execute("begin")
        for article in itertools.chain(held, items):
            number = doc_number(article.file)
            while number in writer.numbers:  # two file names with one hash: the later one moves on
                number = (number + 1) % (1 << DOC_BITS)
            writer.add(article, number)
        writer.flush()
        cedict = load_in_background()
        # the vocabulary is Python work and the indexes SQLite's, which runs without the GIL:
        # one thread each, so they overlap
        with ThreadPoolExecutor(1, thread_name_prefix="vocabulary") as pool:
            vocabulary = pool.submit(_vocabulary, _summaries(con), lexicon)
            _create_indexes(con)
            writer.apply_reprints(*reprints.repeated_keys(con), complete=True)
            writer.index_canonical()
            _write_vocabulary(con, vocabulary.result())
        _write_meta(con, lexicon, generation)
        con.execute("commit")
        con.execute("insert into facts_fts (facts_fts) values ('optimize')")
        # how many facts hold each token: the search skips tokens too common to narrow anything
        con.execute("create virtual table temp.fts_vocab using fts5vocab(main, facts_fts, row)")
        con.execute("create table term_df (term text primary key, df integer) without rowid")
        con.execute("insert into term_df select term, doc from temp.fts_vocab")
        cedict.join()
        write_dictionary(con)  # English words -> the Chinese words of this store (CC-CEDICT)
        articles, facts = _counts(con)
    finally:
        con.close()
    return BuildReport(
        tmp,
        generation,
        articles,
        facts,
        0.0,
        errors=errors,
        notes=notes,
        chars=writer.chars,
        extracted=len(paths),
    )


def _incremental(
    paths: list[Path],
    catalogue: dict[str, ArticleMeta],
    sources: Path,
    prev: _Previous,
    tmp: Path,
    lexicon: Lexicon,
    workers: int,
    progress: Callable[[int, int], None] | None = None,
    generation: int = 0,
) -> BuildReport | None:
    """Copy the previous store and bring it up to date; None when only a full build can give the
    same result (an article number that collided)."""
    errors: list[SourceProblem] = []
    notes: list[SourceProblem] = []
    unchanged: set[str] = set()
    changed: list[tuple[str, ArticleMeta | None]] = []
    listed: dict[str, ArticleMeta] = {}
    for p in paths:
        old = prev.documents.get(p.name)
        if old is not None:
            try:
                article = read_article(p, catalogue)
            except (OSError, ValueError) as e:
                errors.append(SourceProblem(p.name, str(e)))
                continue
            if article.sha256 == old[0]:
                if article.encoding != "utf-8":
                    notes.append(SourceProblem(p.name, f"read as {encoding_name(article.encoding)}"))
                unchanged.add(p.name)
                listed[p.name] = article.meta
                if not old[2]:
                    errors.append(SourceProblem(p.name, NO_FACTS))
                continue
        changed.append((str(p), catalogue.get(p.name)))
    # A full build numbers articles in file order, moving one on past a number taken (linear
    # probing). The numbers are the same here as long as no article that changes sits near another
    # article's number or hash: then neither probes into the other.
    kept_numbers = {prev.documents[f][1] for f in unchanged}
    near = kept_numbers | {doc_number(f) for f in unchanged}
    touched: dict[str, set[int]] = {Path(n).name: {doc_number(Path(n).name)} for n, _ in changed}
    for f in set(prev.documents) - unchanged:
        touched.setdefault(f, set()).update({prev.documents[f][1], doc_number(f)})
    if _crowded(touched, near):
        return None
    # A reload of a few articles extracts them while the previous store is copied (the copy runs
    # without the GIL); more are extracted as they are written, rather than all held at once.
    with ThreadPoolExecutor(1, thread_name_prefix="copy") as pool:
        copied = pool.submit(shutil.copyfile, prev.path, tmp)
        items: Iterable[PreparedArticle] = _checked(
            _extracted(changed, lexicon, workers), errors, notes, progress, len(changed)
        )
        if len(changed) <= EXTRACTED_DURING_COPY:
            items = list(items)
        copied.result()
    con = _connect(tmp)
    try:
        writer = _Writer(con, lexicon, track_df=True)
        con.execute("begin")
        removed: list[str] = []
        for file in sorted(set(prev.documents) - unchanged):
            removed += writer.remove_file(file)
        writer.numbers = set(kept_numbers)
        for prepared in items:
            number = writer.number_for(prepared.file)
            assert number is not None  # checked above
            writer.add(prepared, number)
        writer.flush()
        _refresh_metadata(con, listed)
        writer.apply_reprints(*writer.keys)
        articles, facts = _counts(con)
        if facts == 0:
            con.execute("rollback")
            raise _nothing_to_build(sources, errors)
        _write_vocabulary(con, _vocabulary(_summaries(con), lexicon))
        _write_meta(con, lexicon, generation or prev.generation + 1)
        _update_df(con, writer.df)
        write_dictionary(con)
        con.execute("commit")
    finally:
        con.close()
    removed_set, added_set = set(removed), set(writer.added_ids)
    return BuildReport(
        tmp,
        generation or prev.generation + 1,
        articles,
        facts,
        0.0,
        errors=errors,
        notes=notes,
        added=len(added_set - removed_set),
        removed=len(removed_set - added_set),
        chars=writer.chars,
        incremental=True,
        extracted=len(changed),
        added_facts=[i for i in writer.added_ids if i not in removed_set][:MAX_LISTED],
    )


EXTRACTED_DURING_COPY = 50  # articles a reload extracts before writing any (held in memory)
PROBE_MARGIN = 64  # numbers an article's probe chain could reach; rare at 30 bits


def _crowded(touched: dict[str, set[int]], others: set[int]) -> bool:
    """Tell whether a changing article's numbers lie within PROBE_MARGIN of another changing
    article's, or of ``others`` (the kept articles' numbers and hashes)."""
    owned = sorted((n, f) for f, numbers in touched.items() for n in numbers)
    for (a, fa), (b, fb) in zip(owned, owned[1:], strict=False):
        if fa != fb and b - a <= PROBE_MARGIN:
            return True
    pool = sorted(others)
    for n, _ in owned:
        i = bisect.bisect_left(pool, n - PROBE_MARGIN)
        if i < len(pool) and pool[i] <= n + PROBE_MARGIN:
            return True
    return False


def _refresh_metadata(con: sqlite3.Connection, listed: dict[str, ArticleMeta]) -> None:
    """Reused articles keep their facts, but sources.toml may have changed what is known about them."""
    rows = con.execute(
        "select file, published, title, outlet, url, dated, headline from documents"
    ).fetchall()
    for r in rows:
        meta = listed.get(r["file"])
        if meta is None:
            continue
        new = (meta.published or r["dated"], meta.title or r["headline"], meta.outlet, meta.url)
        if new != (r["published"], r["title"], r["outlet"], r["url"]):
            con.execute(
                "update documents set published = ?, title = ?, outlet = ?, url = ? where file = ?",
                (*new, r["file"]),
            )


def _counts(con: sqlite3.Connection) -> tuple[int, int]:
    articles = con.execute("select count(*) from documents").fetchone()[0]
    facts = con.execute("select count(*) from facts").fetchone()[0]
    return articles, facts


def _update_df(con: sqlite3.Connection, delta: Counter[str]) -> None:
    for term, change in delta.items():
        if not change:
            continue
        con.execute(
            "insert into term_df (term, df) values (?, ?) on conflict (term) do update set df = df + excluded.df",
            (term, change),
        )
    con.execute("delete from term_df where df <= 0")


@dataclass
class _Vocabulary:
    """The rows of the entities, aliases and latin_words tables (``_vocabulary``)."""

    entities: list[tuple]
    aliases: list[tuple[str, str]]
    latin_words: list[tuple[str]]


def _summaries(con: sqlite3.Connection) -> list[tuple[str, str, str]]:
    return con.execute("select latin_words, entity_counts, aliases from documents order by file").fetchall()


def _vocabulary(summaries: list[tuple[str, str, str]], lexicon: Lexicon) -> _Vocabulary:
    """Return entities, aliases and Latin words from the documents' summaries and the lexicon.

    Names the articles introduce (``store.names``) become one entity per company however it is
    written: two names sharing a spelling (a folded key, with or without corporate words, in
    either script) are one entity, shown by its Latin name when it has one. Facts keep the name
    their article used; the entity lists those as its ``variants``. Pure Python on rows read
    already, so a full build runs it on a thread while SQLite builds the indexes.
    """
    counts: Counter[str] = Counter()
    article_aliases: dict[str, str] = {}
    latin: set[str] = set()
    found: list[tuple[str, dict]] = []
    for words, per_entity, bracketed in summaries:
        summary = orjson.loads(bracketed or "{}")
        for alias, n in summary.get("aliases", {}).items():
            article_aliases.setdefault(alias, n)
        found.extend((n, info) for n, info in summary.get("found", {}).items() if n not in lexicon.entities)
        latin.update(orjson.loads(words))
        counts.update(orjson.loads(per_entity))
    groups = merge_names(found)
    aliases = dict(lexicon.aliases())
    heads = _lexicon_heads(lexicon, aliases)
    linked: dict[str, set[str]] = {}  # lexicon entity -> the names articles found it by
    for g in groups:
        if g.name in lexicon.entities:
            continue
        owners = {heads[k] for k in g.keys if k in heads}
        if len(owners) == 1:
            # 聯想（0992）: the articles' name is a lexicon company's without its corporate word
            # (联想集团); its facts are that company's
            owner = owners.pop()
            linked.setdefault(owner, set()).update(g.variants)
            for k in g.keys:
                aliases.setdefault(k, owner)
    entities = [
        (
            e.name,
            e.zh,
            e.kind,
            e.parent,
            counts.get(e.name, 0) + sum(counts.get(v, 0) for v in linked.get(e.name, ())),
            '["lexicon"]',
            _json(sorted(linked[e.name])) if e.name in linked else "[]",
        )
        for e in lexicon.entities.values()
    ]
    linked_names = set().union(*linked.values())
    for g in groups:
        if g.name in lexicon.entities or g.variants & linked_names:
            continue
        facts = sum(counts.get(v, 0) for v in g.variants)
        entities.append(
            (g.name, g.zh or g.name, "name", None, facts, _json(sorted(g.how)), _json(sorted(g.variants)))
        )
        for k in sorted(g.keys):
            aliases.setdefault(k, g.name)
            # how a Chinese question may write a name the articles give in Latin, or in another
            # Chinese form (英伟达 for 辉达(NVIDIA)): CC-CEDICT's Chinese name for that company
            for zh in chinese_company_names().get(k, ()) if is_latin(k) else ():
                aliases.setdefault(zh, g.name)
        if g.zh and CJK_RUN.fullmatch(g.zh):
            # how an English question may write a Chinese name: zhipu, moore thread
            head = strip_corporate(g.zh)
            # a name the articles also write with a corporate word (医渡科技) is a company's: its
            # head's pinyin is its English name even when short (Yidu Tech)
            corporate = any(strip_corporate(k) == head and k != head for k in g.keys if CJK_RUN.fullmatch(k))
            # and its short form the articles write alone (如祺 of 如祺出行: Ruqi)
            shorts = [k for k in sorted(g.keys) if len(k) >= 2 and k != head and head.startswith(k)]
            # and its own words before the trade it names (申菱 of 申菱环境: Shenling Environmental)
            trade = next((t for t in _TRADE_WORDS_ZH if head.endswith(t) and len(head) - len(t) >= 2), "")
            if trade:
                shorts.append(head[: -len(trade)])
            for zh in (head, *shorts):
                for english in english_renderings(zh, shortest=4 if corporate else 5):
                    # a one-word rendering that is an English word (engine) is no name, unless the
                    # Chinese name is long enough to be one (寒武纪 -> cambrian)
                    if english not in aliases and (len(zh) >= 3 or english not in english_words()):
                        aliases[english] = g.name
    known = set(lexicon.entities) | {g.name for g in groups}
    for alias, n in article_aliases.items():
        if n in known:
            aliases.setdefault(alias, n)
    return _Vocabulary(entities, list(aliases.items()), [(w,) for w in sorted(latin)])


def _lexicon_heads(lexicon: Lexicon, aliases: dict[str, str]) -> dict[str, str]:
    """Return each lexicon company's Chinese names without their corporate words (联想集团:
    联想) that name no other entity and are no alias already: the name an article may find it
    by."""
    heads: dict[str, set[str]] = {}
    for alias, name in aliases.items():
        entity = lexicon.entities.get(name)
        if entity is None or entity.kind != "company" or not CJK_RUN.fullmatch(alias):
            continue
        head = strip_corporate(alias)
        if head != alias and len(head) >= 2 and head not in aliases:
            heads.setdefault(head, set()).add(name)
    return {head: names.pop() for head, names in heads.items() if len(names) == 1}


# the trade a company's name ends on, which its English name translates rather than spells
# (申菱环境: Shenling Environmental): no corporate word (the articles do not write the name
# without it), but an English question writes the head's pinyin before its translation
_TRADE_WORDS_ZH = (
    "环境", "材料", "能源", "精密", "电气", "光学", "激光", "物流", "医疗", "环保", "电力", "化学", "制药", "装备", "重工",
    "电路", "光电", "光纤", "电机",
)


def _write_vocabulary(con: sqlite3.Connection, vocabulary: _Vocabulary) -> None:
    """(Re)write the entities, aliases and latin_words tables."""
    for table in ("entities", "aliases", "latin_words"):
        con.execute(f"delete from {table}")
    # the lexicon's entities first: a discovered name the lexicon has is the lexicon's
    con.executemany(
        "insert or ignore into entities (name, zh, kind, parent, facts, how, variants) values (?, ?, ?, ?, ?, ?, ?)",
        vocabulary.entities,
    )
    con.executemany("insert into aliases (alias, name) values (?, ?)", vocabulary.aliases)
    con.executemany("insert into latin_words (word) values (?)", vocabulary.latin_words)


@dataclass
class NameGroup:
    """One entity the articles introduce: every name and spelling they write it with."""

    name: str
    zh: str | None
    keys: set[str]
    how: set[str]
    variants: set[str]


_SEPARATORS = re.compile(r"[ \-]")


@dataclass
class _NameTotals:
    """What the articles that found one name say of it, added up."""

    count: int = 0
    zh: Counter[str] = field(default_factory=Counter)
    keys: dict[str, None] = field(default_factory=dict)  # in the order first found
    how: set[str] = field(default_factory=set)


def merge_names(found: Iterable[tuple[str, dict]]) -> list[NameGroup]:
    """Return the names articles introduce as entities: names sharing a spelling are one (with
    or without corporate words, either script, Chinese and Latin an article or the dictionary
    linked); each is shown by its most used Latin name, else its most used Chinese one."""
    parent: dict[int, int] = {}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # one entry per name first: the names an archive's articles find repeat from article to
    # article (36,375 found, 2,946 names at 100k facts), and merging needs only their sums
    named: dict[str, _NameTotals] = {}
    for name, info in found:
        totals = named.get(name)
        if totals is None:
            totals = named[name] = _NameTotals()
        totals.count += int(info.get("count", 1)) or 1
        if info.get("zh"):
            totals.zh[info["zh"]] += 1
        totals.keys.update(dict.fromkeys(info.get("keys") or [fold(name)]))
        totals.how.update(info.get("how", []))
    entries = list(named.items())
    by_key: dict[str, int] = {}
    for i, (_, totals) in enumerate(entries):
        parent[i] = i
        # the keys hold the folded spellings, the name's own among them
        for k in totals.keys:
            # GPT3.5 and GPT-3.5, Moore Threads and MooreThreads: one name, however separated
            compact = _SEPARATORS.sub("", k) if is_latin(k) else k
            for spelling in {k, strip_corporate(k), compact}:
                if len(spelling) < 2:
                    continue
                j = by_key.setdefault(spelling, i)
                if j != i:
                    parent[root(i)] = root(j)
    # a Chinese short form is the name it begins when it begins no other (智谱 of 智谱华章; 百度
    # begins 百度智能云 and 百度文库, so it stays itself)
    chinese = [k for k in by_key if CJK_RUN.fullmatch(k)]
    longer: dict[str, list[str]] = {}
    for k in chinese:
        for size in range(2, len(k) - 1):
            longer.setdefault(k[:size], []).append(k)
    for short, names in longer.items():
        owners = {root(by_key[n]) for n in names}
        if short in by_key and len(owners) == 1:
            parent[root(by_key[short])] = owners.pop()
    members: dict[int, list[int]] = {}
    for i in parent:
        members.setdefault(root(i), []).append(i)
    groups = []
    for ids in members.values():
        shown: Counter[str] = Counter()
        zh: Counter[str] = Counter()
        keys: set[str] = set()
        how: set[str] = set()
        for i in ids:
            name, totals = entries[i]
            shown[name] += totals.count
            zh.update(totals.zh)
            keys.update(totals.keys)
            how.update(totals.how)
        latin_names = [n for n, _ in shown.most_common() if re.match(r"[A-Za-z0-9]", n)]
        best = latin_names[0] if latin_names else shown.most_common(1)[0][0]
        groups.append(NameGroup(best, zh.most_common(1)[0][0] if zh else None, keys, how, set(shown)))
    return sorted(groups, key=lambda g: g.name)


def _write_meta(con: sqlite3.Connection, lexicon: Lexicon, generation: int) -> None:
    articles, facts = _counts(con)
    hashes = dict(con.execute("select file, sha256 from documents order by file").fetchall())
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
                m.name: {
                    "label": m.label,
                    "expects": m.expects,
                    "spend": m.spend,
                    "keywords": m.keywords,
                    "exclude": m.exclude,
                    "becomes_with": m.becomes_with,
                    "things": m.things,
                }
                for m in lexicon.metrics.values()
            },
            ensure_ascii=False,
        ),
        "glossary": json.dumps(lexicon.glossary, ensure_ascii=False),
        "value_hints": json.dumps(lexicon.value_hints, ensure_ascii=False),
        "stopwords": json.dumps(sorted(lexicon.stopwords), ensure_ascii=False),
    }
    con.execute("delete from meta")
    con.executemany("insert into meta (key, value) values (?, ?)", [(k, str(v)) for k, v in meta.items()])


def fact_table(path: Path | str) -> list[tuple]:
    """Return every fact row of a store in rowid order (to compare two builds row for row)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute("select rowid, * from facts order by rowid").fetchall()
    finally:
        con.close()
