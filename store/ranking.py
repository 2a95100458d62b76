"""Ranking candidates, in the shape of Meilisearch's ranking rules: two ordered lists of named,
documented, pure functions of (question, fact).

1. ``measure`` reads how a candidate meets the question once (a ``Match``: entity, metric,
   words, period, segment, kinds of figure).
2. ``RULES``, in order of importance, each give points and say why (``Weights`` says what each
   can weigh); a candidate's score is their sum. ``explain`` prints them, rule by rule.
3. ``GATES``, in order, each may reject a ranked candidate as an *answer*, saying why; the first
   that rejects names the verdict ("entity", "period" …), and the candidate is only *related*.
4. ``STATED`` orders the answers: those stating a figure of the kind asked come first.

The headline figure an answer leads with is picked by ``store.headline``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import fields

from rapidfuzz import fuzz

from .candidates import (
    PART,
    Candidate,
    Headline,
    Match,
    Points,
    Ranked,
    RankingContext,
    Weights,
    alternatives,
    clause_end,
    clause_start,
    part_start,
)
from .headline import (
    answered_metric,
    asks_for_a_change,
    changes_by_only,
    headline_for,
    inside_slogan,
    value_period,
)
from .numbers import Value
from .periods import (
    WHOLE_YEAR,
    YEAR_AGREES,
    figure_periods,
    label_parts,
    period_agreement,
    period_names,
    without_bases,
)
from .question import Understanding, funding_rounds
from .subjects import source_or_investor
from .vocabulary import CJK_RUN, Mention, is_latin

# Cut-offs an answer must pass, with why.
WORDS_ALONE = 70  # no entity and no metric: the words must match well to be an answer
WORDS_WITH_METRIC = 60  # no entity, a metric: the words narrow which sentence
WORDS_WITH_ENTITY = 40  # an entity but no metric: the words must match somewhat
STATED_NEAR = 12  # characters between a metric's keyword and its figure that make it "stated"
STATED_FAR = 25
SYNONYM = 0.9  # a Chinese word matched by another word for it counts this much of the word itself

_VAGUE = {"多", "数"}
# a figure written with a numeral, Arabic or Chinese (两次, 兩輪), not with words alone (上万, 数十亿)
_NUMERAL = re.compile(r"[\d一二两兩三四五六七八九]")
# words before a metric's keyword that mean the whole company's figure, not a business unit's;
# 归母, 归属母公司业主 (attributable to the parent's owners, shareholders) and 扣非 (before one-off
# items) qualify a profit line, they do not name a segment
_TOTAL_WORDS = re.compile(
    r"(?:总|整体|全年|全季|合并|自结|集团|公司|季度?|年度?|月|同期|上季|本季|今年|去年|前一季|当季|财年|期内|归母|扣非|应占|业主|股东|[的之其该])$"
    # a report's own line is the company's: "第3季财报营收", "业绩公告显示收入"
    r"|(?:财报|年报|季报|业绩|公告|报告|显示)$"
    # a verb before the keyword reports the company's own figure: "实现净利润", "录得收入"
    r"|(?:实现|录得|取得|获得|达到|达成|创造|带来|贡献|公布|报告|披露|宣布|预计|预期|錄得|實現|取得)$"
)


def _words(c: Candidate, u: Understanding, ctx: RankingContext) -> float:
    # each term scored on its own, weighted by length (see the shared notes on matching)
    weights = total = 0.0
    for t in u.terms:
        alts = alternatives(t, u, ctx)
        # the asker's own word, written as asked, beats another word for it (资料中心 / 数据中心)
        s = max(
            (fuzz.partial_ratio(a, c.key) if len(a) <= len(c.key) else fuzz.ratio(a, c.key))
            * (1.0 if a == t or is_latin(t) else SYNONYM)
            for a in alts
        )
        if c.refers and s < 100:
            # "该业务去年收入达24.04亿元": the business the sentence before named is this one's
            referred = [fuzz.partial_ratio(a, c.refers) for a in alts if len(a) <= len(c.refers)]
            s = max(s, max(referred, default=0) * SYNONYM)
        w = max(len(min(alts, key=len)), 1) if not is_latin(t) or len(alts) > 1 or t in ctx.glossary else 2
        weights += w
        total += w * s
    names = " ".join(c.entities + c.context).lower()
    for t in u.unknown:
        s = fuzz.partial_ratio(t, c.key) if len(t) <= len(c.key) else 0
        s = max(s, fuzz.partial_ratio(t, names) if names and len(t) <= len(names) else 0)
        if any(ch.isdigit() for ch in t) and _compact(t) not in _compact(c.key) and _sibling_code(t, c.key):
            # a model's code another digit away is another model (7G106 is not 7G100)
            s = min(s, 25)
        weights += min(len(t), 6)
        total += min(len(t), 6) * s
    return total / weights if weights else 0.0


def _compact(text: str) -> str:
    return re.sub(r"[\s\-_.]", "", text)


def _sibling_code(code: str, key: str) -> bool:
    """Tell whether ``key`` writes another code of the same family as ``code`` (7G100 for 7G106)."""
    written = {_compact(w) for w in re.findall(r"[a-z0-9][a-z0-9\-.]*[0-9][a-z0-9]*", key)}
    mine = _compact(code)
    return any(w != mine and len(w) == len(mine) and fuzz.ratio(w, mine) >= 60 for w in written)


# an item of a list: "- 网通与伺服器…", "1. 营收…", "(2) 毛利率…"
_LIST_ITEM = re.compile(r"\s*(?:[-•·*▪●]\s*|\d{1,2}\s?[.、)]\s?|[（(]\d{1,2}[)）]\s?)(?!\d)")


def _entity(c: Candidate, u: Understanding, ctx: RankingContext) -> tuple[float, bool, int]:
    per = []
    curated = []
    matched_names = 0
    for e in u.entities:
        if e in c.entities:
            per.append(1.0)
        elif e in c.context and c.topic and _LIST_ITEM.match(c.key):
            per.append(1.0)  # a list of key figures belongs to the company the article is about
        elif e in c.context:
            per.append(ctx.weights.topic_entity if c.topic else c.context_weight)
        else:
            per.append(0.0)
        if ctx.kind_of(e) == "name":  # found by the builder, not the lexicon: a hint, not a gate
            matched_names += per[-1] > 0
        elif ctx.kind_of(e) == "person" and any(p in u.entities for p in ctx.lineage(e)[1:]):
            pass  # "王小川 百川 融资": the founder says whose company; its round need not name him
        else:
            curated.append(per[-1])
    for n in u.names:
        if n in c.key or any(n in e.lower() for e in c.entities + c.context):
            per.append(ctx.weights.name_in_text)
            matched_names += 1
        else:
            per.append(0.0)
    if not per:
        return 0.0, True, 0
    return sum(per) / len(per), all(curated), matched_names


def segment_before(key: str, keyword_start: int) -> str | None:
    """Return the words that qualify a metric keyword as a segment (``智能汽车``收入), or None.

    A keyword right after punctuation, a period word (上季, 2024年) or a total word (整体, 公司)
    measures the whole; a noun glued before it names a part.
    """
    window = key[max(0, keyword_start - 7) : keyword_start]
    unit = re.search(r"(?:业务|部门|板块|事业部|事业群|分部)$", window)
    if unit:  # "该部门营收", "生成式AI业务收入": a business unit's figure
        named = re.search(r"([\u3400-\u9fffa-z0-9]{2,5})$", window[: unit.start()])
        return named.group(1) if named and not re.search(r"[该其这此总]$", named.group(1)) else unit.group(0)
    before = window[-4:]
    if not before or not re.search(r"[\u3400-\u9fff]$", before):
        return None
    if _TOTAL_WORDS.search(before) or re.search(r"\d年?$", before):
        return None
    m = re.search(r"[\u3400-\u9fff]{2,4}$", before)
    return m.group(0) if m else None


_LEAD_IN = re.compile(r"([\u3400-\u9fffa-z0-9 ]{1,10})方面[,，:：]?\s*$")
_ASPECTS = re.compile(
    r"财务|业绩|经营|营运|整体|总体|盈利|利润|收入|营收|成本|费用|现金"
)  # a heading, not a unit


def _segment_lead_in(key: str, keyword_start: int) -> str | None:
    """Return the segment a clause is introduced as ("AI應用方面，Q3收入達26億元": AI应用), or None."""
    clause_start = max((key.rfind(p, 0, keyword_start) for p in "。;；!！?？"), default=-1) + 1
    head = key[clause_start:keyword_start]
    # the lead-in is the clause's opening words, before the figure's own clause
    first = re.split(r"[,，]", head, maxsplit=1)
    opening = first[0] + ("," if len(first) > 1 else "")
    m = _LEAD_IN.search(opening)
    if not m or _ASPECTS.search(m.group(1)):
        return None  # "盈利水平方面,…营收1.9亿元": a heading over the whole company's figures
    return m.group(1).strip()


_UNIT_SUBJECT = re.compile(r"(?<![该其总])(?:核心|主要|主营|旗下)?(?:业务|部门|板块|事业部|事业群|分部)")


def _unit_in_clause(key: str, keyword_start: int) -> str | None:
    """Return the business unit a clause is about, when it names one before the keyword
    ("第四范式核心业务“先知 AI 平台”上半年实现营收12.51亿元": 核心业务), or None."""
    clause_start = max((key.rfind(p, 0, keyword_start) for p in ",，;；。:："), default=-1) + 1
    m = _UNIT_SUBJECT.search(key, clause_start, keyword_start)
    return m.group(0) if m else None


def _keyword_spans(c: Candidate, metric: str, ctx: RankingContext) -> list[tuple[int, int]]:
    # each start's longest keyword (the pattern tries the longest first)
    pattern = ctx.keyword_pattern(metric)
    return [(m.start(), m.start() + len(m.group(1))) for m in pattern.finditer(c.key)] if pattern else []


_SEGMENTED = {"revenue", "net_profit", "operating_profit", "loss"}  # lines reported per business unit


def _segment(c: Candidate, u: Understanding, ctx: RankingContext) -> str | None:
    metric = next((m for m in u.metrics if m in c.metrics and m in _SEGMENTED), None)
    if metric is None:
        return None
    # a keyword inside another metric's longer one is that one's (收益 of 每股摊薄收益, EPS)
    longer = [(a, b) for m in c.metrics if m != metric for a, b in _keyword_spans(c, m, ctx)]
    spans = [
        (a, b)
        for a, b in _keyword_spans(c, metric, ctx)
        if not any(x <= a and b <= y and y - x > b - a for x, y in longer)
    ]
    if not spans:
        return None
    asked = [a for t in u.terms for a in alternatives(t, u, ctx)] + u.names
    if any(a and a in re.split(r"[;；。]", c.key[max(0, x - 24) : x])[-1] for a in asked for x, _ in spans):
        # "…系统产品板块受益消费需求反弹,收入同比增长3%至3.82亿美元" asked of 系统产品: of the
        # sentence's segments, the question names one
        return None
    # the keyword that the fact's figure belongs to: the nearest one before its first figure
    # that has one ("推升3月营收攀高…;第1季探针卡营收比重约45.3%" is the probe cards' share), read
    # whole (亏损 of 净亏损 is the longer keyword's)
    figures = sorted(v.start - c.start for v in c.values)
    start = spans[0][0]
    for f in figures:
        before = [a for a, _ in spans if 0 <= f - a <= 20]
        if before:
            start = min(a for a, b in spans if a <= before[-1] < b)
            break
    part = _part_named_before(c.key, start, u, ctx)
    if part:
        return part
    seg = segment_before(c.key, start) or _segment_lead_in(c.key, start) or _unit_in_clause(c.key, start)
    if not seg:
        return _part_elsewhere(c, u, ctx, metric)
    if any(m.end == len(seg) for m in ctx.mentions(seg)):
        return None  # "微软销售额": the company's own name before the keyword is no business unit
    window = c.key[max(0, start - 10) : start]
    if any(a in window or fuzz.partial_ratio(seg, a) >= 75 for a in asked if a):
        return None  # the question names this segment: it is what is asked
    return seg


def _part_named_before(key: str, keyword_start: int, u: Understanding, ctx: RankingContext) -> str | None:
    """Return a part of a company asked (its product or unit, by the lexicon's lineage) written
    right before the keyword ("Google Cloud营收达176.6亿美元" asked about Alphabet), or None."""
    window = key[max(0, keyword_start - 24) : keyword_start]
    for m in ctx.mentions(window):
        if m.end >= len(window.rstrip()) and m.entity not in u.entities:
            if any(e in u.entities for e in ctx.lineage(m.entity)[1:]):
                return window[m.start : m.end].strip()
    return None


def _part_elsewhere(c: Candidate, u: Understanding, ctx: RankingContext, metric: str) -> str | None:
    """Return the part the question names when the sentence names it only in a clause holding
    none of its figures ("Q2營收46.6億元創歷史新高…以及AI伺服器…的強勁表現" asked for AI servers'
    revenue: the figure is the whole company's), or None."""
    parts = [
        a for t in u.terms if t not in u.keywords for a in alternatives(t, u, ctx) if len(a) >= 2 and not is_latin(a)
    ]
    expects = ctx.metrics.get(metric, {}).get("expects", "any")
    figures = [v.start - c.start for v in c.values if not v.change and expects in ("any", v.kind)]
    if not parts or not figures:
        return None

    def names_part(text: str) -> str | None:
        return next((a for a in parts if fuzz.partial_ratio(a, text) >= 80), None) if text else None

    if any(names_part(c.key[clause_start(c.key, at) : clause_end(c.key, at)]) for at in figures):
        return None
    return names_part(c.key)


# --- measuring -----------------------------------------------------------------------------


# when something happened, as a sentence says it: 2018年, 2025年11月, 今年10月, 26年1月, 9月份 (not
# periods.period_names, which reads the period a figure is for: it drops 以来 and bare months)
_STATES_A_DATE = re.compile(r"(?:19|20)\d\d\s?年|\d{2}\s?年\s?\d{1,2}\s?月|(?:今|去|明|前)年\s?\d{1,2}\s?月|\d{1,2}\s?月")


def measure(c: Candidate, q: Understanding, ctx: RankingContext) -> Match:
    """Return how ``c`` meets the question, each part measured once for the rules and gates."""
    entity, all_entities, names_matched = _entity(c, q, ctx)
    metric = 0.0
    if q.metrics:
        # a later metric counts less (the sentence is less about it), unless its own figure stands
        # by its keyword: each line of a results list (营收 48.54 亿元,…,每股税后纯益 1.68 元) states its own
        per_metric = [
            0.0
            if m not in c.metrics
            else 1.0
            if c.distance.get(m, 999) <= STATED_NEAR
            else 1.0 - 0.08 * c.metrics.index(m)
            for m in q.metrics
        ]
        metric = sum(per_metric) / len(per_metric)
    return Match(
        entity=entity,
        all_entities=all_entities,
        names_matched=names_matched,
        metric=metric,
        words=_words(c, q, ctx),
        period=_period(c, q) if q.periods else 0.5,
        segment=_segment(c, q, ctx),
        figure_kinds=frozenset(v.kind for v in c.values if not inside_slogan(c.key, v, c.start))
        | ({"date"} if "date" in q.value_kinds and _STATES_A_DATE.search(c.key) else set()),
    )


def _at(c: Candidate, v: Value) -> int:
    # where a figure starts in its fact's key
    return max(v.start - c.start, 0)


def _clause_period(c: Candidate, v: Value) -> bool:
    # whether the figure's own clause writes a period before it (a list's or a range's place is
    # too weak a reading to overrule the fact's period)
    at = _at(c, v)
    clause = without_bases(c.key[clause_start(c.key, at) : at])
    # a part after a semicolon is under the period it opens on (";去年同期营收为4490万元,净亏损…")
    part = part_start(c.key, at)
    opening = [n for n in period_names(c.key[part:at])[:1] if n.start <= 1 and part > 0]
    # a stated year or part: 当季 and 同期 point back at a period named before, not at their own;
    # in a dated article a relative year ("今年上半年…;去年同期营收为4490万元") is its own too
    return bool(WHOLE_YEAR.search(clause)) or any(
        (n.year or n.part or ((n.same_part or n.offset is not None) and c.published))
        and (n.offset is None or c.published)
        and n.quarter_offset is None
        for n in [*period_names(clause), *opening]
    )


_REACHED = re.compile(r"(?:至|到|达到|达)\s?$")
_SAME_PERIOD_BASE = re.compile(r"同期(?:的|为|是)?\s?$")


IMPLIED_PART = 0.9  # how surely a sentence stating no period is of the quarter its article reports


def _same_period_before(c: Candidate, v: Value) -> bool:
    # "与去年同期的3.54亿元相比": the figure of the same period a year before, the metric's too
    at = _at(c, v)
    return bool(_SAME_PERIOD_BASE.search(c.key, max(0, at - 6), at))


def _reached(c: Candidate, v: Value) -> bool:
    # "…同比大增42倍至11.11亿元": the figure a change reached
    at = _at(c, v)
    return bool(_REACHED.search(c.key, max(0, at - 4), at))


def _part_before(c: Candidate, v: Value) -> str | None:
    names = figure_periods(c.key, _at(c, v))
    return next((n.part for n in reversed(names) if n.part), None)


def _period(c: Candidate, q: Understanding) -> float:
    """The period's agreement: the fact's, or, when the figures the asked metric names are stated
    for other periods ("2024年其营收突破107亿元,2025年一季度…净利润9.21亿元": the net profit is
    2025 Q1's), the best of theirs, read from their labels alone."""
    # "威刚今年前二月营收…" in an article with no date: its 今年 is the year it was written, which
    # the year the article names most (2025, of last year's results) need not be
    implied = None if c.published is None and c.period is None and _tells_relative(c.key) else c.implied_year
    if c.period is None and implied and c.implied_part:
        # a sentence stating no period in an article reporting a quarter: that quarter's, most
        # likely, a little less surely than a sentence saying so (never the whole year's)
        told = f"{implied} {c.implied_part}"
        fact = IMPLIED_PART * period_agreement(
            q.periods, told, c.key, published=c.published, today=q.today, whole_year=q.whole_year, at_period_end=q.at_period_end
        )
    else:
        fact = period_agreement(
            q.periods,
            c.period,
            c.key,
            implied_year=implied,
            published=c.published,
            today=q.today,
            whole_year=q.whole_year, at_period_end=q.at_period_end,
        )
    if "分别" in c.key:
        return fact  # "2022年、2023年、2024年…分别为A、B、C": one figure per period, by place
    asked = [v for v in c.values if v.metric is not None and v.metric in q.metrics]
    asked_parts = [p for p in q.periods if p[0] in "QH9"]
    if c.period is None and asked_parts:
        # an undated article's "第2季…税后纯益168.61亿元…上半年…": no label to compare, but the
        # part written before the figure asked for says which part it is
        before = {_part_before(c, v) for v in asked}
        if before and None not in before:
            return fact if before & set(asked_parts) else 0.0
    own = [v for v in asked if _clause_period(c, v)]
    # "第4季EPS為1.5元，全年約4.2元": a figure of the same kind right after the asked metric's, in
    # a clause of its own period, goes on with that metric for that period
    continued = [
        v
        for v in c.values
        if v.metric is None
        and any(a.kind == v.kind and not a.change and a.start < v.start for a in asked)
        and not v.change
        and _clause_period(c, v)
    ]
    bases = (
        [v for v in c.values if v.metric is None and _same_period_before(c, v)]
        if any(m in c.metrics for m in q.metrics)
        else []
    )
    if not own and not bases and not continued:
        return fact
    periods = {value_period(c.key, c.start, v, c.period, published=c.published) for v in own + bases + continued}
    reached = [v for v in c.values if v.metric is None and _reached(c, v)]
    if len(own) < len(asked) or reached or not asked:
        # a figure of the metric asked without a period of its own, the one a change reached
        # ("营业收入从2024年一季度的2567万元,同比大增42倍至11.11亿元"), or none its keyword names
        # beside a base ("每股盈利1.95美元,…去年同期的43亿美元"): the fact's period too
        periods.add(c.period)
    if periods == {c.period}:
        return fact
    asks_part = any(p[0] in "QH9M" for p in q.periods)
    return max(
        fact
        if p == c.period
        else 0.0  # a quarter or a half asked, a whole year's figure stated
        if asks_part and (parts := label_parts(p)) is not None and parts.part is None
        else period_agreement(
            q.periods,
            p,
            "",
            implied_year=c.implied_year,
            published=c.published,
            today=q.today,
            whole_year=q.whole_year, at_period_end=q.at_period_end,
        )
        for p in periods
    )


# --- rules: points, in order of importance ---------------------------------------------------

Rule = Callable[[Candidate, Understanding, Match, RankingContext], "Points | None"]


def entity(c: Candidate, q: Understanding, m: Match, ctx: RankingContext) -> Points | None:
    """It is about what the question names: named in the sentence > carried over from the
    sentences before > the article's subject."""
    if not (q.entities or q.names):
        return None
    return Points("entity", ctx.weights.entity * m.entity, f"{m.entity:.0%} of the names asked")


def words(c: Candidate, q: Understanding, m: Match, ctx: RankingContext) -> Points | None:
    """The question's other words are in the sentence (rapidfuzz, each term weighted by length)."""
    if not (q.terms or q.unknown):
        return None
    return Points("words", ctx.weights.words * m.words / 100, f"words match {m.words:.0f}/100")


def metric(c: Candidate, q: Understanding, m: Match, ctx: RankingContext) -> Points | None:
    """It measures the metric asked about; a fact's first metric counts more than its later ones."""
    if not q.metrics:
        return None
    return Points("metric", ctx.weights.metric * m.metric, f"metric {m.metric:.2f}")


def figure(c: Candidate, q: Understanding, m: Match, ctx: RankingContext) -> Points:
    """It states a figure of the kind asked, by the metric's keyword (within ``STATED_NEAR``
    characters it is "stated"; farther, less); with no metric, more figures say more."""
    kinds = m.figure_kinds
    fit, why = 0.0, "no figure"
    if q.metrics:
        # a change asked ("by how much are they raising capex"): the growth's figure is the one
        stating = [*q.metrics, "growth"] if asks_for_a_change(q) else q.metrics
        near = min((c.distance.get(x, 999) for x in stating if x in c.metrics), default=999)
        fit = 1.0 if near <= STATED_NEAR else 0.7 if near <= STATED_FAR else 0.3 if kinds else 0.0
        if near < 999:
            why = f"figure {near} characters from the keyword"
        elif kinds:
            why = "figures, none by the keyword"
    elif kinds:
        n = _own_figures(c, q, ctx)
        fit, why = 0.3 + 0.7 * min(n, 2) / 2, f"{n} figures"
    if fit and not q.value_kinds and changes_by_only(c) and not asks_for_a_change(q):
        # "净利润减少31亿美元" says by how much it changed; "净利…升至277亿美元" what it came to
        fit, why = fit / 2, why + "; only by how much it changed"
    if q.value_kinds and not asks_for_a_change(q):
        # a share asked ("占比", "share") is a level: a growth rate is no share
        kinds = (frozenset(v.kind for v in c.values if not v.change) | {"date"}) & kinds
    if q.value_kinds and kinds & set(q.value_kinds):
        fit, why = 1.0, "the kind of figure asked for"
    elif q.value_kinds and not q.metrics:
        fit, why = 0.0, "not the kind of figure asked for"  # "A800 多少钱" asks for money
    elif q.value_kinds and not ("percent" in q.value_kinds and _FRACTION_WORDS.search(c.key)):
        fit, why = fit / 2, why + "; not the kind of figure asked for"  # "revenue share": a percentage
    asked_in = getattr(q, "currencies", ())  # a Query may ask for a currency ("融资 人民币")
    money = [v for v in c.values if v.kind == "money"]
    if fit and asked_in and money and not any(w.currency in asked_in for v in money for w in (v, *v.restatements())):
        fit, why = fit / 2, why + f"; not in {'/'.join(asked_in)}"
    return Points("figure", ctx.weights.figure * fit, why)


def _named_in_clause(key: str, at: int, mentions: list[Mention]) -> list[Mention]:
    """Return who the clause holding ``key[at]`` names."""
    start, end = clause_start(key, at), clause_end(key, at)
    return [m for m in mentions if start <= m.start < end]


def _own_figures(c: Candidate, q: Understanding, ctx: RankingContext) -> int:
    """Count the figures stated for what the question names: those whose clause names one of
    its entities, or nobody. In "文心一言4.0总分79.02分,距离gpt4-turbo有11.61分", asked about GPT-4
    Turbo, 79.02分 is ERNIE's."""
    if not q.entities:
        return len(c.values)
    family = _family(q, ctx)
    mentions = ctx.mentions(c.key)
    count = 0
    for v in c.values:
        at = v.start - c.start
        named = _named_in_clause(c.key, at, mentions)
        count += not named or any(set(ctx.lineage(m.entity)) & family for m in named)
    return count


def period(c: Candidate, q: Understanding, m: Match, ctx: RankingContext) -> Points | None:
    """The period agrees with the question's year, quarter or half (0 when it states another)."""
    if not q.periods:
        return None
    return Points("period", ctx.weights.period * m.period, f"period {c.period or 'unstated'}")


def keyword(c: Candidate, q: Understanding, m: Match, ctx: RankingContext) -> Points | None:
    """The question's own keyword, written verbatim, beats a synonym of it ("EBITDA"); twice so
    when it qualifies a shorter keyword of its metric (归母净利润 of 净利润): a sentence saying only
    净利润 may state another line (-5.72亿元 consolidated, not the -5.79亿元 attributable). The
    Chinese words that asked for a kind of figure count too: 环比 asked, "环比增长12.24%" beats a
    sentence saying only 同比."""
    hint = next((w for w in q.hint_words if not is_latin(w) and w in c.key), None)
    hit = next((kw for kw in q.keywords if kw in c.key), None)
    if not hit and not hint:
        return None
    qualified = hit is not None and any(
        kw != hit and kw in hit
        for metric in q.metrics
        for kw in ctx.metrics.get(metric, {}).get("keywords", ())
        if not is_latin(kw)
    )
    points = (ctx.weights.keyword * (2 if qualified else 1) if hit else 0.0) + (ctx.weights.keyword if hint else 0.0)
    return Points("keyword", points, "writes " + " and ".join(repr(w) for w in (hit, hint) if w))


def round_named(c: Candidate, q: Understanding, m: Match, ctx: RankingContext) -> Points | None:
    """It names the funding round asked (天使++轮 for "angel++ round"); the ``round`` gate
    refuses one naming only other rounds, and this puts the one naming it before one naming none."""
    if not q.rounds:
        return None
    named = set(funding_rounds(c.key)) & set(q.rounds)
    return Points("round_named", ctx.weights.round_named, f"names the {'/'.join(sorted(named))} round") if named else None


def lead(c: Candidate, q: Understanding, m: Match, ctx: RankingContext) -> Points | None:
    """The sentence opens on the entity asked about (or a company it belongs to)."""
    if not (q.entities or q.names) or not c.entities:
        return None
    if c.entities[0] in _family(q, ctx) or c.entities[0] in q.names:
        return Points("lead", ctx.weights.lead, f"opens on {c.entities[0]}")
    return None


def recency(c: Candidate, q: Understanding, m: Match, ctx: RankingContext) -> Points:
    """Newer figures first: a decade newer is worth ``Weights.recency``, half that when the
    sentence states no period of its own."""
    w = ctx.weights.recency if c.period is not None else ctx.weights.recency / 2
    points = w * min(max(c.recency - 2015, 0) / 10, 1.0) + 0.3 * (c.recency % 1)
    return Points("recency", points, f"recency {c.recency:.2f}")


def segment(c: Candidate, q: Understanding, m: Match, ctx: RankingContext) -> Points | None:
    """A business unit's figure (智能汽车收入) is not the total asked for unless the question
    names that unit; twice so when the question names a part the sentence lacks (商湯 生成式
    業務收入 asked of "智能汽车收入为2.56亿元"): it is another unit's figure."""
    if not m.segment:
        return None
    other_unit = m.entity < 1 and (bool(q.names) or len(q.entities) > 1)
    breakdown = _breakdown(c, q, ctx)
    why = (
        f"segment {m.segment}"
        + ("; another part than the one asked" if other_unit else "")
        + ("; a breakdown by unit" if breakdown else "")
    )
    return Points("segment", -ctx.weights.segment * (2 if other_unit or breakdown else 1), why)


def _breakdown(c: Candidate, q: Understanding, ctx: RankingContext) -> bool:
    # "增值服务收入914亿元…；营销服务业务收入358亿元…；金融科技及企业服务收入555亿元": the metric's
    # keyword three times over, its first figure a unit's, is the units' figures, never the total
    metric = next((m for m in q.metrics if m in c.metrics and m in _SEGMENTED), None)
    return metric is not None and len(_keyword_spans(c, metric, ctx)) >= _UNITS_IN_A_BREAKDOWN


_UNITS_IN_A_BREAKDOWN = 3


def focus(c: Candidate, q: Understanding, m: Match, ctx: RankingContext) -> Points | None:
    """Per other company the sentence is about (at most three counted), it is less about ours."""
    if not q.entities:
        return None
    family = _family(q, ctx)
    others = [
        e
        for e in c.entities
        if e not in family and ctx.kind_of(e) in ("company", "name") and not (set(ctx.lineage(e)) & family)
    ]
    if not others:
        return None
    return Points("focus", -ctx.weights.focus * min(len(others), 3), "also about " + ", ".join(others[:3]))


def vague(c: Candidate, q: Understanding, m: Match, ctx: RankingContext) -> Points | None:
    """Figures written as prose (数十亿, 翻了一倍) say less, at most two counted."""
    expected = {ctx.metrics.get(x, {}).get("expects", "any") for x in q.metrics}
    count = sum(
        1
        for v in c.values
        if (v.qualifier in _VAGUE or not re.search(r"\d", v.text))
        and (not expected or v.kind in expected or "any" in expected)
    )
    return Points("vague", -ctx.weights.vague * min(count, 2), f"{count} vague figures") if count else None


_IF = re.compile(r"如果|假如|假设|倘若|若是|一旦|(?<![a-z])if(?![a-z])")


def hypothetical(c: Candidate, q: Understanding, m: Match, ctx: RankingContext) -> Points | None:
    """A sentence saying what would happen if… is a weaker answer than one saying what did,
    unless the question asks what is expected."""
    if q.forecast or not _IF.search(c.key):
        return None
    return Points("hypothetical", -ctx.weights.hypothetical, "says what would be")


def unnamed(c: Candidate, q: Understanding, m: Match, ctx: RankingContext) -> Points | None:
    """A sentence naming nobody is a weaker quote."""
    return None if c.entities else Points("unnamed", -ctx.weights.unnamed, "names nobody")


RULES: tuple[Rule, ...] = (
    entity,
    words,
    metric,
    figure,
    period,
    keyword,
    round_named,
    lead,
    recency,
    segment,
    focus,
    vague,
    hypothetical,
    unnamed,
)


def _family(q: Understanding, ctx: RankingContext) -> set[str]:
    family = set(q.entities)
    for e in q.entities:
        family.update(ctx.lineage(e))
    return family


def rank(c: Candidate, q: Understanding, ctx: RankingContext) -> Ranked:
    """Return ``c`` measured and scored: every rule's points, their sum."""
    m = measure(c, q, ctx)
    points = tuple(p for rule in RULES if (p := rule(c, q, m, ctx)) is not None)
    return Ranked(candidate=c, match=m, points=points, score=sum(p.points for p in points))


# --- gates: what makes a ranked candidate an answer -----------------------------------------

Gate = Callable[[Ranked, Understanding, RankingContext, bool], "str | None"]


def missing(r: Ranked, q: Understanding, ctx: RankingContext, strict: bool) -> str | None:
    """The question names something no article contains: nothing answers it."""
    return f"no article names {', '.join(q.missing)}" if q.missing else None


def subject(r: Ranked, q: Understanding, ctx: RankingContext, strict: bool) -> str | None:
    """The question is about a word the store does not know ("bitcoin price")."""
    return "about a word no article knows" if unknown_subject(q) else None


def total_gate(r: Ranked, q: Understanding, ctx: RankingContext, strict: bool) -> str | None:
    """The whole company's figure, asked in so many words (总收入, total revenue), is not a
    business unit's ("先进封装业务去年收入5.3亿美元")."""
    return f"a business unit's figure ({r.match.segment}), the total asked" if q.total and r.match.segment else None


def entity_gate(r: Ranked, q: Understanding, ctx: RankingContext, strict: bool) -> str | None:
    """Every lexicon entity asked is in the fact ("Microsoft investment in OpenAI" is about both);
    when the question names only names the lexicon lacks, the fact holds one of them."""
    m = r.match
    if q.entities and not m.all_entities:
        return "does not name every entity asked"
    discovered = [e for e in q.entities if ctx.kind_of(e) == "name"] + q.names
    if discovered and len(discovered) == len(q.entities) + len(q.names) and not m.names_matched:
        return "holds none of the names asked"
    return None


def metric_gate(r: Ranked, q: Understanding, ctx: RankingContext, strict: bool) -> str | None:
    """It measures the metric asked; "net profit growth" is about net profit, not any growth."""
    if q.metrics and r.match.metric <= 0:
        return "measures another metric"
    specific = [x for x in q.metrics if x != "growth"]
    if specific and "growth" in q.metrics and not any(x in r.candidate.metrics for x in specific):
        return f"a growth, but not of {', '.join(specific)}"
    return None


def period_gate(r: Ranked, q: Understanding, ctx: RankingContext, strict: bool) -> str | None:
    """The period asked is not contradicted: another year or quarter, or silent about a year asked
    (agreement below ``YEAR_AGREES``), is no answer."""
    if q.whole_year and not q.periods and _states_a_part_only(r.candidate):
        return "a part of the year, the whole year asked"  # 全年收入: 第二和第三季度收入 is no answer
    if not q.periods:
        return None
    if r.match.period == 0.0:
        return f"states another period ({r.candidate.period})"
    if any(p[0] not in "QHM" for p in q.periods) and r.match.period < YEAR_AGREES:
        c = r.candidate
        if c.timeless and c.period is None and _tells_relative(c.key):
            # "台积电今年资本支出约落在400-420亿美元" in an article with no date that names no
            # year: its year is unknown, not another; it answers, below any fact stating the year
            return None
        return "silent about the year asked"
    return None


def _states_a_part_only(c: Candidate) -> bool:
    # a quarter, a half or nine months, by the fact's label or (no label) by the sentence's words,
    # and no word of the whole year beside it
    if WHOLE_YEAR.search(c.key):
        return False
    parts = label_parts(c.period)
    if parts is not None:
        return parts.part is not None
    return any(n.part for n in figure_periods(c.key))


def _tells_relative(key: str) -> bool:
    # a year or quarter told relative to when the article was written (今年, 上季, last year),
    # which only the article's date places
    return any(n.offset is not None or n.quarter_offset is not None for n in period_names(key))


def figure_gate(r: Ranked, q: Understanding, ctx: RankingContext, strict: bool) -> str | None:
    """A metric answered by a kind of figure (money, a percentage) needs a figure: a fact that
    names nobody, or any fact under /spend and /bench, one of that kind; any other at least
    one figure ("在综合收入上领先" is about revenue, but states none)."""
    c = r.candidate
    expects = {ctx.metrics.get(x, {}).get("expects", "any") for x in q.metrics if x in c.metrics}
    if not expects:
        return None
    if "any" in expects:
        # a score asked (得分, score) needs a figure, any ("在数学和编程基准测试中…能够匹配" states
        # none); "对标 GPT-4 Turbo 结果" may be answered in words
        asks_figure = q.value_kinds or any(k in _SCORE_WORDS for k in q.keywords)
        return "states no figure" if asks_figure and not q.forecast and not _states_a_figure(c) else None
    if asked := figure_kinds_asked(q):
        expects = asked  # "营收比重" asks for revenue's share: a percentage
    if (c.topic or strict) and not any(_of_kind(v, expects) and _NUMERAL.search(v.text) for v in c.values):
        return f"states no {'/'.join(sorted(expects))} figure"
    if not q.forecast and not _states_a_figure(c):
        return "states no figure"
    if not q.value_kinds and _figures_named_by_others(c, q, expects, ctx):
        # "AI伺服器營收將破5成,為何毛利率卻是…" asked for the gross margin: 5成 is revenue's share
        return "its figures are other metrics'"
    if expects == {"money"} and not q.value_kinds and not _states_an_amount_or_change(c):
        # "按2024年的收入计…市场份额为6.6%": revenue ranks them, the figure is a share
        return "states no amount, nor how one changed"
    return None


def _of_kind(v: Value, expects: set[str]) -> bool:
    # "前三季度收入167.5 亿": a broker's note leaves the currency of its amounts unsaid
    return v.kind in expects or ("money" in expects and v.kind == "number" and bool(_SCALE.search(v.text)))


_SCALE = re.compile(r"[万亿萬億]")


def _figures_named_by_others(c: Candidate, q: Understanding, expects: set[str], ctx: RankingContext) -> bool:
    """Tell whether every figure of the kind asked follows, in its own clause, another metric's
    keyword, and that clause holds none of the asked metrics' ("投入至少2150亿美元用于资本支出"
    is capex's: its keyword comes after)."""
    fitting = [v for v in c.values if _of_kind(v, expects)]
    if not fitting:
        return False
    asked = [p for m in q.metrics if (p := ctx.keyword_pattern(m)) is not None]
    others = [
        p
        for m in c.metrics
        if m not in q.metrics and not _qualified_as_asked(m, q, c, ctx) and (p := ctx.keyword_pattern(m)) is not None
    ]
    change = asks_for_a_change(q)
    for v in c.values:
        # a figure of the kind by the asked keyword, or how it changed when that is asked
        # ("净利润甚至下滑15.09%"), may be the answer; a share beside it ("占收入比重61.1%") is not
        if not _of_kind(v, expects) and not (change and v.change):
            continue
        at = v.start - c.start
        if any(p.search(c.key[clause_start(c.key, at) : clause_end(c.key, at)]) for p in asked):
            return False
    starts = [v.start - c.start for v in fitting]
    # "亞馬遜 AI基礎設施 資本開支": the question's own words just before a figure in its clause
    # ("向人工智能基础设施投入约2000亿美元") say it is the figure asked, whatever keyword stands by it
    own_words = [a for t in q.terms if CJK_RUN.fullmatch(t) and len(t) >= 2 for a in alternatives(t, q, ctx)]
    if any(w in c.key[max(clause_start(c.key, at), at - len(w) - 8) : at] for w in own_words for at in starts):
        return False
    return all(any(p.search(c.key[clause_start(c.key, at) : at]) for p in others) for at in starts)


def _qualified_as_asked(metric: str, q: Understanding, c: Candidate, ctx: RankingContext) -> bool:
    # "若不按美國通用會計準則,歸屬於百度的淨利潤為38億元": the net profit's keyword names the figure,
    # and the fact's qualifier makes it the adjusted profit asked (the lexicon's becomes_with)
    shifts = ctx.metrics.get(metric, {}).get("becomes_with") or {}
    return any(m in q.metrics and m in c.metrics for m in shifts)


def _states_an_amount_or_change(c: Candidate) -> bool:
    return (
        # a margin diluted by 60个基点, cut by 8.03个百分点: how it changed, in points
        any(v.kind in ("money", "number", "points") or v.change for v in c.values)
        or bool(_MULTIPLE_WORDS.search(c.key))
        or not c.values  # a figure said in words only (数十亿): the rule above judged it
    )


def words_gate(r: Ranked, q: Understanding, ctx: RankingContext, strict: bool) -> str | None:
    """With no entity the question's words must match well (``WORDS_ALONE``, or
    ``WORDS_WITH_METRIC`` beside a metric); with an entity and no metric, somewhat."""
    if not q.terms:
        return None
    if not (q.entities or q.names):
        needed = WORDS_WITH_METRIC if q.metrics else WORDS_ALONE
    elif not q.metrics:
        if q.entities and any(n in r.candidate.key for n in q.names):
            return None  # "摩尔线程 中一签 赚多少": the sentence holds the other name asked (中一签)
        needed = WORDS_WITH_ENTITY
    else:
        return None
    return f"words match {r.match.words:.0f} < {needed}" if r.match.words < needed else None


def owner(r: Ranked, q: Understanding, ctx: RankingContext, strict: bool) -> str | None:
    """The figure answering the metric is stated for an entity asked, not another company its
    own clause names ("OpenAI… 商汤科技财报显示2022年亏损约61亿元" is SenseTime's)."""
    if q.entities and q.metrics and not _figure_is_theirs(r, q, ctx):
        return "the figure is another company's"
    return None


def round_gate(r: Ranked, q: Understanding, ctx: RankingContext, strict: bool) -> str | None:
    """The funding round asked (A轮, series B) is not contradicted: a sentence naming other
    rounds and not that one tells of another round."""
    if not q.rounds:
        return None
    stated = funding_rounds(r.candidate.key)
    if stated and not set(stated) & set(q.rounds):
        return f"states another round ({', '.join(stated)})"
    return None


# each gate's verdict name, in the order they are tried
GATES: tuple[tuple[str, Gate], ...] = (
    ("missing", missing),
    ("subject", subject),
    ("entity", entity_gate),
    ("metric", metric_gate),
    ("period", period_gate),
    ("total", total_gate),
    ("round", round_gate),
    ("figure", figure_gate),
    ("words", words_gate),
    ("owner", owner),
)


def rejection(
    r: Ranked, q: Understanding, ctx: RankingContext, *, strict_metrics: bool
) -> tuple[str, str] | None:
    """Return the first gate that rejects ``r`` as an answer and why, or None when it answers."""
    for name, gate in GATES:
        why = gate(r, q, ctx, strict_metrics)
        if why is not None:
            return name, why
    return None


def answer_verdict(r: Ranked, q: Understanding, ctx: RankingContext, *, strict_metrics: bool) -> str | None:
    """Return the name of the gate that rejects ``r`` as an answer, or None when it is one."""
    found = rejection(r, q, ctx, strict_metrics=strict_metrics)
    return found[0] if found else None


def about_what_is_asked(r: Ranked, q: Understanding, ctx: RankingContext) -> bool:
    """Tell whether a candidate that is no answer may still be shown as a *related* fact: it
    names every entity asked (an A800's price is no fact about the H100) and its figure is theirs
    (SenseTime's revenue, in a sentence naming OpenAI, is none of OpenAI's)."""
    return entity_gate(r, q, ctx, False) is None and owner(r, q, ctx, False) is None


def lead_of(r: Ranked, q: Understanding, ctx: RankingContext) -> Headline:
    """Return the figure ``r`` leads with (``store.headline``), computed once per request."""
    if r.lead is None:
        r.lead = headline_for(r.candidate, q, ctx)
    return r.lead


def unknown_subject(u: Understanding) -> bool:
    """Tell whether a question is about a word the store does not know: "bitcoin price" (only a
    metric's keyword beside it), "best pizza recipe" (only a modifier beside it, and no company,
    metric or year to hold on to)."""
    if not u.ignored or u.entities or u.names or any(re.search(r"\d", w) for w in u.unknown):
        return False  # a model code the articles hold (K1, M6) is a subject to hold on to
    content = [t for t in u.terms if t not in u.keywords]
    return not content or not (u.metrics or any(p.isdigit() for p in u.periods))


def figure_kinds_asked(u: Understanding) -> set[str]:
    """Return the kinds of figure the question's words ask for: a date asked ("when", 哪年) is the
    sentence's to state, no figure's kind."""
    return set(u.value_kinds) - {"date"}


def states_asked_kind(c: Candidate, u: Understanding, ctx: RankingContext) -> bool:
    """Tell whether a fact states a figure of the kind its asked metric is measured in (money
    for revenue, a percentage for a margin). A line that states none — a title ("收入創新高，純利
    大跌83%"), a remark ("毛利率打正") — never outranks one that does: the ``stated`` order."""
    if u.forecast:
        return True  # guidance is often said in words ("低两位数", "低于之前的指引")
    expects = {ctx.metrics.get(m, {}).get("expects", "any") for m in u.metrics if m in c.metrics}
    # the question's own words say the kind when they do: "營收佔比" asks for a share of revenue,
    # not revenue's money ("Q2營收46.6億元" is no share)
    kinds = figure_kinds_asked(u)
    share = bool(kinds) and not asks_for_a_change(u)
    expects = kinds if share else expects | kinds
    if not expects or "any" in expects:
        return True
    if "money" in expects:
        expects.add("number")  # "市值暴涨近3000亿": an amount with its currency left unsaid
    if asks_for_a_change(u):
        expects.add("percent")  # by how much capex is raised: 增长了45% says it
    if "percent" in expects and _FRACTION_WORDS.search(c.key):
        return True  # "佔…比重約三分之二": a share said in words
    # a share asked is a level: "年增27%" says how revenue grew, not what share it is
    return any(v.kind in expects and _NUMERAL.search(v.text) and not (share and v.change) for v in c.values)


_SCORE_WORDS = frozenset({"得分", "总分", "分数", "跑分", "score", "scores"})


def _states_a_figure(c: Candidate) -> bool:
    # any figure, said in words too (翻倍, 数十亿, 三分之二)
    return bool(c.values) or bool(_FRACTION_WORDS.search(c.key) or _MULTIPLE_WORDS.search(c.key))


_FRACTION_WORDS = re.compile(
    r"[一二三四五六七八九十百千\d]+分之[一二三四五六七八九十\d]+|一半|过半|半数|逾半"
)
_MULTIPLE_WORDS = re.compile(r"翻倍|翻番|翻了一番|倍增|减半|腰斩")


def _figure_is_theirs(r: Ranked, u: Understanding, ctx: RankingContext) -> bool:
    """Tell whether the figure answering the metric is stated for an entity the question names:
    the entities its own clause names include one of the question's, or no other company."""
    c = r.candidate
    metric = answered_metric(c, u)
    if metric is None:
        return True
    lead, _, _ = lead_of(r, u, ctx)
    if not lead:
        return True
    family = set(u.entities)
    for e in u.entities:
        family.update(ctx.lineage(e))

    def others(named: list[Mention]) -> bool:
        # the clause names someone, none of them asked, and one of them a company
        return bool(named) and not any(set(ctx.lineage(m.entity)) & family for m in named) and any(
            ctx.kind_of(ctx.lineage(m.entity)[-1]) in ("company", "name") for m in named
        )

    s = lead[0].start - c.start
    start = clause_start(c.key, s)
    # an analyst rating the company, an investor, a source of figures owns none of them
    mentions = [m for m in ctx.mentions(c.key) if not source_or_investor(c.key, m)]
    # who the figure's own clause names: "…,商汤科技财报显示2022年亏损约61亿元" is SenseTime's;
    # "而A100在4月16日京东上公开售价约为11万元" names the chip asked about, so it is the chip's
    named = _named_in_clause(c.key, s, mentions)
    its = start
    for _ in range(3):
        # a clause naming nobody goes on from the one before: "其公开发售超额认购超1159倍,尽管
        # 上市首日开盘即跌破116.2港元的发行价" is still 其's
        if its == 0 or _ITS.match(c.key, its) or any(its <= m.start < clause_end(c.key, its) for m in mentions):
            break
        its = clause_start(c.key, its - 1)
    if not named and _ITS.match(c.key, its) and not any(its <= m.start < start for m in mentions):
        # "其公开发售超额认购超1159倍" is the clause before's subject's: in "minimax的竞争对手智谱ai
        # 已于今日上市,其…" that is 智谱ai, the first company named there that no 的 makes a
        # possessor; whatever the figure measures, "its" figure is that one's
        start = its
        before = clause_start(c.key, start - 1)
        subject = next(
            (m for m in mentions if before <= m.start < start and not c.key.startswith("的", m.end)),
            None,
        )
        if subject is not None and others([subject]):
            return False
    if ctx.metrics.get(metric, {}).get("expects", "any") not in ("money", "percent"):
        # a benchmark's figures belong to both sides of the comparison; a count of chips names
        # their maker beside the buyer ("阿里…使用了512张英伟达V100")
        return True
    if not named:
        # a clause naming nobody goes on from the one before, in its part of the sentence:
        # "2025年OpenAI营收已达130亿美元,年底年化营收逼近200亿美元" is OpenAI's 200亿美元
        named = _named_before(c.key, start, mentions)
    return not others(named)


def _named_before(key: str, start: int, mentions: list[Mention]) -> list[Mention]:
    """Return who the nearest clause before ``start`` in its part of the sentence names (up to
    three clauses back), or nobody: not when a clause on the way speaks of its subject by a word
    for it (公司, 其), nor when the clause naming someone does not open on them (a source, an
    investor listed, a consensus beaten); never a channel ("其微信公众号")."""
    for _ in range(3):
        if _SUBJECT_WORD.search(key, start, clause_end(key, start)):
            return []  # "公司成立仅六个月,就完成…3亿美元融资": the company's own
        if start == 0 or PART.match(key, start - 1):
            return []
        start = clause_start(key, start - 1)
        named = [m for m in _named_in_clause(key, start, mentions) if not _CHANNEL.match(key, m.end)]
        if named:
            # the clause is about whom it opens on ("2025年OpenAI营收已达130亿美元", "其中字节跳动
            # 计划先试购2万台H200"), not about those it names later (investors listed, a consensus
            # beaten, a place): then whose the figure is, it does not say
            opens = any(_OPENING.fullmatch(key, start, m.start) for m in named)
            if opens and all(_SPEAKS.match(key, m.end) for m in named):
                return []  # "利明献指出,…营收比重将…提升至三成以上": who speaks owns no figure
            return named if opens else []
    return []


_SPEAKS = re.compile(r"\s?(?:指出|表示|称|说|强调|透露|坦言|认为|提到)")


_SUBJECT_WORD = re.compile(r"公司|集团|其(?!中|他|它|余|次|实)|该(?:公司|集团|企业|模型|产品|芯片|平台|业务)|本(?:公司|集团)")
_OPENING = re.compile(r"\s?(?:其中|而|但|并|同时|此外|另外)?[\s\d年月日号度季第上下半前后今去明本q\-]*")
_CHANNEL = re.compile(r"\s?(?:的)?(?:公众号|视频号|小程序|官方账号|官方帐号|官网)")
_ITS = re.compile(r"\s?其(?!中|他|它|余|次|实)")  # its; not 其中 (of which), 其他 (other), 其实 (in fact)


def body_over_headline(answers: list[Ranked]) -> list[Ranked]:
    """Return ``answers`` with the body's sentence first where a headline states the same
    figures (``Candidate.restated_by``): the headline rounds and abbreviates, and matches the
    question's words for being short ("智谱开启招股:发行价116.2港元"), but the quote a reader wants
    is the body's, saying it in full ("智谱华章每股发行价为116.20港元…"). Only an answer takes the
    headline's place: the body's sentence passed every gate on its own."""
    by_id = {r.candidate.id: r for r in answers}
    ordered: list[Ranked] = []
    placed: set[int] = set()
    for r in answers:
        body = by_id.get(r.candidate.restated_by or "")
        for one in (body, r):
            if one is not None and one.rank_id not in placed:
                ordered.append(one)
                placed.add(one.rank_id)
    return ordered


def precise_over_rounded(answers: list[Ranked], q: Understanding, ctx: RankingContext) -> list[Ranked]:
    """Return ``answers`` with the first one's figure in its precise form first: a results lead
    sums up in round figures ("期內收入升10%至1339億元") and the body gives them exactly ("營業收入
    1338.96億元人民幣，升10.38%"); the exact figure, about the same subject, is the one to quote.
    Only an answer a few places down, whose headline figure the first one's rounds, moves up."""
    if len(answers) < 2:
        return answers
    first = headline_for(answers[0].candidate, q, ctx)[0]
    if not first:
        return answers
    for i, other in enumerate(answers[1:_PRECISE_WITHIN], start=1):
        if set(other.candidate.entities + other.candidate.context) != set(
            answers[0].candidate.entities + answers[0].candidate.context
        ):
            continue
        exact = headline_for(other.candidate, q, ctx)[0]
        if exact and _rounds(first[0], exact[0]):
            return [other, *answers[:i], *answers[i + 1 :]]
    return answers


_PRECISE_WITHIN = 4  # answers looked at for the precise form of the first one's figure
_WRITTEN_NUMBER = re.compile(r"\d[\d,]*(?:\.(\d+))?")


def _rounds(rounded: Value, exact: Value) -> bool:
    # 1339億元 rounds 1338.96億元, 45% rounds 45.45%: fewer decimals, the same figure to them
    if rounded.amount is None or exact.amount is None or rounded.kind != exact.kind:
        return False
    if rounded.currency != exact.currency or rounded.unit != exact.unit or rounded.change != exact.change:
        return False
    a, b = _WRITTEN_NUMBER.search(rounded.text), _WRITTEN_NUMBER.search(exact.text)
    if a is None or b is None:
        return False
    places_a, places_b = len(a.group(1) or ""), len(b.group(1) or "")
    written = float(a.group(0).replace(",", ""))
    if places_b <= places_a or not written:
        return False
    scale = rounded.amount / written
    return abs(rounded.amount - exact.amount) <= 0.5 * 10**-places_a * abs(scale) + 1e-9


def explain(r: Ranked) -> str:
    """Return one line: the candidate's score and each rule's points, in the rules' order."""
    order = [f.name for f in fields(Weights)]
    shown = sorted(r.points, key=lambda p: order.index(p.rule) if p.rule in order else len(order))
    return f"{r.score:6.1f} = " + ", ".join(f"{p.rule} {p.points:+.1f}" for p in shown)


def explain_why(r: Ranked) -> str:
    """Return each rule's reason, in the rules' order ("entity: 100% of the names asked; …")."""
    return "; ".join(f"{p.rule}: {p.why}" for p in r.points)
