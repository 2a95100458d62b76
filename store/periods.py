"""Periods: the one grammar of years, quarters, halves, nine months and fiscal periods, and
what it means in an article (a label with its year) and in a question (what the asker wants).

``period_names(key)`` reads a folded text (an article's sentence or a question) into the
periods it writes, before any date places them: ``2024年第三季度``, ``24Q3``, ``3Q24``,
``Q3 2024``, ``第三財季``, ``H1 2025``, ``前三季度``, ``nine months``, ``FY2024``, ``fiscal
2025``, ``2024财年``, and the relative ones (``去年``, ``上季``, ``last quarter``, ``YTD``).
Both sides read with it, so a phrase means the same in a question as in the sentence that
answers it:

- ``parse_period`` places the first period a sentence states with the article's date (and the
  company's fiscal calendar) and labels it with its year: ``FY2024 Q3``, ``2025 H1``,
  ``2024 9M``, ``2023-04-15``;
- ``asked_periods`` turns a question's periods into what ``period_agreement`` compares with a
  fact: years (``2024``), parts (``Q3``, ``H1``, ``9M``) and relative words (``last year``),
  which it resolves against today's date and, less strongly, against the fact's article date.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from .text import scanned_from

_CN_ORDINAL = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_EN_ORDINAL = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}

YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")  # any four digits that may be a year
# 2024-04-25, 2024/4/25, 2024年4月25日 (one kind of separator: "2025年1-9月" is nine months, no date)
_ISO_DATE = scanned_from(
    "12",
    r"(?<!\d)(?P<y>(?:19|20)\d\d)(?:(?P<sep>[-/.])(?P<m1>1[0-2]|0?[1-9])(?P=sep)|年(?P<m2>1[0-2]|0?[1-9])月)"
    r"(?P<d>3[01]|[12]\d|0?[1-9])日?(?![\d月])"
)


def _ymd(m: re.Match[str]) -> tuple[int, int, int]:
    return int(m["y"]), int(m["m1"] or m["m2"]), int(m["d"])


# 2024/09, 2024-09 (a month, not a date: no day follows)
_SLASH_MONTH = re.compile(r"[/\-](1[0-2]|0[1-9]|[1-9])(?![\d/\-.])")
_MONTH_DAY = re.compile(r"(?<!\d)(1[0-2]|0?[1-9])月(?:(3[01]|[12]\d|0?[1-9])日)?")
_FILE_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)-?(1[0-2]|0[1-9])-?(3[01]|[12]\d|0[1-9])(?!\d)")
# "创下了2016年以来…", "2022年9月以来", "创下2022年第4季以来高点": a reference point, not the period
# the figure is for (a year's, after the year; a year-and-part's, after the part)
_SINCE = re.compile(r"\s?年?\s?(?:以来|之前|以前|开始|起|至今)|\s?年?\s?\d{1,2}月\s?(?:的)?以来")
_SINCE_PART = re.compile(r"\s?(?:的)?以来")
_CLAUSE_BREAK = re.compile(r"[,，;；。:：]")


@dataclass(frozen=True)
class PeriodName:
    """A period as a text writes it (``key[start:end]``), before any date places it."""

    start: int
    end: int
    year: int | None = None  # the year written with it (the fiscal year when ``fiscal``)
    part: str | None = None  # "Q1"…"Q4", "H1", "H2", "9M"; None: the whole year
    fiscal: bool = False  # 财年, 财季, FY, fiscal: the company's own calendar
    offset: int | None = None  # a year relative to the writer's: 0 今年, -1 去年, 1 明年
    quarter_offset: int | None = None  # a quarter relative to the writer's: -1 上季, 0 本季
    same_part: bool = False  # 去年同期: the part of the period named before it
    word: str | None = None  # a relative period's word: "last quarter" (上季), "previous quarter" (前一季)


def _year2(s: str) -> int:
    return int(s) if len(s) == 4 else 2000 + int(s)


_PART_Q = r"(?:财季|财政季度|财务季度|财年季度|季度|季)"
# a quarter by the month it ends in (the June quarter): calendar quarters
_QUARTER_ENDING = {"march": 1, "3": 1, "june": 2, "6": 2, "september": 3, "9": 3, "december": 4, "12": 4}

# Each token: the characters one of which every match contains, a pattern, and what its match
# names. Longest match wins where two start together. The characters let a sentence skip the
# patterns it cannot match (most of them: a sentence without 季 or q names no quarter), which is
# most of the grammar's cost in a build; "" runs the pattern on every text.
_TOKENS: list[tuple[str, re.Pattern[str], object]] = [
    # fiscal quarters written as one word: FY2026Q2, FY26Q2
    (
        "f",
        scanned_from("f", r"(?<![a-z])fy\s?'?((?:19|20)\d\d|\d\d)\s?q([1-4])(?![a-z0-9])"),
        lambda m: {"year": _year2(m[1]), "part": f"Q{m[2]}", "fiscal": True},
    ),
    # a fiscal year across two calendar years is the one it ends in: FY2025/26, 2025/26财年
    (
        "f财",
        scanned_from(
            "f12",
            r"(?<![a-z])fy\s?((?:19|20)\d\d)\s?/\s?(\d\d)(?!\d)"
            r"|(?<!\d)((?:19|20)\d\d)\s?/\s?(\d\d)\s?(?:财年|财政年度|年度)",
        ),
        lambda m: {"year": 2000 + int(m[2] or m[4]), "fiscal": True},
    ),
    # fiscal years: FY2024, FY24, fy'24, fiscal 2025, fiscal year 2025, 2024财年, 财年2024
    (
        "f",
        scanned_from("f", r"(?<![a-z])fy\s?'?((?:19|20)\d\d|\d\d)(?!\d)"),
        lambda m: {"year": _year2(m[1]), "fiscal": True},
    ),
    (
        "f",
        scanned_from("f", r"(?<![a-z])fiscal\s(?:year\s)?((?:19|20)\d\d)(?!\d)"),
        lambda m: {"year": int(m[1]), "fiscal": True},
    ),
    (
        "财会",
        scanned_from("12", r"(?<!\d)((?:19|20)\d\d)\s?(?:财年|财政年度?|会计年度|财务年度)"),
        lambda m: {"year": int(m[1]), "fiscal": True},
    ),
    (
        "财",
        re.compile(r"(?:财年|财政年度)\s?((?:19|20)\d\d)(?!\d)"),
        lambda m: {"year": int(m[1]), "fiscal": True},
    ),
    # calendar years: 2024年, 2024年度, 2024 (not 2024万, 2024元, 2024%)
    (
        "",
        scanned_from("12", r"(?<!\d)((?:19|20)\d\d)(?:\s?年度?|(?=[^\d%万亿元美倍张台个.]|\.(?!\d)|$))"),
        lambda m: {"year": int(m[1])},
    ),
    # a run of quarters with its year: 2024q1-q3 (nine months)
    (
        "q",
        scanned_from("0-9", r"(?<![a-z0-9.])((?:19|20)?\d\d)\s?q([1-4])\s?(?:-|—|~|至|到)\s?q([1-4])(?![a-z0-9])"),
        lambda m: {"year": _year2(m[1]), **_quarter_run(int(m[2]), int(m[3]))},
    ),
    # quarters with their year in one word: 24q3, 2024q3, 2024h1, 3q24, q3'24, 1h25, h1'25, 9m24
    (
        "q",
        scanned_from("0-9", r"(?<![a-z0-9.])((?:19|20)?\d\d)\s?q([1-4])(?![a-z0-9])"),
        lambda m: {"year": _year2(m[1]), "part": f"Q{m[2]}"},
    ),
    (
        "h",
        scanned_from("0-9", r"(?<![a-z0-9.])((?:19|20)?\d\d)\s?h([12])(?![a-z0-9])"),
        lambda m: {"year": _year2(m[1]), "part": f"H{m[2]}"},
    ),
    (
        "q",
        scanned_from("1-4", r"(?<![a-z0-9.])([1-4])q'?([1-3]\d)(?!\d)"),
        lambda m: {"year": 2000 + int(m[2]), "part": f"Q{m[1]}"},
    ),
    (
        "q",
        scanned_from("fq", r"(?<![a-z0-9])(fiscal\s)?q([1-4])'?([1-3]\d)(?!\d)"),
        lambda m: {"year": 2000 + int(m[3]), "part": f"Q{m[2]}", "fiscal": bool(m[1])},
    ),
    (
        "h",
        scanned_from("12h", r"(?<![a-z0-9.])([12])h'?([1-3]\d)(?!\d)|(?<![a-z0-9])h([12])'?([1-3]\d)(?!\d)"),
        lambda m: {"year": 2000 + int(m[2] or m[4]), "part": f"H{m[1] or m[3]}"},
    ),
    (
        "m",
        scanned_from("9", r"(?<![a-z0-9.])9m'?([1-3]\d)(?!\d)"),
        lambda m: {"year": 2000 + int(m[1]), "part": "9M"},
    ),
    # a run of quarters: 2024q1-q3 and 第一至三季度 are nine months, q1-q2 the first half
    (
        "q季",
        scanned_from(
            "q第一二三四1-4",
            r"(?<![a-z0-9])q([1-4])\s?(?:-|—|~|至|到)\s?q([1-4])(?![a-z0-9])"
            r"|第?([一二三四1-4])\s?(?:-|—|~|至|到)\s?([一二三四1-4])\s?季度?"
        ),
        lambda m: _quarter_run(_CN_ORDINAL[m[1] or m[3]], _CN_ORDINAL[m[2] or m[4]]),
    ),
    # quarters: 第三季度, 第3财季, 第三财政季度, 三季度, q3, 3q, fiscal q3, third quarter
    (
        "季",
        re.compile(rf"第\s?([一二三四1-4])\s?{_PART_Q}"),
        lambda m: {"part": f"Q{_CN_ORDINAL[m[1]]}", "fiscal": "财" in m[0]},
    ),
    ("季", scanned_from("一二三四1-4", r"(?<![第前0-9])([一二三四1-4])\s?季度"), lambda m: {"part": f"Q{_CN_ORDINAL[m[1]]}"}),
    (
        "q",
        scanned_from("fq1-4", r"(?<![a-z0-9])(fiscal\s)?(?:q([1-4])|([1-4])q)(?![a-z0-9])"),
        lambda m: {"part": f"Q{m[2] or m[3]}", "fiscal": bool(m[1])},
    ),
    (
        "q",
        scanned_from(
            "fst1-4",
            r"(?<![a-z])(fiscal\s)?(first|second|third|fourth|1st|2nd|3rd|4th)[\s-](?:fiscal\s)?quarter"
        ),
        lambda m: {"part": f"Q{_EN_ORDINAL[m[2]]}", "fiscal": "fiscal" in m[0]},
    ),
    # Hong Kong and Taiwan's first, second and last quarters: 首季 (not 首三季, nine months), 次季,
    # 末季. 次季 is Hong Kong's second quarter; looking ahead (展望次季) it is the next one, left
    # unread, and 是次 is "this" (是次季報: this quarter's report)
    (
        "首次末",
        scanned_from("首次末", r"[首末]季度?(?!报)|(?<!是)(?<!展望)(?<!预计)(?<!预期)(?<!预估)次季(?!报|度)"),
        lambda m: {"part": {"首": "Q1", "次": "Q2", "末": "Q4"}[m[0][0]]},
    ),
    # fiscal quarters as analysts type them: FQ1, 1QFY26, Q1 FY2026
    (
        "f",
        scanned_from("f", r"(?<![a-z0-9])fq([1-4])(?![a-z0-9])"),
        lambda m: {"part": f"Q{m[1]}", "fiscal": True},
    ),
    (
        "f",
        scanned_from(
            "q1-4", r"(?<![a-z0-9])(?:q([1-4])|([1-4])q)\s?fy\s?'?((?:19|20)\d\d|\d\d)(?:\s?/\s?(\d\d))?(?![a-z0-9])"
        ),
        lambda m: {"year": 2000 + int(m[4]) if m[4] else _year2(m[3]), "part": f"Q{m[1] or m[2]}", "fiscal": True},
    ),
    # a quarter by the month it ends in: the June quarter, 截至6月底的季度, 截至9月30日止三个月
    (
        "q截",
        scanned_from(
            "mjsd截",
            r"(?<![a-z])(march|june|september|december)\squarter"
            r"|截至\s?(?:((?:19|20)\d\d)\s?年\s?)?(3|6|9|12)\s?月(?:底|末|30日|31日)?止?的?\s?(?:季度?|三个月)",
        ),
        lambda m: {"part": f"Q{_QUARTER_ENDING[m[1] or m[3]]}", **({"year": int(m[2])} if m[2] else {})},
    ),
    # a quarter's report: 2025年一季报, 三季报
    ("季", scanned_from("一二三四1-4", r"(?<![第前])([一二三四1-4])季报"), lambda m: {"part": f"Q{_CN_ORDINAL[m[1]]}"}),
    # the year's last quarter: 2024年的最后一个季度, 最后一季
    ("季", re.compile(r"最后一个?季度?"), lambda m: {"part": "Q4"}),
    # halves: 上半年, 下半财年, h1, first half
    (
        "半",
        re.compile(r"([上下])半(财)?年"),
        lambda m: {"part": "H1" if m[1] == "上" else "H2", "fiscal": bool(m[2])},
    ),
    # a half-year report is the first half's: 2025年半年度报告, 半年报
    ("半", re.compile(r"(?<![上下前后一两])半年(?:度(?=\s?(?:报告|财报|业绩|报))|报)"), lambda m: {"part": "H1"}),
    ("h", scanned_from("h", r"(?<![a-z0-9])h([12])(?![a-z0-9])"), lambda m: {"part": f"H{m[1]}"}),
    # Hong Kong's interim results are the first half's: 2025年中期业绩, 中报, interim results (an
    # interim dividend is a kind of dividend, whatever fiscal quarter its sentence states)
    (
        "中i",
        scanned_from(
            "中i",
            r"中期(?=业绩|报告|财报|溢利|收益|盈利|纯利|亏损|营收|收入|净利)|(?<![一二三四\d])中报"
            r"|(?<![a-z])interim(?=\s(?:results|profit|revenue|report))",
        ),
        lambda m: {"part": "H1"},
    ),
    ("月", scanned_from("1一", r"(?<!\d)1\s?(?:-|—|~|至|到)\s?6月(?!\d*日)|一至六月"), lambda m: {"part": "H1"}),
    (
        "h",
        scanned_from("fs", r"(?<![a-z])(first|second)[\s-]half"),
        lambda m: {"part": "H1" if m[1] == "first" else "H2"},
    ),
    # nine months: 前三季度, 前三个季度, 前3季 (Taiwan), 首三季 (Hong Kong), 前9个月, first nine months, first three
    # quarters, 9m
    (
        "前首月nmq",
        scanned_from(
            "前首1一fn9",
            r"[前首][三3]\s?个?季度?|[前首][9九]个月|(?<!\d)1\s?(?:-|—|~|至|到)\s?9月(?!\d*日)|一至九月"
            r"|(?<![a-z])(?:first\s)?nine[\s-]months?|(?<![a-z])first\s(?:three|3)\squarters"
            r"|(?<![a-z0-9.])9m(?![a-z0-9])"
        ),
        lambda m: {"part": "9M"},
    ),
    # relative years: 今年, 去年, 明年, this year, last year, YTD, 本财年
    (
        "今本y",
        scanned_from(
            "今本tcy年",
            r"今年|本年度?|(?<![a-z])(?:this|current)\s(?:calendar\s)?year|(?<![a-z])ytd(?![a-z])|year[\s-]to[\s-]date|年初至今"
        ),
        lambda m: {"offset": 0},
    ),
    (
        "去上y",
        scanned_from(
            "去上lp",
            r"去年|上一?年度|上一年|(?<!以)上年|(?<![a-z])(?:last|previous|prior)\s(?:calendar\s)?year"
        ),
        lambda m: {"offset": -1},
    ),
    ("明下y", scanned_from("明下n", r"明年|下一年度?|(?<![a-z])next\s(?:calendar\s)?year"), lambda m: {"offset": 1}),
    ("前", re.compile(r"前年"), lambda m: {"offset": -2}),
    ("后", re.compile(r"后年"), lambda m: {"offset": 2}),
    (
        "财f",
        scanned_from("本tc", r"本财年|本财政年度|(?<![a-z])(?:this|current)\sfiscal\syear"),
        lambda m: {"offset": 0, "fiscal": True},
    ),
    (
        "财f",
        scanned_from("上lp", r"上一?(?:个)?财年|上一?财政年度|(?<![a-z])(?:last|previous|prior)\sfiscal\syear"),
        lambda m: {"offset": -1, "fiscal": True},
    ),
    (
        "财f",
        scanned_from("下n", r"下一?(?:个)?财年|(?<![a-z])next\sfiscal\syear"),
        lambda m: {"offset": 1, "fiscal": True},
    ),
    # relative quarters: 上季, 上一季度, 前一季, 本季, 当季, last quarter
    # 上季 is the one before the writer's now; 前一季 the one before the quarter being told of
    (
        "季q",
        scanned_from("上l", r"上一?个?季度?|(?<![a-z])last\s(?:fiscal\s)?quarter"),
        lambda m: {"quarter_offset": -1},
    ),
    (
        "季q",
        scanned_from("前p", r"前一个?季度?|(?<![a-z])(?:previous|prior|preceding)\s(?:fiscal\s)?quarter"),
        lambda m: {"quarter_offset": -1, "word": "previous quarter"},
    ),
    (
        "季q",
        scanned_from("本当这tc", r"本季度?|当季|这一?季度?|(?<![a-z])(?:this|current)\s(?:fiscal\s)?quarter"),
        lambda m: {"quarter_offset": 0},
    ),
    (
        "季q",
        scanned_from("下n", r"下一?个?季度?|(?<![a-z])next\s(?:fiscal\s)?quarter"),
        lambda m: {"quarter_offset": 1},
    ),
]
_TRIGGERS = frozenset("".join(t for t, _, _ in _TOKENS))
_SAME_PERIOD = re.compile(r"\s?同期")
# what may stand between a year and the part it holds ("2024年 第三季度", "今年的上半年"); a list
# or a range ("2023年及2024年上半年", "全年和第四季度") keeps them apart
_YEAR_TO_PART = re.compile(r"[\s的]{0,2}")
_PART_TO_YEAR = re.compile(r"\s?(?:of\s)?(?:the\s)?")


# "截至今年9月底止首三季": the month a part ends in, between its year and it
_PART_ENDING = re.compile(r"\s?(\d{1,2})\s?月(?:底|末|30日|31日)?(?:止|为止)?\s?的?")


def _ends_in(key: str, end: int, part: PeriodName) -> bool:
    m = _PART_ENDING.fullmatch(key, end, part.start)
    return bool(m and part.part and _PART_END_MONTH.get(part.part) == int(m[1]))


def month_after(key: str, n: PeriodName) -> int | None:
    """Return the month written right after a year (2024年9月; 2024/09, as Taiwan's monthly
    revenue reports write it), or None."""
    if n.part is not None or n.year is None or n.offset is not None:
        return None
    md = _MONTH_DAY.search(key, n.end)
    if md and md.start() - n.end <= 2:
        return int(md[1])
    ym = _SLASH_MONTH.match(key, n.end)
    return int(ym[1]) if ym else None


def period_names(key: str) -> list[PeriodName]:
    """Return the periods a folded text writes, in order, a year and the part it holds as one.

    >>> [(n.year, n.part, n.fiscal) for n in period_names("2024财年第三财季")]
    [(2024, 'Q3', True)]
    >>> [(n.year, n.part) for n in period_names("3q 2024 vs 24q2")]
    [(2024, 'Q3'), (2024, 'Q2')]
    """
    return list(_period_names(key))


@functools.lru_cache(maxsize=256)
def _tokens_for(present: frozenset[str]) -> tuple[tuple[re.Pattern, object], ...]:
    # the grammar's patterns a text holding these trigger characters can match, in grammar order
    return tuple((pattern, build) for triggers, pattern, build in _TOKENS if not triggers or not present.isdisjoint(triggers))


# A build asks for the same text's periods several times (the sentence, its line, a name
# candidate that may be a period word), and most texts name none: the answer is kept.
@functools.lru_cache(maxsize=4096)
def _period_names(key: str) -> tuple[PeriodName, ...]:
    dates = [(m.start(), m.end()) for m in _ISO_DATE.finditer(key)]
    found: list[PeriodName] = []
    for pattern, build in _tokens_for(frozenset(_TRIGGERS.intersection(key))):
        for m in pattern.finditer(key):
            if any(a <= m.start() < b for a, b in dates):
                continue  # the year of a date is the date's
            fields = build(m)  # type: ignore[operator]
            if "year" in fields and "part" not in fields and _SINCE.match(key, m.end()):
                continue
            found.append(PeriodName(m.start(), m.end(), **fields))
    found.sort(key=lambda n: (n.start, -(n.end - n.start)))
    tokens: list[PeriodName] = []
    for n in found:
        if not tokens or n.start >= tokens[-1].end:
            tokens.append(n)
    merged: list[PeriodName] = []
    for n in tokens:
        prev = merged[-1] if merged else None
        if prev is not None and _holds(prev, n) and (
            _YEAR_TO_PART.fullmatch(key, prev.end, n.start) or _ends_in(key, prev.end, n)
        ):
            merged[-1] = replace(
                n, start=prev.start, year=prev.year, offset=prev.offset, fiscal=prev.fiscal or n.fiscal
            )
            continue
        if prev is not None and _holds(n, prev) and _PART_TO_YEAR.fullmatch(key, prev.end, n.start):
            merged[-1] = replace(
                prev, end=n.end, year=n.year, offset=n.offset, fiscal=prev.fiscal or n.fiscal
            )
            continue
        merged.append(n)
    out: list[PeriodName] = []
    for n in merged:
        if n.part and n.year is not None and _SINCE_PART.match(key, n.end):
            continue
        same = _SAME_PERIOD.match(key, n.end)
        if same and n.part is None and (n.year is not None or n.offset is not None):
            # 去年同期: the part of the period named before it ("今年上半年…;去年同期…" is last H1)
            part = next((p.part for p in reversed(out) if p.part), None)
            n = replace(n, end=same.end(), part=part, same_part=True)
        out.append(n)
    return tuple(out)


def _holds(year: PeriodName, part: PeriodName) -> bool:
    # a year (stated or relative) and a part without one make one period
    return (
        year.part is None
        and year.quarter_offset is None
        and (year.year is not None or year.offset is not None)
        and part.part is not None
        and part.year is None
        and part.offset is None
    )


@dataclass(frozen=True)
class Period:
    """A period a sentence states: a readable ``label`` and a ``sort`` key (newer is larger)."""

    label: str
    sort: float
    # its year is a guess: a part written without one, in an article with no date, took the year
    # the article states most; a question's other year does not contradict it
    inferred: bool = False
    # 去年同期 with no part named before it in its sentence: "the same period" is the one the
    # article was speaking of (its reader, store.extract, supplies that part)
    same_part_unnamed: bool = False


def _quarter_run(first: int, last: int) -> dict:
    """A run of quarters as the part of the year it covers: Q1–Q3 nine months, Q1–Q2 the first
    half, Q3–Q4 the second, Q1–Q4 the year; any other run is its last quarter's."""
    part = {(1, 3): "9M", (1, 2): "H1", (3, 4): "H2", (1, 4): None}.get((first, last), f"Q{last}")
    return {"part": part}


