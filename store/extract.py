"""Extraction: article text in, facts out. Pure functions, no I/O.

A fact is one sentence (or the clean part of one) that is about something: it names an
entity, states a quantity, or uses a metric's keyword. Each carries the entities it is
about, its metrics, every quantity parsed, the period it states, and its exact position.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from .lexicon import Lexicon, Mention
from .numbers import Value, parse_quantities
from .periods import parse_period, published_date
from .text import Span, clean_runs, clean_text, find_mojibake, fold, split_sentences


@dataclass
class Fact:
    """One quotable statement of an article and what it is about."""

    id: str
    file: str
    start: int
    end: int
    quote: str
    key: str
    entities: list[str]  # named in the sentence (and the companies they belong to)
    context: list[str]  # carried over from the sentence before ("他補充道…")
    metrics: list[str]  # strongest first
    values: list[Value]
    period: str | None
    period_sort: float
    published: str | None
    names: list[str] = field(default_factory=list)  # capitalised names not in the lexicon
    metric_distance: dict[str, int] = field(default_factory=dict)  # keyword to its figure, in characters
    context_weight: float = 0.7  # how surely the carried-over subject is this sentence's subject

    @property
    def metric(self) -> str:
        return self.metrics[0] if self.metrics else "other"


@dataclass
class Document:
    """An article after cleaning: the text quotes are cut from, and its facts."""

    file: str
    text: str
    published: str | None
    facts: list[Fact]
    sha256: str
    people: dict[str, str] = field(default_factory=dict)  # person named in it -> their company


# A sentence that opens on a pronoun ("例如,它…", "他補充道…") is about the subject before it,
# even when it names others; one that opens on a connector ("对此", "这么说") is only when it
# names nobody itself.
_PRONOUN_START = re.compile(
    r"^[“\"「]?(?:(?:例如|比如|同时|此外|而且|而|但是|但|不过|对此|因此)[,，、]?)?(?:他们|她们|它们|该公司|他|她|它|其)"
)
_CONNECTOR_START = re.compile(r"^[“\"「]?(?:对此|同时|此外|而|但|不过|例如|比如|这|此|该)")
_PRONOUN_ANYWHERE = re.compile(r"他们|她们|它们|该公司|其|他|她")
_TITLES = (
    "首席执行官", "首席财务官", "首席技术官", "首席运营官", "首席科学家", "创始人", "联合创始人", "董事长", "总裁",
    "副总裁", "高级副总裁", "总经理", "负责人", "合伙人", "高管", "ceo", "cfo", "cto", "coo", "发言人", "秘书长", "研究员",
)  # fmt: skip
_NAME_AFTER_TITLE = re.compile(
    r"(?:%s)(?:兼(?:ceo|首席执行官|总裁))?(?P<name>[\u4e00-\u9fff]{1,6}(?:·[\u4e00-\u9fff]{1,8})?)(?:\((?P<latin>[a-z][a-z .\-]{2,40})\))?"
    % "|".join(sorted(_TITLES, key=len, reverse=True))
)
_NAME_TRAILERS = (
    "表示",
    "认为",
    "指出",
    "透露",
    "介绍",
    "坦言",
    "强调",
    "称",
    "说",
    "也",
    "在",
    "曾",
    "则",
    "就",
    "还",
    "对",
    "告诉",
    "谈道",
    "预测",
)
_LATIN_NAME = re.compile(
    r"(?<![A-Za-z0-9])([A-Z][A-Za-z0-9]*(?:(?:[ .\-]|\s(?:of|and|for|the|de)\s)[A-Z0-9][A-Za-z0-9]*)*)(?![A-Za-z0-9])"
)
_MIN_CONTENT = 6


def _content_len(text: str) -> int:
    return sum(1 for c in text if c.isalnum())


def fact_id(file: str, start: int, end: int, quote: str) -> str:
    """Return a stable id: the same source text always yields the same id."""
    return hashlib.sha1(f"{file}\x00{start}\x00{end}\x00{quote}".encode()).hexdigest()[:16]


def _person_links(key: str, mentions: list, lexicon: Lexicon) -> dict[str, str]:
    """Find 'COMPANY ... CEO 某某(Latin Name)' and map the person's names to the company."""
    links: dict[str, str] = {}
    companies = [
        m for m in mentions if m.entity not in lexicon.entities or lexicon.entities[m.entity].kind != "person"
    ]
    for m in _NAME_AFTER_TITLE.finditer(key):
        name = m.group("name")
        for t in _NAME_TRAILERS:
            idx = name.find(t, 1)
            if idx > 0:
                name = name[:idx]
        owner = None
        for c in companies:
            if c.end <= m.start():
                owner = c.entity
        if not owner or len(name) < 2:
            continue
        links[name] = owner
        if "·" in name:
            links[name.split("·")[-1]] = owner
        if m.group("latin"):
            links[m.group("latin").strip()] = owner
    return links


