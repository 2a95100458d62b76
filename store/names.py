"""Names found in an article's own text: who its facts can be about, with no lexicon needed.

Next week's articles bring companies no lexicon lists, so the builder reads names the way a
reader does, from how the text introduces them. Each way is a *source*, recorded with the name:

- ``ticker``       — the name before a stock code: 摩尔线程(688795.SH), 台積電 (2330-TW), 百度(09888.HK);
- ``company word`` — a name a corporate word follows: 商汤科技, 智谱华章科技股份有限公司 (商汤, 智谱华章);
- ``role``         — a company before its officer: 快手 CFO 金秉, 摩尔线程创始人;
- ``owner``        — 旗下/母公司/子公司: 字节跳动旗下的火山引擎;
- ``appositive``   — a name after the kind of company it is: AI解决方案提供商创新奇智, 龙头越疆;
- ``reporter``     — who publishes results: 云天励飞发布2024年年度报告, 对云天励飞2024年年报…;
- ``product word`` — a name written with AI or 大模型 after it more than once: 可灵 AI, 豆包大模型;
- ``bracket``      — a Chinese name with its Latin one in brackets: 摩尔线程（Moore Threads）;
- ``latin``        — a capitalised Latin name in Chinese text: xAI, Colossus;
- ``dictionary``   — CC-CEDICT's companies and brands (百度 = Baidu, 台积电 = TSMC);
- ``title``        — the subject the title and several sentences open on: 寒武纪发布…, 寒武纪 Q1…
- ``opener``       — a word no dictionary knows that opens several sentences or clauses anywhere: 聯鈞前三季…, 。聯鈞帶來…
- ``pinyin``       — a Chinese name whose pinyin is a Latin name the article writes: 百川智能 and Baichuan
- ``gloss``        — a Chinese word beside a Latin name that CC-CEDICT glosses as it: Oracle 甲骨文

A found name never runs on into a verb or particle (its edge is where the article's repetitions
of it end), a figure or a term is never a name (``EPS 17.44``, ``Capex(资本支出)``), and a generic
word (公司, 券商) is none either. ``discover_names`` is a pure function: text in, names out.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .periods import period_names
from .text import STOCK_CODE, fold, scanned_from
from .vocabulary import CJK_RUN, KeywordIndex, is_latin

__all__ = ["FoundName", "discover_names", "introduced_as_person", "strip_corporate", "CORPORATE_WORDS_EN", "CORPORATE_WORDS_LATIN", "CORPORATE_WORDS_ZH"]

SOURCES = (
    "lexicon",
    "ticker",
    "company word",
    "role",
    "owner",
    "appositive",
    "reporter",
    "product word",
    "bracket",
    "latin",
    "dictionary",
    "title",
    "opener",
    "pinyin",
    "gloss",
)

# Corporate words after a name (longest first): what is left before them is the name itself.
# Only the strong ones introduce a name; the others (智能, 技术, 半导体) follow ordinary words as
# often (人工智能, 处理器技术) and are only stripped when names are compared.
_STRONG_CORPORATE = (
    "股份有限公司",
    "控股有限公司",
    "集团有限公司",
    "科技有限公司",
    "有限公司",
    "科技股份",
    "科技集团",
    "控股集团",
    "科技",
    "集团",
    "股份",
    "控股",
)
_STRONG_CORPORATE_RE = re.compile("|".join(sorted(_STRONG_CORPORATE, key=len, reverse=True)))
_STRONG_CORPORATE_TAIL = re.compile(f"(?:{_STRONG_CORPORATE_RE.pattern})$")
CORPORATE_WORDS_ZH = (
    "股份有限公司", "控股有限公司", "集团有限公司", "科技有限公司", "有限责任公司", "有限公司", "控股集团",
    "科技股份", "科技集团", "集团股份", "股份公司", "微电子", "半导体", "科技", "集团", "股份", "控股", "通信",
    "智能", "电子", "资本", "国际", "技术", "网络", "软件", "信息", "实业", "光电", "医药", "生物", "证券",
    "机器人", "机械人", "动力",
)  # fmt: skip
_CORPORATE_ZH_LONGEST_FIRST = tuple(sorted(CORPORATE_WORDS_ZH, key=len, reverse=True))
_CORPORATE_TAIL = re.compile("(?:%s)+$" % "|".join(_CORPORATE_ZH_LONGEST_FIRST))
CORPORATE_WORDS_LATIN = (
    "inc", "inc.", "corp", "corp.", "corporation", "co", "co.", "ltd", "ltd.", "limited", "group", "holdings",
    "technologies", "technology", "tech", "ai", "labs", "lab", "plc", "llc", "company",
)  # fmt: skip
# English for the Chinese corporate words (智能 Intelligence, 半导体 Semiconductor): after a
# company's name in a question ("Baichuan Intelligence") they are part of the name, not words
# a fact must hold
CORPORATE_WORDS_EN = (
    "intelligence", "intelligent", "semiconductor", "semiconductors", "electronics", "microelectronics",
    "communication", "communications", "capital", "international", "information", "network", "networks",
    "software", "robotics", "optoelectronics", "pharmaceutical", "pharmaceuticals", "biotech",
    "securities", "industries", "industrial", "systems", "technologies", "technology", "mobility",
)  # fmt: skip
_ROLES = (
    "首席执行官", "首席财务官", "首席技术官", "首席运营官", "创始人", "联合创始人", "董事长", "总裁", "总经理",
    "ceo", "cfo", "cto", "coo",
)  # fmt: skip
_ROLES_RE = re.compile("|".join(re.escape(r) for r in sorted(_ROLES, key=len, reverse=True)))
# Characters a name never starts or ends on: particles, pronouns, prepositions and verbs that
# introduce a name ("据商汤科技", "对寒武纪而言", "由华为").
_EDGE = set(
    "的之和与及或是在于由为将对向从给把被让同跟称据而但且并即若其该这那此各每如也都又还就令使自以至到"
)
_COUNTED = re.compile(r"[一二两三四五六七八九十百千万亿几多]+[张台块颗个家枚位名件款项倍次]")  # 万张, 两家
_NEVER_LAST = set("的了着个是在和与及或该这那此各每也都又还就于级")  # 归属于母公司, 企业级 AI
_NEVER_FIRST = set("一两几多某")
_BAD_ENDINGS = (
    "们", "者", "家", "方", "等", "类", "业", "界", "市", "场", "季", "年", "月", "日", "州", "省", "县", "国", "人士",
    "上", "中", "下", "内", "里", "间", "后", "前",
)  # fmt: skip
_PLACES = (
    "北京", "上海", "深圳", "杭州", "广州", "香港", "台湾", "台北", "新竹", "南京", "苏州", "成都", "武汉", "天津",
    "合肥", "西安", "重庆", "无锡", "厦门", "珠海", "东莞", "中国", "美国", "日本", "韩国", "英国",
)  # fmt: skip
# Words that open a clause without naming anyone.
_OPENERS = {
    "目前", "同时", "此外", "其中", "今年", "去年", "明年", "截至", "根据", "据悉", "然而", "不过", "随着", "由于",
    "因此", "另外", "对此", "今日", "近日", "日前", "今天", "昨天", "首先", "其次", "最后", "而且", "如果", "虽然",
    "但是", "所以", "未来", "当前", "此前", "之前", "之后", "预计", "报道", "消息", "数据显示", "财报显示", "分析",
}  # fmt: skip
_OPENING_WORDS = (*_OPENERS, "本次", "本轮", "本季", "业内", "业界", "市场")
# Words that stand for a company without naming one.
_GENERIC_ZH = {
    "公司", "该公司", "本公司", "母公司", "子公司", "分公司", "上市公司", "科技公司", "这家公司", "此公司", "集团",
    "企业", "厂商", "机构", "券商", "银行", "外资", "法人", "投资者", "分析师", "市场", "行业", "业界", "芯片",
    "人工智能", "大模型", "模型", "平台", "产品", "业务", "财报", "报告", "数据", "中国", "美国", "全球", "国内",
    "国际", "科技", "资本", "技术", "网络", "软件", "信息", "智能", "电子", "通信", "半导体", "算力", "云", "港股",
    "美股", "科创板", "创业板", "上交所", "深交所", "港交所", "记者", "媒体", "官方", "政府", "团队", "股东",
    # kinds of AI, before the product words a name stands before (端侧 AI, 多模态大模型)
    "端侧", "多模态", "开源", "边缘", "通用", "垂直", "具身",
}  # fmt: skip
_TICKER = STOCK_CODE
_PRODUCT_AFTER = scanned_from(r"\sa大", r"(?<=[\u3400-\u9fff])\s?(?:ai(?![a-z])|大模型)")
# the kind of company a name is introduced as, right before it
# (Taiwan and Hong Kong outlets: 测试介面厂中华精测, 晶圆代工厂台积电; not 工厂 or 建厂)
_APPOSITIVE = re.compile(
    r"(?:提供商|供应商|服务商|制造商|开发商|运营商|厂商|创企(?!业)|独角兽|龙头|巨头|大厂|(?<![工建设出分总本该药])厂)"
    r"(?=[\u3400-\u9fff])"
)
# what a maker makes, after its name: 乐聚机器人, 众擎机械人, 松延动力
_INDUSTRY_AFTER = re.compile(r"(?:机器人|机械人|动力)(?![\u3400-\u9fff]{0,1}(?:产业|行业|赛道|领域|市场|企业|公司))")
_OWNER_AFTER = re.compile(r"(?:旗下(?:的)?|子公司|母公司)")
# what an outlet calls itself: a name before it is the outlet's (Hehson财经, 36氪网)
_MEDIA_AFTER = re.compile(r"\s?(?:财经|新闻|日报|早报|晚报|周刊|网(?![络路])|研究院|资讯|传媒|电视|通讯社)")
# results name who publishes them: 云天励飞发布2024年年度报告, 对云天励飞2024年年报进行分析
_REPORT = r"(?:半年度报告|年度报告|季度报告|财务报告|(?<=[季度年])报告|年报|半年报|季报|财报|业绩报告|业绩公告|业绩快报|招股说明书|招股书|公告)"
_REPORTS_AFTER = scanned_from(
    "发公披交递甩0-9最日近今昨晚",
    r"(?:最新|日前|近日|今日|昨日|昨晚|今晚|晚间)?(?:发布|公布|披露|交出|递交|发出|甩出)了?\s?(?:其|一份|一则)?"
    r"(?:\d{4}\s?年度?\s?)?(?:第?[一二三四1-4]季度|上半年|前三季度|全年)?(?:的)?" + _REPORT
    + r"|(?=\d{4}\s?年度?\s?" + _REPORT + ")"
)
_LATIN_NAME = scanned_from(
    "A-Za-z",
    r"(?<![A-Za-z0-9])([A-Za-z][A-Za-z0-9]*(?:(?:[ .\-&]|\s(?:of|and|for|the|de)\s)[A-Z0-9][A-Za-z0-9]*)*)(?![A-Za-z0-9])"
)
_ENGLISH_PASSAGE = re.compile(r"[A-Za-z][A-Za-z'’]*(?:[\s,.:;@#]+[A-Za-z][A-Za-z'’]*){4,}")
# a Latin name in brackets, right after Chinese text (found from the bracket, then looking back:
# a pattern starting on the Chinese run backtracks over every run of the article)
_BRACKETED_LATIN = scanned_from(r"\s（(", r"(?<=[\u3400-\u9fff·•])\s?[（(]\s?([A-Za-z][A-Za-z0-9 .,&'\-]{1,40}?)\s?[)）]")
# a Latin name with its Chinese one in brackets after it: NVIDIA(輝達)
_LATIN_THEN_BRACKETED_CHINESE = scanned_from(
    "A-Z", r"(?<![A-Za-z0-9])([A-Z][A-Za-z0-9.&\-]*(?: [A-Z][A-Za-z0-9.&\-]*){0,3})\s?[（(]\s?([\u3400-\u9fff]{2,6})\s?[)）]"
)
_OPENING = re.compile(r"[。！？!?\n,，;；]\s*")
_MIN_TITLE_OPENINGS = 2  # sentences or clauses an unlinked name must open to be the subject


@dataclass
class FoundName:
    """A name an article introduces: what it is shown as, how it is written, how it was found."""

    name: str  # shown in answers: the Latin name when the article or dictionary links one
    keys: set[str] = field(default_factory=set)  # folded spellings it is found by
    how: set[str] = field(default_factory=set)  # the sources that found it (see SOURCES)
    zh: str | None = None  # its Chinese name, as folded
    count: int = 0  # how often the article names it


# what a company's English name may end on after its own words (Hon Hai Precision Industry,
# Quanta Computer): people drop them
_DESCRIPTIVE_LATIN = {*CORPORATE_WORDS_LATIN, *CORPORATE_WORDS_EN, "precision", "industry", "computer", "manufacturing"}


def _short_latin(latin: str) -> tuple[str, ...]:
    """Return the short form of a dictionary company's English name, when its own words are two
    or more before the descriptive ones ("Hon Hai Precision Industry Company" -> hon hai); a one
    word head may be a place (Taiwan Semiconductor Manufacturing), so it is left to the article."""
    words = fold(latin).replace(",", " ").split()
    n = len(words)
    while n and words[n - 1] in _DESCRIPTIVE_LATIN:
        n -= 1
    return (" ".join(words[:n]),) if 2 <= n < len(words) else ()


@lru_cache(maxsize=65536)  # every article, and a store's vocabulary, strip the same names
def strip_corporate(key: str) -> str:
    """Return a folded name without the corporate words after it: 商汤科技 -> 商汤, 'xai corp' -> 'xai'."""
    if is_latin(key):
        words = key.replace(",", " ").split()  # "cig shanghai co., ltd."
        while len(words) > 1 and words[-1] in CORPORATE_WORDS_LATIN:
            words.pop()
        return " ".join(words)
    for place in _PLACES:
        if key.startswith(place) and len(key) - len(place) >= 4:
            key = key[len(place) :]
            break
    tail = _CORPORATE_TAIL.search(key)
    while tail and tail.start() < 2:  # keep two characters at least: 集团 alone stays
        tail = _CORPORATE_TAIL.search(key, tail.start() + 1)
    return key[: tail.start()] if tail else key


# an ordinal (第三季, 第一梯队, 第二): no name, though a name may open on one (第四范式)
_ORDINAL = re.compile(
    r"第[一二三四五六七八九十百两0-9]*(?:$|季|期|届|名|次|轮|个|大|家|代|批|款|位|年|月|天|阶段|梯队|波|部|条|项|笔|层|种|财季|[，,。])"
)


# particles a name may open on (和硕, 同花顺, 如祺出行, 至纯): the name's own first character when
# the article never writes what follows without it
_OWNABLE_EDGE = set("和同如若至以自")


def _owns_edge(name: str, key: str) -> bool:
    """Tell whether ``name`` opens on a particle that is its own: 如祺出行, whose 祺 the article
    writes eight times, each after 如 (not 和小米: 小米 is written without 和 too)."""
    head = name[:3]
    return len(name) >= 2 and name[0] in _OWNABLE_EDGE and key.count(head) >= 2 and key.count(head[1:]) == key.count(head)


def _is_generic(
    word: str, generic: set[str], metric_words: KeywordIndex, key: str | None = None, *, cut_from_a_name: bool = False
) -> bool:
    """Tell whether ``word`` is no name: a generic or metric word, a period, or a span whose edges
    run into the words around a name (a locative 里 or 中 at its end). The opening characters
    ``cut_from_a_name`` (阿里 of 阿里巴巴) have no such edge to check at their end."""
    if word in _GENERIC_ZH or word in _OPENERS or word in generic or len(word) < 2:
        return True
    edge = word[0] in _EDGE and not (key is not None and _owns_edge(word, key))
    bad_end = word.endswith(_BAD_ENDINGS) and not cut_from_a_name
    if bad_end or edge or word[0] in _NEVER_FIRST or word[-1] in _NEVER_LAST:
        return True
    if re.search(r"\d|季度|上半|下半|年度", word) or _ORDINAL.search(word) or _COUNTED.match(word):
        return True
    if metric_words.qualifies_a_keyword(word):
        return True  # 经调整 (净利润): the opening words of a metric's keyword
    return any(len(kw) >= 2 for kw, _, _ in metric_words.spans(word))  # 营收, 净利润: terms, not names


def _repeated_end(key: str, run: str, size: int, longest: int) -> tuple[int, int]:
    """Return how many of ``run``'s last characters (``size`` at least, ``longest`` at most) the
    article writes about as often as its last ``size``, and how often: 寒武纪 (13) of 持有寒武纪 (3)."""
    count = key.count(run[-size:])
    while size < len(run) and size < longest:
        longer = key.count(run[-size - 1 :])
        if longer < 2 or 2 * longer < count:
            break
        size, count = size + 1, longer
    return size, count


def _name_ending_at(
    key: str,
    end: int,
    generic: set[str],
    metric_words: KeywordIndex,
    *,
    everyday: frozenset[str] = frozenset(),
    named_by_bracket: bool = False,
) -> str | None:
    """Return the name whose last character is ``key[end - 1]``: the Chinese run before ``end``,
    cut after the last particle that introduces it, then where the article's repetitions of it
    end. A name recurs and the words before it vary: 寒武纪 is named 13 times, 持有寒武纪 3, so
    the name starts at 寒; a name the article writes once keeps at most four characters."""
    run = _run_before(key, end, 12)
    if len(run) < 2 or run[-1] in _NEVER_LAST:
        return None
    if named_by_bracket and len(run) <= 5:
        # a bracket follows the name itself: the words after the last particle are it (方舟投资)
        return None if run in _GENERIC_ZH or run in generic else run
    # repetitions are read from the name's own characters: a corporate word it ends on (智能 of
    # 乐享智能) recurs in every other sentence
    tail = next((w for w in _CORPORATE_ZH_LONGEST_FIRST if run.endswith(w)), "")
    size = len(tail) + 1 if tail and len(run) > len(tail) + 1 else 2
    size, count = _repeated_end(key, run, size, 8)
    whole = _run_before(key, end, 12, at_particles=False) if count < 2 and tail else ""
    if len(whole) >= len(tail) + 2:
        # 波若威科技 written once, 波若威 four times: the head's own repetitions give its edge,
        # even across a character that is a particle elsewhere (若: if)
        head = whole[: -len(tail)]
        at, times = _repeated_end(key, head, 2, 6)
        while at > 2 and head[-at] in _EDGE and not _owns_edge(head[-at:], key):
            at -= 1  # 和小米 written twice: the name still starts after the particle
        if times >= 2:
            run, size, count = whole, at + len(tail), times
    if count < 2 and len(run) <= 6 and _opens_a_line(key, end - len(run)):
        # named once, the first words of a line (a title, "长光华芯(688048):Q2业绩实现扭亏"):
        # nothing before it to cut off
        name = run
    elif count < 2:
        # named once: no repetitions to read its edge from, so the segmenter's last word
        # (业内传说商汤 -> 商汤)
        words = _segment(run[-6:])
        name = words[-1] if words and len(words[-1]) >= 2 else ""
        if name in CORPORATE_WORDS_ZH and len(words) >= 2:
            # 中|芯|国际: the corporate word ends the name; the word before it (or its last two
            # characters, which the segmenter does not know) is the name's head
            head = words[-2] if len(words[-2]) >= 2 else "".join(words[:-1])[-2:]
            name = head + name if len(head) >= 2 else ""
        elif len(words) >= 2 and _is_generic(name, generic, metric_words, key):
            # 协|创|数据: an ordinary last word (data), and a head the article writes again on its
            # own (协创恰恰是…): the name is the two together
            head = words[-2] if len(words[-2]) >= 2 else "".join(words[:-1])[-2:]
            if len(head) >= 2 and key.count(head) >= 2:
                name = head + name
        if not name:
            return None
    else:
        name = run[-size:]
        before = end - len(name) - 1
        if before >= 0 and _owns_edge(key[before] + name, key):
            name = key[before] + name  # 如祺出行: the run was cut at 如, which is the name's own
    for place in _PLACES:
        if name.startswith(place) and len(name) - len(place) >= 2 and name[len(place) :] not in everyday:
            name = name[len(place) :]  # 深圳XX科技: where it is, then the name
            break  # (中国移动, 中国电信: a place and an everyday word are the name itself)
    if named_by_bracket:  # its Latin name says it is one: 曜石算力 may hold a term (算力)
        return None if name in _GENERIC_ZH or name in generic or name[0] in _EDGE else name
    return None if _is_generic(name, generic, metric_words, key) else name


def _written_alone(key: str, short: str, names: set[str]) -> bool:
    """Tell whether ``short`` is written somewhere not as the opening of one of ``names``."""
    inside = {m.start() for n in names if n != short and n.startswith(short) for m in re.finditer(re.escape(n), key)}
    return any(m.start() not in inside for m in re.finditer(re.escape(short), key))


def _opens_a_line(key: str, start: int) -> bool:
    return start == 0 or key[start - 1] == "\n"


_SEGMENTERS: dict[int, object] = {}


def segmenter_copy() -> Any:
    """Return a new jieba tokenizer with jieba's own dictionary, to add words to: a copy of the
    process's default tokenizer's, which stays as it is, rather than a second load of the file
    (about a second; a copy takes a twentieth of that, in each build worker and each reload)."""
    import jieba

    jieba.setLogLevel(60)
    base = jieba.dt
    base.check_initialized()
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total = dict(base.FREQ), base.total
    tokenizer.initialized = True
    return tokenizer


def _is_word_at(key: str, start: int, end: int, dictionary: dict[str, tuple[str, bool]]) -> bool:
    """Tell whether ``key[start:end]`` is a word of the text as the segmenter cuts it, with the
    dictionary's names among its words."""
    tokenizer = _SEGMENTERS.get(id(dictionary))
    if tokenizer is None:
        tokenizer = segmenter_copy()
        for name in dictionary:
            tokenizer.add_word(name, 2000)
        _SEGMENTERS.clear()
        _SEGMENTERS[id(dictionary)] = tokenizer
    lo = max(0, start - 4)
    cuts, at = {lo}, lo
    for word in tokenizer.lcut(key[lo : end + 4], HMM=False):  # type: ignore[attr-defined]
        at += len(word)
        cuts.add(at)
    return start in cuts and end in cuts