_PART_END_MONTH = {"Q1": 3, "Q2": 6, "Q3": 9, "Q4": 12, "H1": 6, "H2": 12, "9M": 9}
PART_SORT = {"Q1": 0.0, "Q2": 0.25, "Q3": 0.5, "Q4": 0.75, "H1": 0.0, "H2": 0.5, "9M": 0.6}
RESULTS_LAG = 9  # months: a period stated without its year ended at most this long before the article…
GUIDANCE_LEAD = 3  # …or ends at most this long after it (guidance for the next quarter)


def _months(year: int, month: int) -> int:
    return year * 12 + month - 1


def fiscal_year_of(part: str | None, year_end_month: int, year: int, month: int | None) -> int:
    """Return the fiscal year a part of it (``Q3``, ``H1``; None: the year the date falls in)
    written without its year belongs to, in an article of ``year`` (and ``month``), for a company whose fiscal
    year ends in ``year_end_month`` (12: the calendar year; Microsoft 6; Nvidia 1).

    Fiscal year N ends in ``year_end_month`` of N. With the article's month, the part is the one
    whose end lies between 9 months before and 3 months after it (results are published after a
    period ends, guidance looks a quarter ahead); with only its year, the one ending in that year.

    >>> fiscal_year_of("Q3", 6, 2024, 4), fiscal_year_of("Q1", 1, 2024, 5), fiscal_year_of("Q3", 12, 2024, 1)
    (2024, 2025, 2023)
    """
    if part is None:  # the fiscal year itself (本财年): the one the date falls in
        return year + 1 if month is not None and month > year_end_month else year
    months_into = 3 * int(part[1]) if part[0] == "Q" else 6 * int(part[1]) if part[0] == "H" else 9
    for fy in range(year - 1, year + 3):
        end = _months(fy - 1, year_end_month) + months_into  # months counted from the year before's end
        end_year = end // 12
        if month is None:
            if end_year == year:
                return fy
        elif _months(year, month) - RESULTS_LAG < end <= _months(year, month) + GUIDANCE_LEAD:
            return fy
    return year


