"""Quantities in Chinese financial prose: ``140億美元``, ``350億美元至400億美元``, ``2.7万张``.

``parse_quantities`` works on the *match key* (see ``store.text.fold``), which has the
same length as the cleaned text, so every ``Value`` carries offsets that cut its
verbatim ``text`` out of the original article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .text import STOCK_CODE, fold, scanned_from

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_SCALES = {
    "万亿": 1e12,
    "兆": 1e12,  # Taiwan: 1兆 = 10^12
    "千亿": 1e11,
    "百亿": 1e10,
    "十亿": 1e9,
    "亿": 1e8,
    "千万": 1e7,
    "百万": 1e6,
    "十万": 1e5,
    "万": 1e4,
    "千": 1e3,
    "百": 1e2,
    "trillion": 1e12,
    "billion": 1e9,
    "million": 1e6,
    "bn": 1e9,
    "mn": 1e6,
}
# what a unit multiplies its number by: Hong Kong states dividends in cents (8.5港仙, a hundredth
# of its currency), and a share in tenths (五成, 50%)
_UNIT_FACTORS = {"港仙": 0.01, "美仙": 0.01, "成": 10.0}
# unit text -> (kind, currency or canonical unit)
_UNITS = {
    "美元": ("money", "USD"),
    "美金": ("money", "USD"),
    "人民币": ("money", "CNY"),
    "元人民币": ("money", "CNY"),
    "元": ("money", "CNY"),
    "港元": ("money", "HKD"),
    "港币": ("money", "HKD"),
    "港仙": ("money", "HKD"),
    "美仙": ("money", "USD"),
    "新台币": ("money", "TWD"),
    "台币": ("money", "TWD"),
    "日元": ("money", "JPY"),
    "日圆": ("money", "JPY"),
    "欧元": ("money", "EUR"),
    "英镑": ("money", "GBP"),
    "韩元": ("money", "KRW"),
    "%": ("percent", "%"),
    "个百分点": ("points", "pp"),
    "个百分比": ("points", "pp"),  # Taiwan: 下滑0.2個百分比 (percentage points, not a percentage)
    "百分点": ("points", "pp"),
    "个基点": ("points", "bp"),  # 60个基点的毛利稀释: hundredths of a percentage point
    "基点": ("points", "bp"),
    "倍": ("multiple", "x"),
    "成": ("percent", "%"),  # 占整體營收的五成, 三成以上: tenths
    "eflops": ("compute", "EFLOPS"),
    "pflops": ("compute", "PFLOPS"),
    "tflops": ("compute", "TFLOPS"),
    "flops": ("compute", "FLOPS"),
    # a data centre's power (440MW, 近2千兆瓦 = 2 GW): Taiwan's 兆 before 瓦 is mega, not 10^12
    "兆瓦": ("power", "MW"),
    "吉瓦": ("power", "GW"),
    "千瓦": ("power", "kW"),
    "mw": ("power", "MW"),
    "gw": ("power", "GW"),
    "gb/s": ("bandwidth", "GB/s"),
    # a GPU's memory (配备 12GB GDDR6 显存, 192GB HBM3e)
    "gb": ("memory", "GB"),
    "tb": ("memory", "TB"),
    "tb/s": ("bandwidth", "TB/s"),
    "fps": ("frame_rate", "fps"),  # a game's frame rate (1080p下平均帧率超过70fps)
    "t": ("bandwidth", "T"),
    "参数": ("count", "parameters"),
    "张": ("count", "张"),
    "颗": ("count", "颗"),
    "枚": ("count", "枚"),
    "块": ("count", "块"),
    "台": ("count", "台"),
    "片": ("count", "片"),
    "家": ("count", "家"),
    "款": ("count", "款"),
    "个": ("count", "个"),
    "名": ("count", "名"),
    "位": ("count", "位"),
    "人": ("count", "人"),
    "项": ("count", "项"),
    "种": ("count", "种"),  # 逾1500种算法: kinds of a thing, counted
    "次": ("count", "次"),  # 完成11次融资: how many rounds, times
    "轮": ("count", "轮"),
    "token": ("count", "tokens"),
    "tokens": ("count", "tokens"),
    "天": ("duration", "days"),
    "小时": ("duration", "hours"),
    "分钟": ("duration", "minutes"),
    "分": ("score", "points"),  # 得分达到了111290分, 总分75.09分: a benchmark's score
    "个月": ("duration", "months"),
    "周": ("duration", "weeks"),
}
_CURRENCY_PREFIX = {
    "us$": "USD",
    "$": "USD",
    "hk$": "HKD",
    "nt$": "TWD",
    "rmb": "CNY",
    "¥": "CNY",
    "￥": "CNY",
    "€": "EUR",
    "£": "GBP",
}

_PRE_QUALIFIERS = (
    "大约", "约为", "约", "接近", "将近", "近", "超过", "超出", "逾", "超", "至少", "最少", "最高", "高达", "多达",
    "不到", "不足", "少于", "低于", "仅", "只有", "达到", "达", "为", "上", "倒数", "数", "几", "前",
)  # fmt: skip
_POST_QUALIFIERS = ("以上", "以下", "以内", "左右", "上下", "多", "余")
# Qualifiers worth keeping in the output; the rest ("达到", "仅") only mark the boundary.
_KEPT_QUALIFIERS = {
    "大约": "约", "约为": "约", "约": "约", "接近": "近", "将近": "近", "近": "近", "超过": "超过", "超出": "超过",
    "逾": "超过", "超": "超过", "至少": "至少", "最少": "至少", "最高": "最高", "高达": "高达", "多达": "高达",
    "不到": "不到", "不足": "不到", "少于": "不到", "低于": "不到", "上": "超过", "数": "数", "几": "数", "前": "前", "倒数": "倒数",
    "以上": "以上", "以下": "以下", "以内": "以内", "左右": "约", "上下": "约", "多": "多", "余": "多",
}  # fmt: skip

_UP_WORDS = (
    "同比增长",
    "年增",
    "季增",
    "月增",
    "成长",
    "增长",
    "增加",
    "上涨",
    "上升",
    "提升",
    "提高",
    "增幅",
    "涨幅",
    "大涨",
    "暴涨",
    "涨",
    "升至",
    "增",
)
_DOWN_WORDS = (
    "同比下降",
    "年减",
    "季减",
    "月减",
    "衰退",
    "萎缩",
    "同比下滑",
    "下降",
    "下滑",
    "减少",
    "降低",
    "回落",
    "下跌",
    "暴跌",
    "跌",
    "降幅",
    "小减",
    "缩减",
    "削减",
    "节省",
    "亏",
)

_CURRENCY_WORDS = {
    "新台币": "TWD",
    "台币": "TWD",
    "人民币": "CNY",
    "港币": "HKD",
    "港元": "HKD",
    "美金": "USD",
    "日币": "JPY",
    "日圆": "JPY",
    "韩元": "KRW",
}
_CURRENCY_BEFORE = re.compile(
    "(" + "|".join(sorted(_CURRENCY_WORDS, key=len, reverse=True)) + r")\s?(?:约|达|为)?\s?$"
)
_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
_CHINESE = r"[零〇一二两三四五六七八九十百千万亿]+"
_SCALE_RE = "|".join(sorted((re.escape(s) for s in _SCALES), key=len, reverse=True))
_UNIT_RE = "|".join(sorted((re.escape(u) for u in _UNITS), key=len, reverse=True))
_PREFIX_RE = "|".join(sorted((re.escape(p) for p in _CURRENCY_PREFIX), key=len, reverse=True))

# what a number (or its currency sign) can start with: the scanner skips every other character
_NUMBER_FIRST = re.escape("".join(sorted({p[0] for p in _CURRENCY_PREFIX}))) + r"\s0-9" + _CHINESE[1:-2]
_NUMBER = scanned_from(
    _NUMBER_FIRST,
    rf"(?P<prefix>{_PREFIX_RE})?\s?"
    rf"(?P<num>{_ARABIC}|{_CHINESE})"
    rf"(?P<more>多|余)?\s?"
    rf"(?:(?P<scale>{_SCALE_RE})(?!瓦))?"
    rf"(?P<more2>多|余)?\s?"
    # 天 before 使 is no day: "8.7亿天使轮" is an angel round of 870 million
    rf"(?P<unit>(?!天[使下然])(?:{_UNIT_RE}))?",
)
_FRACTION = scanned_from("0-9" + _CHINESE[1:-2], rf"(?P<den>{_CHINESE}|\d+)分之(?P<num>{_CHINESE}|\d+)")
# 分 starting a word of its own after a number: 分别 (respectively), 分析, 分红, 分拆 …
_NOT_A_SCORE_AFTER = re.compile(r"[别析红布为成拆享支行期段批子母类级之散摊配]")
# how many years something took or lasted (创立不到3年, 历时5年, 成立两年): not a year, which has
# four digits, nor 近3年 (the last three years, a period)
_YEARS_SPAN = re.compile(
    r"(?:不到|不足|未满|超过|逾|长达|历时|短短|仅仅|成立|创立|创办)\s?"
    r"(?P<num>\d{1,2}(?:\.\d)?|[一二两三四五六七八九十]{1,2}|半)\s?(?:个)?多?年(?![度代级初中底末前后内以0-9])"
)
_RANGE_SEP = re.compile(r"\s?(?:至|到|-|~|～|—|–)\s?")
_RANGE_LOW = re.compile(r"\s?(?:至|到|-|~|～|—|–)\s?\d")
_NOT_A_QUANTITY_AFTER = re.compile(
    r"\s?(?:年|月|日|号|季度|财季|财年|季|点|时|分|秒|级|代|nm|纳米|寸|期|届|岁|层)"
)


@dataclass(frozen=True)
class Value:
    """A quantity as the article states it, with its parsed meaning."""

    text: str
    start: int
    end: int
    amount: float | None
    unit: str | None = None
    currency: str | None = None
    qualifier: str | None = None
    kind: str = "number"
    low: float | None = None
    high: float | None = None
    change: bool = False
    direction: int = 0  # +1 a rise, -1 a fall, 0 unknown or not a change
    yoy: bool = False
    metric: str | None = None  # the metric whose keyword names it, nearest in its clause
    # the same figure in another currency, bracketed after it ("3亿美元(22亿元)"): not a figure
    # of its own, but the one to show when the question asks in that currency
    restated: tuple[dict, ...] | None = field(default=None, compare=False)

    def to_dict(self) -> dict:
        # the fields are plain values: a shallow copy is asdict's result without its deep copy
        d = dict(self.__dict__)
        if d["restated"] is None:
            del d["restated"]  # most figures are restated nowhere: their rows stay as they were
        return d

    def shifted(self, by: int) -> Value:
        """Return the figure as it stands ``by`` characters further on (a run's within its article)."""
        restated = self.restated and tuple({**d, "start": d["start"] + by, "end": d["end"] + by} for d in self.restated)
        return replace(self, start=self.start + by, end=self.end + by, restated=restated)

    def restatements(self) -> list[Value]:
        """Return the figure as the article restates it in other currencies."""
        return [Value(**d) for d in self.restated or ()]


# a table row's or column's declared unit: "归母净利润(元)", "营业收入(万元)", "(百万美元)"
_DECLARED_UNIT = re.compile(r"[(（]\s?(百万|千万|万|亿)?(人民币|新台币|台币|港元|港币|美元|元)\s?[)）]")
_DECLARED_CURRENCY = {
    "人民币": "CNY",
    "元": "CNY",
    "新台币": "TWD",
    "台币": "TWD",
    "港元": "HKD",
    "港币": "HKD",
    "美元": "USD",
}
_DECLARED_SCALE = {"百万": 1e6, "千万": 1e7, "万": 1e4, "亿": 1e8}


def in_declared_unit(v: Value, label: str) -> Value:
    """Return ``v`` read in the unit a table's label declares ("归母净利润(元) | -4.47亿" is money
    in yuan; "营业收入(万元) | 91,700" is 917 million): unchanged when it states its own."""
    declared = _DECLARED_UNIT.search(label)
    if declared is None or v.kind != "number" or v.amount is None:
        return v
    scale_word, currency = declared.group(1), _DECLARED_CURRENCY[declared.group(2)]
    scaled = re.search(r"[万亿千百]", v.text) is not None
    factor = _DECLARED_SCALE[scale_word] if scale_word and not scaled else 1.0
    return replace(v, kind="money", currency=currency, amount=v.amount * factor)


def _chinese_to_number(s: str) -> float | None:
    if not s:
        return None
    if all(c in _CN_DIGITS for c in s):  # digit-by-digit: 二〇二四
        return float("".join(str(_CN_DIGITS[c]) for c in s)) if len(s) > 1 else float(_CN_DIGITS[s])
    total = 0.0
    section = 0.0
    digit = None
    for ch in s:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (digit if digit is not None else 1) * _CN_UNITS[ch]
            digit = None
        elif ch == "万":
            total += (section + (digit or 0)) * 1e4
            section, digit = 0.0, None
        elif ch == "亿":
            total = (total + section + (digit or 0)) * 1e8
            section, digit = 0.0, None
        else:
            return None
    return total + section + (digit or 0)


def _to_number(s: str) -> float | None:
    if re.fullmatch(_ARABIC, s):
        return float(s.replace(",", ""))
    return _chinese_to_number(s)


_COUNTED = set("股倍人次户件个台总家款张项")


def _qualifier_before(key: str, start: int) -> tuple[str | None, int]:
    # "约达5.4亿": a kept qualifier may stand before a boundary word such as 达 or 为
    pos = start
    for _ in range(2):
        window = key[max(0, pos - 3) : pos]
        hit = next((q for q in _PRE_QUALIFIERS if window.endswith(q)), None)
        if hit is None:
            break
        if hit in ("数", "几") and (pos != start or key[pos - 2 : pos - 1] in _COUNTED):
            break  # 股数达462.17亿, 倍数为4126.49倍: the 数 of a noun, not "several" (数十亿)
        pos -= len(hit)
        if hit in _KEPT_QUALIFIERS:
            return _KEPT_QUALIFIERS[hit], pos
    return None, start


def _qualifier_after(key: str, end: int) -> tuple[str | None, int]:
    for q in _POST_QUALIFIERS:
        if key.startswith(q, end) and q in _KEPT_QUALIFIERS:
            return _KEPT_QUALIFIERS[q], end + len(q)
    return None, end


def _direction(key: str, start: int) -> tuple[int, bool]:
    before = key[max(0, start - 8) : start]
    # the nearest change word before the number decides
    best = (-1, 0)
    for words, sign in ((_UP_WORDS, 1), (_DOWN_WORDS, -1)):
        for w in words:
            pos = before.rfind(w)
            if pos >= 0 and pos + len(w) > best[0]:
                best = (pos + len(w), sign)
    # "增长79%至140亿" : the 至 after a percentage makes the next number a level, not a change
    return best[1], any(w in before for w in ("同比", "年增", "年减", "按年"))


@dataclass
class _Raw:
    start: int
    end: int
    amount: float | None
    scale: float
    kind: str
    unit: str | None
    currency: str | None
    has_scale: bool
    more: bool = False
    low_only: bool = False  # a bare number kept only as the low end of a range ("322至334亿美元")


_DATES_AND_TIMES = scanned_from(
    "0-9",
    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}:\d{2}(?::\d{2})?|\d{4}-\d{4}年"
    # a report date written as eight digits (a table's column: 20241231)
    r"|(?<!\d)(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?!\d)",
)


