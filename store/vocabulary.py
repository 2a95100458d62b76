"""The vocabulary both sides share: how aliases and keywords are found in a match key.

The builder finds entities and metric keywords in article sentences, the search finds them
in questions; both use these matchers and patterns, so a word is recognised the same way
in a question as in the sentence that answers it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
LATIN_WORD = re.compile(r"[a-z0-9][a-z0-9.\-+]*[a-z0-9+]|[a-z0-9]")
# a quarter as a question or a sentence writes it: Q3, 3Q, 第三季, 第3财季, 三季度
QUARTER = re.compile(
    r"(?<![a-z])(?:q([1-4])|([1-4])q)(?![a-z0-9])|第([一二三四1-4])(?:财)?季|(?<!第)([一二三四])季度"
)
CN_NUMERAL = {"一": "1", "二": "2", "三": "3", "四": "4"}
QUARTER_IN_TEXT = {
    q: re.compile(rf"(?<![a-z])q{n}(?!\d)|第[{c}{n}](?:财)?季|(?<!第)[{c}]季度")
    for q, n, c in (("Q1", 1, "一"), ("Q2", 2, "二"), ("Q3", 3, "三"), ("Q4", 4, "四"))
}
HALF_IN_TEXT = {
    "H1": re.compile(r"上半年|(?<![a-z])h1(?!\d)"),
    "H2": re.compile(r"下半年|(?<![a-z])h2(?!\d)"),
}


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


class AliasMatcher:
    """Longest-first, non-overlapping matching of folded aliases (Latin ones as whole words)."""

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        # first character -> [(length, {alias: name})], longest first: a position is tried once
        # per length, not once per alias (some characters start dozens of aliases)
        self._by_first: dict[str, list[tuple[int, dict[str, str]]]] = {}
        self._starts: re.Pattern[str] | None = None  # the first characters of all aliases, compiled
        for alias, name in pairs:
            self.add(alias, name)

    def add(self, alias: str, name: str) -> None:
        """Add one folded alias of ``name`` (an alias already taken keeps its first owner)."""
        if not alias:
            return
        bucket = self._by_first.setdefault(alias[0], [])
        for length, names in bucket:
            if length == len(alias):
                names.setdefault(alias, name)
                break
        else:
            bucket.append((len(alias), {alias: name}))
            bucket.sort(key=lambda p: -p[0])
        self._starts = None

    def find(self, key: str, also: AliasMatcher | None = None) -> list[Mention]:
        """Return the longest, non-overlapping alias mentions in ``key``, left to right.

        ``also`` is a second matcher consulted as well (an article's own aliases).
        """
        found: list[Mention] = []
        i = 0
        n = len(key)
        # Only about a quarter of a sentence's characters can start an alias: jump between them
        # (a regex search runs in C) instead of trying every position in Python.
        ours = self._start_pattern()
        theirs = also._start_pattern() if also is not None and also._by_first else None
        while i < n:
            m = ours.search(key, i)
            if theirs is not None:
                t = theirs.search(key, i)
                if t and (not m or t.start() < m.start()):
                    m = t
            if m is None:
                break
            i = m.start()
            hit = self._at(key, i)
            if theirs is not None and also is not None:
                other = also._at(key, i)
                if other and (not hit or other.end > hit.end):
                    hit = other
            if hit:
                found.append(hit)
                i = hit.end
            else:
                i += 1
        return found

    def _start_pattern(self) -> re.Pattern[str]:
        if self._starts is None:
            chars = "".join(re.escape(c) for c in sorted(self._by_first))
            self._starts = re.compile(f"[{chars}]" if chars else r"(?!)")
        return self._starts

    def _at(self, key: str, i: int) -> Mention | None:
        # longest first; a Latin alias glued to a letter or digit gives way to a shorter one
        for length, names in self._by_first.get(key[i], ()):
            alias = key[i : i + length]
            name = names.get(alias)
            if name is not None and (not is_latin(alias) or boundary_ok(key, i, i + length)):
                return Mention(name, i, i + length)
        return None


def keyword_positions(key: str, keyword: str) -> list[tuple[int, int]]:
    """Return every ``(start, end)`` where ``keyword`` stands in ``key`` (Latin: as a word)."""
    out = []
    start = 0
    while (pos := key.find(keyword, start)) >= 0:
        start = pos + 1
        if not is_latin(keyword) or boundary_ok(key, pos, pos + len(keyword)):
            out.append((pos, pos + len(keyword)))
    return out


def quarters_in(text: str) -> list[str]:
    """Return the quarters ``text`` names, as ``Q1``…``Q4``."""
    out = []
    for m in QUARTER.finditer(text):
        n = next(g for g in m.groups() if g)
        q = f"Q{CN_NUMERAL.get(n, n)}"
        if q not in out:
            out.append(q)
    return out
