"""Reading a question: what it names, before anything is searched.

``read_question(text, vocabulary)`` is a pure function of the question and the store's
vocabulary; it finds, in this order (longest first, each span read once):

1. entities by their exact aliases in any script (the lexicon's, and names the store found);
2. periods, with the grammar the articles are read with (``store.periods``): years, quarters,
   halves, nine months, fiscal periods and relative ones (去年, last quarter), which are kept as
   words and resolved against ``today`` only when a fact is compared;
3. metric keywords and glossary phrases, and words that ask for a forecast;
4. in the Latin words left: entity typos (rapidfuzz ``ratio``), metric typos, then English
   words the dictionary (CC-CEDICT) renders in Chinese;
5. in the Chinese runs left: pinyin homophones of entities (腾迅 -> 腾讯), then the words of
   the run (jieba), each a dictionary word (a *term*) or a name the store may hold.

Words that are not found anywhere in the store are kept apart: a name-like one (``R2``,
``GPT-9``) the store has never seen means the store cannot answer; an ordinary one is ignored.
"""

from __future__ import annotations

import bisect
import datetime
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from pypinyin import Style, lazy_pinyin
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from .lexicon import Lexicon
from .names import CORPORATE_WORDS_EN, CORPORATE_WORDS_LATIN, CORPORATE_WORDS_ZH
from .periods import WHOLE_YEAR, asked_periods
from .text import clean_text, fold
from .vocabulary import CJK_RUN, LATIN_WORD, AliasMatcher, boundary_ok, is_latin

MAX_QUESTION_CHARS = 500  # no question needs more; a button carrying it must fit Slack's 2,000
# zero-width characters (spaces, joiners, word joiner, BOM, soft hyphen) are removed, not turned
# into spaces: a zero-width joiner inside "Micro\u200dsoft" must not split it; other invisible
# controls (bidi overrides) separate words like a space
_ZERO_WIDTH = dict.fromkeys([0x00AD, 0x180E, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF])
_SLACK_MENTION = re.compile(r"<@[UWB][A-Z0-9]+(?:\|[^>]*)?>")
# a balance asked at a period's end: right after the period (三季度末, 季底, Q3 end), or in words
# (期末, end of Q3, as of, 余额)
_PERIOD_END_AFTER = re.compile(r"\s?(?:末|底|end(?![a-z]))")
_AT_PERIOD_END = re.compile(r"期末|(?<![a-z])(?:end of|as of|at the end)(?![a-z])|余额")
_FORECAST_WORDS = re.compile(
    r"预计|预期|预测|预估|指引|展望|财测|目标|guidance|forecast|outlook|expected|expects|target"
)


def clean_question(text: str) -> str:
    """Return a question ready for reading: annotations and invisible characters gone, odd
    Unicode folded (NFKC), Slack mentions dropped, whitespace collapsed, at most 500 characters.

    The one cleaner of questions: the Slack handlers and the search both use it."""
    text = unicodedata.normalize("NFKC", text or "").translate(_ZERO_WIDTH)
    text = "".join(c if unicodedata.category(c)[0] != "C" or c in "\n\t" else " " for c in text)
    text = _SLACK_MENTION.sub(" ", clean_text(text))
    return re.sub(r"\s+", " ", text).strip()[:MAX_QUESTION_CHARS].strip()


