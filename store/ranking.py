"""Ranking candidates: named rules with named weights, and the rules that make an answer.

A candidate's score is the sum of these rules, in order of weight (``Weights`` says why each
weighs what it does); ``explain`` lists every rule's points, like Meilisearch's ranking score
details:

1. ``entity``  — it is about what the question names (named > carried over > article subject);
2. ``words``   — the question's other words are in the sentence (rapidfuzz per term);
3. ``metric``  — it measures the metric asked about (its own ranking of its metrics);
4. ``figure``  — it states a figure of the kind that metric is answered by, by its keyword;
5. ``period``  — the period agrees with the question's year, quarter or half;
6. ``keyword`` — the question's own keyword, verbatim, beats a synonym;
7. ``lead``    — the sentence opens on the entity asked about;
8. ``recency`` — newer figures first;
9. penalties: ``segment`` (a sub-segment the question does not name), ``focus`` (about other
   companies), ``vague`` (数十亿, 翻倍), ``unnamed`` (names nobody).

``answer_verdict`` decides whether a ranked candidate *answers* the question (every entity and
metric named, the period not contradicted); the rest are *related* facts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import fields

from rapidfuzz import fuzz

from .candidates import CLAUSE, Candidate, RankingContext, Weights, alternatives
from .headline import answered_metric, headline_for, inside_slogan
from .question import Understanding
from .vocabulary import HALF_IN_TEXT, QUARTER_IN_TEXT, YEAR, is_latin

# Cut-offs an answer must pass, with why.
WORDS_ALONE = 70  # no entity and no metric: the words must match well to be an answer
WORDS_WITH_METRIC = 60  # no entity, a metric: the words narrow which sentence
WORDS_WITH_ENTITY = 40  # an entity but no metric: the words must match somewhat
STATED_NEAR = 12  # characters between a metric's keyword and its figure that make it "stated"
STATED_FAR = 25
YEAR_AGREES = 0.6  # period agreement needed when the question names a year

_VAGUE = {"多", "数"}
# words before a metric's keyword that mean the whole company's figure, not a business unit's;
# 归母 (attributable to the parent's shareholders) and 扣非 (before one-off items) qualify a
# profit line, they do not name a segment
_TOTAL_WORDS = re.compile(
    r"(?:总|整体|全年|全季|合并|集团|公司|季度?|年度?|月|同期|上季|本季|今年|去年|前一季|当季|财年|期内|归母|扣非|应占|[的之其该])$"
    # a verb before the keyword reports the company's own figure: "实现净利润", "录得收入"
    r"|(?:实现|录得|取得|获得|达到|达成|创造|带来|贡献|公布|报告|披露|宣布|预计|预期|錄得|實現|取得)$"
)


def _words(c: Candidate, u: Understanding, ctx: RankingContext) -> float:
    # each term scored on its own, weighted by length (see the shared notes on matching)
    weights = total = 0.0
    for t in u.terms:
        alts = alternatives(t, u, ctx)
        s = max(fuzz.partial_ratio(a, c.key) if len(a) <= len(c.key) else fuzz.ratio(a, c.key) for a in alts)
        w = max(len(min(alts, key=len)), 1) if not is_latin(t) or len(alts) > 1 or t in ctx.glossary else 2
        weights += w
        total += w * s
    names = " ".join(c.entities + c.context).lower()
    for t in u.unknown:
        s = fuzz.partial_ratio(t, c.key) if len(t) <= len(c.key) else 0
        s = max(s, fuzz.partial_ratio(t, names) if names and len(t) <= len(names) else 0)
        weights += min(len(t), 6)
        total += min(len(t), 6) * s
    return total / weights if weights else 0.0


def _entity(c: Candidate, u: Understanding, ctx: RankingContext) -> tuple[float, bool, int]:
    per = []
    curated = []
    matched_names = 0
    for e in u.entities:
        if e in c.entities:
            per.append(1.0)
        elif e in c.context:
            per.append(ctx.weights.topic_entity if c.topic else c.context_weight)
        else:
            per.append(0.0)
        if ctx.kind_of(e) == "name":  # found by the builder, not the lexicon: a hint, not a gate
            matched_names += per[-1] > 0
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


def _period(asked: Sequence[str], c: Candidate) -> float:
    """Score a fact's period against the years, quarters and halves a question names (0: contradicts)."""
    period = c.period or ""
    scores = []
    for p in asked:
        if p in period:
            scores.append(1.0)
        elif p.startswith("Q"):
            if QUARTER_IN_TEXT[p].search(c.key):
                scores.append(0.8)
            elif re.search(r"Q[1-4]", period):
                scores.append(0.0)  # the fact states another quarter
            elif re.search(r"H[12]", period):
                half = "H1" if p in ("Q1", "Q2") else "H2"
                scores.append(0.7 if half in period else 0.0)  # a quarter inside the half stated
            else:
                scores.append(0.6)
        elif p.startswith("H"):
            if HALF_IN_TEXT[p].search(c.key):
                scores.append(0.8)
            elif re.search(r"H[12]", period):
                scores.append(0.0)
            else:
                scores.append(0.6)
        elif p in YEAR.findall(c.key) or _within_range(int(p), period):
            scores.append(0.8)  # the sentence writes the year, or a range of years holding it
        elif YEAR.search(period):
            scores.append(0.0)  # the fact states another year
        elif c.implied_year == int(p):
            scores.append(YEAR_AGREES)  # the article's year, the sentence silent
        else:
            scores.append(0.4)
    return 0.0 if 0.0 in scores else sum(scores) / len(scores)


