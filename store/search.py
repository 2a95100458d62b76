"""Answering questions from a fact store, in three readable stages.

``open_store(path).search("Microsoft capex")``:

1. **read** the question once (``FactStore.read``: ``store.question.read_question``, a pure
   function, gives a ``store.query.Query``): entities, open-world names, metrics, periods and
   the remaining words, in English, Simplified or Traditional Chinese, typos included;
2. **gather** about 300 candidates through the FTS index (``FactStore._candidates``): the
   tags of what the question names, newest first, and its rarest tokens weighted by idf;
3. **rank** them with the rules of ``store.ranking`` and keep as *answers* those its gates let
   through; everything else that came close is *related*.

``FactStore.explain(question)`` shows every stage: what was understood, the index queries that
gathered the candidates, and for the top candidates the points each rule gave and which gate,
if any, kept a candidate from being an answer.
"""

from __future__ import annotations

import functools
import json
import math
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import orjson

from . import reprints
from .build import SCHEMA_VERSION, tag, text_tokens
from .candidates import Candidate, Ranked, RankingContext, Weights
from .dictionary import is_english_word, lookup_english
from .errors import QueryError, StoreClosed, StoreInvalid, StoreNotFound
from .headline import answered_metric, joint_entities
from .lexicon import lineage
from .names import segmenter_copy, strip_corporate
from .numbers import Value, bare_figure, format_values
from .query import Query
from .question import (
    QuestionVocabulary,
    Understanding,
    clean_question,
    pinyin_of,
    read_question,
)
from .ranking import (
    about_what_is_asked,
    body_over_headline,
    explain,
    explain_why,
    lead_of,
    precise_over_rounded,
    rank,
    rejection,
    states_asked_kind,
    unknown_subject,
)
from .text import fold
from .vocabulary import CJK_RUN, AliasMatcher, is_latin

CANDIDATES = 300  # facts scored in full per question
PER_TOKEN = 1000  # newest facts fetched per question token
MAX_TOKENS = 5  # the rarest tokens of a question are enough to find its facts
COMMON_TOKEN = 0.2  # share of all facts above which a token narrows nothing

__all__ = [
    "Answer",
    "FactStore",
    "SearchResult",
    "StoreStats",
    "Understanding",
    "normalise_query",
    "open_store",
]


def normalise_query(text: str) -> str:
    """Return a question ready for reading (see ``store.question.clean_question``)."""
    return clean_question(text)


