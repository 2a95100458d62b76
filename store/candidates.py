"""What ranking works on: a candidate fact, the store's knowledge the rules consult, and the
points each rule can give. Shared by ``store.ranking`` (the rules and gates) and
``store.headline`` (the figure an answer leads with)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .numbers import Value
from .question import Understanding
from .vocabulary import Mention, is_latin


@dataclass(frozen=True)
class Weights:
    """Points each rule can give; the order of the fields is the order of importance."""

    entity: float = 40.0  # the subject decides: a fact about another company is no answer
    words: float = 35.0  # the question's own words pick one sentence among the subject's facts
    metric: float = 25.0  # what is measured matters more than when, less than who
    figure: float = 12.0  # a figure of the right kind by the keyword is what the asker wants
    period: float = 10.0  # the year asked about, but a silent sentence may still answer
    keyword: float = 3.0  # "EBITDA" typed and written beats a synonym of it
    round_named: float = 6.0  # the funding round asked (天使++轮, series B), named, beats a round unsaid
    lead: float = 2.0  # a sentence opening on the entity is more about it
    recency: float = 3.0  # a decade newer is worth this much when the period is stated
    segment: float = 6.0  # 智能汽车收入 is not the revenue asked about unless the question says so
    focus: float = 3.0  # per other company the sentence is about (at most three counted)
    vague: float = 1.0  # per figure that is prose (数十亿, 翻了一倍), at most two counted
    hypothetical: float = 1.0  # "如果基于新一代集群,训练时间将缩短至4天" is what would be, not what was
    unnamed: float = 0.5  # a sentence naming nobody is a weaker quote
    topic_entity: float = 0.75  # how much an article's subject counts when the sentence names nobody
    name_in_text: float = 0.9  # an open-world name found in the sentence's words, not as an entity


WEIGHTS = Weights()

FORECAST = re.compile(
    r"预计|预期|预测|预估|有望|将达|将会|计划|目标|指引|展望|财测|guidance|forecast|outlook|expects?"
)
CLAUSE = re.compile(r"[,，;；。:：]|——")  # a pair of em dashes sets a clause off too


def clause_start(key: str, at: int) -> int:
    """Return where the clause holding ``key[at]`` starts: after the last clause break before it."""
    return max((m.end() for m in CLAUSE.finditer(key, 0, max(at, 0))), default=0)


PART = re.compile(r"[;；。]")  # what ends a part of a sentence (several clauses)


def part_start(key: str, at: int) -> int:
    """Return where the part of the sentence holding ``key[at]`` starts: after the last semicolon
    (or full stop) before it. A part gathers clauses: "去年同期营收为4490万元,净亏损12.36亿元"."""
    return max((m.end() for m in PART.finditer(key, 0, max(at, 0))), default=0)


def clause_end(key: str, at: int) -> int:
    """Return where the clause holding ``key[at]`` ends: at the first clause break from it."""
    return next((m.start() for m in CLAUSE.finditer(key, max(at, 0))), len(key))


@dataclass(frozen=True, eq=False)
class Candidate:
    """One fact as ranking reads it (the index's columns); never changed by ranking."""

    id: str
    key: str
    start: int  # offset of ``key`` in the cleaned article (values' offsets are relative to it)
    entities: list[str]
    context: list[str]
    context_weight: float
    topic: bool
    metrics: list[str]
    distance: dict[str, int]
    values: list[Value]
    period: str | None
    implied_year: int | None
    recency: float
    rank_id: int
    published: str | None = None  # the article's date: what its own 去年 and 上季 counted from
    timeless: bool = False  # its article has no date and names no year (Fact.timeless)
    restated_by: str | None = None  # a headline's fact: the body's fact saying it in full
    implied_part: str | None = None  # the quarter the article's lead reports (Fact.implied_part)
    refers: str = ""  # the sentence before, naming the business this one calls 该业务 (Fact.refers)


@dataclass(frozen=True)
class Match:
    """How one candidate meets the question, measured once (``store.ranking.measure``): what
    the rules turn into points and the gates into a verdict."""

    entity: float = 0.0  # share of the entities asked that the fact names or carries
    all_entities: bool = True  # every lexicon entity asked is there
    names_matched: int = 0  # open-world names asked that the fact holds
    metric: float = 0.0
    words: float = 0.0  # 0–100, the question's other words in the sentence
    period: float = 0.5  # 0 contradicts, 1 states the period asked
    segment: str | None = None  # a business unit the figure is stated for, not asked about
    figure_kinds: frozenset[str] = frozenset()  # kinds of figure the sentence states


@dataclass(frozen=True)
class Points:
    """What one ranking rule gave a candidate, and why."""

    rule: str
    points: float
    why: str


Headline = tuple[list[Value], str | None, bool]  # the figures, their period, whether a forecast


@dataclass(eq=False)
class Ranked:
    """This request's record of one candidate: its match, each rule's points, the score and
    (computed when first needed, then kept) the figure it would lead with."""

    candidate: Candidate
    match: Match
    points: tuple[Points, ...]
    score: float
    lead: Headline | None = None

    @property
    def rank_id(self) -> int:
        return self.candidate.rank_id

    def points_of(self, rule: str) -> float | None:
        return next((p.points for p in self.points if p.rule == rule), None)


@dataclass
class RankingContext:
    """What the rules need to know about the store: metrics, glossary, entity kinds and lineage."""

    metrics: dict[str, dict]
    glossary: dict[str, list[str]]
    kind_of: Callable[[str], str | None]
    lineage: Callable[[str], list[str]]
    mentions: Callable[[str], list[Mention]] = lambda key: []  # entity aliases found in a match key
    weights: Weights = WEIGHTS
    _keyword_patterns: dict[str, re.Pattern[str] | None] = field(default_factory=dict, repr=False)

    def keyword_pattern(self, metric: str) -> re.Pattern[str] | None:
        """Return a pattern matching where each of a metric's keywords starts, a Latin one as a
        whole word (EBITDA, EPS in Chinese text) (computed once per metric: the segment rule asks
        for every candidate)."""
        if metric not in self._keyword_patterns:
            keywords = self.metrics.get(metric, {}).get("keywords", ())
            written = sorted(
                {re.escape(kw) if not is_latin(kw) else rf"(?<![a-z]){re.escape(kw)}(?![a-z])" for kw in keywords},
                key=len,
                reverse=True,
            )
            # a lookahead matches empty, so overlapping keywords each give their start
            self._keyword_patterns[metric] = re.compile(f"(?=({'|'.join(written)}))") if written else None
        return self._keyword_patterns[metric]


def alternatives(term: str, u: Understanding, ctx: RankingContext) -> list[str]:
    """Return the strings a term may appear as in a match key (its glossary or dictionary words)."""
    return ctx.glossary.get(term) or u.translations.get(term) or [term]