@dataclass
class Understanding:
    """What the search read in a question."""

    entities: list[str] = field(default_factory=list)  # named by an alias the store knows
    names: list[str] = field(default_factory=list)  # other names the store's text contains
    metrics: list[str] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)  # "2024", "Q3", "H1", "9M", "last year"
    terms: list[str] = field(default_factory=list)  # words to find in the sentence
    unknown: list[str] = field(default_factory=list)  # specific words (M6, DGX) that should appear
    keywords: list[str] = field(default_factory=list)  # the metric keywords as the question wrote them
    ignored: list[str] = field(default_factory=list)  # ordinary words that match nothing in the store
    missing: list[str] = field(default_factory=list)  # names no article of the store contains
    value_kinds: list[str] = field(default_factory=list)  # "share" asks for a percentage
    hint_words: list[str] = field(default_factory=list)  # the words that asked for it (环比, 占比)
    forecast: bool = False  # the question asks for guidance or a forecast
    whole_year: bool = False  # 全年, full-year: a part of the year (H1, Q3, 9M) does not answer
    at_period_end: bool = False  # 三季度末, end of Q3: a balance that day, as the nine months state it
    total: bool = False  # 总收入, total revenue: a business unit's figure does not answer
    rounds: list[str] = field(default_factory=list)  # funding rounds asked: "a", "b+", "pre-a", "天使"
    translations: dict[str, list[str]] = field(default_factory=dict)  # English term -> Chinese words
    today: str = field(default_factory=lambda: datetime.date.today().isoformat())  # what "last year" counts from

    def describe(self) -> str:
        """One line: what was understood, for "not found" replies and ``--explain``."""
        parts = []
        if self.entities or self.names:
            parts.append("entity " + ", ".join([*self.entities, *self.names]))
        if self.metrics:
            parts.append("metric " + ", ".join(self.metrics))
        if self.periods:
            parts.append("period " + ", ".join(self.periods))
        if self.terms or self.unknown:
            parts.append("words " + ", ".join([*self.terms, *self.unknown]))
        if self.missing:
            parts.append("not in any article: " + ", ".join(self.missing))
        return "; ".join(parts) or "nothing searchable"

    @property
    def searchable(self) -> bool:
        return bool(self.entities or self.names or self.metrics or self.terms or self.unknown or self.ignored)


@lru_cache(maxsize=4096)
def pinyin_of(s: str) -> str:
    """Return the toneless pinyin of ``s`` (homophones typed with pinyin input share it)."""
    return " ".join(lazy_pinyin(s, style=Style.NORMAL, errors="ignore"))


@dataclass
class QuestionVocabulary:
    """What a question is read against: a store's aliases, keywords, glossary and dictionary."""

    aliases: AliasMatcher
    latin_aliases: dict[str, str]  # Latin aliases long enough for typo matching -> entity
    pinyin_aliases: dict[str, list[tuple[str, str]]]  # pinyin -> (alias, entity)
    metric_keywords: dict[str, str]  # folded keyword -> metric
    glossary: dict[str, list[str]]  # English (or Chinese) term -> the Chinese words for it
    stopwords: set[str]
    value_hints: dict[str, str]  # word -> the kind of figure it asks for
    english: Callable[[str], list[str]] = lambda word: []  # CC-CEDICT, limited to the store
    occurs: Callable[[str], bool] = lambda word: False  # does any fact of the store contain it
    segment: Callable[[str], list[str]] = lambda run: [run]  # Chinese words of a run (jieba)
    is_word: Callable[[str], bool] = lambda word: False  # a dictionary word rather than a name
    is_english: Callable[[str], bool] = lambda word: False  # an ordinary English word (CC-CEDICT)
    # does the store write this dictionary word only as the opening of that entity's name
    only_in_name: Callable[[str, str], bool] = lambda word, entity: False
    known_latin: set[str] = field(default_factory=set)  # Latin words in the store's text
    metric_excludes: set[str] = field(default_factory=set)  # longer words holding a keyword (撇除税项)
    # metric -> (the metric it becomes, with any of these words in the question) (MetricDef)
    metric_shifts: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    # metric -> its keywords that name the thing counted (MetricDef.things)
    metric_things: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def from_lexicon(cls, lexicon: Lexicon, **lookups: Any) -> QuestionVocabulary:
        """Return the vocabulary of a lexicon alone (no store): for tests and tools."""
        pairs = lexicon.alias_pairs()
        pinyin: dict[str, list[tuple[str, str]]] = {}
        for alias, name in pairs:
            if CJK_RUN.fullmatch(alias) and len(alias) >= 2:
                pinyin.setdefault(pinyin_of(alias), []).append((alias, name))
        return cls(
            aliases=AliasMatcher(pairs),
            latin_aliases={a: n for a, n in pairs if is_latin(a) and len(a) >= 4},
            pinyin_aliases=pinyin,
            metric_keywords={kw: m.name for m in lexicon.metrics.values() for kw in m.keywords},
            metric_excludes={w for m in lexicon.metrics.values() for w in m.exclude},
            metric_shifts={m.name: m.becomes_with for m in lexicon.metrics.values() if m.becomes_with},
            metric_things={m.name: set(m.things) for m in lexicon.metrics.values() if m.things},
            glossary=lexicon.glossary,
            stopwords=lexicon.stopwords,
            value_hints=lexicon.value_hints,
            **lookups,
        )

    def __post_init__(self) -> None:
        self._phrases = sorted(
            [
                *self.metric_keywords.items(),
                *((g, "") for g in self.glossary if g not in self.metric_keywords),
            ],
            key=lambda p: -len(p[0]),
        )
        self._latin_keywords = {k: m for k, m in self.metric_keywords.items() if is_latin(k)}
        self._latin_phrases = {a: n for a, n in self.latin_aliases.items() if " " in a}
        self._chinese_aliases = sorted({pair for pairs in self.pinyin_aliases.values() for pair in pairs})

    def abbreviated(self, word: str) -> str | None:
        """Return the one entity whose Chinese aliases ``word`` opens (中芯 of 中芯国际), or None
        when it opens none or several entities' (阿里 of 阿里巴巴 and 阿里云)."""
        i = bisect.bisect_left(self._chinese_aliases, (word, ""))
        found = set()
        while i < len(self._chinese_aliases) and self._chinese_aliases[i][0].startswith(word):
            found.add(self._chinese_aliases[i][1])
            i += 1
        return found.pop() if len(found) == 1 else None