def _value_dict(v: Value, bare: bool = False) -> dict:
    return {
        "text": bare_figure(v.text) if bare else v.text,
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


@dataclass
class Answer:
    """One fact returned for a question: the verbatim quote, where it is, and what it says."""

    fact_id: str
    quote: str
    file: str
    start: int  # code-point offsets of the quote in the article file as stored
    end: int
    entity: str | None
    entity_zh: str | None
    entities: list[str]
    metric: str
    period: str | None  # the period of the headline figure
    published: str | None
    values: list[Value]
    score: float
    headline: list[Value] = field(default_factory=list)  # the figure answering the metric, and its change
    text_start: int = 0  # offsets in the cleaned article text (``FactStore.document_text``)
    text_end: int = 0
    forecast: bool = False  # the headline figure is guidance or a forecast
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    joint: list[str] = field(default_factory=list)  # companies the figure is stated for together
    joint_zh: list[str] = field(default_factory=list)  # the same companies, named in Chinese
    also: list[dict] = field(default_factory=list)  # every other article reporting it (store/reprints.py)

    @property
    def readable_values(self) -> str:
        """The answer's figure in readable units: ``US$14 billion, +79% YoY``; the headline's own
        order, which leads with the change when a growth is asked (``+79% YoY, US$14 billion``)."""
        if self.headline:
            return format_values(self.headline, in_order=True)
        return format_values(self.values)

    @property
    def source_meta(self) -> dict:
        """The article's title, url and outlet (None where unknown)."""
        return {"title": self.title, "url": self.url, "outlet": self.outlet}

    @property
    def subject(self) -> str | None:
        """Who the figure is about: the entity, or every company stated together."""
        return " + ".join(self.joint) if self.joint else self.entity

    def to_dict(self) -> dict:
        """Return the JSON contract shape (``quote``, ``source``, ``entity``, ``headline`` …)."""
        return {
            "id": self.fact_id,
            "quote": self.quote,
            "source": {
                "file": self.file,
                "start": self.start,
                "end": self.end,
                "title": self.title,
                "url": self.url,
                "outlet": self.outlet,
            },
            "entity": self.subject,
            "entity_zh": self.entity_zh,
            "entities": self.entities,
            "metric": self.metric,
            "period": self.period,
            "forecast": self.forecast,
            "published": self.published,
            "headline": _value_dict(self.headline[0], bare=True) if self.headline else None,
            "values": [_value_dict(v) for v in self.values],
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
            "understood": {f.name: getattr(self.understood, f.name) for f in fields(Understanding)},
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


def _using(method: Callable) -> Callable:
    """Run a store method as a lookup that holds the store open until it returns."""

    @functools.wraps(method)
    def wrapper(self: FactStore, *args: Any, **kwargs: Any) -> Any:
        with self._in_use():
            return method(self, *args, **kwargs)

    return wrapper


@dataclass
class EntityRow:
    """One entity as the store believes it: its spellings, kind, how it was found, its facts."""

    name: str
    zh: str
    kind: str
    how: list[str]  # lexicon, ticker, company word, role, owner, bracket, latin, dictionary, title
    variants: list[str]  # the names facts were filed under, merged into this entity
    aliases: list[str]  # every folded spelling a question or an article is matched by
    facts: int


_ONLY_IN_NAME_LIMIT = 200  # facts read to tell whether a word is only ever part of a name


def _phrase(text: str) -> str:
    """Return the FTS5 phrase query for the facts whose text holds ``text`` (its bigrams)."""
    return '"' + " ".join(text_tokens(text)) + '"'


class FactStore:
    """A read-only fact store; safe to share between threads (one connection per thread)."""

    def __init__(self, path: Path | str, weights: Weights | None = None):
        self.path = Path(path)
        if not self.path.is_file():
            raise StoreNotFound(f"no fact store at {self.path}")
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._users = 0
        self._closing = False
        # an answer's source (title, url, outlet) per article: the row holds the article's text
        # before them, so reading it costs a walk of its overflow pages each time
        self._sources: dict[str, dict] = {}
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
            # the names facts were filed under, per entity (an entity merged from several spellings)
            self.variants: dict[str, list[str]] = {}
            self.canonical: dict[str, str] = {}
            for name, info in self.entity_info.items():
                others = [v for v in json.loads(info.get("variants") or "[]") if v != name]
                self.variants[name] = [name, *others]
                self.canonical.update(dict.fromkeys(others, name))
            self.aliases: dict[str, str] = dict(con.execute("select alias, name from aliases").fetchall())
            self.latin_words: set[str] = {r[0] for r in con.execute("select word from latin_words")}
            self.fact_count = int(meta["facts"])
            self._df_cache: dict[str, int] = {}
            self._occurs_cache: dict[str, bool] = {}
            self._spellings_cache: dict[str, list[str]] | None = None
            self._lineages: dict[str, list[str]] = {}
            con.execute("select rowid from facts_fts where facts_fts match 'xmcapex' limit 1").fetchall()
        except sqlite3.DatabaseError as e:
            self._close_connections()
            raise StoreInvalid(f"{self.path} is not a factbot store: {e}") from e
        except (KeyError, ValueError) as e:
            self._close_connections()
            raise StoreInvalid(f"{self.path} is missing store metadata: {e}") from e
        self._segmenter: Any = None
        _warm_up_in_background()
        self.vocabulary = self._vocabulary()
        self.ranking = RankingContext(
            metrics=self.metrics,
            glossary=self.glossary,
            kind_of=lambda n: self.entity_info.get(n, {}).get("kind"),
            lineage=self._lineage,
            mentions=self.vocabulary.aliases.find,
            weights=weights or Weights(),
        )

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
    def _vocabulary(self) -> QuestionVocabulary:
        latin_aliases: dict[str, str] = {}
        pinyin_aliases: dict[str, list[tuple[str, str]]] = {}
        for alias, name in self.aliases.items():
            if is_latin(alias):
                if len(alias) >= 4:
                    latin_aliases[alias] = name
            elif CJK_RUN.fullmatch(alias) and len(alias) >= 2:
                pinyin_aliases.setdefault(pinyin_of(alias), []).append((alias, name))
        return QuestionVocabulary(
            aliases=AliasMatcher(self.aliases.items()),
            latin_aliases=latin_aliases,
            pinyin_aliases=pinyin_aliases,
            metric_keywords={kw: m for m, info in self.metrics.items() for kw in info["keywords"]},
            metric_excludes={w for info in self.metrics.values() for w in info.get("exclude", [])},
            metric_shifts={m: info["becomes_with"] for m, info in self.metrics.items() if info.get("becomes_with")},
            metric_things={m: set(info["things"]) for m, info in self.metrics.items() if info.get("things")},
            glossary=self.glossary,
            stopwords=self.stopwords,
            value_hints=self.value_hints,
            english=lambda word: lookup_english(self._con(), word),
            is_english=lambda word: is_english_word(self._con(), word),
            occurs=self._occurs,
            segment=self._segment,
            is_word=self._is_word,
            only_in_name=self._only_in_name,
            known_latin=self.latin_words,
        )

    def _occurs(self, word: str) -> bool:
        """Tell whether any fact's text holds ``word`` (folded), through the bigram index."""
        cached = self._occurs_cache.get(word)
        if cached is None:
            tokens = text_tokens(word)
            cached = bool(tokens) and bool(self._newest(_phrase(word), 1))
            if len(self._occurs_cache) < 100_000:
                self._occurs_cache[word] = cached
        return cached

    def _only_in_name(self, word: str, entity: str) -> bool:
        """Tell whether every fact whose text holds ``word`` holds it as the opening of one of
        ``entity``'s longer Chinese aliases (百川 only ever in 百川智能)."""
        longer = [a for a in self._spellings().get(entity, []) if a.startswith(word) and a != word]
        holding = set(self._newest(_phrase(word), _ONLY_IN_NAME_LIMIT))
        if not longer or not holding or len(holding) == _ONLY_IN_NAME_LIMIT:
            return False  # absent, or too common a word to be anyone's short name
        in_name: set[int] = set()
        for alias in longer:
            in_name.update(self._newest(_phrase(alias), _ONLY_IN_NAME_LIMIT))
        return holding <= in_name

    def _tokenizer(self) -> Any:
        if self._segmenter is None:
            words = [a for a in self.aliases if CJK_RUN.fullmatch(a)]
            words += [
                kw for info in self.metrics.values() for kw in info["keywords"] if CJK_RUN.fullmatch(kw)
            ]
            self._segmenter = _segmenter_with(words)
        return self._segmenter

    def _segment(self, run: str) -> list[str]:
        if len(run) <= 2:
            return [run]
        return [w for w in self._tokenizer().cut(run, HMM=False) if w.strip()]

    def _is_word(self, word: str) -> bool:
        tokenizer = self._tokenizer()
        return tokenizer.FREQ.get(word, 0) > 0 and word not in self.aliases

    def entities(self, name: str | None = None) -> list[EntityRow]:
        """Return the store's entities, most facts first; ``name`` keeps those it spells (any
        alias, exactly) or, failing that, those whose name or spellings contain it."""
        spellings = self._spellings()
        rows = [
            EntityRow(
                name=n,
                zh=info.get("zh") or n,
                kind=info.get("kind") or "name",
                how=json.loads(info.get("how") or "[]"),
                variants=json.loads(info.get("variants") or "[]"),
                aliases=spellings.get(n, []),
                facts=int(info.get("facts") or 0),
            )
            for n, info in self.entity_info.items()
        ]
        if name:
            key = fold(name.strip())
            exact = self.aliases.get(key) or self.canonical.get(name.strip())
            rows = (
                [r for r in rows if r.name == exact]
                if exact
                else [r for r in rows if key in fold(r.name) or any(key in a for a in r.aliases)]
            )
        return sorted(rows, key=lambda r: (-r.facts, r.name))

    def _spellings(self) -> dict[str, list[str]]:
        """Return each entity's aliases, in order (grouped once, when first needed)."""
        if self._spellings_cache is None:
            spellings: dict[str, list[str]] = {}
            for alias, owner in sorted(self.aliases.items()):
                spellings.setdefault(owner, []).append(alias)
            self._spellings_cache = spellings
        return self._spellings_cache

    def spend_metrics(self) -> set[str]:
        """Return the metrics that count as spending (capex, investment, training cost …)."""
        return {m for m, info in self.metrics.items() if info.get("spend")}

    # --- reading the question ----------------------------------------------------------
    def understand(self, query: str) -> Understanding:
        """Return what a question names: entities, metrics, periods and other words."""
        u = read_question(query, self.vocabulary)
        for entity in list(u.entities):
            head = self._written_short(entity)
            if head:
                # "Horizon Robotics": no fact is filed under it, but the articles call it 地平线
                u.entities.remove(entity)
                if head not in u.names:
                    u.names.append(head)
        return u

    def _written_short(self, entity: str) -> str | None:
        """Return how the articles write a listed company no fact is filed under, by the head of
        its Chinese name (地平线 of 地平线机器人), or None: a head of three characters or more, or
        its name without the corporate word, that the text holds and no other entity's alias is."""
        info = self.entity_info.get(entity)
        if info is None or int(info.get("facts") or 0) > 0 or info.get("kind") not in (None, "company"):
            return None
        for alias in sorted((a for a in self._spellings().get(entity, []) if CJK_RUN.fullmatch(a)), key=len):
            heads = [alias[:i] for i in range(len(alias) - 1, 2, -1)]
            short = strip_corporate(alias)
            if 2 <= len(short) < len(alias):
                heads.insert(0, short)
            for head in heads:
                if self.aliases.get(head, entity) == entity and self._occurs(head):
                    return head
        return None

    def read(self, question: str, *, metrics: set[str] | None = None, newest_first: bool = False) -> Query:
        """Return the question read once, as the ``Query`` every search of a request is given.

        ``metrics`` narrows answers to those metrics (``/spend``, ``/bench``); ``newest_first``
        orders answers by the period they state. Raises ``QueryError`` when nothing in the
        question can be searched."""
        text = normalise_query(question)
        if not text:
            raise QueryError("the question is empty")
        q = Query.of(text, self.understand(text), metrics=metrics, newest_first=newest_first)
        if not q.searchable:
            raise QueryError(f"nothing searchable in {text[:60]!r}")
        return q

    # --- searching -------------------------------------------------------------------
    @_using
    def search(
        self,
        query: Query | str,
        *,
        limit: int = 3,
        offset: int = 0,
        metrics: set[str] | None = None,
        newest_first: bool = False,
    ) -> SearchResult:
        """Return the facts that answer ``query``, best first, and the related facts.

        ``query`` is a ``Query`` (``read``), or a question to read with ``metrics`` and
        ``newest_first`` (see ``read``). Raises ``QueryError`` when nothing in the question can
        be searched.
        """
        q = (
            query
            if isinstance(query, Query)
            else self.read(query, metrics=metrics, newest_first=newest_first)
        )
        ranked, answers, _ = self._run(q)
        if q.newest_first:
            answers.sort(key=lambda r: (-(r.candidate.recency or 0), -r.score))
        answer_ids = {r.rank_id for r in answers}
        related = [
            r
            for r in ranked
            if r.rank_id not in answer_ids
            and (r.match.entity > 0 or r.match.metric > 0 or r.match.words >= 50)
            and about_what_is_asked(r, q, self.ranking)
        ]
        page = answers[offset : offset + limit]
        return SearchResult(
            query=q.text,
            understood=q,
            answers=[self._answer(r, q) for r in page],
            related=[self._answer(r, q) for r in related[:limit]] if not page else [],
            total=len(answers),
        )

    def _run(self, q: Query) -> tuple[list[Ranked], list[Ranked], list[tuple[str, int]]]:
        """Return every candidate ranked, the answers among them in order, and the index queries
        that gathered them (with how many facts each gave)."""
        # a question about an unknown word with nothing else to hold on to has no related facts
        # either: every fact sharing a modifier ("best") would do
        gathered: list[tuple[str, int]] = []
        candidates = [] if unknown_subject(q) and not q.metrics else self._candidates(q, gathered)
        ranked = sorted((rank(c, q, self.ranking) for c in candidates), key=lambda r: (-r.score, -r.rank_id))
        answers = [
            r for r in ranked if rejection(r, q, self.ranking, strict_metrics=q.strict_metrics) is None
        ]
        # the ``stated`` order: answers stating a figure of the kind asked first, by score within
        answers.sort(key=lambda r: not states_asked_kind(r.candidate, q, self.ranking))
        return ranked, precise_over_rounded(body_over_headline(answers), q, self.ranking), gathered

    @_using
    def explain(self, query: str, *, top: int = 8, metrics: set[str] | None = None) -> str:
        """Return, as text, what was understood, the index queries that gathered the candidates,
        and how the top candidates were ranked and judged."""
        q = self.read(query, metrics=metrics)
        ranked, _, gathered = self._run(q)
        lines = [f"question: {q.text}", f"understood: {q.describe()}"]
        shown = {f.name: getattr(q, f.name) for f in fields(Understanding) if getattr(q, f.name)}
        lines.append("reading: " + json.dumps(shown, ensure_ascii=False))
        lines.append("gathered by:")
        lines += [f"  {n:>4} facts  {expr}" for expr, n in gathered] or [
            "  (no index query: nothing to gather by)"
        ]
        lines.append(f"candidates: {len(ranked)}")
        for r in ranked[:top]:
            c = r.candidate
            found = rejection(r, q, self.ranking, strict_metrics=q.strict_metrics)
            mark = "answer " if found is None else f"no: {found[0]:<7}"
            lines.append(f"  [{mark}] {explain(r)}")
            who = ", ".join(c.entities) or (
                ("article subject " if c.topic else "carried ") + ", ".join(c.context)
            )
            lines.append(
                f"      {who or '-'} | {', '.join(c.metrics) or '-'} | {c.period or '-'} | {c.key[:70]}"
            )
            lines.append(f"      why: {explain_why(r)}" + (f" | rejected: {found[1]}" if found else ""))
        return "\n".join(lines)

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
        for t in u.terms + u.unknown + u.names:
            for alt in self.glossary.get(t) or u.translations.get(t) or [t]:
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

    def _candidates(self, u: Understanding, gathered: list[tuple[str, int]] | None = None) -> list[Candidate]:
        """Return the facts worth ranking for ``u``; each index query run, with how many facts
        it gave, is appended to ``gathered`` (``explain`` prints them)."""
        log = gathered if gathered is not None else []

        def newest(expr: str, keep: int) -> list[int]:
            found = self._newest(expr, keep)
            log.append((expr, len(found)))
            return found

        def by_tokens(base: str, keep: int) -> list[int]:
            found = self._by_tokens(base, tokens, keep)
            if tokens:
                words = " | ".join(t for t, _ in tokens)
                log.append(
                    (
                        f"({base}) AND any of [{words}], by idf" if base else f"any of [{words}], by idf",
                        len(found),
                    )
                )
            return found

        # every entity named (in the sentence or carried into it), the metric, the year
        curated = [e for e in u.entities if self.entity_info.get(e, {}).get("kind") != "name"]
        found = [e for e in u.entities if e not in curated]
        ent = " AND ".join(
            [f"({self._entity_tags(e)})" for e in curated]
            + ([" OR ".join(self._entity_tags(e) for e in found)] if found else [])
        )
        met = " OR ".join(tag("xm", m) for m in u.metrics)
        years = " OR ".join(f"xy{p}" for p in u.periods if p.isdigit())
        parts = [f"({p})" for p in (ent, met, years) if p]
        tags = " AND ".join(parts)
        tokens = self._query_tokens(u, with_entity_names=not ent)
        rowids: list[int] = []
        if tags:
            if met:
                stated = " OR ".join(tag("xv", m) for m in u.metrics)
                rowids += newest(f"{tags} AND ({stated})", CANDIDATES // 3)
            rowids += newest(tags, CANDIDATES // 3)
            rowids += by_tokens(tags, CANDIDATES // 3)
            if len(rowids) < CANDIDATES // 4 and (len(parts) > 1 or len(u.entities) > 1):
                # nothing has all of it: the nearest facts, looser step by step, for "related"
                any_ent = " OR ".join(self._entity_tags(e) for e in u.entities)
                looser = [
                    f"({ent}) AND ({met})" if ent and met else "",
                    f"({ent})" if ent else "",
                    f"({any_ent})" if len(u.entities) > 1 else "",
                    f"({met})" if met else "",
                ]
                for expr in filter(None, looser):
                    near = by_tokens(expr, CANDIDATES // 4)
                    rowids += near
                    if len(near) < CANDIDATES // 4:
                        # a word the question adds may be absent from the fact that answers it
                        # (格灵 of 格灵深瞳 in "2023年公司营收…"): it narrows, it never excludes
                        rowids += newest(expr, CANDIDATES // 4)
        elif tokens:
            rowids += by_tokens("", CANDIDATES)
        rowids = list(dict.fromkeys(rowids))
        if not rowids:
            return []
        sql = f"select {_CANDIDATE_COLUMNS} from facts where rid in ({','.join('?' * len(rowids))})"
        return [_candidate(r, self.canonical) for r in self._con().execute(sql, rowids).fetchall()]

    def _entity_tags(self, entity: str) -> str:
        """Return the index tags of facts naming ``entity`` or carrying it, under any name it has."""
        return " OR ".join(f"{tag('xe', v)} OR {tag('xc', v)}" for v in self.variants.get(entity, [entity]))

    def lineage(self, name: str) -> list[str]:
        """Return ``name`` and what it belongs to, nearest first (M6 → Alibaba)."""
        return list(self._lineage(name))

    def _lineage(self, name: str) -> list[str]:
        cached = self._lineages.get(name)
        if cached is None:
            cached = self._lineages[name] = lineage(name, lambda n: self.entity_info.get(n, {}).get("parent"))
        return cached

    def _answer(self, ranked: Ranked, u: Understanding) -> Answer:
        c = ranked.candidate
        r = self._con().execute("select * from facts where rid = ?", (c.rank_id,)).fetchone()
        entity = next((e for e in u.entities if e in c.entities or e in c.context), None)
        entity = entity or next((n for n in u.names if n in c.key), None)
        entity = entity or (c.entities[0] if c.entities else (c.context[0] if c.context else None))
        metric = answered_metric(c, u) or (c.metrics[0] if c.metrics else "other")
        info = self.entity_info.get(entity or "", {})
        expects = self.metrics.get(metric, {}).get("expects", "any")
        # the figures of the metric asked about lead, with the change rates beside them
        values = sorted(
            c.values, key=lambda v: (not (expects == "any" or v.kind == expects or v.change), v.start)
        )
        lead, period, forecast = lead_of(ranked, u, self.ranking)
        joint = [
            e for e in joint_entities(c) if self.entity_info.get(e, {}).get("kind") in ("company", "name")
        ]
        extra = json.loads(r["extra"] or "{}")
        doc = self._sources.get(r["file"])
        if doc is None:
            if len(self._sources) > 4096:
                self._sources.clear()
            doc = self._sources[r["file"]] = reprints.source_meta(self._con(), r["file"])
        span = extra.get("file_span") or [r["start"], r["end"]]
        return Answer(
            fact_id=r["id"],
            quote=r["quote"],
            file=r["file"],
            start=span[0],
            end=span[1],
            entity=entity,
            entity_zh=info.get("zh"),
            entities=c.entities or c.context,
            metric=metric,
            period=period,
            published=r["published"],
            values=values,
            score=max(0.0, min(ranked.score / 100, 1.0)),
            headline=lead,
            text_start=r["start"],
            text_end=r["end"],
            forecast=forecast,
            title=doc.get("title"),
            url=doc.get("url"),
            outlet=doc.get("outlet"),
            joint=joint if len(joint) > 1 else [],
            joint_zh=[self.entity_info.get(e, {}).get("zh") or e for e in joint] if len(joint) > 1 else [],
            # reprints are not in the index, so never candidates; their sources are listed here
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
        row = (
            self._con().execute(f"select {_CANDIDATE_COLUMNS} from facts where id = ?", (fact_id,)).fetchone()
        )
        if row is None:
            return None
        return self._answer(
            rank(_candidate(row, self.canonical), Understanding(), self.ranking), Understanding()
        )

    @_using
    def fact_ids(self) -> set[str]:
        """Return the id of every fact, to compare generations."""
        return {r[0] for r in self._con().execute("select id from facts")}

    @_using
    def document_text(self, file: str) -> str | None:
        """Return the cleaned text of one article (what quotes are cut from)."""
        row = self._con().execute("select text from documents where file = ?", (file,)).fetchone()
        return row[0] if row else None


_JIEBA_LOCK = threading.Lock()
_JIEBA: list[Any] = []  # one tokenizer per process: its dictionary costs ~1 s and ~70 MB to load
_JIEBA_WORDS: set[str] = set()


def _segmenter_with(words: list[str]) -> Any:
    """Return the process's jieba tokenizer, knowing ``words`` (a store's names and keywords stay
    whole: 英伟达, 日日新, 资本支出). Stores of later generations add their words to the same one."""
    with _JIEBA_LOCK:
        if not _JIEBA:
            _JIEBA.append(segmenter_copy())
        tokenizer = _JIEBA[0]
        for w in words:
            if w not in _JIEBA_WORDS:
                tokenizer.add_word(w, 100000)
                _JIEBA_WORDS.add(w)
        return tokenizer


def _warm_up_in_background() -> None:
    # the first store a process opens loads the dictionary on a thread of its own, so the first
    # Chinese question does not wait a second (or several, on a busy machine) for it
    with _JIEBA_LOCK:
        if _JIEBA or _JIEBA_WORDS:
            return
        _JIEBA_WORDS.add("")  # loading has started
    threading.Thread(target=_segmenter_with, args=([],), name="jieba-warm-up", daemon=True).start()


# what ranking reads of a fact; the rest of its row (quote, file, published) is read only for
# the facts shown
_CANDIDATE_COLUMNS = (
    "rid, id, key, start, entities, context, context_weight, metrics, metric_distance, value_list,"
    " period, recency, extra"
)


def _candidate(r: sqlite3.Row | tuple, canonical: dict[str, str] | None = None) -> Candidate:
    rid, fid, key, start, entities, context, weight, metrics, distance, values, period, rec, extra = r[:13]
    more = orjson.loads(extra or "{}")
    named, carried = orjson.loads(entities), orjson.loads(context)
    if canonical:  # the entity a name the article used was merged into
        named = list(dict.fromkeys(canonical.get(e, e) for e in named))
        carried = list(dict.fromkeys(canonical.get(e, e) for e in carried))
    return Candidate(
        id=fid,
        key=key,
        start=start,
        entities=named,
        context=carried,
        context_weight=weight,
        topic=bool(more.get("topic")),
        metrics=orjson.loads(metrics),
        distance=orjson.loads(distance),
        values=[Value(**v) for v in orjson.loads(values)],
        period=period,
        implied_year=more.get("implied_year"),
        implied_part=more.get("implied_part"),
        published=more.get("published"),
        timeless=bool(more.get("timeless")),
        restated_by=more.get("restated_by"),
        refers=more.get("refers") or "",
        recency=rec or 0.0,
        rank_id=rid,
    )


def open_store(path: Path | str) -> FactStore:
    """Open the fact store at ``path`` read-only. Raises StoreNotFound or StoreInvalid."""
    return FactStore(path)