def year_just_ended(part: str, year: int, month: int) -> int:
    """Return the year of the last calendar ``part`` (Q2, H1) ended by an article of ``year`` and
    ``month``: a title "次季經調整純利跌18％" of August 2025 reports 2025's second quarter, one of
    February 2026 on 末季 2025's fourth (results, not guidance: no quarter still to come)."""
    return year if _PART_END_MONTH[part] <= month else year - 1


def _day_year(month: int, day: int, year: int, published_month: int | None, published_day: int) -> int:
    # a day later in the year than the article (by more than a quarter) is last year's: a January
    # article's "12月20日" is the December before; "将于5月10日" in an April article is this year's
    if published_month is None:
        return year
    ahead = (month - published_month) * 31 + day - published_day
    return year - 1 if ahead > 92 else year


def resolve(
    name: PeriodName,
    *,
    year: int | None,
    month: int | None = None,
    fiscal_year_end: int | None = None,
) -> Period | None:
    """Return ``name`` placed by the writer's date (``year``, ``month``; None when unknown) and,
    for a fiscal period, the company's fiscal year end month: a label that always has its year.

    >>> resolve(period_names("第三财季")[0], year=2024, month=4, fiscal_year_end=6).label
    'FY2024 Q3'
    """
    y = name.year
    if name.quarter_offset is not None:
        if year is None or month is None:
            return None
        index = _months(year, month) // 3 + name.quarter_offset  # quarters since year 0
        qy, q = divmod(index, 4)
        return Period(f"{qy} Q{q + 1}", qy + q / 4)
    if y is None and name.offset is not None:
        if year is None:
            return None
        if name.fiscal and fiscal_year_end:
            y = fiscal_year_of(None, fiscal_year_end, year, month) + name.offset
        else:
            y = year + name.offset
    if y is None:
        if year is None or name.part is None:
            return None
        if name.fiscal:
            y = fiscal_year_of(name.part, fiscal_year_end, year, month) if fiscal_year_end else year
        else:
            y = fiscal_year_of(name.part, 12, year, month)
    prefix = "FY" if name.fiscal else ""
    if name.part:
        return Period(f"{prefix}{y} {name.part}", y + PART_SORT[name.part])
    return Period(f"{prefix}{y}", y + (0.75 if name.fiscal else 0.0))