def read_question(text: str, vocab: QuestionVocabulary, today: datetime.date | None = None) -> Understanding:
    """Return what a question names (see the module docstring for the order of reading).

    A question that is empty once cleaned names nothing (``searchable`` is false). ``today``
    (the real date when None) is what its relative periods (去年, last quarter) count from.
    """
    raw = clean_question(text)
    if not raw:
        return Understanding(today=(today or datetime.date.today()).isoformat())
    q = fold(raw)
    u = Understanding(today=(today or datetime.date.today()).isoformat())
    u.value_kinds = _value_kinds(q, vocab.value_hints)
    u.forecast = bool(_FORECAST_WORDS.search(q))
    # the words of a hint are no words to find: 占比, 数量, "how long" (a Latin hint of one word,
    # "share", may be a keyword's too)
    hint_spans = [
        (m.start(), m.end())
        for word in vocab.value_hints
        if not is_latin(word) or " " in word
        for m in re.finditer(re.escape(word) if not is_latin(word) else rf"(?<!\w){re.escape(word)}(?!\w)", q)
    ]
    # capitalised words as the asker typed them: a name, whether or not we know it
    capitalised = {
        w.lower() for w in re.findall(r"\b[A-Z][A-Za-z0-9]*[A-Z0-9][A-Za-z0-9]*|\b[A-Z][a-z]+", raw)
    }
    covered = [False] * len(q)
    entity_cover = [False] * len(q)

    def cover(a: int, b: int, entity: bool = False) -> None:
        for i in range(a, b):
            covered[i] = True
            if entity:
                entity_cover[i] = True

    def unread() -> str:
        # the question with what is read so far blanked out, every other character in its place
        return "".join(" " if covered[i] else c for i, c in enumerate(q))

    # 1. entities named exactly (longest alias first)
    name_ends = []
    for mention in vocab.aliases.find(q):
        if mention.entity not in u.entities:
            u.entities.append(mention.entity)
        cover(mention.start, mention.end, entity=True)
        name_ends.append(mention.end)
    # 2. periods, as the articles' periods are read (store.periods: one grammar for both), before
    # the glossary would take "quarter" or "year" of "last quarter" as words
    for start, end, atoms in asked_periods(unread()):
        u.periods.extend(a for a in atoms if a not in u.periods)
        if u.entities or not all(a.startswith("M") for a in atoms):
            cover(start, end)
        if closing := _PERIOD_END_AFTER.match(q, end):
            # 三季度末, Q3 end: the period's end is asked (a balance that day), no word to find
            u.at_period_end = True
            cover(end, closing.end())
        # else a month stays a word too: with no name to hold on to, "3月营收" is how the
        # sentence that answers writes it
    # "2024年全年", "full-year 2024": the whole year (the words stay words: the sentence that
    # answers often writes 全年 too)
    u.whole_year = bool(WHOLE_YEAR.search(q))
    u.at_period_end = u.at_period_end or bool(_AT_PERIOD_END.search(q))
    u.total = bool(_ASKS_TOTAL.search(q))
    u.rounds = funding_rounds(q)
    # 3. metric keywords and glossary phrases, longest first ("bar exam" before "exam"); a word
    # a metric excludes (撇除税项 holds 税项, 投资人 投资) is a word of the question, not the metric
    for word in sorted(vocab.metric_excludes, key=len, reverse=True):
        if word not in q or word in vocab.metric_keywords:
            continue  # 每股收益 is no revenue (收益), but it is EPS's own keyword
        longer = [k for k in vocab.metric_keywords if len(k) > len(word) and word in k]
        for m in re.finditer(re.escape(word), q):
            if any(covered[m.start() : m.end()]):
                continue
            if any(
                p <= m.start() and m.end() <= p + len(k)
                for k in longer
                for p in range(max(0, m.end() - len(k)), m.start() + 1)
                if q.startswith(k, p)
            ):
                continue  # inside a longer keyword: 每股稅後純益 is EPS, its 稅後 no exclusion
            u.terms.append(word)
            cover(m.start(), m.end())
    keyword_spans: list[tuple[int, int]] = []
    asked_at: dict[str, bool] = {}  # metric -> whether one of its keywords asks for it
    for phrase, metric in vocab._phrases:
        start = 0
        while (pos := q.find(phrase, start)) >= 0:
            start = pos + 1
            end = pos + len(phrase)
            if any(covered[pos:end]) or (is_latin(phrase) and not boundary_ok(q, pos, end)):
                continue
            # 算力业务: a business line's name, not the compute it measures
            if metric and not _BUSINESS_LINE.match(q, end):
                if metric not in u.metrics:
                    u.metrics.append(metric)
                # "D轮融资后 估值": a keyword before 后 (after) says when, the other metric is asked
                asked_at[metric] = asked_at.get(metric, False) or not _WHEN_AFTER.match(q, end)
                u.keywords.append(phrase)
                keyword_spans.append((pos, end))
                if phrase in vocab.glossary:
                    u.terms.append(phrase)  # "sales": the metric, and the words 销售额 too
            else:
                u.terms.append(phrase)
                # "cloud revenue": a glossary phrase that ends on a metric's keyword asks for
                # that metric too (the lexicon's 阿里云 is not there to say so without it)
                last = phrase.rsplit(" ", 1)[-1]
                inner = vocab.metric_keywords.get(last) if " " in phrase else None
                # (its Chinese words hold that metric's keyword too: 云 收入, not 开盘价)
                said = any(vocab.metric_keywords.get(w) == inner for w in vocab.glossary.get(phrase, ()))
                if inner and said and inner not in u.metrics and not _BUSINESS_LINE.match(q, end):
                    u.metrics.append(inner)
                    asked_at[inner] = asked_at.get(inner, False) or not _WHEN_AFTER.match(q, end)
                    u.keywords.append(last)
            cover(pos, end)
    if any(asked_at.values()):
        for metric, asked in asked_at.items():
            if not asked:
                u.metrics.remove(metric)
    # value hints left (数量, 占比, 环比): the kind of figure asked for, not words to find; inside
    # a keyword (参数量) they are part of it
    for a, b in hint_spans:
        if not any(covered[a:b]):
            cover(a, b)
            u.hint_words.append(q[a:b])
    # a name typed by its sound and glued to a keyword (腾迅营收, 英为达收入) is the name: read
    # before the keyword's run below would take it in as one term
    if keyword_spans:
        for m in CJK_RUN.finditer(unread()):
            read = _homophones(m.group(0), vocab, u)
            for i, c in enumerate(read):
                if c == " ":
                    cover(m.start() + i, m.start() + i + 1, entity=True)
    # a Chinese metric keyword inside a longer run ("中国市场") also stays a term as a whole
    for a, b in keyword_spans:
        if is_latin(q[a:b]):
            continue
        lo, hi = a, b
        while lo > 0 and CJK_RUN.match(q[lo - 1]) and not entity_cover[lo - 1] and not covered[lo - 1]:
            lo -= 1
        while hi < len(q) and CJK_RUN.match(q[hi]) and not entity_cover[hi] and not covered[hi]:
            hi += 1
        # but not over a question word glued to it (市场预测多少): the run is what a fact writes
        lo, hi = _without_stopword_edges(q, lo, a, b, hi, vocab.stopwords)
        if (lo, hi) != (a, b):
            cover(lo, hi)
            u.terms.append(q[lo:hi])
    # "Baichuan Intelligence", "Hygon Information Technology", 百川智能: corporate words after a
    # name the store holds are the rest of that name, not words a fact must hold
    for end in name_ends:
        while (
            after := _CORPORATE_AFTER.match(q, end) or _CORPORATE_AFTER_ZH.match(q, end)
        ) and not any(covered[after.start(1) : after.end(1)]):
            cover(after.start(1), after.end(1), entity=True)
            end = after.end(1)
    rest = unread()
    # a name of several Latin words, misspelt or with its plural (Moore Threds, Moore Threads)
    rest = _latin_phrases(rest, vocab, u)
    # "Hai Robotics", "Hygon Information": corporate words after a capitalised name the store
    # does not hold are that name's too, not words to find in any company's sentences (机器人)
    rest = _CAPITALISED_THEN_CORPORATE.sub(
        lambda m: m.group(1) + " " * len(m.group(2)) if m.group(1) in capitalised else m.group(0), rest
    )
    # 4. Latin words left
    for m in LATIN_WORD.finditer(rest):
        _read_latin(m.group(0), vocab, u, capitalised)
    # 5. Chinese runs left
    for m in CJK_RUN.finditer(rest):
        _read_chinese(m.group(0), vocab, u)
    _shift_metrics(q, vocab, u)
    _things_not_counts(vocab, u)
    return u