def _name_starting_at(key: str, start: int) -> str | None:
    """Return the name whose first character is ``key[start]``: the longest start of the Chinese
    run there that the article writes again (创新奇智 of 创新奇智正式…, written five times),
    ending where the segmenter ends a word; None for a name written once."""
    run = CJK_RUN.match(key, start)
    if run is None:
        return None
    text = run.group(0)[:8]
    size = next((n for n in range(len(text), 1, -1) if key.count(text[:n]) >= 2), 0)
    if size >= 2:
        return text[:size] if _ends_a_word(key, start, size) else None
    # written once in full, then by its last two characters (中华精测, then 精测表示…)
    size = next(
        (n for n in range(min(len(text), 6), 3, -1) if key.count(text[n - 2 : n]) >= 3 and _ends_a_word(key, start, n)),
        0,
    )
    return text[:size] if size else None


def _tail_written_alone(name: str, key: str) -> str | None:
    """Return the last two characters of a Chinese name when the article writes them on their
    own more often than the name (精测 of 中华精测), else None."""
    tail = name[-2:]
    return tail if len(name) >= 4 and key.count(tail) > key.count(name) else None


# a legal name's bracket defining the short name the article goes on with (Hong Kong filings'
# (「億都」259) and (「本公司」), the mainland's (以下简称“智谱华章”)); the corporate words may
# themselves be bracketed: 億都(國際控股)有限公司
_SHORT_IN_QUOTES = r"[「“\"](?P<short>[^」”\"(),]{2,8})[」”\"]"
_DEFINED_SHORT = re.compile(
    r"(?:%s)(?P<open>\()(?:以下简称|以下称|下称|简称)?%s" % (_STRONG_CORPORATE_RE.pattern, _SHORT_IN_QUOTES)
)