# 2021年至2023年, 2018年到截至2021年9月30日
_YEAR_RANGE_IN_TEXT = re.compile(r"((?:19|20)\d\d)\s?年?\s?(?:至|到|-|—|~)\s?(?:截至|截止)?\s?((?:19|20)\d\d)")
# the base a figure is compared with is not the period it is stated for: "收入超过 2.5 亿元,较一季度
# 增长了 67%" is the second quarter's
_COMPARED_WITH = re.compile(
    r"(?:较|比|相比|相较于?|对比|高于|低于|超过)(?:于)?\s?"
    # (a year is read whole: "较2024年同期的230.88亿元" must not shrink to "较2024" to pass the check below)
    r"(?:(?:19|20)\d\d(?:\s?年(?:同期|全年|底|末)?|(?!\s?年))|去年(?:同期|全年)?|上年(?:同期)?|上一?季度?|前一季度?"
    r"|上半年|第?[一二三四1-4]\s?季度?|q[1-4])"
    # …unless the base's own figure follows: "这比2021年的约600亿美元增长了30%" states 2021's
    r"(?![年度同期全的约为了\s]{0,6}\d)"
)


# the period a change starts from: "视觉AI收入由去年同期5.12亿元减至4.36亿元" states this half's
# 4.36亿元, from last year's; its first figure is that period's, the sentence's is the one after
_CHANGED_FROM = re.compile(
    r"(?:由|从)\s?(?:(?:19|20)\d\d\s?年(?:同期|底|末)?|去年(?:同期|底)?|上年(?:同期)?|上一?季度?|前一季度?|上半年"
    r"|第?[一二三四1-4]\s?季度?)(?=[^,，;；。至到]{0,16}?\d[^,，;；。]{0,16}?(?:至|到)\s?[\d约近逾超])"
)