# the whole company's figure, asked in so many words: 总收入, 整体营收, total revenue
_ASKS_TOTAL = re.compile(
    r"(?:总|整体|合计|合并)(?:营业收入|营收|收入|销售额|净利润|净利|利润)"
    r"|(?<![a-z])(?:total|overall|consolidated|group-wide)\s(?:revenue|sales|net profit|profit|income)"
)

_LATIN_CORPORATE = "|".join(re.escape(w) for w in sorted({*CORPORATE_WORDS_LATIN, *CORPORATE_WORDS_EN}, key=len, reverse=True))
_CAPITALISED_THEN_CORPORATE = re.compile(r"\b([a-z][a-z0-9]*)((?: (?:%s))+)\b" % _LATIN_CORPORATE)
# 百川智能 when the store knows 百川: the corporate word glued to the name is the rest of it
_CORPORATE_AFTER_ZH = re.compile("(%s)" % "|".join(sorted(CORPORATE_WORDS_ZH, key=len, reverse=True)))
_CORPORATE_AFTER = re.compile(r"[ -]?(%s)\b" % _LATIN_CORPORATE)


# a funding round: A轮, B+轮, Pre-A轮, 天使轮, series B (folded: lower case, 輪 as 轮)
_ROUND = re.compile(
    r"(?<![a-z])[“\"「]?(pre-?[a-f]\+*|[a-f]\+*|天使\+*|种子\+*|战略)[”\"」]?\s?轮|(天使|种子)(?=融资|投资)"
    r"|(?<![a-z])series\s(pre-?[a-f]\+*|[a-f]\+*)(?![a-z])"
    r"|(?<![a-z])(angel\+*|seed\+*)\s?(?:round|funding|financing)"
)
_ROUND_IN_ENGLISH = {"angel": "天使", "seed": "种子"}