_YEAR_RANGE = re.compile(r"^((?:19|20)\d\d)–((?:19|20)\d\d)$")


def _within_range(year: int, period: str) -> bool:
    """Tell whether a period is a range of years (2021–2023, "2021年至2023年…分别为") holding ``year``."""
    m = _YEAR_RANGE.match(period)
    return m is not None and int(m.group(1)) <= year <= int(m.group(2))


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


def _keyword_starts(c: Candidate, metric: str, ctx: RankingContext) -> list[int]:
    pattern = ctx.keyword_pattern(metric)
    return [m.start() for m in pattern.finditer(c.key)] if pattern else []


_SEGMENTED = {"revenue", "net_profit", "operating_profit", "loss"}  # lines reported per business unit


def _segment(c: Candidate, u: Understanding, ctx: RankingContext) -> str | None:
    metric = next((m for m in u.metrics if m in c.metrics and m in _SEGMENTED), None)
    if metric is None:
        return None
    starts = _keyword_starts(c, metric, ctx)
    if not starts:
        return None
    # the keyword that the fact's figure belongs to: the first one followed by a figure
    figures = [v.start - c.start for v in c.values]
    start = next((s for s in starts if any(0 <= f - s <= 20 for f in figures)), starts[0])
    seg = segment_before(c.key, start) or _segment_lead_in(c.key, start)
    if not seg:
        return None
    asked = [a for t in u.terms for a in alternatives(t, u, ctx)] + u.names
    window = c.key[max(0, start - 10) : start]
    if any(a in window or fuzz.partial_ratio(seg, a) >= 75 for a in asked if a):
        return None  # the question names this segment: it is what is asked
    return seg