def _is_minus_sign(key: str, start: int) -> bool:
    """Tell whether the character before a number is its minus sign: a dash after a word or a
    separator ("为-5.79亿", "| -4.47亿"), not one joining two numbers or a name ("400-420", "GPT-4")."""
    if start < 1 or key[start - 1] not in "-−":
        return False
    before = key[start - 2] if start >= 2 else " "
    return not (before.isascii() and before.isalnum()) and not before.isdigit()


_ORDINAL_UNITS = frozenset({"次", "轮"})
_SENTENCE_END = re.compile(r"[。！？!?\n]")


# words 成 opens that are no tenths: 成长, 成本, 成交, 成为, 成立, 不变 (一成不变) …
_NOT_TENTHS_AFTER = re.compile(r"[长为立功本交员果绩熟品型就都效份分年真型团群批套]|不变")

# a Latin word and one space right before a bare number: "rtx 4060", "geforce rtx 5090"
_MODEL_WORD_BEFORE = re.compile(r"[a-z]{2,} $")


def _raw_quantities(key: str, home_currency: str = "CNY") -> list[_Raw]:
    raws: list[_Raw] = []
    said: tuple[int, str] | None = None  # where a currency word last named a 元 amount's currency
    taken = [False] * (len(key) + 1)
    masked = [False] * (len(key) + 1)
    for pattern in (_DATES_AND_TIMES, STOCK_CODE):  # "华擎(3515)": a stock code is no figure
        for m in pattern.finditer(key):
            for i in range(m.start(), m.end()):
                masked[i] = True
    for m in _FRACTION.finditer(key):
        den, num = _to_number(m.group("den")), _to_number(m.group("num"))
        if den and num is not None:
            raws.append(_Raw(m.start(), m.end(), num / den, 1, "fraction", None, None, False))
            for i in range(m.start(), m.end()):
                taken[i] = True
    for m in _YEARS_SPAN.finditer(key):
        years = 0.5 if m.group("num") == "半" else _to_number(m.group("num"))
        if years:
            raws.append(_Raw(m.start("num"), m.end(), years, 1, "duration", "years", None, False))
            for i in range(m.start("num"), m.end()):
                taken[i] = True
    for m in _NUMBER.finditer(key):
        if taken[m.start("num")]:
            continue
        num_text = m.group("num")
        is_chinese = not num_text[0].isdigit()
        scale_text = m.group("scale")
        unit_text = m.group("unit")
        prefix = m.group("prefix")
        if is_chinese:
            # Chinese numerals appear in ordinary words (一个, 万卡级): require a scale or unit.
            if num_text in ("万", "亿", "千", "百", "十", "万亿") and not unit_text:
                continue
            if not (scale_text or unit_text) and not re.search(r"[万亿]", num_text):
                continue
            if (
                unit_text
                and _UNITS[unit_text][0] in ("count", "duration")
                and not re.search(r"[十百千万亿]", num_text)
                and not (unit_text in _ORDINAL_UNITS and num_text not in ("一", "二"))
            ):
                continue  # 一家, 唯一一家, 两个月, 一次性: words, not measurements (两次, 三轮 are counts)
        before_num = key[max(0, m.start("num") - 2) : m.start("num")]
        if before_num[-1:].isascii() and before_num[-1:].isalpha() or re.fullmatch(r"[a-z]-", before_num):
            continue  # part of a model name: GPT-4, A100, H800, o1
        if masked[m.start("num")]:
            continue
        if (
            m.end("num") < len(key)
            and key[m.end("num")].isascii()
            and key[m.end("num")].isalpha()
            and not (unit_text or scale_text)
        ):
            continue  # 3D, 5G, 7nm
        num_end = m.end("num")
        after_num = m.end()
        if not (scale_text or unit_text) and _NOT_A_QUANTITY_AFTER.match(key, num_end):
            continue  # a year, a date, a time, a level: periods are parsed elsewhere
        if unit_text == "分" and (
            not num_text[0].isdigit()
            or _NOT_A_SCORE_AFTER.match(key, m.end("unit"))
            or key[max(0, m.start("num") - 1) : m.start("num")] in ("点", "时", ":", "：")
        ):
            continue  # 十分 (very), 3分别, 3点15分: only an Arabic number right before 分 is a score
        if unit_text == "成" and (
            scale_text
            or not re.fullmatch(r"[一二两三四五六七八九]|[1-9]", num_text)
            or _NOT_TENTHS_AFTER.match(key, m.end("unit"))
        ):
            continue  # 成长, 成本, 一成不变, 1亿成交: only a single numeral right before 成 is tenths
        if unit_text in ("gb", "tb") and (
            not num_text[0].isdigit() or (m.end("unit") < len(key) and key[m.end("unit")].isascii() and key[m.end("unit")].isalnum())
        ):
            continue  # 12gb, 1.5 tb: not gb200 nor tbps
        if unit_text == "t":
            unit_end = m.end("unit")
            if (
                not num_text[0].isdigit()
                or key[num_end] != "t"
                or (unit_end < len(key) and key[unit_end].isascii() and key[unit_end].isalnum())
            ):
                continue
        # "322 至 334 亿美元", "59-61%": a bare number before a range separator may be the low end
        low_only = (
            not (scale_text or unit_text or prefix)
            and num_text[0].isdigit()
            and bool(_RANGE_LOW.match(key, num_end))
        )
        if (
            not (scale_text or unit_text or prefix)
            and not low_only
            and _MODEL_WORD_BEFORE.search(key, max(0, m.start("num") - 12), m.start("num"))
        ):
            continue  # "跑分堪比RTX 4060": a bare number after a Latin word is the model's number
        if (
            not (scale_text or unit_text or prefix)
            and not low_only
            and (
                not num_text[0].isdigit()
                or float(num_text.replace(",", "")) < 1000
                or re.fullmatch(r"(19|20)\d\d", num_text)
            )
        ):
            continue  # a bare small number is a list marker or a version (5.0版); a bare year is a period
        amount: float | None
        if num_text in _SCALES and not scale_text:
            amount, scale_text = 1.0, num_text  # 上万张, 上千万: the scale word is the number
        else:
            amount = _to_number(num_text)
        if amount is None:
            continue
        if is_chinese and scale_text is None:
            scale = 1.0
        else:
            scale = _SCALES.get(scale_text or "", 1.0)
        scale *= _UNIT_FACTORS.get(unit_text or "", 1.0)
        if unit_text in _ORDINAL_UNITS and key[max(0, m.start() - 1) : m.start()] == "第":
            continue  # 第3轮: which round, not how many
        if unit_text:
            kind, unit_or_currency = _UNITS[unit_text]
        else:
            kind, unit_or_currency = "number", None
        currency = None
        unit = None
        if prefix:
            currency = _CURRENCY_PREFIX[prefix]
            kind = "money"
        named = _CURRENCY_BEFORE.search(key, max(0, m.start() - 4), m.start())
        if named and (unit_text in (None, "元") and (scale_text or unit_text)):
            currency = _CURRENCY_WORDS[named.group(1)]
            kind = "money"
            if unit_text == "元":
                said = (m.end(), currency)
        elif unit_text == "元" and not prefix and said and not _SENTENCE_END.search(key, said[0], m.start()):
            # "营收新台币2.53亿元…第1季营收6.76亿元": the sentence's currency, said once
            currency = said[1]
        if kind == "money":
            # a bare 元 is the article's home currency: a Taiwan company's 元 is the New Taiwan dollar
            currency = currency or (home_currency if unit_text == "元" else unit_or_currency)
        else:
            unit = unit_or_currency
        # trim trailing whitespace captured before an absent unit
        end = after_num
        while end > m.start() and key[end - 1].isspace():
            end -= 1
        start = m.start() if prefix else m.start("num")
        if not prefix and _is_minus_sign(key, start):
            start, amount = start - 1, -amount  # "归母净利润为-5.79亿元": a loss, not a profit
        raws.append(
            _Raw(
                start,
                end,
                amount * scale,
                scale,
                kind,
                unit,
                currency,
                bool(scale_text),
                bool(m.group("more") or m.group("more2")),
                low_only,
            )
        )
        for i in range(start, end):
            taken[i] = True
    raws.sort(key=lambda r: r.start)
    return _compound(raws)