def funding_rounds(key: str) -> list[str]:
    """Return the funding rounds a folded text names (B + 轮 as "b+", “天使++”轮 and angel++
    round as 天使++), in order, once each."""
    found = (
        m[1] or m[2] or m[3] or m[4] for m in _ROUND.finditer(re.sub(r"(?<=[a-z+])\s+(?=[+轮])", "", key))
    )
    return list(dict.fromkeys(_round_name(r.replace("-", "")) for r in found))


def _round_name(written: str) -> str:
    # angel++ -> 天使++: the round's name in Chinese, its pluses kept
    base = written.rstrip("+")
    return _ROUND_IN_ENGLISH.get(base, base) + written[len(base) :]


def _shift_metrics(q: str, vocab: QuestionVocabulary, u: Understanding) -> None:
    # "How much did MetaX raise in its IPO?", "沐曦 上市 融资": the funding word asks what the
    # listing raised (the lexicon's becomes_with)
    for i, metric in enumerate(u.metrics):
        for other, words in vocab.metric_shifts.get(metric, {}).items():
            if any(_says(q, w) and not _BEFORE_OR_AFTER.search(q, 0, q.find(w)) for w in words):
                u.metrics[i] = other
                break
    u.metrics[:] = list(dict.fromkeys(u.metrics))