def score_candidate(c: Candidate, u: Understanding, ctx: RankingContext) -> None:
    """Score one candidate in place: ``c.score`` and, rule by rule, ``c.points``."""
    w = ctx.weights
    points: dict[str, float] = {}
    c.entity_match, c.all_entities, c.names_matched = _entity(c, u, ctx)
    if u.entities or u.names:
        points["entity"] = w.entity * c.entity_match
    if u.metrics:
        per_metric = [1.0 - 0.08 * c.metrics.index(m) if m in c.metrics else 0.0 for m in u.metrics]
        c.metric_match = sum(per_metric) / len(per_metric)
        points["metric"] = w.metric * c.metric_match
    c.text_match = _words(c, u, ctx)
    if u.terms or u.unknown:
        points["words"] = w.words * c.text_match / 100
    if u.periods:
        c.period_match = _period(u.periods, c)
        points["period"] = w.period * c.period_match
    kinds = {v.kind for v in c.values if not inside_slogan(c.key, v, c.start)}
    fit = 0.0
    if u.metrics:
        near = min((c.distance.get(m, 999) for m in u.metrics if m in c.metrics), default=999)
        fit = 1.0 if near <= STATED_NEAR else 0.7 if near <= STATED_FAR else 0.3 if kinds else 0.0
    elif kinds:
        fit = 0.3 + 0.7 * min(len(c.values), 3) / 3
    if u.value_kinds and kinds & set(u.value_kinds):
        fit = 1.0  # the kind of figure the question asks for
    elif u.value_kinds and not u.metrics:
        fit = 0.0  # "A800 多少钱" asks for money: a transfer rate is no answer to it
    points["figure"] = w.figure * fit
    if u.keywords and any(kw in c.key for kw in u.keywords):
        points["keyword"] = w.keyword
    family = set(u.entities)
    for e in u.entities:
        family.update(ctx.lineage(e))
    if (u.entities or u.names) and c.entities and (c.entities[0] in family or c.entities[0] in u.names):
        points["lead"] = w.lead
    stated = c.period is not None
    points["recency"] = (w.recency if stated else w.recency / 2) * min(
        max(c.recency - 2015, 0) / 10, 1.0
    ) + 0.3 * (c.recency % 1)
    c.segment = _segment(c, u, ctx)
    if c.segment:
        points["segment"] = -w.segment
    if u.entities:
        others = [
            e
            for e in c.entities
            if e not in family
            and ctx.kind_of(e) in ("company", "name")
            and not (set(ctx.lineage(e)) & family)
        ]
        if others:
            points["focus"] = -w.focus * min(len(others), 3)
    expected = {ctx.metrics.get(m, {}).get("expects", "any") for m in u.metrics}
    vague = sum(
        1
        for v in c.values
        if (v.qualifier in _VAGUE or not re.search(r"\d", v.text))
        and (not expected or v.kind in expected or "any" in expected)
    )
    if vague:
        points["vague"] = -w.vague * min(vague, 2)
    if not c.entities:
        points["unnamed"] = -w.unnamed
    c.points = points
    c.score = sum(points.values())


def unknown_subject(u: Understanding) -> bool:
    """Tell whether a question is about a word the store does not know: "bitcoin price" (only a
    metric's keyword beside it), "best pizza recipe" (only a modifier beside it, and no company,
    metric or year to hold on to)."""
    if not u.ignored or u.entities or u.names:
        return False
    content = [t for t in u.terms if t not in u.keywords]
    return not content or not (u.metrics or any(p.isdigit() for p in u.periods))


def answer_verdict(
    c: Candidate, u: Understanding, ctx: RankingContext, *, strict_metrics: bool
) -> str | None:
    """Return why a scored candidate is not an answer (a rule's name), or None when it is one."""
    if u.missing:
        return "missing"  # the question names something no article contains
    if unknown_subject(u):
        return "subject"
    if u.entities and not c.all_entities:
        return "entity"  # "Microsoft investment in OpenAI" is about both
    discovered = [e for e in u.entities if ctx.kind_of(e) == "name"] + u.names
    if discovered and len(discovered) == len(u.entities) + len(u.names) and not c.names_matched:
        return "entity"  # only names the lexicon lacks, and this fact holds none of them
    if u.metrics and c.metric_match <= 0:
        return "metric"
    specific = [m for m in u.metrics if m != "growth"]
    if specific and "growth" in u.metrics and not any(m in c.metrics for m in specific):
        return "metric"  # "net profit growth" is about net profit, not any growth
    if u.periods and (
        c.period_match == 0.0 or any(p[0] not in "QH" for p in u.periods) and c.period_match < YEAR_AGREES
    ):
        return "period"  # another year or quarter, or silent about the year asked
    expects = {ctx.metrics.get(m, {}).get("expects", "any") for m in u.metrics if m in c.metrics}
    if (c.topic or strict_metrics) and expects and "any" not in expects:
        if not any(v.kind in expects and re.search(r"\d", v.text) for v in c.values):
            return "figure"  # named nobody (or /spend) and states no figure of the metric's kind
    if expects and "any" not in expects and not u.forecast and not _states_a_figure(c):
        return "figure"  # "在综合收入上领先": about the metric, but no figure of it at all
    if u.terms and not (u.entities or u.names):
        if c.text_match < (WORDS_WITH_METRIC if u.metrics else WORDS_ALONE):
            return "words"
    elif u.terms and not u.metrics and c.text_match < WORDS_WITH_ENTITY:
        return "words"
    if u.entities and u.metrics and not _figure_is_theirs(c, u, ctx):
        return "owner"  # "OpenAI… 商汤科技财报显示2022年亏损约61亿元": the figure is another company's
    return None


