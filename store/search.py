"""Answering questions from a fact store.

``open_store(path).search("Microsoft capex")`` reads the question (entities, metrics,
periods and the remaining words, in English, Simplified or Traditional Chinese, typos
included), gathers candidates through the FTS index, and ranks them with rapidfuzz.
A fact is an *answer* only when it is about what the question names; everything else
that came close is returned as *related*.
"""

from __future__ import annotations

import functools
import json
import math
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from pypinyin import Style, lazy_pinyin
from rapidfuzz import fuzz, process

from . import reprints
from .build import SCHEMA_VERSION, tag, text_tokens
from .errors import QueryError, StoreClosed, StoreInvalid, StoreNotFound
from .lexicon import lineage
from .numbers import Value, format_values
from .text import clean_text, fold

MAX_QUERY_CHARS = 300
CANDIDATES = 300  # facts scored in full per question
PER_TOKEN = 1000  # newest facts fetched per question token
MAX_TOKENS = 5  # the rarest tokens of a question are enough to find its facts
COMMON_TOKEN = 0.2  # share of all facts above which a token narrows nothing


@dataclass
class Understanding:
    """What the search read in a question."""

    entities: list[str] = field(default_factory=list)
    metrics: list[str] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # words that must appear but match nothing known
    keywords: list[str] = field(default_factory=list)  # the metric keywords as the question wrote them
    ignored: list[str] = field(default_factory=list)  # words that match nothing in the store
    value_kinds: list[str] = field(default_factory=list)  # "share" asks for a percentage

    def describe(self) -> str:
        parts = []
        if self.entities:
            parts.append("entity " + ", ".join(self.entities))
        if self.metrics:
            parts.append("metric " + ", ".join(self.metrics))
        if self.periods:
            parts.append("period " + ", ".join(self.periods))
        if self.terms or self.unknown:
            parts.append("words " + ", ".join([*self.terms, *self.unknown]))
        return "; ".join(parts) or "nothing searchable"


@dataclass
class Answer:
    """One fact returned for a question: the verbatim quote, where it is, and what it says."""

    fact_id: str
    quote: str
    file: str
    start: int
    end: int
    entity: str | None
    entity_zh: str | None
    entities: list[str]
    metric: str
    period: str | None
    published: str | None
    values: list[Value]
    score: float
    headline: list[Value] = field(default_factory=list)  # the figure answering the metric, and its change
    # --- provenance (store/reprints.py): the article's title/url/outlet, and every other source ---
    source_meta: dict = field(default_factory=dict)
    also: list[dict] = field(default_factory=list)

    @property
    def readable_values(self) -> str:
        """The answer's figure in readable units: ``US$14 billion, +79% YoY``."""
        return format_values(self.headline or self.values)

    def to_dict(self) -> dict:
        """Return the JSON contract shape (``quote``, ``source``, ``entity``, ``values`` …)."""
        return {
            "id": self.fact_id,
            "quote": self.quote,
            "source": {"file": self.file, "start": self.start, "end": self.end, **self.source_meta},
            "entity": self.entity,
            "entity_zh": self.entity_zh,
            "entities": self.entities,
            "metric": self.metric,
            "period": self.period,
            "published": self.published,
            "values": [
                {
                    "text": v.text,
                    "amount": v.amount,
                    "unit": v.unit,
                    "currency": v.currency,
                    "qualifier": v.qualifier,
                    "kind": v.kind,
                    "low": v.low,
                    "high": v.high,
                    "change": v.change,
                    "direction": v.direction,
                }
                for v in self.values
            ],
            "readable": self.readable_values,
            "score": round(self.score, 4),
            "also": self.also,
        }


@dataclass
class SearchResult:
    """The answers to a question (empty: not found), related facts, and what was understood."""

    query: str
    understood: Understanding
    answers: list[Answer]
    related: list[Answer]
    total: int = 0  # how many answers exist beyond this page

    def to_dict(self) -> dict:
        return {
            "query": self.query,
            "understood": asdict(self.understood),
            "answers": [a.to_dict() for a in self.answers],
            "related": [a.to_dict() for a in self.related],
            "total": self.total,
        }


@dataclass
class StoreStats:
    """What a store holds, for status pages."""

    path: str
    generation: int
    built_at: str
    builder_version: str
    articles: int
    facts: int
    top_entities: list[tuple[str, int]]
    sources: dict[str, str]