def _things_not_counts(vocab: QuestionVocabulary, u: Understanding) -> None:
    # "砺算 7G100 显卡 售价": the card's price, not how many cards; its word stays a word to find
    if len(u.metrics) < 2 or "count" in u.value_kinds:
        return
    for metric, things in vocab.metric_things.items():
        said = [k for k in u.keywords if vocab.metric_keywords.get(k) == metric]
        if metric in u.metrics and said and all(k in things for k in said):
            u.metrics.remove(metric)
            u.terms.extend(k for k in said if k not in u.terms)


# "funding raised before IPO", "pre-IPO", "上市前": the listing says when, the funding is no IPO's
_BEFORE_OR_AFTER = re.compile(r"(?:\bbefore|\bafter|\bpre|\bpost)[\s-]?$")


def _says(q: str, word: str) -> bool:
    if not is_latin(word):
        return word in q
    return any(boundary_ok(q, m.start(), m.end()) for m in re.finditer(re.escape(word), q))


_LATIN_PHRASE = re.compile(r"[a-z][a-z0-9]*(?: [a-z][a-z0-9]*){1,2}")


def _latin_phrases(rest: str, vocab: QuestionVocabulary, u: Understanding) -> str:
    phrases = vocab._latin_phrases
    if not phrases:
        return rest
    for m in list(_LATIN_PHRASE.finditer(rest)):
        words = m.group(0).split()
        for size in (3, 2):
            for i in range(len(words) - size + 1):
                piece = " ".join(words[i : i + size])
                if all(vocab.is_english(w) for w in words[i : i + size]) and piece not in phrases:
                    continue  # "market share": ordinary words, unless a name spells them
                hit = process.extractOne(piece, phrases.keys(), scorer=fuzz.ratio, score_cutoff=88)
                if hit:
                    if phrases[hit[0]] not in u.entities:
                        u.entities.append(phrases[hit[0]])
                    rest = rest.replace(piece, " " * len(piece), 1)
    return rest