def without_bases(key: str) -> str:
    """Return ``key`` with the periods a figure is compared with blanked (same length)."""
    return _COMPARED_WITH.sub(lambda m: " " * len(m.group(0)), key)


def _changed_to(m: re.Match[str]) -> str:
    # changed from last year's (由去年同期…至): to this year's; from any other period, to one
    # the sentence does not say
    base = m.group(0)
    for last, this in (("去年同期", "今年同期"), ("上年同期", "今年同期"), ("去年", "今年")):
        if base.endswith(last):
            return " " * (len(base) - len(this)) + this
    return " " * len(base)


# where a figure was heard, with its date: "根据公司2025年4月年报电话会议,全年有望交付440MW",
# "据证券日报11月1日的文章" — the day it was said, not the period the figure is for
_SOURCE_DATED = re.compile(r"(?:根据|据)[^,，;；。]{0,24}?(?:电话会议?|会议|文章|报道|采访|调研)")


# what a period dates when a verb of an event follows it: the day something began, was launched
# or announced, not the period a figure is for
_AN_EVENT_AFTER = re.compile(
    r"\s?(?:正式|首次|先后|相继|陆续|已|又|再)?(?:开启|启动|推出|发布|成立|上线|提出|宣布|实施|创立|创办|开始)"
)


def figure_periods(key: str, until: int | None = None) -> list[PeriodName]:
    """Return the periods a folded sentence states for its figures (before ``until``): not the
    bases they are compared with (``without_bases``), nor the dates of events (``dates_a_figure``)."""
    based = without_bases(key)[:until]
    return [n for n in period_names(based) if dates_a_figure(based, n)]


def dates_a_figure(key: str, n: PeriodName) -> bool:
    """Return whether a period the sentence ``key`` names may be a figure's: not when a verb of an
    event follows it ("商汤去年下半年开启新战略,…包括生成式AI收入18.16亿元": when it began)."""
    return not _AN_EVENT_AFTER.match(key, n.end)


def _names_a_report(key: str, n: PeriodName) -> bool:
    # 三季报, 2025年一季报: the name of a quarter's report, not a period a figure is stated for
    return key.startswith("季报", n.end - 2)


def parse_period(
    key: str,
    article_year: int | None = None,
    dated_year: int | None = None,
    dated_month: int | None = None,
    *,
    fiscal_year_end: int | None = None,
    dated_day: int = 1,
    until: int | None = None,
    told_quarter: tuple[int, int, bool] | None = None,
) -> Period | None:
    """Return the period ``key`` (a folded sentence) states, or None: the first period it writes
    (before ``until``, the end of the clause of its first figure, when given), placed by the
    article's date and labelled with its year.

    ``dated_year`` and ``dated_month`` (the article's known date) resolve 今年, 去年, 上季 and a
    part written without its year (上半年, 第三財季); without them, ``article_year`` (the year
    the article states most) gives a part its year. ``fiscal_year_end`` is the month the
    subject's fiscal year ends in (Microsoft 6): 第三財季 in its article of April 2024 is
    ``FY2024 Q3``. ``told_quarter`` (year, quarter, fiscal) is the quarter the article's lead reports:
    its 本季 (this quarter) is that one, in a results article written after it ended or with
    no date at all.

    >>> parse_period("2024财年第二财季财报会上").label
    'FY2024 Q2'
    >>> parse_period("去年营收增长", dated_year=2025).label
    '2024'
    """
    key = without_bases(key)
    if "由" in key or "从" in key:
        key = _CHANGED_FROM.sub(_changed_to, key)
    if "据" in key:  # 根据/据 open every source clause: most sentences skip the pattern
        key = _SOURCE_DATED.sub(lambda m: " " * len(m.group(0)), key)
    if until is not None:
        key = key[:until]
    ranged = _YEAR_RANGE_IN_TEXT.search(key)
    names = period_names(key)
    years = {n.year for n in names if n.year is not None}
    if ranged and len(years | {int(ranged[2])}) > 1 and int(ranged[1]) < int(ranged[2]):
        return Period(f"{ranged[1]}–{ranged[2]}", float(ranged[2]))
    year = dated_year or article_year
    # "据公司25年三季报,25Q1-Q3实现营收…": a report's name, when the sentence also writes the
    # period of its figures, is not theirs (a third-quarter report states the nine months)
    names = [n for n in names if not _names_a_report(key, n)] or names
    for n in names:
        if not dates_a_figure(key, n):
            continue
        if n.quarter_offset == 0 and told_quarter and n.offset is None:
            qy, q, fiscal = told_quarter
            return Period(f"{'FY' if fiscal else ''}{qy} Q{q}", qy + (q - 1) / 4)
        if told_quarter and told_quarter[2] and _bare_quarter(n):
            # "展望第二季" in an article whose lead reports 2026会计年度第一财季: the company's
            # fiscal quarters, that year's (a quarter before the one told, the next year's)
            fy, fq, _ = told_quarter
            q = int(n.part[1]) if n.part else 0
            year = fy if q >= fq else fy + 1
            return Period(f"FY{year} Q{q}", year + (q - 1) / 4)
        if (n.offset is not None or n.quarter_offset is not None) and not dated_year:
            continue  # 去年 in an undated article: its most stated year is not the year it was written
        period = resolve(
            n, year=year, month=dated_month if dated_year else None, fiscal_year_end=fiscal_year_end
        )
        if period is None:
            continue
        if n.year is None and not dated_year:
            period = replace(period, inferred=True)
        if n.same_part and n.part is None:
            period = replace(period, same_part_unnamed=True)
        month = month_after(key, n)
        if month:
            return Period(f"{n.year}-{month:02d}", (n.year or 0) + (month - 1) / 12)
        return period
    iso = _ISO_DATE.search(key)
    if iso:
        y, mo, d = _ymd(iso)
        return Period(f"{y:04d}-{mo:02d}-{d:02d}", y + (mo - 1) / 12 + d / 400)
    md = _MONTH_DAY.search(key)
    if md and md.group(2) and dated_year:
        # a day takes its year from the article's date only: the year an undated article names most
        # is too weak a guess to print beside a day (and to rank it as that recent)
        month, day = int(md.group(1)), int(md.group(2))
        y = _day_year(month, day, dated_year, dated_month, dated_day)
        return Period(f"{y}-{month:02d}-{day:02d}", y + (month - 1) / 12 + day / 400)
    return None


