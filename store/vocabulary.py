"""The vocabulary both sides share: how aliases and keywords are found in a match key.

The builder finds entities and metric keywords in article sentences, the search finds them
in questions; both use these matchers and patterns, so a word is recognised the same way
in a question as in the sentence that answers it.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import ahocorasick

CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
LATIN_WORD = re.compile(r"[a-z0-9][a-z0-9.\-+]*[a-z0-9+]|[a-z0-9]")


def is_latin(s: str) -> bool:
    """Tell whether ``s`` is plain ASCII (an English word, a ticker, a model code)."""
    return s.isascii()


def boundary_ok(key: str, start: int, end: int) -> bool:
    """Tell whether ``key[start:end]`` stands as a word: no Latin letter or digit glued to it."""
    before = key[start - 1] if start > 0 else " "
    after = key[end] if end < len(key) else " "
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())


@dataclass(frozen=True)
class Mention:
    """An alias found in a match key: ``key[start:end]`` names ``entity``."""

    entity: str
    start: int
    end: int


class KeywordIndex:
    """Every place any of many keywords stands in a key (Latin ones as words), in one pass.

    Aho-Corasick finds all of them in one pass over the key, whatever the number of keywords."""

    def __init__(self, keywords: Iterable[str]) -> None:
        self._keywords = sorted({k for k in keywords if k})
        self._automaton: Any = None  # built on first use

    def __getstate__(self) -> dict:
        # an index sent to a worker process rebuilds its automaton there, on first use
        return {"_keywords": self._keywords, "_automaton": None}

    def spans(self, key: str) -> Iterator[tuple[str, int, int]]:
        """Yield every ``(keyword, start, end)`` in ``key``, overlapping ones too."""
        if not self._keywords:
            return
        if self._automaton is None:
            automaton = ahocorasick.Automaton()
            for kw in self._keywords:
                automaton.add_word(kw, (kw, len(kw) - 1, is_latin(kw)))
            automaton.make_automaton()
            self._automaton = automaton
        for last, (kw, back, latin) in self._automaton.iter(key):
            if not latin or boundary_ok(key, last - back, last + 1):
                yield kw, last - back, last + 1

    def qualifies_a_keyword(self, word: str) -> bool:
        """Tell whether ``word`` opens a longer keyword whose rest is a keyword too: 经调整 of
        经调整净利润 qualifies 净利润 (英伟达 of 英伟达的卡 does not: 的卡 is no keyword)."""
        i = bisect.bisect_right(self._keywords, word)
        while i < len(self._keywords) and self._keywords[i].startswith(word):
            rest = self._keywords[i][len(word) :]
            j = bisect.bisect_left(self._keywords, rest)
            if j < len(self._keywords) and self._keywords[j] == rest:
                return True
            i += 1
        return False

    def occurrences(self, key: str) -> dict[str, list[tuple[int, int]]]:
        """Return, per keyword found in ``key``, every ``(start, end)`` of it, overlapping ones too."""
        found: dict[str, list[tuple[int, int]]] = {}
        for kw, start, end in self.spans(key):
            found.setdefault(kw, []).append((start, end))
        return found


_LATIN_PART = re.compile(r"[a-z]+|[0-9]+(?:\.[0-9]+)*")
MAX_SEPARATOR_GAPS = 3  # 3**3 spellings at most per name


def separator_variants(alias: str) -> list[str]:
    """Return the other spellings of a Latin name that differ only in how its parts are joined: a
    space or a hyphen between words, and nothing, a space or a hyphen where a word of two letters
    or more meets a number ("gpt-4 turbo" -> "gpt4-turbo", "gpt-4-turbo", "gpt4 turbo" …;
    "llama3" -> "llama 3", "llama-3"). "4o" and "r1" stay whole; names of one part have none."""
    if not is_latin(alias) or not re.fullmatch(r"[a-z0-9.\- ]+", alias):
        return []
    parts = list(_LATIN_PART.finditer(alias))
    if "".join(m.group(0) for m in parts) != re.sub(r"[\- ]", "", alias):
        return []  # something besides spaces and hyphens joins the parts
    pieces: list[str] = [parts[0].group(0)]
    options: list[tuple[str, ...]] = []
    for before, m in zip(parts, parts[1:], strict=False):
        join = alias[before.end() : m.start()]
        word_meets_number = (
            before.group(0).isalpha() and len(before.group(0)) >= 2 and m.group(0)[0].isdigit()
        )
        if word_meets_number:
            options.append(("", " ", "-"))
            pieces.append(m.group(0))
        elif join:  # two words stay two words ("scale ai" never reads as "scaleai", a typo of "scale")
            options.append((" ", "-"))
            pieces.append(m.group(0))
        else:
            pieces[-1] += m.group(0)  # "4o": one piece
    if not 1 <= len(options) <= MAX_SEPARATOR_GAPS:
        return []
    out = []
    for joins in itertools.product(*options):
        spelled = pieces[0] + "".join(j + p for j, p in zip(joins, pieces[1:], strict=True))
        if spelled != alias and spelled not in out:
            out.append(spelled)
    return out


class AliasMatcher:
    """Longest-first, non-overlapping matching of folded aliases (Latin ones as whole words)."""

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        self._names: dict[str, str] = {}  # alias -> the name it stands for
        self._index: KeywordIndex | None = None  # built on first use, after the last add
        for alias, name in pairs:
            self.add(alias, name)

    def add(self, alias: str, name: str) -> None:
        """Add one folded alias of ``name`` (an alias already taken keeps its first owner), and
        the ways a Latin name's separators are written too (GPT4-Turbo is GPT-4 Turbo)."""
        for spelling in (alias, *separator_variants(alias)):
            if spelling and spelling not in self._names:
                self._names[spelling] = name
                self._index = None

    def find(self, key: str, also: AliasMatcher | None = None) -> list[Mention]:
        """Return the longest, non-overlapping alias mentions in ``key``, left to right.

        ``also`` is a second matcher consulted as well (an article's own aliases); where both have
        an alias starting at one place, the longer wins, and ours when they are the same length.
        """
        best: dict[int, tuple[int, str]] = {}  # start -> (end, name) of the longest alias there
        for matcher in (self, also) if also is not None else (self,):
            if matcher._index is None:
                matcher._index = KeywordIndex(matcher._names)
            for alias, start, end in matcher._index.spans(key):
                if start not in best or end > best[start][0]:
                    best[start] = (end, matcher._names[alias])
        found: list[Mention] = []
        i = 0
        for start in sorted(best):
            if start >= i:
                end, name = best[start]
                found.append(Mention(name, start, end))
                i = end
        return found