@dataclass
class _Candidate:
    row: sqlite3.Row
    entities: list[str]
    context: list[str]
    metrics: list[str]
    values: list[Value]
    distance: dict[str, int] = field(default_factory=dict)
    score: float = 0.0
    entity_match: float = 0.0
    metric_match: float = 0.0
    text_match: float = 0.0
    period_match: float = 0.5
    unknown_ok: bool = True
    all_entities: bool = True


_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_LATIN_WORD = re.compile(r"[a-z0-9][a-z0-9.\-+]*[a-z0-9+]|[a-z0-9]")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_QUARTER_Q = re.compile(r"(?<![a-z])(?:q([1-4])|([1-4])q)(?![a-z0-9])|第([一二三四1-4])(?:财)?季")
_VAGUE = {"多", "数"}
_CN_QUARTER = {"一": "1", "二": "2", "三": "3", "四": "4"}
_QUARTER_IN_TEXT = {
    q: re.compile(rf"q{n}|第{c}(?:财)?季|(?<!第){c}季度")
    for q, n, c in (("Q1", 1, "一"), ("Q2", 2, "二"), ("Q3", 3, "三"), ("Q4", 4, "四"))
}


def _is_latin(s: str) -> bool:
    return all(ord(c) < 128 for c in s)


def _boundary_ok(key: str, start: int, end: int) -> bool:
    before = key[start - 1] if start > 0 else " "
    after = key[end] if end < len(key) else " "
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())


@lru_cache(maxsize=4096)
def _pinyin(s: str) -> str:
    return " ".join(lazy_pinyin(s, style=Style.NORMAL, errors="ignore"))