def _discovered_names(
    sentence: str, covered: list[tuple[int, int]], lexicon: Lexicon
) -> list[tuple[str, int, int]]:
    names = []
    for m in _LATIN_NAME.finditer(sentence):
        word = m.group(1).strip(" .-")
        if any(s <= m.start() < e for s, e in covered):
            continue
        k = fold(word)
        if k in lexicon.generic_names or len(word) < 3 or word.isupper() and len(word) <= 3:
            continue
        if re.fullmatch(r"[A-Z]\d+", word):
            continue
        names.append((word, m.start(), m.end()))
    return names


def extract_facts(raw_text: str, file: str, lexicon: Lexicon) -> Document:
    """Return the cleaned article and the facts it states.

    >>> doc = extract_facts("4月25日,微軟稱資本支出同比增長79%至140億美元。", "a.txt", Lexicon.load())
    >>> doc.facts[0].entities, doc.facts[0].metric, [v.amount for v in doc.facts[0].values]
    (['Microsoft'], 'capex', [79.0, 14000000000.0])
    """
    text = clean_text(raw_text)
    key = fold(text)
    sha = hashlib.sha256(raw_text.encode("utf-8", "surrogatepass")).hexdigest()
    published = published_date(key[:400], file)
    article_year = int(published[:4]) if published else None
    damaged = find_mojibake(text)
    facts: list[Fact] = []
    people: dict[str, str] = {}
    people_latin: dict[str, str] = {}
    last_period: tuple[str, float] | None = None
    last_metric: str | None = None
    previous: tuple[list[str], int] | None = None  # entities of the sentence before, and depth
    last_line_end = -1
    for sentence in split_sentences(text):
        new_paragraph = "\n" in text[last_line_end : sentence.start] if last_line_end >= 0 else True
        last_line_end = sentence.end
        s_key = key[sentence.start : sentence.end]
        if lexicon.is_boilerplate(s_key):
            previous = None
            continue
        mentions = lexicon.find_mentions(s_key)
        found_names = _discovered_names(sentence.text, [(m.start, m.end) for m in mentions], lexicon)
        names = [n for n, _, _ in found_names]
        links = _person_links(
            s_key,
            sorted([*mentions, *(Mention(n, a, b) for n, a, b in found_names)], key=lambda m: m.start),
            lexicon,
        )
        people.update(links)
        # the person as a findable name: "Tuhin Srivastava" stands for 斯里瓦斯塔瓦 too
        latin = {fold(n): n for n in names}
        full = next((latin[fold(p)] for p in links if fold(p) in latin), None)
        if full:
            for person in links:
                people_latin.setdefault(person, full)
        named: list[str] = []
        for m in mentions:
            for name in lexicon.lineage(m.entity):
                if name not in named:
                    named.append(name)
        for person, owner in people.items():
            if fold(person) in s_key:
                for name in [people_latin.get(person, person), *lexicon.lineage(owner)]:
                    if name not in named:
                        named.append(name)
        for n in names:
            if n in people or fold(n) in people:
                continue
            if n not in named:
                named.append(n)
        context: list[str] = []
        depth = 0
        starts_with_pronoun = bool(_PRONOUN_START.match(s_key))
        continues = not named and (not new_paragraph or _CONNECTOR_START.match(s_key))
        if previous and previous[1] < 2 and (starts_with_pronoun or continues):
            # "例如,它通过了…" / "他補充道…": the subject is the one of the sentence before
            context, depth = [e for e in previous[0] if e not in named], previous[1] + 1
        if named:
            previous = (named, 0)
        elif context:
            previous = (context, depth)
        # a pronoun referring back ("他們的資本支出…") makes the carried-over subject surer
        context_weight = 0.85 if starts_with_pronoun or _PRONOUN_ANYWHERE.search(s_key) else 0.7
        for run in clean_runs(sentence, damaged):
            fact = _fact_from_run(run, key, file, lexicon, named, context, published, article_year, names)
            if fact:
                fact.context_weight = context_weight
                if fact.period is None and context and last_period:
                    # "其中資料中心營收為308億美元": a figure carried over from the sentence
                    # before belongs to that sentence's period too
                    fact.period, fact.period_sort = last_period
                if context and last_metric and last_metric not in fact.metrics:
                    # "这比2021年的约600亿美元增长了30%以上": a money figure continuing the
                    # sentence before measures what that sentence measured
                    expects = lexicon.metrics[last_metric].expects
                    if any(v.kind == expects for v in fact.values) and not any(
                        lexicon.metrics[m].expects == expects for m in fact.metrics
                    ):
                        fact.metrics.append(last_metric)
                        fact.metric_distance[last_metric] = 0
                facts.append(fact)
                if fact.period:
                    last_period = (fact.period, fact.period_sort)
        own = [f for f in facts if f.start >= sentence.start and f.values]
        if own and own[-1].metrics:
            last_metric = own[-1].metrics[0]
        elif not context:
            last_metric = None
        if not context and not named:
            last_period = None
        elif named:
            last_period = next(
                (
                    (f.period, f.period_sort)
                    for f in reversed(facts)
                    if f.period and f.start >= sentence.start
                ),
                None,
            )
    return Document(
        file=file,
        text=text,
        published=published,
        facts=facts,
        sha256=sha,
        people={people_latin.get(p, p): o for p, o in people.items()},
    )