# 北京银河通用机器人(简称“银河通用”): after a weaker corporate word, only 简称 defines a name,
# and only one the words before the bracket hold (not 投资基金(简称“大基金三期”))
_DEFINED_BY_JIANCHENG = re.compile(
    r"(?:%s)(?P<open>\()(?:以下简称|简称|下称)%s" % ("|".join(_CORPORATE_ZH_LONGEST_FIRST), _SHORT_IN_QUOTES)
)
_DESCRIBED_AS = re.compile(r"公司|企业|厂商|大厂|巨头|龙头|独角兽")


def _run_before(key: str, end: int, longest: int, *, at_particles: bool = True) -> str:
    """Return the Chinese run before ``end`` (at most ``longest`` characters), cut after the last
    particle that introduces a name (据, 对, 由 …); its last character is the name's own (华为's 为),
    whatever it is."""
    start = end
    while start > 0 and CJK_RUN.match(key[start - 1]) and end - start < longest:
        start -= 1
    run = key[start:end]
    if not at_particles:
        return run
    cut = max((i for i, c in enumerate(run[:-1]) if c in _EDGE), default=-1)
    # 中国生成式人工智能公司稀宇科技: the words up to a kind of company describe the name after it
    described = max((m.end() - 1 for m in _DESCRIBED_AS.finditer(run, 0, len(run) - 2)), default=-1)
    return run[max(cut, described) + 1 :]


