"""The headline figure: which of a fact's figures answers the question, the change stated with
it, the period it is stated for, and whether it is a forecast."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from .candidates import (
    CLAUSE,
    FORECAST,
    PART,
    Candidate,
    Headline,
    RankingContext,
    alternatives,
    clause_end,
    clause_start,
    part_start,
)
from .numbers import Value
from .periods import (
    WHOLE_YEAR,
    YEAR,
    LabelParts,
    PeriodName,
    figure_periods,
    label_parts,
    month_after,
    parse_period,
    period_agreement,
    period_names,
    relative_word,
    resolve,
)
from .question import Understanding
from .vocabulary import is_latin

# "谷歌、微软和Meta计划…总共投入", "四大云厂商今年合计资本开支": not the 共 of 共识 (consensus)
_TOGETHER = re.compile(r"共同|合计|总计|总共|一共|共计|合共|共(?=投|花|募|融|斥)|together|combined")


def anchors_for(c: Candidate, u: Understanding, ctx: RankingContext) -> list[str]:
    """Return what the question names besides its subject, as the sentence may write it: its
    words, open-world names, the words that asked for a kind of figure (环比), and a chip or model
    named beside the company (10,000台H800)."""
    # a word of the asked metric's own name ("IPO" of "IPO proceeds") says which metric, not
    # where in the sentence its figure is (上市 of 上市开支 is no anchor)
    metric_words = {
        w for m in u.metrics for kw in ctx.metrics.get(m, {}).get("keywords", ()) if is_latin(kw) for w in kw.split()
    }
    anchors = [a for t in u.terms + u.unknown if t not in metric_words for a in alternatives(t, u, ctx)]
    anchors += u.names + u.hint_words
    if len(u.entities) > 1:
        for m in ctx.mentions(c.key):
            if m.entity in u.entities and ctx.kind_of(m.entity) not in ("company", "person", "name"):
                anchors.append(c.key[m.start : m.end])
    return anchors


def answered_metric(c: Candidate, u: Understanding) -> str | None:
    """Return the metric asked about that the fact states: one whose keyword names a figure of
    the sentence before one whose does not ("第三季 EPS 12.5 元,…上調全年營收年增幅至 25%" answers
    revenue growth with the percentage, not revenue with the EPS), then a specific one before
    growth, which only says how it changed ("net profit growth" is about net profit)."""
    named = {v.metric for v in c.values}
    return next(
        (m for m in sorted(u.metrics, key=lambda m: (m not in named, m == "growth")) if m in c.metrics),
        None,
    )


def headline_for(c: Candidate, u: Understanding, ctx: RankingContext) -> Headline:
    """Return ``headline`` for the metric the fact answers (its kind of figure, its keywords);
    when a growth is asked and the sentence states only how the metric grew ("营收成长39%"), the
    growth rate."""
    asked = answered_metric(c, u)
    metric = asked or (c.metrics[0] if c.metrics else "other")
    if metric == "growth" and not u.metrics and not asks_for_a_change(u):
        metric = "other"  # the sentence's growth is not what a question naming no change asks for
    anchors, others = anchors_for(c, u, ctx), others_named(c, u, ctx)
    info = ctx.metrics.get(metric, {})
    # a question naming no metric asks for no kind of figure: its own words pick among them all
    # ("ByteDance H200 test order": 试购2万台, not the 单价约2万美元 the sentence's price metric wants)
    expects = info.get("expects", "any") if asked or u.value_kinds or not (u.terms and anchors) else "any"
    lead = headline(c, u, expects, info.get("keywords", []), anchors, others, asked)
    if not lead[0] and metric != "growth" and ("growth" in u.metrics or asks_for_a_change(u)):
        # a growth asked, or by how much the metric asked changed: the growth rate stated
        growth = ctx.metrics.get("growth", {})
        lead = headline(
            c, u, growth.get("expects", "any"), growth.get("keywords", []), anchors, others, "growth"
        )
    figures, period, forecast = lead
    if figures and metric != "growth" and "growth" in u.metrics:
        # "Baidu AI cloud revenue growth" of "AI雲收入年增33%；AI應用收入達26億元": the clause
        # naming what is asked states only its growth; another unit's level is no answer
        words = _anchors_beside_keywords(anchors, u, ctx)
        if words and not _clause_holds(c, figures[0], words):
            growth = ctx.metrics.get("growth", {})
            rate = headline(c, u, growth.get("expects", "any"), growth.get("keywords", []), anchors, others, "growth")
            if rate[0] and _clause_holds(c, rate[0][0], words):
                lead = rate
                figures, period, forecast = lead
    level_then_change = len(figures) == 2 and figures[1].change and not figures[0].change
    if "growth" in u.metrics and metric != "growth" and level_then_change:
        # "net profit growth": the rate the profit grew by leads, the profit it came to beside it
        lead = [figures[1], figures[0]], period, forecast
    return lead


def _anchors_beside_keywords(anchors: list[str], u: Understanding, ctx: RankingContext) -> list[str]:
    # the question's Chinese words that are no keyword of a metric asked (云, not 收入)
    keywords = {kw for m in u.metrics for kw in ctx.metrics.get(m, {}).get("keywords", ())}
    return [a for a in anchors if a and not is_latin(a) and a not in keywords]


def _clause_holds(c: Candidate, v: Value, words: list[str]) -> bool:
    s, e = v.start - c.start, v.end - c.start
    clause = c.key[clause_start(c.key, s) : clause_end(c.key, e)]
    return any(w in clause for w in words)


def others_named(c: Candidate, u: Understanding, ctx: RankingContext) -> list[tuple[int, bool]]:
    """Return where the sentence names someone, and whether it is someone the question does not
    ask about (GPT-3.5 in "…分数在前10%左右;相比之下,GPT-3.5的得分在倒数10%左右" asked of
    GPT-4): a figure in a clause naming only others is theirs. Nothing when the question names
    nobody."""
    if not u.entities:
        return []
    asked = set(u.entities)
    ancestors = {a for e in u.entities for a in ctx.lineage(e)}
    # ours: what is asked, what it belongs to (英伟达 beside H100) and what belongs to it; a
    # sibling under the same parent (GPT-3.5 beside GPT-4, both OpenAI's) is someone else
    return [
        (m.start, m.entity not in ancestors and not (set(ctx.lineage(m.entity)) & asked))
        for m in ctx.mentions(c.key)
    ]


# "2021年至2023年", "2021年至2024年一季度" (the last place of the list is then that quarter)
_RANGE_IN_TEXT = re.compile(
    r"((?:19|20)\d\d)\s?年?\s?(?:至|到|-|—|~)\s?(?:截至|截止)?\s?((?:19|20)\d\d)\s?年?"
    r"(\s?(?:第?[一二三四1-4](?:财)?季度?|[上下]半年))?(?!\d)"
)
# a figure after a period's own figure and a "to": "从2023年的48%提升至53%"
_FROM_THEN_TO = re.compile(r"[^,，;；。]*?\d[^,，;；。]*?(?:至|到)\s?$")
_LISTED = re.compile(r"、|分别|依次")
_LIST_SEPARATOR = re.compile(r"、|以及|及|和|与")
# a figure a growth over a range of years ends on: "从1.1亿元一路增长到32.52亿元"
_TO_THE_END = re.compile(r"从[^,，;；。]{1,24}(?:至|到)\s?$")
_LIST_BREAK = re.compile(r"[,，;；:：。]|分别为|分别是|依次为|分别")


# years listed one by one, then their figures in the same order: "2022年、2023年、2024年…分别为"
_LISTED_YEARS = re.compile(
    r"((?:(?:19|20)\d\d\s?年?\s?(?:、|和|及|与)\s?)+(?:19|20)\d\d\s?年?)[^,，;；。]{0,16}?(?:分别为|分别是|依次为|分别)(?P<figures>[^,，;；。]*)$"
)


_RESPECTIVELY = re.compile(r"分别|分別|依次")
_PERIOD_JOINER = re.compile(rf"\s?(?:{_LIST_SEPARATOR.pattern}|至|到)\s?")
_MONTH_RUN = re.compile(r"((?:19|20)\d\d)\s?年\s?(\d{1,2})\s?月\s?(?:至|到|-|—|~)\s?(\d{1,2})\s?月")


def _respective_period(key: str, before: str) -> str | None:
    """Return the period listed at a figure's place when periods are listed and then their
    figures, "respectively" ("2023年、2024年至2025年前9个月,…营收分别达到8.07亿元、13.6亿元、
    12.63亿元"; "2025 年 10 月至 12 月的營收分別為 1.86 億元、2.13 億元及 2.23 億元": a month each),
    else None. Two bare years joined by 至 are a range, whose years the range rule counts."""
    marks = list(_RESPECTIVELY.finditer(before))
    if not marks or re.search(r"[,，;；。]", before[marks[-1].end() :]):
        return None
    mark = marks[-1].start()
    place = len(_LIST_SEPARATOR.findall(before[marks[-1].end() :]))
    months = [m for m in _MONTH_RUN.finditer(key, 0, mark) if mark - m.end() <= 20]
    if months:
        m = months[-1]
        first, last = int(m.group(2)), int(m.group(3))
        if 1 <= first < last <= 12 and first + place <= last:
            return f"{m.group(1)}-{first + place:02d}"
        return None
    run: list[PeriodName] = []
    for n in reversed(figure_periods(key, mark)):
        if run and not _PERIOD_JOINER.fullmatch(key[n.end : run[0].start]):
            break
        if not run and (mark - n.end > 30 or re.search(r"[;；。]", key[n.end : mark])):
            break
        run.insert(0, n)
    if any(n.year is None or not _absolute(n) for n in run):
        return None
    joiners = [key[a.end : b.start].strip() for a, b in zip(run, run[1:], strict=False)]
    # 至 between two years, or in a run listing nothing else ("2021年至2024年一季度"), spans a range
    ranges = [
        j in ("至", "到") and (a.part is None and b.part is None or all(k in ("至", "到") for k in joiners))
        for (a, b), j in zip(zip(run, run[1:], strict=False), joiners, strict=True)
    ]
    if len(run) < 2 or any(ranges) or place >= len(run):
        return None
    period = resolve(run[place], year=None)
    return period.label if period else None


def _absolute(n: PeriodName) -> bool:
    return n.offset is None and n.quarter_offset is None and not n.same_part


def value_period(
    key: str, offset: int, v: Value, fallback: str | None, *, published: str | None = None
) -> str | None:
    """Return the period a figure is stated for: the nearest period written before it in its
    sentence (a part without its year takes the year written before it, else the article's), or,
    in a list that follows a range of years ("2021年至2023年…亏损分别为23.57亿元、27.53亿元、
    48.55亿元"), the year of its place in the list. A figure with no period before it has the
    fact's (``fallback``): a year written after it is a later figure's ("104亿元,2021年为134亿元").
    """
    before = key[: max(v.start - offset, 0)]
    respective = _respective_period(key, before)
    if respective:
        return respective
    ranges = list(_RANGE_IN_TEXT.finditer(before))
    years = list(YEAR.finditer(before))
    if ranges and years and ranges[-1].end() >= years[-1].end():
        lo, hi = int(ranges[-1].group(1)), int(ranges[-1].group(2))
        since = before[ranges[-1].end() :]
        breaks = list(_LIST_BREAK.finditer(since))
        # the place in the list: 、 between its figures, 及/和 before the last (…17.52亿元及20.25亿元)
        place = len(_LIST_SEPARATOR.findall(since[breaks[-1].end() :] if breaks else since))
        if lo < hi and _TO_THE_END.search(since):
            return str(hi)  # "2022-2024年营业收入从42.64万元跃升至7.43亿元": the range's end
        opens_list = _LIST_SEPARATOR.match(key[v.end - offset :].lstrip())
        if lo < hi and not _LISTED.search(since) and not opens_list and fallback == f"{lo}–{hi}":
            return fallback  # "2021年至2023年的营收复合年增长率高达82.3%": the whole span's figure
        if lo < hi and lo + place < hi:
            return str(lo + place)
        if lo < hi and lo + place == hi:
            end = parse_period(key[ranges[-1].start(2) : ranges[-1].end()])
            return end.label if end else str(hi)
        if lo < hi:
            return str(hi)  # more figures than years: the rest keep the range's last year
    listed = _LISTED_YEARS.search(before)
    if listed:
        # "2022年、2023年、2024年公司研发费用分别为8440万、5.289亿元、21.954亿": by place
        listed_years = YEAR.findall(listed.group(1))
        place = len(re.findall(r"、|和|及", listed.group("figures")))
        if place < len(listed_years):
            return listed_years[place]
    clause = before[clause_start(key, len(before)) :]
    stated = label_parts(fallback)
    if WHOLE_YEAR.search(clause) and not period_names(clause):
        # "预估第4季EPS为1.5元，全年约4.2元": the whole year's, of the quarter's year; never a
        # period an earlier clause names for something else ("2025年4月年报电话会议,全年有望交付…")
        if stated is not None and stated.part:
            return f"{'FY' if stated.fiscal else ''}{stated.years[-1]}"
        return fallback
    names = figure_periods(key, len(before))
    if not names:
        return fallback
    nearest = names[-1]
    if _FROM_THEN_TO.fullmatch(before, nearest.end):
        # "毛利率从2023年的48%提升至53%": the figure it rose to is not the year it rose from
        return fallback
    part = part_start(key, nearest.start)
    opens_part = 0 < part and nearest.start - part <= 1
    if (
        nearest is not names[0]
        and (PART if _absolute(nearest) else CLAUSE).search(key, nearest.end, len(before))
        and not (opens_part and part_start(key, len(before)) <= nearest.start)
    ):
        # a period inside the sentence frames its own clause ("到2030年将达1930亿元;…占比35.8%"):
        # a later clause that names none is under the sentence's leading period; one opening a
        # part after a semicolon frames the part (";去年同期营收为4490万元,净亏损12.36亿元"). A
        # year or part stated outright frames the clauses after it up to a semicolon ("2024年上半年
        # 營收同比增長151.6%,毛利率高達79%"); a base named relatively ("与去年同期的3.54亿元相比,
        # 下降了25.84%") only its own clause
        nearest = names[0]
    stated = label_parts(fallback)
    if nearest.same_part and nearest.offset is not None and stated is not None and not _is_month(stated):
        # "2023年公司营收2.62亿元,与去年同期的3.54亿元相比": the same period a year before the
        # sentence's own, whenever the article was written
        a_year_before = stated.years[-1] + nearest.offset
        earlier = resolve(
            PeriodName(0, 0, year=a_year_before, part=stated.part, fiscal=stated.fiscal), year=None
        )
        return earlier.label if earlier else fallback
    if nearest.year is None and nearest.offset is None and nearest.quarter_offset is None:
        if stated is not None and stated.part == nearest.part and (stated.fiscal or not nearest.fiscal):
            # the fact's own period, placed with the company's fiscal calendar (a bare 第二季 the
            # article's fiscal lead made FY2026 Q2 too)
            return fallback
        year = next((n.year for n in reversed(names) if n.year is not None), None)
        if year is not None:
            nearest = replace(
                nearest, year=year, fiscal=nearest.fiscal or any(n.fiscal for n in names if n.year)
            )
    month = month_after(key, nearest)
    if month:
        return f"{nearest.year}-{month:02d}"  # "2024/09 营收达2.33亿元": the month's, not the year's
    dated = (int(published[:4]), int(published[5:7])) if published and published[:4].isdigit() else None
    relative = nearest.year is None and (nearest.offset is not None or nearest.quarter_offset is not None)
    if relative and dated is None:
        return None  # "高于今年的1500亿元" in an undated article: its own year, not known
    year_of = dated[0] if dated else (stated.years[-1] if stated else None)
    period = resolve(nearest, year=year_of, month=dated[1] if dated else None)
    return period.label if period else fallback


def _is_month(parts: LabelParts) -> bool:
    return bool(parts.part and parts.part.startswith("M"))


def written_as_asked(key: str, offset: int, v: Value, asked: Sequence[str]) -> bool:
    """Tell whether the period written right before a figure is a relative word the question
    asks with ("高于今年的1500亿元" for 今年): in an undated article only that word says which
    of its figures the asker's 今年 is, as the article's own 今年 was written."""
    names = figure_periods(key, max(v.start - offset, 0))
    if not names:
        return False
    return relative_word(names[-1]) in asked


def is_forecast(key: str, offset: int, v: Value) -> bool:
    """Tell whether a figure is guidance or a forecast (预计, 目标, guidance … in its clause)."""
    s = v.start - offset
    return bool(FORECAST.search(key[clause_start(key, s) : s]))


_ASKS_EARLIER = re.compile(r"原本|原来|原先|此前|先前|之前|previous|original|prior|earlier", re.I)
_ASKS_CHANGE = re.compile(
    r"增长|增速|增幅|成长|上升|下降|下滑|减少|增加|涨|跌|同比|环比|年增|年减|变化|提高|降低|少了|多了|收窄|缩小|扩大|幅度"
    r"|growth|grow|rise|fall|fell|drop|change|increase|decrease|declin|jump|plung|surg|soar|slump|shr[ia]nk|yoy|qoq"
    r"|narrow|widen"
    r"|quarter[\s-]on[\s-]quarter|year[\s-]on[\s-]year|sequential|cut|reduce|raise|raising|by how much",
    re.I,
)


def asks_for_a_change(u: Understanding) -> bool:
    """Tell whether a question asks how something changed (growth, 同比, 减少多少, drop) rather
    than what it came to: the one reading the ranking rules and the headline both use."""
    words = " ".join([getattr(u, "text", ""), *u.terms, *u.hint_words, *u.ignored, *u.names])
    return "growth" in u.metrics or bool(_ASKS_CHANGE.search(words))
_FROM = re.compile(r"(?:由|从)[^至到,，;；]*$")  # "由246.7億美元升至277億美元": where it came from
_EARLIER = re.compile(r"(?:之前|此前|原先|原本|原来|先前)[^,，;；]{0,10}$")  # "较之前预测的300億美元"
# "北向资金二季度加仓 27.87 万股,…持有寒武纪 1570.4 万股": what a holding changed by
_HOLDING_CHANGE = re.compile(r"(?:加仓|减仓|增持|减持|买入|卖出|增加|减少)\s?$")
CHANGE_BY = re.compile(r"(?:涨价|降价|增加|减少|增长|下降|上涨|下跌|多出|少了|涨了|跌了|提高|降低)\s?$")


def changes_by_only(c: Candidate) -> bool:
    """Tell whether every amount of money a fact states is how much something changed by
    ("净利润减少31亿美元"), not what it came to."""
    money = [v for v in c.values if v.kind == "money"]
    return bool(money) and all(
        CHANGE_BY.search(c.key[max(0, v.start - c.start - 3) : max(0, v.start - c.start)]) for v in money
    )


def _listed_together(key: str, offset: int, a: Value, b: Value) -> bool:
    first, second = (a, b) if a.start < b.start else (b, a)
    between = key[first.end - offset : second.start - offset]
    return bool(re.fullmatch(r"\s?(?:、|和|及|与)\s?", between))


def headline(
    c: Candidate,
    u: Understanding,
    expects: str,
    keywords: Sequence[str],
    anchors: Sequence[str] = (),
    others: Sequence[tuple[int, bool]] = (),
    metric: str | None = None,
) -> tuple[list[Value], str | None, bool]:
    """Pick the figure that answers the question, the change stated with it, its period, and
    whether it is a forecast.

    In order: a figure of the kind asked for (the question's "share" or "环比" wins over the
    metric's kind); stated for the year asked; a forecast when guidance is asked; right by what
    the question names besides the subject (``anchors``: 游戏 in "游戏营收…43億美元"); not in a
    clause naming only someone else (``others``: the other side of a comparison keeps its figure); by the
    metric's keyword ("资本支出同比增长79%至140亿美元"); a level rather than a change by an amount
    ("漲價5800元") or a starting point ("由246.7億美元升至277億美元"). Before the anchors, a figure
    another metric's keyword names (``Value.metric``) goes last ("第三季 EPS 12.5 元" is no
    revenue); after them, one the asked ``metric``'s own keyword names comes before one no keyword
    names ("市值达到1000亿元" before "收报60元"), while the question's words may still pick a figure a
    clause away ("远高于前一季200亿美元" for "previous quarter"); among the keywords, the ones the
    question wrote decide (募资净额, not 募资总额).
    """
    values = [v for v in c.values if not inside_slogan(c.key, v, c.start)] or c.values
    fitting = [v for v in values if v.kind == expects] if expects != "any" else []
    if expects == "money":
        # "市值一日暴增近3000亿": an amount with its currency left unsaid; "分别为8440万、5.289亿元、
        # 21.954亿": a list writes its currency once
        amounts = [v for v in values if v.kind == "number" and re.search(r"[万亿]", v.text)]
        if not fitting:
            fitting = amounts
        else:
            fitting += [v for v in amounts if any(_listed_together(c.key, c.start, v, w) for w in fitting)]
            fitting.sort(key=lambda v: v.start)
    if u.value_kinds:
        asked = [v for v in values if v.kind in u.value_kinds]
        # a share asked is a level: a change of the same kind only when nothing else is stated
        fitting = [v for v in asked if not v.change] or asked or fitting
    if not fitting:
        if expects != "any":
            return [], c.period, False  # no figure of the kind asked: the quote says it in words
        fitting = values
    if not fitting:
        return [], c.period, False
    asked_in = getattr(u, "currencies", ())  # a Query may ask for a currency ("in HK dollars")
    if asked_in:
        # "3亿美元(22亿元)" asked in 人民币: the bracketed restatement, where the sentence gives one
        fitting = [
            w for v in fitting for w in (v, *(r for r in v.restatements() if r.currency in asked_in))
        ]
    # the asker's own keyword, where the sentence writes it, before the metric's others: "募资净额"
    # picks the net proceeds among "募资总额为79.996亿元…募资净额为75.76亿元"
    own = [kw for kw in u.keywords if not is_latin(kw) and kw in c.key]
    spans = [
        (m.start(), m.end())
        for kw in (own or keywords)
        if not is_latin(kw)
        for m in re.finditer(re.escape(kw), c.key)
    ]
    anchors = [a for a in anchors if not FORECAST.fullmatch(a)]  # guidance is u.forecast's job
    anchor_spans = [
        (m.start(), m.end())
        for a in anchors
        if a and not is_latin(a) or len(a) > 2
        for m in re.finditer(re.escape(a), c.key)
    ]

    def distance(v: Value, around: list[tuple[int, int]]) -> int:
        # a figure after its word ("营收…43億美元") is nearer than one before it, a clause away farther
        s, e = v.start - c.start, v.end - c.start
        best = 10_000
        for a, b in around:
            if s >= b:
                gap, between = s - b, c.key[b:s]
            elif a >= e:
                gap, between = 2 * (a - e), c.key[e:a]
            else:
                gap, between = 0, ""
            # a part of the sentence away (past a semicolon) is farther than a clause
            best = min(best, gap + 15 * sum(between.count(ch) for ch in ",，") + 40 * sum(between.count(ch) for ch in ";；"))
        return best

    # a figure per share (688元/股) is no total: only a price's or a per-share metric's answer
    per_share_metric = any(re.search(r"每股|股价|发行价|价|price|eps", kw) for kw in keywords)
    # "原本預測", "previous forecast": the figure it came from is the one asked
    asks_earlier = bool(_ASKS_EARLIER.search(" ".join([getattr(u, "text", ""), *u.terms, *u.ignored])))
    # a level before a change, unless a change is asked ("调用量" is the calls, not their growth)
    asks_change = asks_for_a_change(u) or expects == "percent"

    ours_at = [at for at, other in others if not other]

    def wanted(v: Value) -> tuple:
        # the question's period picks among the figures of a sentence stating several (Q2 and H1)
        period = value_period(c.key, c.start, v, c.period, published=c.published)
        agreement = (
            period_agreement(u.periods, period, "", published=c.published, today=u.today, whole_year=u.whole_year, at_period_end=u.at_period_end)
            if u.periods
            else 1.0
        )
        if u.periods and written_as_asked(c.key, c.start, v, u.periods):
            agreement = 1.01  # the article's own word for the period asked, before the figure
        s, e = v.start - c.start, v.end - c.start
        before = c.key[max(0, s - 3) : s]
        clause = c.key[clause_start(c.key, s) : s]
        earlier = bool(_FROM.search(clause) and re.match(r"[^,，;；]*(?:至|到)", c.key[e:])) or bool(
            _EARLIER.search(clause)
        )
        secondary = (
            (not earlier if asks_earlier else earlier)
            or (v.kind == "money" and bool(CHANGE_BY.search(before)))
            or (v.kind in ("count", "number") and bool(_HOLDING_CHANGE.search(before)))
            or (not per_share_metric and bool(re.match(r"\s?/\s?股|每股", c.key[e : e + 3])))
        )
        start, end = s - len(clause), clause_end(c.key, e)
        named = [other for at, other in others if start <= at < end]
        someone_elses = bool(named) and all(named)
        # "国泰海通…目标价定为836.08元;高盛…将目标价从607.8元上调至1223元" asked of 高盛: a part of
        # the sentence (between semicolons) before the one first naming the subject is someone
        # else's; a part after it naming nobody goes on about the subject ("寒武纪…;实现净利润…")
        part = part_start(c.key, s)
        elsewhere = bool(ours_at) and all(part_start(c.key, at) > part for at in ours_at)
        # another metric's keyword named it: never this metric's while one is left; the asked
        # metric's own figure goes before an unnamed one, once the question's words have spoken
        others_figure = bool(metric) and v.metric is not None and v.metric not in (metric, *u.metrics)
        return (
            -round(agreement, 2),
            bool(asked_in) and v.kind == "money" and v.currency not in asked_in,
            (not is_forecast(c.key, c.start, v)) if u.forecast else False,
            someone_elses,
            elsewhere,
            secondary,
            v.change and not asks_change,
            others_figure,
            sum(min(distance(v, [span]) // 8, 4) for span in anchor_spans),
            bool(metric) and v.metric != metric,
            distance(v, spans) if spans else 0,
            v.start,
        )

    lead = min(fitting, key=wanted)

    def same_clause(first: Value, second: Value, stops: str) -> bool:
        # "…8.8%;智能算力…414.1EFLOPS": a change before the figure, a clause away, is another's;
        # "营收5545.5亿元(…),同比下滑1%": one after it, past a comma, is its own
        between = c.key[first.end - c.start : max(second.start - c.start, first.end - c.start)]
        return not any(ch in between for ch in stops)

    near = [
        v
        for v in values
        if v is not lead
        and v.change
        and (0 <= lead.start - v.end <= 12 or 0 <= v.start - lead.end <= 18)
        and (same_clause(v, lead, ",，;；。") if v.start < lead.start else same_clause(lead, v, ";；。"))
    ]
    # of several changes by it ("季增11.5%,年增43.6%"), the one the question's word names first
    written = [kw for kw in u.keywords if not is_latin(kw)]

    def named_by_question(v: Value) -> bool:
        s = v.start - c.start
        return any(kw in c.key[max(0, s - len(kw) - 2) : s] for kw in written)

    near.sort(key=lambda v: not named_by_question(v))
    period = value_period(c.key, c.start, lead, c.period, published=c.published)
    return [lead, *near[:1]], period, is_forecast(c.key, c.start, lead)


def joint_entities(c: Candidate) -> list[str]:
    """Return the companies a figure is stated for together ("谷歌、微软和Meta…共投入"), else []."""
    if len(c.entities) < 2 or not _TOGETHER.search(c.key):
        return []
    return list(c.entities)


def inside_slogan(key: str, v: Value, offset: int) -> bool:
    # "跻身“年营收5000亿元俱乐部”": a figure inside a short quoted phrase names, not measures
    s, e = v.start - offset, v.end - offset
    left = key.rfind("“", 0, s)
    if left < 0 or key.rfind("”", 0, s) > left:
        return False
    right = key.find("”", e)
    return right >= 0 and right - left <= 16