def _compound(raws: list[_Raw]) -> list[_Raw]:
    """Join a number written in two scales into one: 2兆589.49亿元 (Taiwan's 兆 is 10^12) is
    2,058.949 billion, 3亿5000万元 is 350 million; read apart, the second part was the figure."""
    joined: list[_Raw] = []
    for r in raws:
        head = joined[-1] if joined else None
        if (
            head is not None
            and head.end == r.start
            and head.has_scale
            and head.kind == "number"
            and not head.more
            and r.has_scale
            and r.amount is not None
            and head.amount is not None
            and r.scale < head.scale
            and 0 < r.amount < head.scale
            and float(head.amount / head.scale).is_integer()  # 2兆, not 1.5亿 (then 2000万 is its own)
        ):
            joined[-1] = _Raw(
                head.start, r.end, head.amount + r.amount, r.scale, r.kind, r.unit, r.currency, True, r.more
            )
            continue
        joined.append(r)
    return joined


def parse_quantities(key: str, original: str | None = None, home_currency: str = "CNY") -> list[Value]:
    """Return every quantity in ``key`` (a folded sentence), with verbatim text from ``original``;
    a 元 whose currency the sentence does not name is ``home_currency``'s (the article's).

    >>> [v.amount for v in parse_quantities("资本支出同比增长79%至140亿美元")]
    [79.0, 14000000000.0]
    """
    original = key if original is None else original
    raws = _raw_quantities(key, home_currency)
    values: list[Value] = []
    i = 0
    while i < len(raws):
        r = raws[i]
        low = high = None
        start, end = r.start, r.end
        kind, unit, currency = r.kind, r.unit, r.currency
        amount = r.amount
        if i + 1 < len(raws):
            nxt = raws[i + 1]
            sep = _RANGE_SEP.fullmatch(key, r.end, nxt.start)
            same_kind = r.kind == nxt.kind and r.unit == nxt.unit and r.currency == nxt.currency
            # "300亿至320亿美元", "350至400亿美元": the unit (and scale) of the second serves both
            bare_first = r.kind == "number" and nxt.kind != "number"
            factor = nxt.scale if bare_first and not r.has_scale else 1
            if sep and (same_kind or bare_first) and (nxt.amount or 0) >= (r.amount or 0) * factor:
                low = r.amount * factor if r.amount is not None else None
                high = nxt.amount
                kind, unit, currency = nxt.kind, nxt.unit, nxt.currency
                amount = low
                end = nxt.end
                i += 1
        if r.low_only and low is None:
            i += 1
            continue  # no range after all ("1-3月"): a bare small number, as before
        qualifier, q_start = _qualifier_before(key, start)
        post, end2 = _qualifier_after(key, end)
        if post:
            qualifier = qualifier or post
            end = end2
        if r.more and not qualifier:
            qualifier = "多"
        if qualifier in ("前", "倒数") and kind != "percent":
            qualifier = None
        elif qualifier:
            start = q_start if q_start < start else start
        if qualifier == "数" and amount is not None and low is None:
            # 数千万元 is "several tens of millions": a range, never the point value 10 million
            low, high, amount = 2 * amount, 9 * amount, None
        direction, yoy = _direction(key, start)
        change = kind in ("percent", "multiple", "points") and direction != 0
        # 增长79%至140亿, 下滑0.2个百分点、至6.85%, 升至53%: the level a change reached is no
        # change; but a growth that reached 31% (收入增长达到31%) is the growth
        reached = r"(?:至|到)\s?$" if kind == "money" else r"(?:至|(?<!达)到)\s?$"
        if direction != 0 and re.search(reached, key[max(0, start - 2) : start]):
            direction, change = 0, False
        if kind not in ("percent", "multiple", "points"):
            direction, change = 0, False
        values.append(
            Value(
                text=original[start:end],
                start=start,
                end=end,
                amount=amount,
                unit=unit,
                currency=currency,
                qualifier=qualifier,
                kind=kind,
                low=low,
                high=high,
                change=change,
                direction=direction,
                yoy=yoy,
            )
        )
        i += 1
    values += _ranks(key, original, values)
    values.sort(key=lambda v: v.start)
    return _drop_restatements(key, values)