def _legal_name_before(key: str, end: int) -> str | None:
    """Return a company's full legal name ending at ``end`` (上海剑桥科技股份有限公司 before its
    English legal name in brackets), or None when the words before ``end`` end on no strong
    corporate word."""
    run = _run_before(key, end, 16)
    tail = _STRONG_CORPORATE_TAIL.search(run)
    return run if tail is not None and tail.start() >= 2 else None


# cities a Latin legal name opens or ends on (CIG Shanghai, Beijing Zhipu), and places in Latin
# that are never a company ("(Hong Kong)" after an investor's name)
_LATIN_CITIES = (
    "beijing", "shanghai", "shenzhen", "hangzhou", "guangzhou", "suzhou", "nanjing", "chengdu", "wuhan",
    "tianjin", "hefei", "xiamen",
)  # fmt: skip
_LATIN_PLACE_NAMES = frozenset({
    *_LATIN_CITIES, "hong kong", "china", "taiwan", "macau", "macao", "singapore", "japan", "korea",
    "south korea", "asia", "europe", "india", "cayman islands", "british virgin islands", "bvi", "usa",
    "united states", "uk", "united kingdom",
})  # fmt: skip
_LATIN_CITY_AT_EDGE = re.compile(r"^(?:{0})\s|\s(?:{0})$".format("|".join(_LATIN_CITIES)))


def _without_latin_place(name: str) -> str:
    """Return a Latin legal name without the city it opens or ends on (cig shanghai -> cig)."""
    return _LATIN_CITY_AT_EDGE.sub("", name)


def _legal_short_forms(legal: str) -> tuple[str, ...]:
    """Return how an article or a question may shorten a legal name: without its corporate
    words one at a time and without the city it opens on (上海剑桥科技股份有限公司 -> 上海剑桥科技,
    剑桥科技, 上海剑桥, 剑桥)."""
    forms = []
    name = legal
    while (tail := _CORPORATE_TAIL.search(name)) is not None and tail.start() >= 2:
        # one corporate word at a time: 股份有限公司, then 科技
        word = next(w for w in _CORPORATE_ZH_LONGEST_FIRST if name.endswith(w))
        name = name[: -len(word)]
        forms.append(name)
    out = []
    for form in [legal, *forms]:
        out.append(form)
        place = next((p for p in _PLACES if form.startswith(p) and len(form) - len(p) >= 2), None)
        if place:
            out.append(form[len(place) :])
    return tuple(dict.fromkeys(f for f in out if len(f) >= 2 and f != legal))


# who a person is introduced as, right before the name: 董事长陈立白, 执行长黄仁勋, 分析师…
_PERSON_BEFORE = re.compile(
    "(?:%s)\\s?$" % "|".join(sorted((*_ROLES, "执行长", "财务长", "发言人", "分析师", "董事"), key=len, reverse=True))
)


def introduced_as_person(key: str, spellings: Iterable[str]) -> bool:
    """Tell whether an article introduces a name by a person's role (董事长陈立白): a person,
    never the company an article is about."""
    for k in spellings:
        if is_latin(k):
            continue
        for m in re.finditer(re.escape(k), key):
            if _PERSON_BEFORE.search(key, max(0, m.start() - 8), m.start()):
                return True
    return False


def _company_before(key: str, end: int, everyday: frozenset[str]) -> bool:
    """Tell whether the words before ``end`` are a company's name by their structure: a head no
    dictionary knows and a corporate word (丰疆智能 before "(FJD)"; not 通用人工智能 before "(AGI)")."""
    run = _run_before(key, end, 8)
    tail = next((w for w in _CORPORATE_ZH_LONGEST_FIRST if run.endswith(w)), "")
    head = run[: len(run) - len(tail)][-4:]
    return bool(tail) and len(head) >= 2 and not _everyday_phrase(head, everyday) and not _holds_everyday_word(head, everyday)


def _everyday_phrase(name: str, everyday: frozenset[str]) -> bool:
    """Tell whether ``name`` is an everyday word or two (签订合约 after 设计大厂 is what the
    maker did, not its name)."""
    if name in everyday:
        return True
    if name.endswith(CORPORATE_WORDS_ZH) and len(strip_corporate(name)) < len(name):
        return False  # 乐享智能 of 苏州乐享智能科技有限公司: a corporate word makes it a company's name
    return any(name[:i] in everyday and name[i:] in everyday for i in range(2, len(name) - 1))


def _holds_everyday_word(run: str, everyday: frozenset[str]) -> bool:
    """Tell whether a short run is, or holds as the segmenter cuts it, an everyday word (人形 of
    人形机器人, 自变量)."""
    return run in everyday or any(w in everyday for w in _segment(run) if len(w) >= 2)


def _ends_a_word(key: str, start: int, size: int) -> bool:
    """Tell whether ``key[start:start + size]`` ends where the segmenter ends a word."""
    at = 0
    for word in _segment(key[start : start + size + 3]):
        at += len(word)
        if at >= size:
            return at == size
    return True