def _value_kinds(q: str, hints: dict[str, str]) -> list[str]:
    """Return the kinds of figure the question's words ask for, longest hint first: "price per
    share" asks for money, not the percentage "share" alone asks for."""
    taken = [False] * len(q)
    kinds: list[str] = []
    for word in sorted(hints, key=len, reverse=True):
        # a Latin hint stands as a word: "% of" as much as "share" (\b would need a letter by the %)
        pattern = rf"(?<!\w){re.escape(word)}(?!\w)" if is_latin(word) else re.escape(word)
        for m in re.finditer(pattern, q):
            if any(taken[m.start() : m.end()]):
                continue
            taken[m.start() : m.end()] = [True] * (m.end() - m.start())
            if hints[word] and hints[word] not in kinds:
                kinds.append(hints[word])
    return kinds


def _read_latin(word: str, vocab: QuestionVocabulary, u: Understanding, capitalised: set[str]) -> None:
    # a name or a model code: typed capitalised (LMArena, OC-9), or letters and digits (r2, 910b)
    name_like = (
        word in capitalised
        or re.split(r"[.\-+]", word)[0] in capitalised
        or bool(re.search(r"[a-z]", word) and re.search(r"\d", word))
    )
    if word in vocab.stopwords or (len(word) <= 1 and not word.isdigit()):
        return
    # a Latin typo of an entity (Microsfot) or of a metric keyword (revenu); an English word is
    # what it says (metal is no typo of Meta, phones none of iPhone, close none of lose)
    english = vocab.is_english(word)
    for table, shortest, cutoff, found in (
        (vocab.latin_aliases if not english else {}, 4, 80, u.entities),
        (vocab._latin_keywords if not english else {}, 5, 86, u.metrics),
    ):
        hit = (
            process.extractOne(word, table.keys(), scorer=fuzz.ratio, score_cutoff=cutoff)
            if len(word) >= shortest and table
            else None
        )
        if hit is None and len(word) >= 4 and table and not english:
            # two letters swapped (tscm, TSMC) or one wrong in a short name: one edit, counting a
            # transposition as one, which ratio counts as two
            hit = process.extractOne(word, table.keys(), scorer=OSA.distance, score_cutoff=1)  # type: ignore[call-overload]
        if hit:
            if table[hit[0]] not in found:
                found.append(table[hit[0]])
            return
    if re.fullmatch(r"\d+(?:\.\d+)?", word):
        u.terms.append(word)
        return
    if word in vocab.known_latin or vocab.occurs(word):
        u.unknown.append(word)  # a specific term (M6, DGX) or a name the store's text holds
        return
    translated = vocab.english(word)
    if translated:
        u.terms.append(word)
        u.translations[word] = translated
    elif name_like and re.search(r"\d", word):
        u.missing.append(word)  # a model code no article contains (R2, GPT-9): the store cannot answer
    else:
        u.ignored.append(word)  # an ordinary word the store has no Chinese for


def _read_chinese(run: str, vocab: QuestionVocabulary, u: Understanding) -> None:
    run = _homophones(run, vocab, u)
    for chunk in run.split():
        if funding_rounds(chunk) and len(chunk) <= 4:
            u.terms.append(chunk)  # 天使轮, B轮: a round of funding, however rare a word
            continue
        if 2 <= len(chunk) <= 8 and not vocab.is_word(chunk) and vocab.occurs(chunk):
            lead = _leading_word(chunk, vocab)
            if lead:
                # 收购德晋昌: a verb glued to the name it acts on is a word, and the name after it
                u.terms.append(lead)
                chunk = chunk[len(lead) :]
            _read_name(chunk, vocab, u)  # 摩尔线程, 飞星一号: a name an article holds, kept whole
            continue
        for word in vocab.segment(chunk):
            if word in vocab.stopwords or not word.strip():
                continue
            word = "".join(c for c in word if c not in vocab.stopwords) if len(word) > 1 else word
            if not word or word in vocab.stopwords:
                continue  # 是多少 without 是 is 多少, a question word too
            if len(word) >= 2 and not vocab.is_word(word) and vocab.occurs(word):
                _read_name(word, vocab, u)  # 摩尔线程, 飞星一号: a name an article holds
            elif len(word) >= 2 and (short_for := _short_for(word, vocab)):
                if short_for not in u.entities:
                    u.entities.append(short_for)
            else:
                u.terms.append(word)
    # words jieba split off a name stay one term when the store holds them together
    merged: list[str] = []
    for t in u.terms:
        if merged and not is_latin(t) and not is_latin(merged[-1]) and len(merged[-1]) == 1 and len(t) == 1:
            merged[-1] += t
        else:
            merged.append(t)
    u.terms = merged