# a place in a ranking: "位列全球第三", "排名第1", "居国内第二位"
_RANK = re.compile(
    r"(?:位列|排名|排在|名列|位居|位于|排行|排|居|列)(?:全球|全国|国内|中国|世界|亚洲|行业|榜单)?"
    r"(第([一二三四五六七八九十]{1,3}|\d{1,3})(?:名|位)?)(?![季财年届代期批次轮个条款章节])"
)


def _ranks(key: str, original: str, taken: list[Value]) -> list[Value]:
    out = []
    for m in _RANK.finditer(key):
        start, end = m.start(1), m.end(1)
        if any(v.start < end and start < v.end for v in taken):
            continue
        place = _to_number(m.group(2))
        if place:
            out.append(Value(text=original[start:end], start=start, end=end, amount=place, kind="rank"))
    return out


def _drop_restatements(key: str, values: list[Value]) -> list[Value]:
    # "10462亿元人民币(约1517亿美元)": the bracketed figure restates the one before it; it is
    # kept on that figure (Value.restated), in another currency only
    kept: list[Value] = []
    for v in values:
        before = key[max(0, v.start - 2) : v.start]
        if (
            kept
            and kept[-1].kind == "money"
            and v.kind == "money"
            and (
                "(" in before
                or "（" in before
                or re.search(r"(?:折合|约合|相当于)[^,，。]{0,4}$", key[max(0, v.start - 8) : v.start])
            )
        ):
            if v.currency and v.currency != kept[-1].currency:
                kept[-1] = replace(kept[-1], restated=(*(kept[-1].restated or ()), v.to_dict()))
            continue
        kept.append(v)
    return kept