def _segment(run: str) -> list[str]:
    import jieba

    jieba.setLogLevel(60)
    return jieba.lcut(run, HMM=False)


def _latin_before(text: str, end: int) -> str | None:
    m = re.search(r"([A-Z][A-Za-z0-9]*(?:[ \-&.][A-Z0-9][A-Za-z0-9]*)*)\s?$", text[max(0, end - 40) : end])
    return m.group(1) if m and len(m.group(1)) >= 2 else None


def discover_names(
    text: str,
    key: str,
    *,
    generic: set[str],
    metric_words: KeywordIndex,
    english_words: set[str],
    dictionary: dict[str, tuple[str, bool]],
    dictionary_index: KeywordIndex | None = None,
    also_known_as: dict[str, tuple[str, ...]] | None = None,
    everyday: frozenset[str] = frozenset(),
    glosses: dict[str, str] | None = None,
    known: dict[str, str],
    title_end: int = 0,
) -> dict[str, FoundName]:
    """Return the names an article introduces, by folded key of their main spelling.

    ``text`` and ``key`` are the article and its match key (``fold(text)``, same length);
    ``generic`` are words that are never names; ``metric_words`` finds metric keywords (a term,
    never a name); ``english_words`` are ordinary English words (CC-CEDICT's glosses);
    ``everyday`` are CC-CEDICT's ordinary Chinese words (设备, 许多): a name a structural rule
    alone found must not be one; ``dictionary`` maps a folded Chinese name to its Latin one and whether the word is also an
    everyday word (联想 is Lenovo and "to associate") and ``also_known_as`` its other Latin names
    (鸿海: Foxconn); ``known`` maps the lexicon's folded aliases
    to their entities: a name the lexicon knows is left to it. ``title_end`` is where the title
    and lead end (the subject rule reads them).
    """
    found: dict[str, FoundName] = {}

    def add(
        name_key: str, how: str, *, shown: str | None = None, also: tuple[str, ...] = ()
    ) -> FoundName | None:
        name_key = name_key.strip(" .-")
        # a name a bracket gives or defines is one whatever its edges (亿都 ends as 也都 does)
        if how not in ("bracket", "defined") and not is_latin(name_key) and _is_generic(name_key, generic, metric_words, key):
            return None
        if _holds_known(name_key, known):
            return None  # 传说商汤 holds the lexicon's 商汤, "A100 GPU" its A100: the lexicon reads them
        if len(name_key) < 2 or name_key in known or name_key in generic or name_key in _PLACES:
            return None
        owner = next((known[a] for a in also if a in known), None) if how != "bracket" else None
        entry = found.get(name_key)
        if entry is None:
            # 中芯 of the lexicon's 中芯国际: a spelling of the lexicon's entity, not a new one
            entry = found[name_key] = FoundName(name=owner or shown or name_key)
            entry.keys.add(name_key)
        if shown and entry.name == name_key and shown != name_key:
            entry.name = shown
        entry.how.add(how)
        entry.keys.update(a for a in also if len(a) >= 2 and a not in known)
        if not is_latin(name_key):
            entry.zh = entry.zh or name_key
        return entry

    # stock codes: the name just before them, Chinese or Latin
    tickers = []
    for m in _TICKER.finditer(key):
        tickers.append((m.start(), m.end()))
        symbol = (m["symbol"],) if m["symbol"] else ()  # CRDO names Credo Technology too
        name = _name_ending_at(key, m.start(), generic, metric_words, everyday=everyday)
        if name:
            add(name, "ticker", also=(strip_corporate(name), *symbol))
        elif (latin := _latin_before(text, m.start())) and fold(latin) not in generic:
            add(fold(latin), "ticker", shown=latin, also=symbol)
    # corporate words: 商汤科技 (商汤), 北京智谱华章科技股份有限公司 (智谱华章)
    read_up_to = -1
    for m in _STRONG_CORPORATE_RE.finditer(key):
        follows, read_up_to = m.start() == read_up_to, m.end()
        if follows:
            continue  # 股份有限公司 of 集团股份有限公司: the word before it was read already
        if key.endswith(CORPORATE_WORDS_ZH, 0, m.start()) and not m.group(0).endswith("有限公司"):
            continue  # 集团 of 电子集团: the name ends before the weaker word (电子) too
        name = _name_ending_at(key, m.start(), generic, metric_words, everyday=everyday)
        if name and len(name) >= 4 and _everyday_phrase(name, everyday):
            continue  # 资产管理 of 奇点资产管理有限公司: the trade two names share, not a name
        if name and _is_name_like(name, key):
            add(name, "company word", also=(key[m.start() - len(name) : m.end()],))
    # a maker named by its trade (乐聚机器人, 松延动力): a head no dictionary knows before the word
    # of what it makes; an everyday head (人形机器人, 工业机器人) is the kind of product, no name
    for m in _INDUSTRY_AFTER.finditer(key):
        head = _run_before(key, m.start(), 4)[-3:]
        head = head if len(head) == 3 and key.count(head) > key.count(head[1:]) / 2 else head[-2:]
        if len(head) >= 2 and not _holds_everyday_word(head, everyday) and not _is_generic(head, generic, metric_words):
            add(head + m.group(0), "industry word", also=(head,))
    # officers: 快手 CFO 金秉, 摩尔线程创始人
    for m in _ROLES_RE.finditer(key):
        end = m.start()
        while end > 0 and key[end - 1] == " ":
            end -= 1
        if key[max(0, end - 2) : end] == "公司":
            end -= 2
        name = _name_ending_at(key, end, generic, metric_words, everyday=everyday)
        if name and key.count(name) >= 2 and not name.endswith(("区", "部", "兼", "总", "副")):
            add(strip_corporate(name), "role", also=(name,))
    # owners: 字节跳动旗下的火山引擎, 母公司Alphabet
    for m in _OWNER_AFTER.finditer(key):
        if key.endswith(("归属", "属于", "归属于"), 0, m.start()):
            continue  # 归属母公司业主: attributable to the parent's owners, an accounting line
        name = _name_ending_at(key, m.start(), generic, metric_words, everyday=everyday)
        if name and _is_name_like(name, key):
            add(strip_corporate(name), "owner", also=(name,))
    # appositives: AI解决方案提供商创新奇智正式上市, 协作机器人龙头越疆(02432.HK)
    for m in _APPOSITIVE.finditer(key):
        name = _name_starting_at(key, m.end())
        if name and not _is_generic(name, generic, metric_words) and not _everyday_phrase(name, everyday):
            tail = _tail_written_alone(name, key)
            also = (name,) if tail is None or tail in everyday or _is_generic(tail, generic, metric_words) else (name, tail)
            add(strip_corporate(name), "appositive", also=also)
    # publishers of results: 云天励飞发布2024年年度报告, named so more than once
    for m in _REPORTS_AFTER.finditer(key):
        name = _name_ending_at(key, m.start(), generic, metric_words, everyday=everyday)
        # named again, or opening the article ("中芯国际最新发布的财务报告显示,…" then 公司 throughout)
        # or a clause of its lead ("2月12日晚,协创数据甩出一份公告:…", then 这家公司, 它家)
        at = m.start() - len(name) if name else 0
        opens = name is not None and (at <= 1 or at < _LEAD_CHARS and key[at - 1] in ",，。\n:：")
        if name and (key.count(name) >= 2 or opens) and _is_name_like(name, key):
            add(strip_corporate(name), "reporter", also=(name,))
    # products: a name a product word follows, written so more than once (可灵 AI, 豆包大模型)
    for m in _PRODUCT_AFTER.finditer(key):
        name = _name_ending_at(key, m.start(), generic, metric_words, everyday=everyday)
        if name and name + key[m.start() : m.end()].replace(" ", "") in generic:
            continue  # 生成式AI (generative AI): a term the glossary gives, whole, no product
        if name and key.count(name) >= 2 and len(name) <= 4:
            add(name, "product word")
    # a short name a legal name defines: 香港算丰信息有限公司(「算丰」), 亿都(国际控股)有限公司(「亿都」259),
    # 北京智谱华章科技股份有限公司(以下简称“智谱华章”)
    defined = [*_DEFINED_SHORT.finditer(key)] + [
        m
        for m in _DEFINED_BY_JIANCHENG.finditer(key)
        if m["short"] in key[max(0, m.start("open") - 12) : m.start("open")]
    ]
    for m in defined:
        short = m["short"]
        if (
            CJK_RUN.fullmatch(short)
            and short not in everyday
            and short not in _GENERIC_ZH  # (「本公司」), (「集团」)
            and short not in generic
            and not any(len(kw) >= 2 for kw, _, _ in metric_words.spans(short))
        ):
            defining = _legal_name_before(key, m.start("open")) or ""
            full = defining[defining.find(short) :] if short in defining else None  # 算丰信息有限公司
            add(strip_corporate(short), "defined", also=(short, *((full,) if full else ())))
    # brackets: 摩尔线程（Moore Threads）
    for m in _BRACKETED_LATIN.finditer(text):
        latin = re.sub(r"\s+", " ", m.group(1)).strip(" .-")
        latin_key = fold(latin)
        initials = latin.isupper() and len(latin) <= 3 and _company_before(key, m.start(), everyday)
        if not _latin_is_name(latin, latin_key, generic, metric_words, english_words, initials_of_a_company=initials):
            continue
        legal = _legal_name_before(key, m.start())
        zh = legal or _name_ending_at(key, m.start(), generic, metric_words, everyday=everyday, named_by_bracket=True)
        if not zh or zh in everyday:
            continue  # 碳化硅(SiC): an everyday word's gloss is a term's, not a name's
        if zh in known and latin_key not in known:
            continue  # the lexicon's name, with a Latin gloss the builder links through it
        spellings = (
            latin_key,
            strip_corporate(latin_key),
            *((_without_latin_place(strip_corporate(latin_key)), *_legal_short_forms(zh)) if legal else ()),
        )
        entry = add(zh, "bracket", shown=latin, also=spellings)
        if entry is not None:
            entry.zh = zh
    # NVIDIA(輝達): the Chinese name a Latin one glosses, when it is no word or term of its own
    for m in _LATIN_THEN_BRACKETED_CHINESE.finditer(text):
        latin, zh = m.group(1).strip(" .-"), key[m.start(2) : m.end(2)]
        latin_key = fold(latin)
        if (
            not _latin_is_name(latin, latin_key, generic, metric_words, english_words)
            or _is_generic(zh, generic, metric_words)
            or _everyday_phrase(zh, everyday)
        ):
            continue
        entry = add(zh, "bracket", shown=latin, also=(latin_key, strip_corporate(latin_key)))
        if entry is not None:
            entry.zh = zh
    # capitalised Latin names in Chinese text (an English passage is a quote, not names)
    english = [(m.start(), m.end()) for m in _ENGLISH_PASSAGE.finditer(text)]
    for m in _LATIN_NAME.finditer(text):
        word = m.group(1).strip(" .-&")
        if (
            any(a <= m.start() < b for a, b in english)
            or not word[:1].isupper()
            and not re.search(r"[A-Z]", word[1:])
        ):
            continue
        if any(a <= m.start() < b for a, b in tickers):
            continue  # the symbol of "(Nasdaq:CRDO)" is the ticker's, read with its name
        # "date 2026-03-04 ASMPT": a name begins on its first word holding a capital, not on a
        # lowercase word or a date before it
        word = re.sub(r"^(?:(?:[a-z]+|[\d.\-/:]+)\s)+(?=\S*[A-Z])", "", word)
        word = re.sub(r"(?:\s[\d.]+)+$", "", word)  # "EPS 17.44": a figure is no part of a name
        if re.match(r"\s?[月日号]", text[m.end() :]):
            word = re.sub(r"-\d{1,2}$", "", word)  # "SuperCLUE-12月测评": the month is no part of it
        word = _without_trailing_periods(word)  # "Credo FY2026Q2": the period is no part of it
        word = re.sub(r"\s(?:CEO|CFO|CTO|COO|VP)$", "", word)  # "OpenAI CEO": the company
        k = fold(word)
        if not _latin_is_name(word, k, generic, metric_words, english_words, text=text):
            continue
        if _MEDIA_AFTER.match(key, m.end()):
            continue  # "Hehson财经上市公司研究院": the outlet reporting, never a subject
        add(k, "latin", shown=word, also=(strip_corporate(k),))
    # CC-CEDICT's companies and brands the article names (an everyday word needs two mentions)
    named = dictionary_index.occurrences(key) if dictionary_index is not None else {}
    for zh, all_spans in named.items():
        latin, also_a_word = dictionary[zh]
        # a word of the text, not a piece of a longer one (新力 in 创新力 is no Sony)
        spans = [
            (a, b)
            for a, b in all_spans
            if not (a and key[a - 1].isdigit())  # 台北3日电: a dateline's day, not NEC (日电)
            and _is_word_at(key, a, b, dictionary)
        ]
        if not spans:
            continue
        if fold(latin) in english_words:
            continue  # 互联网 -> "Internet": a thing, not a company
        if _always_runs_on(key, spans):
            continue  # 银河 (the Milky Way) of 银河通用, written eleven times: a piece of a name
        if len(spans) >= 2 or not also_a_word:
            shown = " ".join(w for w in latin.split() if fold(w) not in CORPORATE_WORDS_LATIN) or latin
            others = tuple(fold(n) for n in (also_known_as or {}).get(zh, ()))
            entry = add(zh, "dictionary", shown=shown, also=(fold(latin), fold(shown), *_short_latin(latin), *others))
            if entry is not None:
                entry.zh = zh
    # 百川 and Baichuan: a Chinese word whose pinyin is a Latin name found above
    for zh, latin_key in _pinyin_names(key, [k for k in found if is_latin(k)]).items():
        if _is_generic(zh, generic, metric_words):
            continue
        entry = add(zh, "pinyin", shown=found[latin_key].name, also=(latin_key,))
        if entry is not None:
            entry.zh = zh
    # Oracle 甲骨文: a Chinese word written right beside a Latin name that CC-CEDICT glosses as it
    for zh, latin_key in _glossed_beside(key, [k for k in found if is_latin(k)], glosses or {}).items():
        if zh not in known and not _is_generic(zh, generic, metric_words):
            entry = add(zh, "gloss", shown=found[latin_key].name, also=(latin_key,))
            if entry is not None:
                entry.zh = zh
    # the subject the title, the lead and several sentences open on (寒武纪发布半年报…)
    for name in _subjects(key, title_end, generic, metric_words):
        add(name, "title")
    # the weakest reading, for names nothing else found: one sharing two characters with a name
    # found otherwise (科大讯飞 beside 讯飞星火) is that name, or its company or product
    held = {k for e in found.values() for k in e.keys if not is_latin(k)}
    for name in _openers(key, generic, metric_words, everyday):
        if not any(name[i : i + 2] in k for k in held for i in range(len(name) - 1)):
            add(name, "opener")
    found = _merge_corporate_forms(found)
    # the short form an article also uses: 阿里 for 阿里巴巴 ("以阿里为例"), its first two
    # characters written on their own too, when they are no everyday word (火山 of 火山引擎 is)
    # (not when another name found opens on them too: 奕斯 of 奕斯伟计算 and of 奕斯伟材料; but a
    # unit named after its parent, longer by a description, leaves the parent its short form:
    # 阿里 of 阿里巴巴 beside 阿里国际数字商业集团)
    all_keys = {k for e in found.values() for k in e.keys if not is_latin(k)}
    for entry in found.values():
        short = (entry.zh or "")[:2]
        if (
            entry.zh
            and len(entry.zh) >= 4
            and short not in everyday
            and short not in known
            and not _is_generic(short, generic, metric_words, key, cut_from_a_name=True)
            and not any(
                e is not entry and (e.zh or "").startswith(short) and len(e.zh or "") < len(entry.zh) + _UNIT_LONGER
                for e in found.values()
            )
            and _written_alone(key, short, all_keys)
        ):
            entry.keys.add(short)
    # 持有寒武纪 beside 寒武纪: a longer name ending on another, written less often, is that name
    # run into the words before it
    # 景硕今天 and 景硕说明 beside 景硕: one run into the time word or the speaking verb after it
    for k in [k for k in found if not is_latin(k)]:
        if any(k[i:] in found and key.count(k) < key.count(k[i:]) for i in range(1, len(k) - 1)) or any(
            k[:i] in found and key.count(k) < key.count(k[:i]) and (k[i:] in _RUNS_INTO or re.fullmatch(_SAYS, k[i:]))
            for i in range(2, len(k) - 1)
        ):
            del found[k]
    for k, entry in found.items():
        entry.count = max(key.count(s) for s in entry.keys | {k})
    return {k: e for k, e in found.items() if e.count >= 1 and not _only_structural_everyday(k, e, everyday)}


