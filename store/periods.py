"""Periods a sentence states (``2024年``, ``第三财季``, ``2024财年第二财季``, ``4月15日``)
and the date an article was published."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

_CN_ORDINAL = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}

_YEAR = r"(?<!\d)((?:19|20)\d\d)(?!\d)"
_FISCAL_YEAR = re.compile(rf"{_YEAR}\s?财年|fy\s?((?:19|20)?\d\d)(?!\d)|财年\s?{_YEAR}")
_QUARTER = re.compile(
    r"第([一二三四1-4])(财季|财政季度|季度|季)|(?<![a-z])q([1-4])(?!\d)|(?<!第)([一二三四1-4])季度"
)
_HALF = re.compile(r"(上|下)半年|(?<![a-z])h([12])(?!\d)")
_YEAR_MENTION = re.compile(rf"{_YEAR}(?:\s?年|(?=[^\d%万亿元美倍张台个]|$))")
_MONTH_DAY = re.compile(r"(?<!\d)(1[0-2]|0?[1-9])月(?:(3[01]|[12]\d|0?[1-9])日)?")
_ISO_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)[-/.年](1[0-2]|0?[1-9])[-/.月](3[01]|[12]\d|0?[1-9])日?(?!\d)")
# "创下了2016年以来…" names a reference year, not the period the figure is for
_SINCE = re.compile(r"\s?年?\s?(?:以来|之前|以前|开始|起|至今)")
_FILE_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)-?(1[0-2]|0[1-9])-?(3[01]|[12]\d|0[1-9])(?!\d)")


@dataclass(frozen=True)
class Period:
    """A period a sentence states: a readable ``label`` and a ``sort`` key (newer is larger)."""

    label: str
    sort: float


_RELATIVE_OFFSET = {"今年": 0, "去年": -1, "明年": 1, "前年": -2, "后年": 2, "本财年": 0}


# the base a figure is compared with is not the period it is stated for: "收入超过 2.5 亿元,较一季度
# 增长了 67%" is the second quarter's
_COMPARED_WITH = re.compile(
    r"(?:较|比|相比|相较于?|对比|高于|低于|超过)(?:于)?\s?"
    r"(?:(?:19|20)\d\d\s?年?(?:同期|全年|底|末)?|去年(?:同期|全年)?|上年(?:同期)?|上一?季度?|前一季度?"
    r"|上半年|第?[一二三四1-4]\s?季度?|q[1-4])"
    # …unless the base's own figure follows: "这比2021年的约600亿美元增长了30%" states 2021's
    r"(?![年度同期全的约为了\s]{0,5}\d)"
)
_LAST_QUARTER = re.compile(r"上一?季度?|前一季度?|上个季度")
_THIS_QUARTER = re.compile(r"本季度?|当季|这一季度?")


def parse_period(
    key: str, article_year: int | None = None, dated_year: int | None = None, dated_month: int | None = None
) -> Period | None:
    """Return the period ``key`` (a folded sentence) states, or None.

    ``dated_year`` (the year of the article's known date) resolves 今年, 去年, 明年 and a
    half year without a year (上半年); with ``dated_month`` also 上季 and 本季 (calendar quarters:
    in an article of 30 October 2025, 上季 is 2025 Q3).

    >>> parse_period("2024财年第二财季财报会上").label
    'FY2024 Q2'
    >>> parse_period("去年营收增长", dated_year=2025).label
    '2024'
    """
    key = _COMPARED_WITH.sub(lambda m: " " * len(m.group(0)), key)
    if dated_year and dated_month and not _QUARTER.search(key):
        this_q = (dated_month - 1) // 3 + 1
        last_year, last = (dated_year, this_q - 1) if this_q > 1 else (dated_year - 1, 4)
        key = _LAST_QUARTER.sub(f"{last_year}年第{last}季", key, count=1)
        key = _THIS_QUARTER.sub(f"{dated_year}年第{this_q}季", key, count=1)
    if dated_year:
        for word, offset in _RELATIVE_OFFSET.items():
            key = key.replace(word, f"{dated_year + offset}年")
        if _HALF.search(key) and not _YEAR_MENTION.search(key):
            key = f"{dated_year}年" + key
    fiscal = _FISCAL_YEAR.search(key)
    quarter = _QUARTER.search(key)
    half = _HALF.search(key)
    years = [
        int(m.group(1))
        for m in _YEAR_MENTION.finditer(key)
        if not _inside_iso_date(key, m.start()) and not _SINCE.match(key, m.end())
    ]
    fy: int | None = None
    if fiscal:
        raw = next(g for g in fiscal.groups() if g)
        fy = int(raw) if len(raw) == 4 else 2000 + int(raw)
    q = None
    fiscal_quarter = False
    if quarter:
        q = _CN_ORDINAL[next(g for g in (quarter.group(1), quarter.group(3), quarter.group(4)) if g)]
        fiscal_quarter = bool(quarter.group(2) and "财" in quarter.group(2))
    if fy is not None:
        label = f"FY{fy}" + (f" Q{q}" if q else "")
        return Period(label, fy + ((q or 4) - 1) / 4)
    year = years[0] if years else None
    if len(set(years)) > 1:
        lo, hi = min(years), max(years)
        if re.search(rf"{lo}\s?年?\s?(?:至|到|-|—|~)\s?{hi}", key):
            return Period(f"{lo}–{hi}", float(hi))
    if year is not None and q and quarter and not (0 <= quarter.start() - key.find(str(year)) <= 12):
        year = None  # the year and the quarter are far apart: different subjects
    if year is not None and q:
        return Period(f"{year} Q{q}" if not fiscal_quarter else f"FY{year} Q{q}", year + (q - 1) / 4)
    if year is not None and half:
        h = 1 if (half.group(1) == "上" or half.group(2) == "1") else 2
        return Period(f"{year} H{h}", year + (h - 1) / 2)
    if year is not None:
        md = _MONTH_DAY.search(key)
        if md and md.start() > key.find(str(year)):
            month = int(md.group(1))
            return Period(f"{year}-{month:02d}", year + (month - 1) / 12)
        return Period(str(year), float(year))
    iso = _ISO_DATE.search(key)
    if iso:
        y, mo, d = (int(g) for g in iso.groups())
        return Period(f"{y:04d}-{mo:02d}-{d:02d}", y + (mo - 1) / 12 + d / 400)
    if q:
        base = float(article_year) if article_year else 0.0
        return Period(("fiscal " if fiscal_quarter else "") + f"Q{q}", base + (q - 1) / 4)
    md = _MONTH_DAY.search(key)
    if md and md.group(2):
        month, day = int(md.group(1)), int(md.group(2))
        base = float(article_year) if article_year else 0.0
        return Period(f"{month}月{day}日", base + (month - 1) / 12 + day / 400)
    return None


def stated_years(key: str) -> list[int]:
    """Return the years ``key`` states as periods (not "since 2019" reference years), in order."""
    return [
        int(m.group(1))
        for m in _YEAR_MENTION.finditer(key)
        if not _inside_iso_date(key, m.start()) and not _SINCE.match(key, m.end())
    ]


def _inside_iso_date(key: str, pos: int) -> bool:
    return any(m.start() <= pos < m.end() for m in _ISO_DATE.finditer(key[max(0, pos - 1) : pos + 12]))


def published_date(head: str, file_name: str = "") -> str | None:
    """Return the article's ISO date from a dateline near its top or from its file name.

    A day the month does not have (2024年2月30日) is no date.
    """
    for m in (_ISO_DATE.search(head), _FILE_DATE.search(file_name)):
        if m:
            y, mo, d = (int(g) for g in m.groups())
            try:
                return datetime.date(y, mo, d).isoformat()
            except ValueError:
                continue
    return None