def _bare_quarter(n: PeriodName) -> bool:
    # 第二季: no year, nothing relative, not 同期
    no_year = n.year is None and n.offset is None and n.quarter_offset is None and not n.same_part
    return no_year and n.part is not None and n.part.startswith("Q")


def article_period_names(key: str) -> list[PeriodName]:
    """Return the periods a whole folded article writes, read a line at a time: a period is
    written within one line, and a line skips the patterns it cannot match, which the whole
    text, holding every pattern's characters somewhere, cannot. (Unlike ``period_names`` of the
    whole text, a 去年同期 at a line's start takes no part from the line before.)"""
    found: list[PeriodName] = []
    start = 0
    for line in key.split("\n"):
        if line.strip():
            found.extend(replace(n, start=n.start + start, end=n.end + start) for n in period_names(line))
        start += len(line) + 1
    return found


# "招股至2026年1月5日结束", "计划于2026年1月8日上市": a date a period runs to or an event is
# set for, after the day the article was written (截至, a reporting date, is before it)
_AHEAD = re.compile(r"(?:(?<!截)(?:至|到)|(?:计划|将|拟|预计|预期|有望)于?)\s?$")


_UNTIL = re.compile(r"(?:截至|截止)\s?$")
# a photo's caption dates the photo, not the article: "图为2023年7月6日,在上海举行的世界人工智能大会"
_CAPTION = re.compile(r"(?:图为|图片为|摄于|资料图|资料照片?)[::]?\s?$")


def published_date(head: str, file_name: str = "") -> str | None:
    """Return the article's ISO date from a dateline near its top or from its file name.

    A day the month does not have (2024年2月30日) is no date; the first full date is the
    dateline unless the article looks ahead to it, after a dateline that leaves out its year.
    """
    full: re.Match[str] | None = None
    for m in _ISO_DATE.finditer(head):
        if _CAPTION.search(head, max(0, m.start() - 5), m.start()):
            continue
        if not _UNTIL.search(head, max(0, m.start() - 3), m.start()):
            full = m
            break
        # "1月28日,微软发布了截至2025年12月31日2026财年第二财季财报": a period's end is no dateline;
        # a month and day before it is, the first such day after that end
        day = next((d for d in _MONTH_DAY.finditer(head, 0, m.start()) if d[2]), None)
        if day:
            y, mo, d = _ymd(m)
            month_day = (int(day[1]), int(day[2]))
            try:
                return datetime.date(y if month_day > (mo, d) else y + 1, *month_day).isoformat()
            except ValueError:
                pass
    if full and _AHEAD.search(head[: full.start()]):
        # "12月30日,…开启招股,至2026年1月5日结束": the day the article opened on, in the year
        # that puts it before the date it looks ahead to
        day = next(
            (m for m in _MONTH_DAY.finditer(head, 0, full.start()) if not _AHEAD.search(head[: m.start()])), None
        )
        if day and day[2]:
            y, mo, d = _ymd(full)
            month_day = (int(day[1]), int(day[2]))
            try:
                return datetime.date(y if month_day <= (mo, d) else y - 1, *month_day).isoformat()
            except ValueError:
                pass
    for found, ymd in ((full, _ymd), (_FILE_DATE.search(file_name), None)):
        if found:
            y, mo, d = ymd(found) if ymd else (int(g) for g in found.groups())
            try:
                return datetime.date(y, mo, d).isoformat()
            except ValueError:
                continue
    return None


# --- a question's periods ---------------------------------------------------------------------
RELATIVE_YEARS = {
    0: "this year",
    -1: "last year",
    1: "next year",
    -2: "the year before last",
    2: "the year after next",
}
RELATIVE_QUARTERS = {0: "this quarter", -1: "last quarter", 1: "next quarter"}
_RELATIVE = {
    **{w: ("year", o) for o, w in RELATIVE_YEARS.items()},
    **{w: ("quarter", o) for o, w in RELATIVE_QUARTERS.items()},
    "previous quarter": ("quarter", -1),
}


def relative_word(n: PeriodName) -> str | None:
    """Return the word a relative period is asked with (``last year``, ``previous quarter``)."""
    if n.word:
        return n.word
    if n.quarter_offset is not None:
        return RELATIVE_QUARTERS.get(n.quarter_offset)
    if n.year is None and n.offset is not None:
        return RELATIVE_YEARS.get(n.offset)
    return None


# a question asking for a whole year's figure, not a part's: 全年, 2024年度, full-year, annual
WHOLE_YEAR = re.compile(r"全年|整年|年度(?!报)|(?<![a-z])(?:full[\s-]?year|whole\s?year|annual)(?![a-z])")