_CURRENCY_SIGN = {
    "USD": "US$",
    "CNY": "¥",
    "HKD": "HK$",
    "TWD": "NT$",
    "JPY": "JP¥",
    "EUR": "€",
    "GBP": "£",
    "KRW": "₩",
}


def _readable_amount(amount: float) -> str:
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(amount) >= size:
            return (
                f"{amount / size:.1f} {word}".replace(".0 ", " ")
                if amount % (size / 10) == 0
                else f"{amount / size:.2f} {word}".rstrip("0").replace(". ", " ")
            )
    if amount == int(amount):
        return f"{int(amount):,}"
    if abs(amount) < 1:  # a dividend in cents (8.5港仙): HK$0.085, not HK$0.09
        return f"{amount:.4f}".rstrip("0").rstrip(".")
    return f"{amount:,.2f}".rstrip("0").rstrip(".")


# qualifier words that are not part of the figure itself (数十亿, 前10% keep 数 and 前)
_NOT_FIGURE = [q for q in _PRE_QUALIFIERS if q not in ("数", "几", "前", "倒数")]


def bare_figure(text: str) -> str:
    """Return a figure without the qualifier words around it: ``高達349億美元`` -> ``349億美元``
    (the qualifier is a field of its own)."""
    changed = True
    while changed:
        changed = False
        key = fold(text)
        for w in _NOT_FIGURE:
            if key.startswith(w) and len(text) > len(w):
                text, changed = text[len(w) :].lstrip(), True
                break
        key = fold(text)
        for w in _POST_QUALIFIERS:
            if key.endswith(w) and len(text) > len(w):
                text, changed = text[: -len(w)].rstrip(), True
                break
    return text