def _fact_from_run(
    run: Span,
    key: str,
    file: str,
    lexicon: Lexicon,
    named: list[str],
    context: list[str],
    published: str | None,
    article_year: int | None,
    names: list[str],
) -> Fact | None:
    if _content_len(run.text) < _MIN_CONTENT:
        return None
    r_key = key[run.start : run.end]
    values = parse_quantities(r_key, run.text)
    hits = lexicon.metric_hits(r_key)
    if not (named or values or hits):
        return None
    if not named and not hits and not context:
        return None  # a bare number with nothing to say what it measures
    metrics, distances = _rank_metrics(r_key, hits, lexicon.metric_positions(r_key), values, lexicon)
    period = parse_period(r_key, article_year)
    shifted = [
        Value(**{**v.to_dict(), "start": v.start + run.start, "end": v.end + run.start}) for v in values
    ]
    return Fact(
        id=fact_id(file, run.start, run.end, run.text),
        file=file,
        start=run.start,
        end=run.end,
        quote=run.text,
        key=r_key,
        entities=list(named),
        context=list(context),
        metrics=metrics,
        metric_distance=distances,
        values=shifted,
        period=period.label if period else None,
        period_sort=period.sort if period else 0.0,
        published=published,
        names=names,
    )


_FAR = 999


def _distance(key: str, pos: int, end: int, v: Value) -> int:
    # Chinese states a metric, then its figure ("收入超800亿美元"); a figure before the keyword,
    # or one in another clause, is less likely to be its value.
    if v.start >= end:
        gap, between = v.start - end, key[end : v.start]
    else:
        gap, between = 2 * max(pos - v.end, 0), key[v.end : pos]
    return gap + 15 * sum(between.count(c) for c in ",，;；")


def _rank_metrics(
    key: str,
    hits: dict[str, tuple[int, int]],
    positions: dict[str, list[tuple[int, int]]],
    values: list[Value],
    lexicon: Lexicon,
) -> tuple[list[str], dict[str, int]]:
    """Order a sentence's metrics: the one whose keyword sits next to a figure of its kind first."""
    distances: dict[str, int] = {}
    for name in hits:
        expects = lexicon.metrics[name].expects
        fitting = [v for v in values if expects == "any" or v.kind == expects]
        distances[name] = min(
            (_distance(key, pos, end, v) for v in fitting for pos, end in positions.get(name, [])),
            default=_FAR,
        )

    def score(name: str) -> tuple:
        strength, pos = hits[name]
        # 'growth' and 'market_size' are the catch-alls; a specific metric outranks them
        generic = name in ("growth", "market_size", "benchmark")
        near = distances[name] <= 20
        return (near, not generic, -distances[name], strength, -pos)

    return sorted(hits, key=score, reverse=True), distances
