"""An answer's figures and periods in the asker's language: pure functions of the store's data.

    figures(answer.headline, "zh-Hans")   # '140亿美元，同比增长79%'
    figures(answer.headline, "zh-Hant")   # '140億美元，同比增長79%'
    figures(answer.headline, "en")        # 'US$14 billion, +79% YoY'  (store.format_values)
    period("fiscal Q3", "zh-Hans", published="2024-04-26")   # '2024财年第三季度'
    answer_figure(answer, "zh-Hans")      # '350亿至400亿美元（预测）' for a forecast

Chinese readers get Chinese number words (万, 亿, 万亿 — 兆 in Traditional), the currency as a
Chinese word after the figure (美元, 元, 港元), counters as the article wrote them (2.7万张), the
qualifier where Chinese puts it (约61亿元, 140多亿美元, 100亿元以上) and periods with their year
(2024年第三季度, 2024财年第二季度, 2023年上半年); a period that states no year takes the
article's, as the store did when it read the period. English keeps the store's English.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from store import Answer, Value, format_values

from .messages import Lang

CURRENCY_ZH = {
    "USD": "美元",
    "CNY": "元",
    "HKD": "港元",
    "TWD": "元新台币",  # 63.56亿元新台币, 3.1元新台币, as Taiwan outlets write it
    "JPY": "日元",
    "EUR": "欧元",
    "GBP": "英镑",
    "KRW": "韩元",
}
# qualifiers before the figure (约61亿元) and after it (100亿元以上); 多 sits inside (140多亿美元)
_PREFIX = {"约", "近", "超过", "至少", "最高", "高达", "不到", "前", "倒数", "逾", "超", "约合"}
_SUFFIX = {"以上", "以下", "以内", "左右"}
FORECAST = {"en": "forecast", "zh-Hans": "预测", "zh-Hant": "預估"}
_CN_ORDINAL = {1: "一", 2: "二", 3: "三", 4: "四"}


@lru_cache(maxsize=2)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def to_script(text: str, lang: Lang) -> str:
    """`text` in the reader's Chinese script (Traditional for zh-Hant, Simplified for zh-Hans)."""
    if lang == "zh-Hant":
        return _converter("s2t").convert(text)
    if lang == "zh-Hans":
        return _converter("t2s").convert(text)
    return text


def _numeral(x: float) -> str:
    if abs(x) >= 1e4:
        return f"{round(x):d}"
    return f"{x:.4g}" if x != int(x) else str(int(x))


def zh_number(x: float, lang: Lang, *, inner: str = "") -> str:
    """A number in Chinese number words: 1.4e10 -> '140亿', 27000 -> '2.7万', 6.1e9 -> '61亿'.
    `inner` goes between the numeral and the word (多: '140多亿')."""
    sign = "-" if x < 0 else ""
    ax = abs(x)
    trillion = "兆" if lang == "zh-Hant" else "万亿"
    for size, word in ((1e12, trillion), (1e8, "亿"), (1e4, "万")):
        if ax >= size:
            return f"{sign}{_numeral(ax / size)}{inner}{word}"
    return f"{sign}{_numeral(ax)}{inner}"


def zh_figure(v: Value, lang: Lang) -> str:
    """One value in Chinese: '140亿美元', '约61亿元', '2.7万张', '同比增长79%', '3倍'."""
    if v.amount is None and (v.low is None or v.high is None):
        return to_script(v.text, lang)
    if v.qualifier == "数" or v.kind == "rank":  # 数千万元, 第三: as the article says it
        return to_script(v.text, lang)
    inner = "多" if v.qualifier == "多" else ""

    def num(x: float) -> str:
        if v.kind == "percent":
            return f"{_numeral(x)}%"
        if v.kind == "multiple":
            return f"{_numeral(x)}倍"
        if v.kind == "points":
            return f"{_numeral(x)}个百分点"
        if v.kind == "fraction":
            return _numeral(x)
        return zh_number(x, lang, inner=inner)

    if v.low is not None and v.high is not None:
        body = f"{num(v.low)}至{num(v.high)}"
    else:
        body = num(v.amount or 0.0)
    if v.kind == "money":
        body += CURRENCY_ZH.get(v.currency or "", v.currency or "")
    elif v.unit and v.kind not in ("percent", "multiple", "points", "fraction"):
        body += v.unit
    if v.change:
        body = body.lstrip("-")
        rising = v.direction > 0
        if v.kind in ("money", "number") and not v.yoy:
            verb = "增加" if rising else "减少"
        else:
            verb = "增长" if rising else "下降"
        body = ("同比" if v.yoy else "") + (verb if v.direction else "变动") + body
    qualifier = v.qualifier or ""
    if qualifier in _PREFIX:
        body = qualifier + body
    elif qualifier in _SUFFIX:
        body += qualifier
    return to_script(body, lang)