# after or before a metric's keyword, it says when: 融资后 估值 (the valuation after the round)
_WHEN_AFTER = re.compile(r"\s?(?:之后|以后|后|之前|以前|前)(?![三两一二四五六七八九十\d])")
# after a metric's keyword, the words that make it the name of a business line (AI算力业务 收入)
_BUSINESS_LINE = re.compile(r"(?:及?相关)?(?:业务|板块|分部|事业部|事业群)")


def _without_stopword_edges(q: str, lo: int, a: int, b: int, hi: int, stopwords: set[str]) -> tuple[int, int]:
    """Return ``lo, hi`` moved back towards the keyword ``q[a:b]`` past question words and
    particles at either edge (not 年 or 有, which end words: 今年, 拥有)."""
    edges = [w for w in stopwords if len(w) >= 2 or w in "的了吗呢是"]
    moved = True
    while moved:
        moved = False
        for w in edges:
            if len(w) <= hi - b and q.endswith(w, b, hi):
                hi, moved = hi - len(w), True
            if len(w) <= a - lo and q.startswith(w, lo, a):
                lo, moved = lo + len(w), True
    return lo, hi


def _short_for(word: str, vocab: QuestionVocabulary) -> str | None:
    """Return the one entity a dictionary word is short for, or None.

    百川 is a word (a hundred rivers), but when it opens one entity's name only (百川智能) and
    the store never writes it except as that name's opening, the asker means the company."""
    entity = vocab.abbreviated(word)
    return entity if entity is not None and vocab.only_in_name(word, entity) else None


def _leading_word(chunk: str, vocab: QuestionVocabulary) -> str | None:
    """Return the dictionary word a chunk read as a name opens on, when the rest of it is a
    name the store holds too (收购 of 收购德晋昌), else None."""
    words = vocab.segment(chunk)
    if len(words) < 2 or len(words[0]) < 2 or not vocab.is_word(words[0]) or vocab.abbreviated(chunk):
        return None
    rest = chunk[len(words[0]) :]
    return words[0] if len(rest) >= 2 and not vocab.is_word(rest) and vocab.occurs(rest) else None


def _read_name(word: str, vocab: QuestionVocabulary, u: Understanding) -> None:
    # a name the store holds; the one entity it abbreviates when it opens only that one's aliases
    entity = vocab.abbreviated(word)
    if entity is None:
        u.names.append(word)
    elif entity not in u.entities:
        u.entities.append(entity)  # 中芯 of 中芯国际


def _homophones(run: str, vocab: QuestionVocabulary, u: Understanding) -> str:
    # Pinyin input picks the wrong character of the right sound: 腾迅 for 腾讯.
    i = 0
    out = run
    while i < len(run):
        for size in (4, 3, 2):
            piece = run[i : i + size]
            if len(piece) < size or vocab.occurs(piece):
                continue  # a word the articles write as it is (大模 of 大模型) is read as written
            # same sound, and at least half the characters right: 腾迅 is 腾讯, 统一 is not 通义
            name = next(
                (
                    n
                    for alias, n in vocab.pinyin_aliases.get(pinyin_of(piece), ())
                    if 2 * sum(a == b for a, b in zip(alias, piece, strict=False)) >= len(alias)
                ),
                None,
            )
            if name:
                if name not in u.entities:
                    u.entities.append(name)
                out = out.replace(piece, " " * size)  # keeps every other character's place
                i += size - 1
                break
        i += 1
    return out