# a run of pinyin syllables (baichuan, zhipu): only such a Latin name can be a Chinese one's sound
_PINYIN = re.compile(
    r"(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|ai|ei|ao|ou|an|en|in|un|ia|ie|iu|ua|uo|ui|ue|er|a|o|e|i|u|v))+"
)
_SYLLABLES: dict[str, str] = {}  # a Chinese character's toneless pinyin, read once per process
_BY_SYLLABLE: dict[str, set[str]] = {}  # and the characters of each syllable


def _learn_syllables(text: str) -> None:
    new = set(text) - _SYLLABLES.keys()
    if not new:
        return
    from pypinyin import Style, lazy_pinyin

    for c in new:
        syllable = "".join(lazy_pinyin(c, style=Style.NORMAL, errors="ignore")) if CJK_RUN.match(c) else ""
        _SYLLABLES[c] = syllable
        if syllable:
            _BY_SYLLABLE.setdefault(syllable, set()).add(c)


def _glossed_beside(key: str, latin_keys: Iterable[str], glosses: dict[str, str]) -> dict[str, str]:
    """Return the Chinese words written right beside a Latin name (one space at most, either side)
    whose CC-CEDICT gloss (``glosses``: the word its first sense leads with) is that name, each
    with the name's key: "Oracle 甲骨文 (ORCL)" names one company twice, though 甲骨文 alone is the
    oracle-bone script."""
    out: dict[str, str] = {}
    for latin_key in latin_keys:
        if " " in latin_key or len(latin_key) < 5:
            continue
        name = re.escape(latin_key)
        after = re.finditer(rf"(?<![a-z]){name} ?([\u3400-\u9fff]{{2,4}})", key)
        before = re.finditer(rf"([\u3400-\u9fff]{{2,4}}) ?{name}(?![a-z])", key)
        runs = [m.group(1)[:n] for m in after for n in range(4, 1, -1)]
        runs += [m.group(1)[-n:] for m in before for n in range(4, 1, -1)]
        for zh in dict.fromkeys(r for r in runs if len(r) >= 2):
            if glosses.get(zh) == latin_key:
                out.setdefault(zh, latin_key)
                break
    return out