def figures(values: Sequence[Value], lang: Lang, limit: int = 3) -> str:
    """The first few values for a headline, in the reader's language (the store's choice and
    order of figures: ``store.format_values``)."""
    if lang == "en":
        return format_values(list(values), limit)
    exact = [v for v in values if re.search(r"\d", v.text)] or list(values)
    ordered = sorted(exact[:limit], key=lambda v: (v.change, v.start))
    return "，".join(zh_figure(v, lang) for v in ordered)


_LABEL = re.compile(
    r"^(?:(?P<fy>FY)(?P<fyear>\d{4})(?: Q(?P<fq>[1-4])| H(?P<fh>[12]))?"
    r"|(?P<fiscal>fiscal )?Q(?P<q>[1-4])"
    r"|(?P<year>\d{4})(?: (?:Q(?P<yq>[1-4])|H(?P<h>[12])|(?P<nine>9M))|-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?"
    r"|(?P<lo>\d{4})–(?P<hi>\d{4})"
    r"|(?P<md>\d{1,2}月\d{1,2}日))$"
)


def period(label: str | None, lang: Lang, *, published: str | None = None) -> str | None:
    """A period label of the store ('FY2024 Q2', '2023 H1', 'fiscal Q3') in the reader's language,
    with its year: one the label lacks is the article's (``published``), as the store read it."""
    if not label or lang == "en":
        return label
    m = _LABEL.match(label)
    if not m:
        return to_script(label, lang)
    year = published[:4] + "年" if published and re.match(r"\d{4}", published) else ""
    if m["fy"]:
        text = f"{m['fyear']}财年" + (
            f"第{_CN_ORDINAL[int(m['fq'])]}季度" if m["fq"] else ("上半年" if m["fh"] == "1" else "下半年") if m["fh"] else ""
        )
    elif m["q"]:
        if m["fiscal"]:  # 2024财年第三季度 with the article's year, else 第三财季
            ordinal = _CN_ORDINAL[int(m["q"])]
            text = f"{year[:4]}财年第{ordinal}季度" if year else f"第{ordinal}财季"
        else:
            text = year + f"第{_CN_ORDINAL[int(m['q'])]}季度"
    elif m["year"]:
        text = f"{m['year']}年"
        if m["yq"]:
            text += f"第{_CN_ORDINAL[int(m['yq'])]}季度"
        elif m["h"]:
            text += "上半年" if m["h"] == "1" else "下半年"
        elif m["nine"]:
            text += "前三季度"
        elif m["month"]:
            text += f"{int(m['month'])}月" + (f"{int(m['day'])}日" if m["day"] else "")
    elif m["lo"]:
        text = f"{m['lo']}年至{m['hi']}年"
    else:
        text = year + m["md"]
    return to_script(text, lang)


def answer_figure(answer: Answer, lang: Lang) -> str:
    """The figure an answer states, in the reader's language, marked when it is a forecast or
    guidance: '350亿至400亿美元（预测）', 'US$35–40 billion (forecast)'."""
    text = figures(answer.headline or answer.values, lang) if answer.values else ""
    if text and answer.forecast:
        text += f" ({FORECAST['en']})" if lang == "en" else f"（{FORECAST[lang]}）"
    return text