def states_asked_kind(c: Candidate, u: Understanding, ctx: RankingContext) -> bool:
    """Tell whether a fact states a figure of the kind its asked metric is measured in (money
    for revenue, a percentage for a margin). A line that states none — a title ("收入創新高，純利
    大跌83%"), a remark ("毛利率打正") — never outranks one that does: the ``stated`` order."""
    if u.forecast:
        return True  # guidance is often said in words ("低两位数", "低于之前的指引")
    expects = {ctx.metrics.get(m, {}).get("expects", "any") for m in u.metrics if m in c.metrics}
    expects |= set(u.value_kinds)
    if not expects or "any" in expects:
        return True
    if "money" in expects:
        expects.add("number")  # "市值暴涨近3000亿": an amount with its currency left unsaid
    if "percent" in expects and _FRACTION_WORDS.search(c.key):
        return True  # "佔…比重約三分之二": a share said in words
    return any(v.kind in expects and re.search(r"\d", v.text) for v in c.values)


def _states_a_figure(c: Candidate) -> bool:
    # any figure, said in words too (翻倍, 数十亿, 三分之二)
    return bool(c.values) or bool(_FRACTION_WORDS.search(c.key) or _MULTIPLE_WORDS.search(c.key))


_FRACTION_WORDS = re.compile(
    r"[一二三四五六七八九十百千\d]+分之[一二三四五六七八九十\d]+|一半|过半|半数|逾半"
)
_MULTIPLE_WORDS = re.compile(r"翻倍|翻番|翻了一番|倍增|减半|腰斩")


def _figure_is_theirs(c: Candidate, u: Understanding, ctx: RankingContext) -> bool:
    """Tell whether the figure answering the metric is stated for an entity the question names:
    the entities its own clause names include one of the question's, or no other company."""
    metric = answered_metric(c, u)
    if metric is None:
        return True
    if ctx.metrics.get(metric, {}).get("expects", "any") not in ("money", "percent"):
        # a benchmark's figures belong to both sides of the comparison; a count of chips names
        # their maker beside the buyer ("阿里…使用了512张英伟达V100")
        return True
    lead, _, _ = headline_for(c, u, ctx)
    if not lead:
        return True
    family = set(u.entities)
    for e in u.entities:
        family.update(ctx.lineage(e))
    s = lead[0].start - c.start
    clause_start = max((m.end() for m in CLAUSE.finditer(c.key, 0, max(s, 0))), default=0)
    clause_end = next((m.start() for m in CLAUSE.finditer(c.key, s)), len(c.key))
    # who the figure's own clause names: "…,商汤科技财报显示2022年亏损约61亿元" is SenseTime's;
    # "而A100在4月16日京东上公开售价约为11万元" names the chip asked about, so it is the chip's
    named = [m for m in ctx.mentions(c.key) if clause_start <= m.start < clause_end]
    if not named or any(set(ctx.lineage(m.entity)) & family for m in named):
        return True
    return not any(ctx.kind_of(ctx.lineage(m.entity)[-1]) in ("company", "name") for m in named)


def explain(c: Candidate) -> str:
    """Return one line: the candidate's score and each rule's points."""
    order = [f.name for f in fields(Weights)]
    parts = [f"{name} {c.points[name]:+.1f}" for name in order if name in c.points]
    return f"{c.score:6.1f} = " + ", ".join(parts)