def _pinyin_names(key: str, latin_keys: Iterable[str]) -> dict[str, str]:
    """Return the Chinese words of the article whose pinyin is a Latin name it writes (百川 of
    百川智能 and "Baichuan raises $300 million"), each with that Latin name's key: the English
    name of a Chinese company is often its pinyin (Zhipu, Baichuan, Xiaomi)."""
    sounds = {k.replace(" ", ""): k for k in latin_keys if len(k.replace(" ", "")) >= 5}
    sounds = {sound: k for sound, k in sounds.items() if _PINYIN.fullmatch(sound)}  # not nvidia
    out: dict[str, str] = {}
    if not sounds:
        return out
    _learn_syllables(key)
    starts = {sound[:n] for sound in sounds for n in range(1, len(sound) + 1)}
    # only characters whose syllable can open one of the sounds are followed (a regex finds them)
    first = "".join(sorted(c for syllable in starts & _BY_SYLLABLE.keys() for c in _BY_SYLLABLE[syllable]))
    if not first:
        return out
    for m in re.finditer("[%s]" % re.escape(first), key):
        i = m.start()
        sound = _SYLLABLES[key[i]]
        for j in range(i + 1, min(i + 4, len(key))):
            syllable = _SYLLABLES[key[j]]
            if not syllable:
                break  # a name's sound never crosses what is not Chinese
            sound += syllable
            if sound not in starts:
                break
            if sound in sounds:
                out.setdefault(key[i : j + 1], sounds[sound])
    return out


def _merge_corporate_forms(found: dict[str, FoundName]) -> dict[str, FoundName]:
    """Make one name of the forms an article writes with and without corporate words (商汤科技,
    商汤; xAI Corp, xAI), keeping the Latin name one of them has."""
    by_core: dict[str, str] = {}
    out: dict[str, FoundName] = {}
    for k in sorted(found, key=len):
        entry = found[k]
        core = next((by_core[c] for s in entry.keys | {k} for c in _cores(s) if c in by_core), None)
        if core is None:
            out[k] = entry
            for s in entry.keys | {k}:
                for c in _cores(s):
                    by_core.setdefault(c, k)
            continue
        kept = out[core]
        kept.keys |= entry.keys | {k}
        kept.how |= entry.how
        kept.zh = kept.zh or entry.zh
        if is_latin(fold(kept.name)) is False and is_latin(fold(entry.name)):
            kept.name = entry.name  # the Latin name a dictionary or bracket gave
        for s in entry.keys | {k}:
            for c in _cores(s):
                by_core.setdefault(c, core)
    return out


def _cores(name: str) -> set[str]:
    # a name without its corporate words; Taiwan's X科 is X科技 cut short (聯發科, 長園科)
    cores = {strip_corporate(name)}
    if len(name) >= 3 and name.endswith("科") and CJK_RUN.fullmatch(name):
        cores.add(strip_corporate(name + "技"))
    return cores


_SURE_SOURCES = {"ticker", "bracket", "dictionary", "latin", "pinyin", "gloss"}


def _always_runs_on(key: str, spans: list[tuple[int, int]]) -> bool:
    """Tell whether a word written at ``spans`` is, every time, the start of the same longer
    run (银河 of 银河通用): then the article's name is the run, not the word. A corporate word
    after it (小米集团, 百度智能云) keeps the word the name."""
    after = {key[b : b + 2] for _, b in spans}
    if len(spans) < 2 or len(after) != 1:
        return False
    end = spans[0][1]
    return bool(CJK_RUN.fullmatch(next(iter(after)))) and not any(
        key.startswith(w, end) for w in _CORPORATE_ZH_LONGEST_FIRST
    )


def _only_structural_everyday(k: str, entry: FoundName, everyday: frozenset[str]) -> bool:
    # 设备集团, 许多公司: an everyday word before a corporate word is no name, unless something
    # surer (a stock code, a bracket, the dictionary) or two rules at once say it is
    return k in everyday and not (entry.how & _SURE_SOURCES) and len(entry.how) < 2