def normalise_query(text: str) -> str:
    """Return a question ready for reading: annotations gone, odd Unicode folded, trimmed."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(c if unicodedata.category(c)[0] != "C" or c in "\n\t" else " " for c in text)
    text = clean_text(text)
    text = re.sub(r"<@[A-Z0-9]+(?:\|[^>]*)?>", " ", text)  # Slack mentions of the bot
    return re.sub(r"\s+", " ", text).strip()[:MAX_QUERY_CHARS]


def _using(method: Callable) -> Callable:
    """Run a store method as a lookup that holds the store open until it returns."""

    @functools.wraps(method)
    def wrapper(self: FactStore, *args: Any, **kwargs: Any) -> Any:
        with self._in_use():
            return method(self, *args, **kwargs)

    return wrapper


class FactStore:
    """A read-only fact store; safe to share between threads (one connection per thread)."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        if not self.path.is_file():
            raise StoreNotFound(f"no fact store at {self.path}")
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._users = 0
        self._closing = False
        try:
            con = self._con()
            meta = dict(con.execute("select key, value from meta").fetchall())
            if int(meta.get("schema_version", -1)) != SCHEMA_VERSION:
                raise StoreInvalid(
                    f"{self.path} has schema {meta.get('schema_version')}, expected {SCHEMA_VERSION}"
                )
            self.meta = meta
            self.metrics: dict[str, dict] = json.loads(meta["metrics"])
            self.glossary: dict[str, list[str]] = json.loads(meta["glossary"])
            self.stopwords: set[str] = set(json.loads(meta["stopwords"]))
            self.value_hints: dict[str, str] = json.loads(meta.get("value_hints", "{}"))
            self.entity_info = {r["name"]: dict(r) for r in con.execute("select * from entities")}
            self.aliases: dict[str, str] = dict(con.execute("select alias, name from aliases").fetchall())
            self.latin_words: set[str] = {r[0] for r in con.execute("select word from latin_words")}
            self.fact_count = int(meta["facts"])
            self._df_cache: dict[str, int] = {}
            self._lineages: dict[str, list[str]] = {}
            con.execute("select rowid from facts_fts where facts_fts match 'xmcapex' limit 1").fetchall()
        except sqlite3.DatabaseError as e:
            self._close_connections()
            raise StoreInvalid(f"{self.path} is not a factbot store: {e}") from e
        except (KeyError, ValueError) as e:
            self._close_connections()
            raise StoreInvalid(f"{self.path} is missing store metadata: {e}") from e
        self._index_aliases()

    # --- connections -----------------------------------------------------------------
    def _con(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            con = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
            con.row_factory = sqlite3.Row
            self._local.con = con
            with self._lock:
                self._connections.append(con)
        return con

    @contextmanager
    def _in_use(self) -> Iterator[None]:
        # A reload retires an old store while lookups may still run on it: closing a SQLite
        # connection under a running query crashes the process, so the last user closes.
        with self._lock:
            if self._closing:
                raise StoreClosed(f"the store {self.path.name} was retired; ask again")
            self._users += 1
        try:
            yield
        finally:
            with self._lock:
                self._users -= 1
                last = self._closing and self._users == 0
            if last:
                self._close_connections()

    def close(self) -> None:
        """Close this store: now if no lookup is running on it, else when the last one ends."""
        with self._lock:
            self._closing = True
            idle = self._users == 0
        if idle:
            self._close_connections()

    def _close_connections(self) -> None:
        with self._lock:
            for con in self._connections:
                try:
                    con.close()
                except sqlite3.Error:
                    pass
            self._connections.clear()
        self._local = threading.local()

    # --- vocabulary ------------------------------------------------------------------
    def _index_aliases(self) -> None:
        self._alias_by_first: dict[str, list[tuple[str, str]]] = {}
        self._latin_aliases: dict[str, str] = {}
        self._pinyin_aliases: dict[str, list[tuple[str, str]]] = {}
        for alias, name in self.aliases.items():
            if not alias:
                continue
            self._alias_by_first.setdefault(alias[0], []).append((alias, name))
            if _is_latin(alias):
                if len(alias) >= 4:
                    self._latin_aliases[alias] = name
            elif _CJK_RUN.fullmatch(alias) and len(alias) >= 2:
                self._pinyin_aliases.setdefault(_pinyin(alias), []).append((alias, name))
        for bucket in self._alias_by_first.values():
            bucket.sort(key=lambda p: -len(p[0]))
        self._metric_keywords: list[tuple[str, str]] = sorted(
            ((kw, m) for m, info in self.metrics.items() for kw in info["keywords"]), key=lambda p: -len(p[0])
        )
        self._latin_metric_keywords = {kw: m for kw, m in self._metric_keywords if _is_latin(kw)}
        self._phrases: list[tuple[str, str | None]] = sorted(
            [
                *self._metric_keywords,
                *((g, None) for g in self.glossary if g not in self._latin_metric_keywords),
            ],
            key=lambda p: -len(p[0]),
        )

    def spend_metrics(self) -> set[str]:
        """Return the metrics that count as spending (capex, investment, training cost …)."""
        return {m for m, info in self.metrics.items() if info.get("spend")}

    # --- reading the question ----------------------------------------------------------
    def understand(self, query: str) -> Understanding:
        """Return what a question names: entities, metrics, periods and other words."""
        raw = normalise_query(query)
        q = fold(raw)
        hinted = [
            kind
            for word, kind in self.value_hints.items()
            if word in q and (not _is_latin(word) or re.search(rf"\b{re.escape(word)}\b", q))
        ]
        # capitalised words as the asker typed them: an unknown one is a name we know nothing of
        capitalised = {w.lower() for w in re.findall(r"\b[A-Z][A-Za-z0-9]+", raw)}
        u = Understanding(value_kinds=list(dict.fromkeys(hinted)))
        covered = [False] * len(q)

        def cover(a: int, b: int) -> None:
            for i in range(a, b):
                covered[i] = True

        entity_cover = [False] * len(q)

        def covered_by_entity(i: int) -> bool:
            return entity_cover[i]

        # entities named exactly (longest alias first)
        i = 0
        while i < len(q):
            for alias, name in self._alias_by_first.get(q[i], ()):
                if q.startswith(alias, i) and (not _is_latin(alias) or _boundary_ok(q, i, i + len(alias))):
                    if name not in u.entities:
                        u.entities.append(name)
                    cover(i, i + len(alias))
                    for k in range(i, i + len(alias)):
                        entity_cover[k] = True
                    i += len(alias) - 1
                    break
            i += 1
        # metric keywords and glossary phrases, longest first ("bar exam" before "exam")
        keyword_spans: list[tuple[int, int]] = []
        for phrase, metric in self._phrases:
            start = 0
            while (pos := q.find(phrase, start)) >= 0:
                start = pos + 1
                if any(covered[pos : pos + len(phrase)]) or (
                    _is_latin(phrase) and not _boundary_ok(q, pos, pos + len(phrase))
                ):
                    continue
                if metric is None:
                    u.terms.append(phrase)
                else:
                    if metric not in u.metrics:
                        u.metrics.append(metric)
                    u.keywords.append(phrase)
                    keyword_spans.append((pos, pos + len(phrase)))
                    if phrase in self.glossary:
                        u.terms.append(phrase)  # "sales": the metric, and the words 销售额 too
                cover(pos, pos + len(phrase))
        # periods
        for m in _YEAR.finditer(q):
            if not covered[m.start()]:
                u.periods.append(m.group(1))
                cover(m.start(), m.end())
        for m in _QUARTER_Q.finditer(q):
            if not any(covered[m.start() : m.end()]):
                n = next(g for g in m.groups() if g)
                u.periods.append(f"Q{_CN_QUARTER.get(n, n)}")
                cover(m.start(), m.end())
        # a Chinese metric keyword inside a longer run ("中国市场") also stays a term as a whole
        for a, b in keyword_spans:
            if _is_latin(q[a:b]):
                continue
            lo, hi = a, b
            while lo > 0 and _CJK_RUN.match(q[lo - 1]) and not covered_by_entity(lo - 1):
                lo -= 1
            while hi < len(q) and _CJK_RUN.match(q[hi]) and not covered_by_entity(hi):
                hi += 1
            if (lo, hi) != (a, b):
                for i in range(lo, hi):
                    covered[i] = True
                u.terms.append(q[lo:hi])
        # what is left: Latin words and Chinese runs
        rest = "".join(c if not covered[i] else " " for i, c in enumerate(q))
        for m in _LATIN_WORD.finditer(rest):
            word = m.group(0)
            if word in self.stopwords or (
                len(word) <= 2 and not word.isdigit() and word not in self._latin_aliases
            ):
                continue
            fuzzy = self._fuzzy_entity(word)
            if fuzzy:
                if fuzzy not in u.entities:
                    u.entities.append(fuzzy)
                continue
            metric = self._fuzzy_metric(word)
            if metric:
                if metric not in u.metrics:
                    u.metrics.append(metric)
                continue
            if re.fullmatch(r"\d+(?:\.\d+)?", word):
                u.terms.append(word)
            elif word in self.latin_words or word in capitalised:
                u.unknown.append(word)  # a specific term (M6, DGX) or a name: must appear
            else:
                u.ignored.append(word)  # an ordinary word the glossary lacks: cannot help
        for m in _CJK_RUN.finditer(rest):
            run = m.group(0)
            for piece in self._homophone_entities(run, u):
                run = run.replace(piece, " ")
            for chunk in run.split():
                chunk = "".join(c for c in chunk if c not in self.stopwords) if len(chunk) > 1 else chunk
                if chunk and chunk not in self.stopwords:
                    u.terms.append(chunk)
        return u

    def _fuzzy_entity(self, word: str) -> str | None:
        if len(word) < 4 or not self._latin_aliases:
            return None
        hit = process.extractOne(word, self._latin_aliases.keys(), scorer=fuzz.ratio, score_cutoff=80)
        return self._latin_aliases[hit[0]] if hit else None

    def _fuzzy_metric(self, word: str) -> str | None:
        if len(word) < 5:
            return None
        hit = process.extractOne(word, self._latin_metric_keywords.keys(), scorer=fuzz.ratio, score_cutoff=86)
        return self._latin_metric_keywords[hit[0]] if hit else None

    def _homophone_entities(self, run: str, u: Understanding) -> list[str]:
        # Pinyin input picks the wrong character of the right sound: 腾迅 for 腾讯.
        found = []
        i = 0
        while i < len(run):
            for size in (4, 3, 2):
                piece = run[i : i + size]
                if len(piece) < size:
                    continue
                # same sound, and at least half the characters right: 腾迅 is 腾讯, 统一 is not 通义
                name = next(
                    (
                        n
                        for alias, n in self._pinyin_aliases.get(_pinyin(piece), ())
                        if 2 * sum(a == b for a, b in zip(alias, piece, strict=False)) >= len(alias)
                    ),
                    None,
                )
                if name:
                    if name not in u.entities:
                        u.entities.append(name)
                    found.append(piece)
                    i += size - 1
                    break
            i += 1
        return found

    # --- searching -------------------------------------------------------------------
    @_using
    def search(
        self,
        query: str,
        *,
        limit: int = 3,
        offset: int = 0,
        metrics: set[str] | None = None,
        newest_first: bool = False,
    ) -> SearchResult:
        """Return the facts that answer ``query``, best first, and the related facts.

        ``metrics`` narrows answers to those metrics (``/spend``, ``/bench``);
        ``newest_first`` orders answers by the period they state. Raises ``QueryError``
        when nothing in the question can be searched.
        """
        text = normalise_query(query)
        if not text:
            raise QueryError("the question is empty")
        u = self.understand(text)
        if metrics:
            wanted = [m for m in u.metrics if m in metrics] or sorted(metrics)
            u.metrics = wanted
        if not (u.entities or u.metrics or u.terms or u.unknown or u.ignored):
            raise QueryError(f"nothing searchable in {text[:60]!r}")
        candidates = self._candidates(u)
        for c in candidates:
            self._score(c, u)
        ranked = sorted(candidates, key=lambda c: (-c.score, -c.row["rid"]))
        answers = [c for c in ranked if self._is_answer(c, u, strict_metrics=bool(metrics))]
        if newest_first:
            answers.sort(key=lambda c: (-(c.row["recency"] or 0), -c.score))
        answer_ids = {c.row["rid"] for c in answers}
        related = [
            c
            for c in ranked
            if c.row["rid"] not in answer_ids
            and (c.entity_match > 0 or c.metric_match > 0 or c.text_match >= 50)
        ]
        page = answers[offset : offset + limit]
        return SearchResult(
            query=text,
            understood=u,
            answers=[self._answer(c, u) for c in page],
            related=[self._answer(c, u) for c in related[:limit]] if not page else [],
            total=len(answers),
        )

    def _newest(self, expr: str, limit: int) -> list[int]:
        # Index ids grow with recency (store.build.recency_rowid), so "order by rowid desc" is
        # the newest first, and FTS5 answers it without ranking every match.
        sql = "select rowid from facts_fts where facts_fts match ? order by rowid desc limit ?"
        try:
            return [r[0] for r in self._con().execute(sql, (expr, limit))]
        except sqlite3.OperationalError:
            return []

    def _df(self, token: str) -> int:
        cached = self._df_cache.get(token)
        if cached is None:
            row = self._con().execute("select df from term_df where term = ?", (token,)).fetchone()
            cached = self._df_cache[token] = row[0] if row else 0
        return cached

    def _query_tokens(self, u: Understanding, with_entity_names: bool) -> list[tuple[str, float]]:
        """Return the question's index tokens that can narrow the search, rarest first, with idf."""
        words: list[str] = []
        for t in u.terms + u.unknown:
            for alt in self.glossary.get(t, [t]):
                words.extend(text_tokens(alt))
        if with_entity_names:
            for e in u.entities:
                words.extend(text_tokens(fold(self.entity_info.get(e, {}).get("zh") or e)))
        out = []
        for w in dict.fromkeys(w for w in words if w):
            df = self._df(w)
            if 0 < df <= COMMON_TOKEN * self.fact_count:  # a token in a fifth of all facts narrows nothing
                out.append((w, math.log(self.fact_count / df)))
        return sorted(out, key=lambda p: -p[1])[:MAX_TOKENS]

    def _by_tokens(self, base: str, tokens: list[tuple[str, float]], keep: int) -> list[int]:
        """Rank facts matching ``base`` by the summed idf of the question's tokens they hold."""
        weight: dict[int, float] = {}
        for token, idf in tokens:
            expr = f'({base}) AND "{token}"' if base else f'"{token}"'
            for rowid in self._newest(expr, PER_TOKEN):
                weight[rowid] = weight.get(rowid, 0.0) + idf
        # ties go to the newer fact (the larger rowid)
        return [r for r, _ in sorted(weight.items(), key=lambda p: (-p[1], -p[0]))[:keep]]

    def _candidates(self, u: Understanding) -> list[_Candidate]:
        # every entity named (in the sentence or carried into it), the metric, the year
        ent = " AND ".join(f"({tag('xe', e)} OR {tag('xc', e)})" for e in u.entities)
        met = " OR ".join(tag("xm", m) for m in u.metrics)
        years = " OR ".join(f"xy{p}" for p in u.periods if p.isdigit())
        parts = [f"({p})" for p in (ent, met, years) if p]
        tags = " AND ".join(parts)
        tokens = self._query_tokens(u, with_entity_names=not ent)
        rowids: list[int] = []
        if tags:
            if met:
                stated = " OR ".join(tag("xv", m) for m in u.metrics)
                rowids += self._newest(f"{tags} AND ({stated})", CANDIDATES // 3)
            rowids += self._newest(tags, CANDIDATES // 3)
            rowids += self._by_tokens(tags, tokens, CANDIDATES // 3)
            if len(rowids) < CANDIDATES // 4 and len(parts) > 1:
                # nothing has all of it: the nearest facts, looser step by step, for "related"
                any_ent = " OR ".join(f"{tag('xe', e)} OR {tag('xc', e)}" for e in u.entities)
                looser = [
                    f"({ent}) AND ({met})" if ent and met else "",
                    f"({ent})" if ent else "",
                    f"({any_ent})" if len(u.entities) > 1 else "",
                    f"({met})" if met else "",
                ]
                for expr in filter(None, looser):
                    rowids += self._by_tokens(expr, tokens, CANDIDATES // 4) or self._newest(
                        expr, CANDIDATES // 4
                    )
        elif tokens:
            rowids += self._by_tokens("", tokens, CANDIDATES)
        rowids = list(dict.fromkeys(rowids))
        if not rowids:
            return []
        rows = (
            self._con()
            .execute(f"select * from facts where rid in ({','.join('?' * len(rowids))})", rowids)
            .fetchall()
        )
        return [self._candidate(r) for r in rows]

    @staticmethod
    def _candidate(r: sqlite3.Row) -> _Candidate:
        return _Candidate(
            row=r,
            entities=json.loads(r["entities"]),
            context=json.loads(r["context"]),
            metrics=json.loads(r["metrics"]),
            values=[Value(**v) for v in json.loads(r["value_list"])],
            distance=json.loads(r["metric_distance"]),
        )

    def _score(self, c: _Candidate, u: Understanding) -> None:
        key = c.row["key"]
        # entities: named in the sentence counts fully, carried over from the one before less
        if u.entities:
            per = []
            for e in u.entities:
                if e in c.entities:
                    per.append(1.0)
                elif e in c.context:
                    per.append(c.row["context_weight"])
                else:
                    per.append(0.0)
            c.entity_match = sum(per) / len(per)
            c.all_entities = all(per)
        # metrics: the fact's own ranking of its metrics
        if u.metrics:
            # every metric asked about counts ("capex growth" wants both)
            per_metric = [1.0 - 0.08 * c.metrics.index(m) if m in c.metrics else 0.0 for m in u.metrics]
            c.metric_match = sum(per_metric) / len(per_metric)
        # words: each term scored on its own, weighted by length (see shared notes)
        weights = 0.0
        total = 0.0
        for t in u.terms:
            alts = self.glossary.get(t, [t])
            s = max(fuzz.partial_ratio(a, key) if len(a) <= len(key) else fuzz.ratio(a, key) for a in alts)
            w = max(len(min(alts, key=len)), 1) if not _is_latin(t) or t in self.glossary else min(len(t), 4)
            weights += w
            total += w * s
        names = " ".join(c.entities + c.context).lower()
        for t in u.unknown:
            s = fuzz.partial_ratio(t, key) if len(t) <= len(key) else 0
            s = max(s, fuzz.partial_ratio(t, names) if names and len(t) <= len(names) else 0)
            if s < 80:
                c.unknown_ok = False
            weights += min(len(t), 6)
            total += min(len(t), 6) * s
        c.text_match = total / weights if weights else 0.0
        # periods: the stated year agrees, is silent, or contradicts
        if u.periods:
            c.period_match = _period_match(u.periods, c.row["period"] or "", key)
        # values: a figure of the kind the metric is answered by
        kinds = {v.kind for v in c.values if not _inside_slogan(key, v, c.row["start"])}
        value_fit = 0.0
        if u.metrics:
            near = min((c.distance.get(m, 999) for m in u.metrics if m in c.metrics), default=999)
            if near <= 12:
                value_fit = 1.0
            elif near <= 25:
                value_fit = 0.8
            elif kinds:
                value_fit = 0.4
        elif kinds:
            value_fit = 0.3 + 0.7 * min(len(c.values), 3) / 3
        if u.value_kinds and kinds & set(u.value_kinds):
            value_fit = max(value_fit, 1.0)  # the kind of figure the question asks for
        expected = {self.metrics.get(m, {}).get("expects", "any") for m in u.metrics}
        vague = sum(
            1
            for v in c.values
            if (v.qualifier in _VAGUE or not re.search(r"\d", v.text))
            and (not expected or v.kind in expected or "any" in expected)
        )
        # focus: a fact about several other companies is a weaker answer for one of them
        query_family = set(u.entities)
        for e in u.entities:
            query_family.update(self._lineage(e))
        others = [
            e for e in c.entities
            if e not in query_family and self.entity_info.get(e, {}).get("kind") in ("company", "name")
            and not (set(self._lineage(e)) & query_family)
        ]  # fmt: skip
        score = 0.0
        score += 40 * c.entity_match if u.entities else 0
        score += 25 * c.metric_match if u.metrics else 0
        score += 35 * c.text_match / 100 if (u.terms or u.unknown) else 0
        score += 10 * c.period_match if u.periods else 0
        score += 10 * value_fit
        score -= min(3 * len(others), 9) if u.entities else 0
        score -= 1.0 * min(vague, 2)
        # newer figures of the same kind first: a decade of difference is worth three points
        # when the sentence states its period, half that when only the article's date tells;
        # within a year ("3月27日" against "4月15日") the later date breaks the tie
        recency = c.row["recency"] or 0.0
        stated = c.row["period"] is not None
        score += (3 if stated else 1.5) * min(max(recency - 2015, 0) / 10, 1.0) + 0.3 * (recency % 1)
        score -= 0.5 if not c.entities else 0
        # the question's own keyword, verbatim ("EBITDA"), is stronger than a synonym
        score += 3 if any(kw in key for kw in u.keywords) else 0
        # a fact that leads with the entity asked about is more about it
        if u.entities and c.entities and c.entities[0] in query_family:
            score += 2
        c.score = score

    def _lineage(self, name: str) -> list[str]:
        cached = self._lineages.get(name)
        if cached is None:
            cached = self._lineages[name] = lineage(name, lambda n: self.entity_info.get(n, {}).get("parent"))
        return cached

    def _is_answer(self, c: _Candidate, u: Understanding, *, strict_metrics: bool) -> bool:
        if not c.unknown_ok:
            return False
        if u.ignored and not u.entities and not [t for t in u.terms if t not in u.keywords]:
            return False  # "bitcoin price": the subject is a word the store does not know
        if u.entities and not c.all_entities:
            return False  # "Microsoft investment in OpenAI" is about both
        if u.metrics and c.metric_match <= 0:
            return False
        if u.periods and (
            c.period_match == 0.0 or any(p[0] != "Q" for p in u.periods) and c.period_match < 0.7
        ):
            return False  # the question names a year the fact does not state, or another quarter
        if u.terms and not u.entities and c.text_match < (60 if u.metrics else 70):
            return False
        if u.terms and u.entities and not u.metrics and c.text_match < 55:
            return False
        return True

    def _answer(self, c: _Candidate, u: Understanding) -> Answer:
        r = c.row
        entity = next((e for e in u.entities if e in c.entities or e in c.context), None)
        entity = entity or (c.entities[0] if c.entities else (c.context[0] if c.context else None))
        metric = next((m for m in u.metrics if m in c.metrics), None) or (
            c.metrics[0] if c.metrics else "other"
        )
        info = self.entity_info.get(entity or "", {})
        expects = self.metrics.get(metric, {}).get("expects", "any")
        # the figures of the metric asked about lead, with the change rates beside them
        values = sorted(
            c.values, key=lambda v: (not (expects == "any" or v.kind == expects or v.change), v.start)
        )
        keywords = self.metrics.get(metric, {}).get("keywords", [])
        headline = _headline(c.values, expects, r["key"], r["start"], keywords)
        return Answer(
            fact_id=r["id"],
            quote=r["quote"],
            file=r["file"],
            start=r["start"],
            end=r["end"],
            entity=entity,
            entity_zh=info.get("zh"),
            entities=c.entities or c.context,
            metric=metric,
            period=r["period"],
            published=r["published"],
            values=values,
            score=max(0.0, min(c.score / 100, 1.0)),
            headline=headline,
            # provenance hook (store/reprints.py); reprints are not in the index, so never candidates
            source_meta=reprints.source_meta(self._con(), r["file"]),
            also=reprints.also_sources(self._con(), r["id"], r["file"]),
        )

    # --- about the store ---------------------------------------------------------------
    @_using
    def stats(self) -> StoreStats:
        """Return generation, build time and counts of this store."""
        con = self._con()
        top = con.execute(
            "select name, facts from entities where facts > 0 and kind != 'person' order by facts desc, name limit 10"
        ).fetchall()
        return StoreStats(
            path=str(self.path),
            generation=int(self.meta["generation"]),
            built_at=self.meta["built_at"],
            builder_version=self.meta["builder_version"],
            articles=int(self.meta["articles"]),
            facts=int(self.meta["facts"]),
            top_entities=[(r[0], r[1]) for r in top],
            sources=json.loads(self.meta["sources"]),
        )

    @_using
    def fact(self, fact_id: str) -> Answer | None:
        """Return one fact by its id (ids are stable across rebuilds of the same text), or None."""
        row = self._con().execute("select * from facts where id = ?", (fact_id,)).fetchone()
        if row is None:
            return None
        return self._answer(self._candidate(row), Understanding())

    @_using
    def fact_ids(self) -> set[str]:
        """Return the id of every fact, to compare generations."""
        return {r[0] for r in self._con().execute("select id from facts")}

    @_using
    def document_text(self, file: str) -> str | None:
        """Return the cleaned text of one article (what quotes are cut from)."""
        row = self._con().execute("select text from documents where file = ?", (file,)).fetchone()
        return row[0] if row else None


def _headline(
    values: list[Value], expects: str, key: str = "", offset: int = 0, keywords: Sequence[str] = ()
) -> list[Value]:
    """Pick the figure of the kind the metric is answered by, and the change rate stated with it.

    "資本支出同比增長79%至140億美元…微軟銷售額僅增長17%": capex is US$14 billion, +79% YoY; the 17%
    is another clause's revenue growth.
    """
    fitting = [v for v in values if v.kind == expects] if expects != "any" else []
    positions = [m.end() for kw in keywords if not _is_latin(kw) for m in re.finditer(re.escape(kw), key)]

    def after_keyword(v: Value) -> int:
        # "归属百度的净利润(非美国通用会计准则)206.8亿元": the figure right after the keyword
        gaps = [v.start - offset - end for end in positions if v.start - offset >= end]
        return min(gaps, default=10_000)

    lead = min(fitting, key=lambda v: (after_keyword(v), v.start)) if fitting else None
    if lead is None:
        return values[:3]
    near = [
        v
        for v in values
        if v is not lead and v.change and (0 <= lead.start - v.end <= 12 or 0 <= v.start - lead.end <= 18)
    ]
    return [lead, *near[:1]]


def _period_match(asked: list[str], period: str, key: str) -> float:
    """Score a fact's period against the years and quarters a question names (0: contradicts)."""
    scores = []
    for p in asked:
        if p in period:
            scores.append(1.0)
        elif (
            p.startswith("Q")
            and _QUARTER_IN_TEXT[p].search(key)
            or not p.startswith("Q")
            and p in _YEAR.findall(key)
        ):
            scores.append(0.8)
        elif (
            p.startswith("Q")
            and re.search(r"Q[1-4]", period)
            or not p.startswith("Q")
            and re.search(r"(19|20)\d\d", period)
        ):
            scores.append(0.0)  # the fact states another year or quarter
        else:
            scores.append(0.4 if not p.startswith("Q") else 0.6)
    return 0.0 if 0.0 in scores else sum(scores) / len(scores)


def _inside_slogan(key: str, v: Value, offset: int) -> bool:
    # "跻身“年营收5000亿元俱乐部”": a figure inside a short quoted phrase names, not measures
    s, e = v.start - offset, v.end - offset
    left = key.rfind("“", 0, s)
    if left < 0 or key.rfind("”", 0, s) > left:
        return False
    right = key.find("”", e)
    return right >= 0 and right - left <= 16


def open_store(path: Path | str) -> FactStore:
    """Open the fact store at ``path`` read-only. Raises StoreNotFound or StoreInvalid."""
    return FactStore(path)
