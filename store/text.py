"""Cleaning, folding and splitting of article text.

Three jobs, kept apart because each has its own contract:

* ``clean_text`` removes debris that is *not* part of the article (flattened pinyin
  annotations such as ``發(fā)布``); quotes are cut from its output verbatim.
* ``fold`` builds a *match key* of exactly the same length as its input
  (Traditional -> Simplified, full width -> half width, lower case), so an offset
  found in the key is the same offset in the cleaned text.
* ``find_mojibake`` and ``split_sentences`` find the spans that may be quoted.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import opencc


def scanned_from(first: str, pattern: str) -> re.Pattern[str]:
    """Compile ``pattern`` behind a lookahead of ``first``, the characters (a regex character
    class's contents) every one of its matches starts with.

    A pattern that opens on a lookbehind, an optional part or an alternation is tried in full at
    every position of a text; with the lookahead the scanner passes over the rest (a sentence is
    mostly characters no figure or period starts with), matching exactly the same, 3-4x faster.
    ``tests/store/test_text.py`` checks each such pattern against its plain form on every article.
    """
    compiled = re.compile(f"(?=[{first}])(?:{pattern})")
    SCANNED.append((compiled, pattern))
    return compiled


SCANNED: list[tuple[re.Pattern[str], str]] = []  # every scanned_from pattern and its plain form

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_PINYIN_GROUP = re.compile(
    r"[(（](?P<syl>[a-zü%s]{1,7})[)）]" % _TONED,
)
# A pinyin group whose opening parenthesis was eaten by mojibake: `因?yàn)`.
_ORPHAN_PINYIN = re.compile(r"\?(?P<syl>[a-zü%s]{1,7})[)）]" % _TONED)


def _strip_tones(syllable: str) -> str:
    decomposed = unicodedata.normalize("NFD", syllable)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ü", "v")


@lru_cache(maxsize=1)
def _legal_syllables() -> frozenset[str]:
    # Every reading pypinyin knows, without tones: the closed set of Mandarin syllables.
    from pypinyin.pinyin_dict import pinyin_dict

    syllables = set()
    for readings in pinyin_dict.values():
        for reading in readings.split(","):
            syllables.add(_strip_tones(reading))
    return frozenset(syllables)


def _is_annotation(group: str) -> bool:
    return any(c in _TONED for c in group) and _strip_tones(group) in _legal_syllables()


def clean_text(text: str) -> str:
    """Return the article text without flattened pinyin annotations (``發(fā)布`` -> ``發布``).

    A parenthesised group is removed only when it carries a tone mark *and* is a legal
    Mandarin syllable once the marks are stripped, so ``(Amy Hood)``, ``(17 級)`` and
    ``(EBITDA)`` stay. Line endings are normalised to ``\\n`` and a BOM is dropped.
    """
    return clean_text_mapped(text)[0]


_DROPPED = re.compile(r"\r(?=\n)|^\ufeff")


def clean_text_mapped(raw: str) -> tuple[str, list[int]]:
    """Return ``clean_text(raw)`` and, for every offset of it (one past the end included),
    the code-point offset in ``raw`` it came from, so a quote's span is also a span of the file.
    """
    pieces: list[str] = []
    origin: list[int] = []
    cursor = 0
    removals = [(m.start(), m.end(), "") for m in _DROPPED.finditer(raw)]
    removals += [(m.start(), m.start() + 1, "\n") for m in re.finditer(r"\r(?!\n)", raw)]
    removals += [
        (m.start(), m.end(), "") for m in _PINYIN_GROUP.finditer(raw) if _is_annotation(m.group("syl"))
    ]
    for start, end, replacement in sorted(removals):
        if start < cursor:
            continue
        pieces.append(raw[cursor:start])
        origin.extend(range(cursor, start))
        pieces.append(replacement)
        origin.extend([start] * len(replacement))
        cursor = end
    pieces.append(raw[cursor:])
    origin.extend(range(cursor, len(raw)))
    origin.append(len(raw))
    return "".join(pieces), origin


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


# full-width forms, the ideographic space, and the small forms a Hong Kong page may write its
# punctuation and decimal points with ("102﹒75亿元")
_WIDTH = (
    {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
    | {0x3000: 0x20}
    | {ord(small): ord(plain) for small, plain in zip("﹐﹑﹒﹔﹕﹖﹗﹙﹚", ",、.;:?!()", strict=True)}
)


def _fold_char_width(text: str) -> str:
    return text.translate(_WIDTH)


# Regional and variant spellings folded in the key: only pairs of equal length, so
# offsets survive. Longer or shorter variants belong in the lexicon as aliases.
_KEY_VARIANTS = str.maketrans({"著": "着", "臺": "台", "於": "于", "裏": "里", "羣": "群", "綫": "线"})


def fold(text: str) -> str:
    """Return the match key of ``text``: Simplified, half width, lower case, same length.

    >>> fold("微軟資本支出ＡＩ")
    '微软资本支出ai'
    """
    if not text:
        return text
    if len(text) <= 32:
        return _fold_short(text)
    return _fold(text)


@lru_cache(maxsize=65536)
def _fold_short(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    converted = _t2s().convert(text)
    if len(converted) != len(text):  # never observed; keep offsets honest if it happens
        converted = "".join(_t2s().convert(ch) or ch for ch in text)
        if len(converted) != len(text):
            converted = text
    key = _fold_char_width(converted).translate(_KEY_VARIANTS).lower()
    # str.lower can change length for a few exotic letters (e.g. 'İ'); fall back per char.
    if len(key) != len(text):
        key = "".join((c.lower() if len(c.lower()) == 1 else c) for c in _fold_char_width(converted))
    return key


# --- mojibake -----------------------------------------------------------------------

_CLAUSE_DELIMS = set(",，;；:：。!！?？\n")
_SENTENCE_PUNCT_AFTER_QMARK = set("!！。,，;；")
_HTML_RESIDUE = re.compile(r"</?[a-z]{1,6}>|/[a-z]{1,3}>")


_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
# U+FFFD, private use, C1 controls; an ASCII '?' glued to Chinese sentence punctuation is a lost
# byte, not a question (after a Chinese character, or before 。，；！)
_STRONG_CHAR = re.compile(
    rf"[\ufffd\ue000-\uf8ff\x80-\x9f]|(?<=[{_CJK}])\?(?=[!！。,，;；])|\?(?=[。，；！])"
)
# a character outside the scripts and symbols the articles use, or a lone capital between two
# Chinese characters
_WEAK_CHAR = re.compile(
    "[^\u0000-\u024f\u2000-\u206f\u2100-\u22ff\u2460-\u24ff\u2500-\u27bf\u3000-\u30ff"
    f"{_CJK}\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U0001f000-\U0001faff]"
    rf"|(?<=[{_CJK}])[A-Z](?=[{_CJK}])"
)


def _strong_signals(text: str) -> list[int]:
    hits = [m.start() for m in _STRONG_CHAR.finditer(text)]
    hits.extend(m.start() for m in _ORPHAN_PINYIN.finditer(text) if _is_annotation(m.group("syl")))
    hits.extend(m.start() for m in _HTML_RESIDUE.finditer(text))
    return hits


def _weak_signals(text: str) -> list[int]:
    return [m.start() for m in _WEAK_CHAR.finditer(text)]


def find_mojibake(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` spans of ``text`` damaged by mis-decoding, never to be quoted.

    A span starts at a signal (U+FFFD, private-use or C1 characters, ``?`` glued to Chinese
    punctuation, a pinyin group whose ``(`` was eaten, HTML residue; or two weaker signals
    within three characters) and runs to the next clause delimiter, since the damage eats
    the characters after it, punctuation included.
    """
    starts = set(_strong_signals(text))
    weak = sorted(_weak_signals(text))
    for a, b in zip(weak, weak[1:], strict=False):
        if b - a <= 3:
            starts.update((a, b))
    spans: list[tuple[int, int]] = []
    for start in sorted(starts):
        end = start + 1
        while end < len(text) and (text[end] not in _CLAUSE_DELIMS or end <= start + 1):
            end += 1
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


# --- sentences ----------------------------------------------------------------------

_SENTENCE_END = set("。!！?？")
_CLOSERS = set("”’」』\"')）】")
_OPEN_QUOTES = {"“": "”", "「": "」", "『": "』"}


@dataclass(frozen=True)
class Span:
    """A piece of the cleaned text: ``text == source[start:end]``."""

    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[Span]:
    """Split cleaned article text into sentences, keeping quoted speech in one piece.

    Ends at ``。!?`` (ASCII and full width) plus any closing quotes, and at line breaks.
    Surrounding whitespace is trimmed from each span; empty spans are dropped.
    """
    spans: list[Span] = []
    start = 0
    open_quotes: list[str] = []
    i = 0
    n = len(text)

    def emit(a: int, b: int) -> None:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            spans.append(Span(a, b, text[a:b]))

    while i < n:
        ch = text[i]
        if ch == "\n":
            emit(start, i)
            start = i + 1
            open_quotes.clear()
        elif ch in _OPEN_QUOTES:
            open_quotes.append(_OPEN_QUOTES[ch])
        elif open_quotes and ch == open_quotes[-1]:
            open_quotes.pop()
            if not open_quotes and i > 0 and text[i - 1] in _SENTENCE_END:
                # “……。” closes the sentence together with the quotation
                emit(start, i + 1)
                start = i + 1
        elif ch in _SENTENCE_END and not open_quotes:
            j = i + 1
            while j < n and (text[j] in _SENTENCE_END or text[j] in _CLOSERS):
                j += 1
            emit(start, j)
            start = i = j
            continue
        elif ch == "[" and not open_quotes and (cited := _CITATION.match(text, i)):
            # "…下跌超35%,为同期六支新股中表现最差标的 [1] - 截至…": a research summary's items run
            # on in one line, each ending on its sources' numbers
            emit(start, cited.end())
            start = i = cited.end()
            continue
        i += 1
    emit(start, n)
    return spans


_CITATION = re.compile(r"(?:\[\d{1,2}\])+(?=\s|$)")


def clean_runs(sentence: Span, damaged: list[tuple[int, int]]) -> list[Span]:
    """Return the parts of ``sentence`` that overlap no damaged span, cut at clause borders.

    A part that would end mid-clause before the damage is cut back to the last clause
    delimiter, unless the damage replaced the sentence's own ending (``發展?!``).
    """
    a, b = sentence.start, sentence.end
    hits = [(s, e) for s, e in damaged if s < b and e > a]
    if not hits:
        return [sentence]
    text = sentence.text
    runs: list[Span] = []
    cursor = a
    for s, e in hits:
        if s > cursor:
            cut = s
            ends_sentence = (
                s + 1 < len(text) + a
                and text[s - a] == "?"
                and s + 1 - a < len(text)
                and text[s + 1 - a] in _SENTENCE_PUNCT_AFTER_QMARK
            )
            if not ends_sentence:
                k = s - a
                while k > cursor - a and text[k - 1] not in _CLAUSE_DELIMS:
                    k -= 1
                cut = a + k
            piece_end = cut
            while piece_end > cursor and text[piece_end - a - 1] in _CLAUSE_DELIMS:
                piece_end -= 1
            if piece_end > cursor:
                runs.append(Span(cursor, piece_end, text[cursor - a : piece_end - a]))
        cursor = max(cursor, e)
        while cursor < b and text[cursor - a] in _CLAUSE_DELIMS:
            cursor += 1
    if cursor < b:
        runs.append(Span(cursor, b, text[cursor - a :]))
    return [r for r in runs if r.text.strip()]


# A stock code as articles write it after a company: （300750）, (0700.HK), (2330-TW), 688256.SH,
# AAPL-US, a dual listing (688981.SH、00981.HK), (Nasdaq:CRDO). It names the company (store.names) and is no figure (store.numbers).
_EXCHANGE = r"\.(?:sh|sz|hk|bj|tw|two)"  # 688981.SH, 0700.HK, 2330.TW
_SYMBOL = r"\d{4}-tw|[a-z]{1,5}[.\-](?:us|o|n|hk)"  # 2330-TW, AAPL-US, TSM.N
STOCK_CODE = scanned_from(
    r"\s（(0-9a-z",
    r"\s?[（(]\s?(?:(?:sh|sz|hk|nasdaq|nyse|tpex|twse|港股|美股|a股|股票代码|股票代號)\s?[:：]?\s?)?"
    rf"(?:\d{{4,6}}(?:{_EXCHANGE})?|{_SYMBOL})"
    # a company listed twice: (688981.SH、00981.HK), (00700.HK/TCEHY-US)
    rf"(?:\s?[、,，/;；]\s?(?:\d{{4,6}}{_EXCHANGE}|{_SYMBOL}))*\s?[)）]"
    # an exchange names the symbol that follows it: (Nasdaq:CRDO), （纳斯达克：NVDA）
    r"|\s?[（(]\s?(?:nasdaq|nyse|纳斯达克|纽交所|那斯达克|紐交所)\s?[:：]\s?(?P<symbol>[a-z]{1,5})\s?[)）]"
    r"|(?<![a-z0-9])(?:\d{6}\.(?:sh|sz|bj)|\d{4,5}\.hk|\d{4}-tw|[a-z]{1,5}-us)(?![a-z0-9])"
)