def _holds_known(name_key: str, known: dict[str, str]) -> bool:
    if is_latin(name_key):
        words = re.split(r"[\s\-]+", name_key)
        return any(
            " ".join(words[i:j]) in known or "-".join(words[i:j]) in known
            for i in range(len(words))
            for j in range(i + 1, len(words) + 1)
        )
    n = len(name_key)
    return any(name_key[i:j] in known for i in range(n) for j in range(i + 2, n + 1))


def _is_name_like(name: str, key: str) -> bool:
    # a structural rule's name must recur, or be written in full at least once beside its word
    return key.count(name) >= 2 or len(name) >= 3


# a word the period grammar reads whole (FY2026, FY2026Q2, 3Q24, H1), or a calendar year's
_CALENDAR_YEAR = re.compile(r"cy\s?'?(?:19|20)?\d\d")


def _left_over(k: str, spans: Iterable[tuple[int, int]]) -> str:
    """Return what ``k`` holds outside ``spans``, separators dropped."""
    rest = list(k)
    for start, end in spans:
        rest[start:end] = [" "] * (end - start)
    return re.sub(r"[\s\-']", "", "".join(rest))


def _is_period_word(k: str) -> bool:
    return bool(_CALENDAR_YEAR.fullmatch(k)) or not _left_over(k, ((n.start, n.end) for n in period_names(k)))


def _without_trailing_periods(word: str) -> str:
    parts = word.split(" ")
    while len(parts) > 1 and _is_period_word(fold(parts[-1])):
        parts.pop()
    return " ".join(parts)


def _latin_is_name(
    word: str,
    k: str,
    generic: set[str],
    metric_words: KeywordIndex,
    english_words: set[str],
    *,
    initials_of_a_company: bool = False,
    text: str | None = None,
) -> bool:
    if len(word) < 2 or k in generic or re.fullmatch(r"[\d.\s]+|[a-z]\d*", k) or _is_period_word(k):
        return False
    if re.fullmatch(r"[a-z]{1,5}[\-.](?:us|hk|tw|n|o)|v\d+(?:\.\d+)*", k):
        return False  # TSM-US: a ticker, which names what stands before it
    if word.isupper() and len(word) <= 3 and not initials_of_a_company:
        return False  # AI, ARR, EPS: abbreviations of terms far more often than names
    if k in _LATIN_PLACE_NAMES:
        return False  # "(Hong Kong)" after an investor's name: where it is, not who
    if any(s == 0 and e == len(k) for _, s, e in metric_words.spans(k)) or k.split()[0] in generic:
        return False  # capex, EBITDA: a metric's keyword glossed in brackets is a term
    if not _left_over(k, ((s, e) for _, s, e in metric_words.spans(k))):
        return False  # "Non-GAAP EPS": metric keywords only
    if " " not in k and k in english_words and not re.search(r"[A-Z]", word[1:]):
        # Will, Colossus: an English word, capitalised at a sentence's start; but Chinese has no
        # capitals of its own, so a word written capitalised in it again and again, and never
        # in lower case, is a name (Oracle 甲骨文, 使 Oracle 同時具備…)
        return text is not None and _capitalised_among_chinese(word, text)
    return True


def _capitalised_among_chinese(word: str, text: str) -> bool:
    alone = r"(?<![A-Za-z\-]){}(?![A-Za-z\-])"
    among_chinese = [
        m for m in re.finditer(alone.format(re.escape(word)), text)
        if CJK_RUN.search(text[max(0, m.start() - 2) : m.start()] + " " + text[m.end() : m.end() + 2])
    ]  # fmt: skip
    lower = re.search(alone.format(re.escape(word.lower())), text)
    return len(among_chinese) >= _MIN_CAPITALISED and lower is None


_LEAD_CHARS = 300  # how far an article's lead reaches, for a name that opens one of its clauses
# what a name runs into after it, in a Taiwan company's announcement: 景碩今天公布, 景碩說明
_RUNS_INTO = _OPENERS | {"说明", "宣布", "公告", "公布", "预估", "预计", "预期"}  # (and _SAYS)
_UNIT_LONGER = 3  # characters a unit's name adds to its parent's at least (阿里巴巴, 阿里国际数字商业集团)
_MIN_CAPITALISED = 3  # times a capitalised English word is written before it is read as a name


def _frequent_openings(key: str, starts: list[int], longest: int, fewest: int) -> list[str]:
    """Return the starts (two to ``longest`` characters) of the Chinese runs at ``starts`` that
    open ``fewest`` of them or more, each the longest opening that often: 寒武纪 (3), not 寒武 (3)
    nor 寒武纪发 (1)."""
    pieces = [run.group(0)[:longest] for s in starts if (run := CJK_RUN.match(key, s)) is not None]
    openings = Counter(piece[:size] for piece in pieces for size in range(2, len(piece) + 1))
    frequent = {p: n for p, n in openings.items() if n >= fewest}
    extended = {p[:-1] for p, n in frequent.items() if len(p) > 2 and frequent.get(p[:-1]) == n}
    return [p for p in frequent if p not in extended]


# the commonest surnames, which a three-character name speaking (陈庆文表示) opens on
_SURNAMES = frozenset("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金贾夏付方邹熊白孟秦邱侯江尹薛段雷黎史陶贺毛郝顾龚邵万钱戴严莫孔向常汤康易乔赖文")
_SAYS = "(?:表示|指出|说|认为|强调|透露|坦言|称|介绍|提到)"
_MIN_OPENINGS = 3  # sentences or clauses a name the title does not give must open
_MIN_MENTIONS = 4  # and times the article writes it


def _openers(key: str, generic: set[str], metric_words: KeywordIndex, everyday: frozenset[str]) -> list[str]:
    """Return the words no dictionary knows that open several sentences or clauses and recur:
    an article without a headline (a broker's note) still opens on its company again and again
    (聯鈞前三季累計EPS…, 。聯鈞帶來…, ，聯鈞有望…). The longest such start, two to four characters,
    cut where the segmenter ends a word."""
    out = []
    for prefix in _frequent_openings(key, [m.end() for m in _OPENING.finditer(key)], 4, _MIN_OPENINGS):
        if key.count(prefix) < _MIN_MENTIONS or prefix.startswith(_OPENING_WORDS) or _is_generic(prefix, generic, metric_words):
            continue
        if prefix in everyday or _holds_everyday_word(prefix, everyday):
            continue  # 目前, 公司表示: words, no name
        if not _ends_a_word(key, key.index(prefix), len(prefix)):
            continue
        if len(prefix) == 3 and prefix[0] in _SURNAMES and re.search(re.escape(prefix) + _SAYS, key):
            continue  # 陈庆文表示: a person speaking, not the company
        out.append(prefix)
    return out


def _subjects(key: str, title_end: int, generic: set[str], metric_words: KeywordIndex) -> list[str]:
    """Return the names the title or lead opens on that also open other sentences or clauses."""
    starts = [0] + [m.end() for m in _OPENING.finditer(key)]
    # only what a sentence or clause of the title or lead opens on can be the subject
    heads = {run.group(0)[:6] for s in starts if s < title_end and (run := CJK_RUN.match(key, s)) is not None}
    if not heads:
        return []
    firsts = {h[:2] for h in heads}
    head = key[: max(title_end, 0)]
    out = []
    for prefix in _frequent_openings(key, [s for s in starts if key[s : s + 2] in firsts], 6, _MIN_TITLE_OPENINGS):
        if prefix not in head or _is_generic(prefix, generic, metric_words) or key.count(prefix) < 3:
            continue
        if not _ends_a_word(key, key.index(prefix), len(prefix)):
            continue  # 环比增(长), 同比增(幅): a clause's opening words, cut inside a word
        out.append(prefix)
    return out