def asked_periods(key: str) -> list[tuple[int, int, list[str]]]:
    """Return the periods a folded question names: ``(start, end, atoms)`` each, the atoms being
    what a fact is compared with — a year (``2024``; a fiscal year too), a part (``Q3``, ``H1``,
    ``9M``) and a relative word (``last year``, ``last quarter``) resolved only when compared.

    >>> [atoms for _, _, atoms in asked_periods("腾讯 去年 第三季度 营收")]
    [['last year', 'Q3']]
    """
    out = []
    names = period_names(key)
    for m in _MONTH_ASKED.finditer(key):
        if (
            not any(n.start <= m.start() < n.end for n in names)
            and not _PERIOD_END.search(key, 0, m.start())
            and not _QUARTER_AFTER.match(key, m.end())
        ):
            month = m["num"] or m["zh"] or m["en"]
            out.append((m.start(), m.end(), [f"M{_month_number(month)}"]))
    for n in names:
        atoms = []
        word = relative_word(n)
        if n.year is not None:
            atoms.append(str(n.year))
        elif word:
            atoms.append(word)
        if n.part:
            atoms.append(n.part)
        if atoms:
            out.append((n.start, n.end, atoms))
    return sorted(out)


# a month a question asks for: 7月, 7月份, 七月, July, Nov (not "may", "march": everyday words)
_MONTH_ASKED = re.compile(
    r"(?<![\d\-~至到])(?P<num>1[0-2]|0?[1-9])\s?月份?(?![\d日])"
    r"|(?<![一二三四五六七八九十至到\-])(?P<zh>十[一二]|[一二三四五六七八九十])月份?"
    r"|(?<![a-z])(?P<en>jan(?:uary)?|feb(?:ruary)?|apr(?:il)?|june?|july?|aug(?:ust)?|sept?(?:ember)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])"
)
# "quarter to Sept 2025", "截至9月": the month a period ends in, not the month asked
_PERIOD_END = re.compile(r"(?:(?<![a-z])(?:to|ending|ended|through|thru|until)|截至|截止|至|到)\s?$")
# "the September 2025 quarter": the quarter that month ends
_QUARTER_AFTER = re.compile(r"\s?(?:(?:19|20)\d\d\s?)?(?:quarter|季)")
_EN_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_ZH_MONTHS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")


def _month_number(word: str) -> int:
    if word.isdigit():
        return int(word)
    if word in _ZH_MONTHS:
        return _ZH_MONTHS.index(word) + 1
    return _EN_MONTHS.index(word[:3]) + 1


@dataclass(frozen=True)
class LabelParts:
    """What a period label (``FY2024 Q3``, ``2025 H1``, ``2021–2023``, ``2023-04-15``) holds."""

    years: tuple[int, ...]  # every year it covers (a range: each of them)
    part: str | None  # "Q3", "H1", "9M", or None
    fiscal: bool


_LABEL = re.compile(
    r"^(?P<fy>FY)?(?P<year>\d{4})(?: (?P<part>Q[1-4]|H[12]|9M)|–(?P<hi>\d{4})|-(?P<month>\d{2})(?:-\d{2})?)?$"
)


def label_parts(label: str | None) -> LabelParts | None:
    """Return what a period label holds, or None for no label (or one of another shape)."""
    m = _LABEL.match(label or "")
    if not m:
        return None
    year = int(m["year"])
    years = tuple(range(year, int(m["hi"]) + 1)) if m["hi"] else (year,)
    part = m["part"]
    if m["month"]:  # a month is in the quarter and the half that hold it
        part = f"M{int(m['month'])}"
    return LabelParts(years, part, bool(m["fy"]))


def names_part(key: str, part: str) -> bool:
    """Tell whether a folded text writes ``part`` (``Q3``, ``H1``, ``9M``) anywhere, other than
    as a report's name (三季报)."""
    return any(n.part == part and not _names_a_report(key, n) for n in period_names(key))


def _part_within(asked: str, stated: str) -> bool | None:
    # a quarter within the half or the nine months stated; None: the parts say nothing of each other
    if stated.startswith("M"):  # a month: in its quarter and its half
        q = (int(stated[1:]) - 1) // 3 + 1
        return asked in (f"Q{q}", "H1" if q <= 2 else "H2", *(("9M",) if q <= 3 else ()))
    if asked[0] == "Q" and stated[0] == "H":
        return (asked in ("Q1", "Q2")) == (stated == "H1")
    if asked[0] == "Q" and stated == "9M":
        return asked != "Q4"
    return False


YEAR_AGREES = 0.6  # agreement a fact needs when the question names a year, stated or relative


def period_agreement(
    asked: Sequence[str],
    period: str | None,
    key: str,
    *,
    implied_year: int | None = None,
    published: str | None = None,
    today: datetime.date | str | None = None,
    whole_year: bool = False,
    at_period_end: bool = False,
) -> float:
    """Score a fact's period against a question's (``asked_periods`` atoms): 1 agrees, 0
    contradicts, between: how likely the fact is for the period asked. A question asking for the
    whole year (``whole_year``: 全年, full-year) is contradicted by a part of it. One asking for
    a balance at a quarter's end (``at_period_end``: 三季度末, end of Q3) is answered by the nine
    months' or the half's statement ending on that day.

    ``period`` is the fact's label, ``key`` its sentence, ``implied_year`` the year its article
    implies when the sentence states none, ``published`` its article's date. A relative word
    (``last year``) agrees best with the period it means today (``today``), and less with the one
    it meant on the article's date: an archive's 去年 was written then.

    >>> period_agreement(["last year"], "2024", "", today=datetime.date(2025, 3, 1))
    1.0
    >>> period_agreement(["last year"], "2023", "", published="2024-05-01", today=datetime.date(2025, 3, 1))
    0.8
    """
    if isinstance(today, str):
        today = datetime.date.fromisoformat(today)
    today = today or datetime.date.today()
    parts = label_parts(period)
    if at_period_end and parts is not None and parts.part in _ENDS_ON and _ENDS_ON[parts.part] in asked:
        period = period.replace(parts.part, _ENDS_ON[parts.part]) if period else period
        parts = label_parts(period)
    article = (int(published[:4]), int(published[5:7])) if published and published[:4].isdigit() else None
    # a label whose year the article's most stated year gave (``implied_year``) is silent on the year
    inferred = parts is not None and implied_year is not None and parts.years == (implied_year,)
    year_parts = None if inferred else parts
    year_asked = any(p.isdigit() or (p in _RELATIVE and _RELATIVE[p][0] == "year") for p in asked)
    scores = [
        _month_agreement(int(p[1:]), parts, key)
        if p[0] == "M"
        else _relative_agreement(p, year_parts, key, implied_year, article, today)
        if p in _RELATIVE
        else _part_agreement(p, parts, key, article, today, year_asked=year_asked)
        if not p.isdigit()
        else _year_agreement(int(p), None if inferred else period, year_parts, key, implied_year)
        for p in asked
    ]
    if (
        whole_year
        and parts is not None
        and parts.part
        and (any(str(y) in asked for y in parts.years) or any(_RELATIVE.get(p, ("",))[0] == "year" for p in asked))
        and not any(_asks_part(p) for p in asked)
    ):
        return 0.0  # "2024年全年 净亏损", "去年 全年 淨利潤": a first half or a fourth quarter is no answer
    if year_parts is not None and year_parts.part and not any(_asks_part(p) for p in asked):
        # a year asked, a part of it stated: the year's nine months or third quarter is not the
        # year's figure (it still answers when nothing states the whole year)
        scores = [min(s, YEAR_AGREES) for s in scores]
    return 0.0 if 0.0 in scores or not scores else sum(scores) / len(scores)