def format_value(v: Value) -> str:
    """Return one value in readable English units: ``US$14 billion``, ``+79% YoY``, ``27,000 张``."""
    if v.amount is None and (v.low is None or v.high is None):
        return v.text

    if v.kind == "rank" and v.amount is not None:
        return f"No. {v.amount:g}"

    def num(x: float) -> str:
        if x < 0:
            return "-" + num(-x)  # a loss written as a negative profit: -¥579 million
        if v.kind == "money":
            return _CURRENCY_SIGN.get(v.currency or "", (v.currency or "") + " ") + _readable_amount(x)
        if v.kind == "percent":
            return f"{x:g}%"
        if v.kind == "multiple":
            return f"{x:g}×"
        if v.kind == "fraction":
            return f"{x:.3g}"
        if v.kind == "points":
            return f"{x:g} {v.unit or 'pp'}"
        text = _readable_amount(x)
        return f"{text} {v.unit}" if v.unit else text

    if v.qualifier == "数" and v.low is not None and v.high is not None:
        return f"{v.text} (roughly {num(v.low)}–{num(v.high)})"  # prose: no point value
    body = f"{num(v.low)}–{num(v.high)}" if v.low is not None and v.high is not None else num(v.amount or 0)
    if v.change:
        body = body.replace("-", "−", 1) if body.startswith("-") else ("+" if v.direction > 0 else "−") + body
        if v.yoy:
            body += " YoY"
    prefix = {"约": "about ", "近": "nearly ", "超过": "over ", "至少": "at least ", "最高": "up to ", "高达": "as much as ",
              "不到": "under ", "以上": "over ", "以下": "under ", "以内": "within ", "多": "over ", "数": "",
              "前": "top ", "倒数": "bottom "}.get(v.qualifier or "", "")  # fmt: skip
    return prefix + body


def format_values(values: list[Value], limit: int = 3, *, in_order: bool = False) -> str:
    """Return the first few values joined for a headline: ``US$14 billion, +79% YoY``, levels
    before changes unless ``in_order`` (a headline already says which figure leads)."""
    exact = [v for v in values if re.search(r"\d", v.text)] or values  # 翻了一倍, 上万: prose, not figures
    ordered = exact[:limit] if in_order else sorted(exact[:limit], key=lambda v: (v.change, v.start))
    return ", ".join(format_value(v) for v in ordered)
