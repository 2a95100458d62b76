"""The vocabulary both sides share: how aliases and keywords are found in a match key.

The builder finds entities and metric keywords in article sentences, the search finds them
in questions; both use these matchers and patterns, so a word is recognised the same way
in a question as in the sentence that answers it.
"""

from __future__ import annotations

import bisect
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


_SEPARATOR = re.compile(r"(?<=[a-z0-9])[ \-](?=[a-z0-9])")
MAX_SEPARATORS = 3  # 3³ spellings at most for one alias


def separator_variants(alias: str) -> list[str]:
    """Return ``alias`` and its other spellings with a hyphen for a space or the reverse, and
    none at all beside a digit: "gpt-4 turbo" is also "gpt4-turbo", "gpt-4-turbo", "gpt4 turbo".
    A Chinese alias, or a Latin one with no separator, is its own only spelling."""
    seps = list(_SEPARATOR.finditer(alias))
    if not seps or len(seps) > MAX_SEPARATORS or not is_latin(alias):
        return [alias]
    spellings = [""]
    at = 0
    for m in seps:
        digit_beside = alias[m.start() - 1].isdigit() or alias[m.end()].isdigit()
        choices = [" ", "-", ""] if digit_beside else [" ", "-"]
        spellings = [s + alias[at : m.start()] + c for s in spellings for c in choices]
        at = m.end()
    spellings = [s + alias[at:] for s in spellings]
    return [alias, *(s for s in spellings if s != alias)]


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
        for spelling in separator_variants(alias):
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