# the quarter a cumulative period ends on: a balance at its end is the same day's
_ENDS_ON = {"9M": "Q3", "H1": "Q2"}


def _month_agreement(month: int, parts: LabelParts | None, key: str) -> float:
    # a month asked: a date in it agrees, another month or a quarter or half not holding it
    # contradicts; a whole year, or a sentence silent about the month, may hold it
    stated = parts.part if parts else None
    if stated is None:
        written = [int(m["num"]) for m in _MONTH_DAY_WRITTEN.finditer(without_bases(key))]
        return 0.8 if month in written else 0.3 if written else 0.5
    if stated[0] == "M":
        return 1.0 if int(stated[1:]) == month else 0.0
    return 0.6 if _part_within(f"Q{(month - 1) // 3 + 1}", stated) or stated == f"Q{(month - 1) // 3 + 1}" else 0.0


_MONTH_DAY_WRITTEN = re.compile(r"(?<![\d\-~至到])(?P<num>1[0-2]|0?[1-9])月")


def _asks_part(atom: str) -> bool:
    # a quarter, a half, nine months, or a relative quarter (上季)
    return not atom.isdigit() and (atom not in _RELATIVE or _RELATIVE[atom][0] == "quarter")


def _year_agreement(
    year: int, period: str | None, parts: LabelParts | None, key: str, implied: int | None
) -> float:
    if parts is not None and year in parts.years and not (len(parts.years) > 1):
        return 1.0
    if str(year) in YEAR.findall(key) or (parts is not None and year in parts.years):
        return 0.8  # the sentence writes the year, or a range of years holding it
    if parts is not None or (period and YEAR.search(period)):
        return 0.0  # the fact states another year
    if implied == year:
        return YEAR_AGREES  # the article's year, the sentence silent
    return 0.4


def _part_agreement(
    part: str,
    parts: LabelParts | None,
    key: str,
    article: tuple[int, int] | None,
    today: datetime.date,
    *,
    year_asked: bool = False,
) -> float:
    stated = parts.part if parts else None
    if parts is None:
        # a sentence whose period has no year to place it (an undated article) still says which
        # part it is about: "第四季營收" is no answer to Q3
        stated = next((n.part for n in figure_periods(key) if n.part), None)
        if stated == part:
            return 0.8
    if stated == part and year_asked:
        return 1.0  # the year is the year atom's to judge
    if stated == part:
        # the newest such part first: the one of this year, then the one of the article's year
        latest = resolve(PeriodName(0, 0, part=part), year=today.year, month=today.month)
        written = resolve(PeriodName(0, 0, part=part), year=article[0], month=article[1]) if article else None
        label = f"{parts.years[-1]} {part}" if parts else ""
        return (
            1.0 if latest and latest.label == label else 0.95 if written and written.label == label else 0.9
        )
    if names_part(key, part):
        return 0.8
    if stated is None and parts is not None and len(parts.years) > 1:
        return 0.0  # a span of years ("2011年-2024年…营收从1.1亿元增长到32.52亿元") is no quarter or half
    if stated is None and parts is not None and parts.years and (year_asked or _states_one_year(key)):
        # "东元2025年营收590.94亿元…税后纯益52.42亿元": a year stated, no part of it named, is the
        # year's figure, not its fourth quarter's, whether the question names the year or not
        # when it is the one period the sentence writes ("中芯国际 四季度 归母净利润": "2025年,…归母
        # 净利润50.41亿元" is no answer; "预计2026年将显著高于2025年" may still be about the quarter)
        return 0.0
    if stated is None:
        # a year's figure may hold the part's, unless the sentence says it is the whole year's
        return 0.0 if WHOLE_YEAR.search(key) else 0.6
    # a date's month is in the quarter asked; a half's or nine months' figure is not the quarter's
    # (a sentence that gives the quarter inside them names it, above)
    return 0.7 if stated.startswith("M") and _part_within(part, stated) else 0.0


def _just_reported(parts: LabelParts, article: tuple[int, int]) -> bool:
    # the quarter the article was written in (or ends a month or two after it): a fiscal quarter
    # reported just after it ended, labelled with the calendar quarter it mostly fell in
    end = _months(parts.years[-1], 3 * int(parts.part[1])) if parts.part else 0
    return -1 <= end - _months(*article) <= 2


def _states_one_year(key: str) -> bool:
    # every period written is a whole year ("2026年…突破10亿美元,并于2027年达到数十亿美元"), and
    # none is a base it is compared with ("预计2026年将显著高于2025年" may be about the quarter)
    names = period_names(key) if key else []
    if not names or any(n.part is not None or (n.year is None and n.offset is None) for n in names):
        return False  # (今年 and 明年 are whole years too)
    return len(names) == 1 or len(period_names(without_bases(key))) == len(names)


def _relative_agreement(
    word: str,
    parts: LabelParts | None,
    key: str,
    implied: int | None,
    article: tuple[int, int] | None,
    today: datetime.date,
) -> float:
    unit, offset = _RELATIVE[word]
    name = PeriodName(0, 0, offset=offset) if unit == "year" else PeriodName(0, 0, quarter_offset=offset)
    now = resolve(name, year=today.year, month=today.month)
    then = resolve(name, year=article[0], month=article[1]) if article else None
    # the sentence writes the same word: the article's own 去年, whatever its date
    written = any(
        n.offset == name.offset and n.quarter_offset == name.quarter_offset for n in period_names(key)
    )
    if parts is None:
        if written:
            return 0.8
        if (
            unit == "quarter"
            or then is None
            or offset == 0
            or (implied is not None and then.label == str(implied))
        ):
            return YEAR_AGREES  # silent, in an article that may be of the period asked
        return 0.4
    if unit == "year":
        stated = {str(y) for y in parts.years}
        if now and now.label in stated:
            return 1.0
        if (then and then.label in stated) or written:
            return 0.8
        return 0.0 if then else YEAR_AGREES  # an undated article cannot say what its years were to it
    stated_q = (
        f"{parts.years[-1]} {parts.part}"
        if parts.part and parts.part[0] == "Q" and not parts.fiscal
        else None
    )
    if stated_q is None:
        return 0.8 if written else YEAR_AGREES  # a fiscal quarter or a year: the calendar is the company's
    if now and now.label == stated_q:
        return 1.0
    if (then and then.label == stated_q) or written:
        return 0.8
    if offset == -1 and article and _just_reported(parts, article):
        # "last quarter" asked of an archive: the quarter an article reported just after it ended
        # (its label a fiscal calendar may shift by a month or two) is the last one it knew of,
        # as much as the one its date makes last quarter (the newer article then ranks first)
        return 0.8
    return 0.0 if then else YEAR_AGREES
