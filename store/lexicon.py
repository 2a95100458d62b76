"""The lexicon: entity aliases, metric keywords, an English glossary and boilerplate markers.

All of it is data (``store/lexicon/*.toml``); an operator extends it by dropping more TOML
files of the same shape into a folder and passing that folder (``FACTBOT_LEXICON``).
Every word is folded (``store.text.fold``) once, here, so lookups compare match keys.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .errors import LexiconError
from .text import fold
from .vocabulary import AliasMatcher, KeywordIndex, Mention, is_latin, separator_variants

__all__ = ["EntityDef", "Lexicon", "Mention", "MetricDef", "default_lexicon", "lineage"]

DEFAULT_DIR = Path(__file__).with_name("lexicon")

# The schema of a lexicon file, checked where it is read: a typo in an operator's file ("alias"
# for "aliases", kind "compnay") would otherwise be ignored without a word.
TOP_LEVEL_KEYS = {"entity", "metric", "terms", "stopwords", "names", "value_hints", "markers", "lines"}
ENTITY_KEYS = {"name", "zh", "kind", "parent", "aliases", "fiscal_year_end"}
ENTITY_KINDS = {"company", "product", "model", "chip", "person", "org"}
METRIC_KEYS = {"label", "expects", "spend", "keywords", "exclude", "becomes_with", "things"}
EXPECTS = {"money", "percent", "count", "any"}
NAMES_KEYS = {"generic"}


@dataclass
class EntityDef:
    """One entity: canonical English ``name``, Chinese ``zh``, ``kind``, owning ``parent``."""

    name: str
    zh: str
    kind: str = "company"
    parent: str | None = None
    aliases: list[str] = field(default_factory=list)
    # the month its fiscal year ends in (Microsoft 6, Nvidia 1), the year named for the calendar
    # year it ends in: its 第三財季 in April 2024 is FY2024 Q3. None: not known (the calendar year)
    fiscal_year_end: int | None = None


@dataclass
class MetricDef:
    """One metric: the keywords that signal it and the kind of quantity that answers it."""

    name: str
    label: str
    expects: str
    spend: bool
    keywords: list[str]
    exclude: list[str] = field(default_factory=list)  # longer words holding a keyword that mean else
    # another metric a question asks for when it also says one of these words: a funding word
    # with "IPO" or 上市 asks what the listing raised ({"ipo_proceeds": ["ipo", "上市"]})
    becomes_with: dict[str, list[str]] = field(default_factory=dict)
    # keywords naming the thing counted (显卡, GPU): beside another metric asked ("显卡 售价"), the
    # question is about the thing, not how many there are
    things: list[str] = field(default_factory=list)


class Lexicon:
    """Entity aliases, metric keywords, glossary and boilerplate, loaded from TOML."""

    def __init__(self) -> None:
        self.with_entities = True  # False: built as if no company, product, model, chip or person were listed
        self.entities: dict[str, EntityDef] = {}
        self.metrics: dict[str, MetricDef] = {}
        self.glossary: dict[str, list[str]] = {}
        self.stopwords: set[str] = set()
        self.boilerplate_markers: list[str] = []
        self.boilerplate_lines: set[str] = set()
        self.generic_names: set[str] = set()
        self.value_hints: dict[str, str] = {}
        self.sources: list[Path] = []
        self._aliases = AliasMatcher()
        self._alias_dict: dict[str, str] = {}
        self._keywords = KeywordIndex(())
        self._keyword_metrics: dict[str, list[tuple[int, int, MetricDef]]] = {}
        self._name_sources: dict | None = None

    # --- loading ---------------------------------------------------------------------
    @classmethod
    def load(cls, extra_dirs: Iterable[Path | str] = (), *, entities: bool = True) -> Lexicon:
        """Return the lexicon shipped with factbot, extended by every ``*.toml`` in ``extra_dirs``.

        ``entities=False`` loads everything but the entities (metric keywords, glossary and
        boilerplate stay): a store built with it knows only the names it finds in its articles,
        which is how it meets next week's companies (``factbot build --no-entity-lexicon``).
        Raises ``LexiconError`` naming the file and key of anything outside the schema.
        """
        lex = cls()
        lex.with_entities = entities
        files = sorted(DEFAULT_DIR.glob("*.toml"))
        for d in extra_dirs:
            d = Path(d)
            if not d.is_dir():
                raise LexiconError(f"lexicon folder {d} does not exist")
            files.extend(sorted(d.glob("*.toml")))
        for f in files:
            lex._add_file(f)
        lex._index()
        return lex

    def _add_file(self, path: Path) -> None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
            raise LexiconError(f"{path.name}: {e}") from e
        _check_schema(path.name, data)
        self.sources.append(path)
        for raw in data.get("entity", []) if self.with_entities else []:
            name = str(raw["name"]).strip()
            existing = self.entities.get(name)
            aliases = [str(a) for a in raw.get("aliases", [])]
            if existing:
                existing.aliases.extend(a for a in aliases if a not in existing.aliases)
                existing.zh = raw.get("zh", existing.zh)
                existing.parent = raw.get("parent", existing.parent)
                existing.kind = raw.get("kind", existing.kind)
                existing.fiscal_year_end = raw.get("fiscal_year_end", existing.fiscal_year_end)
            else:
                self.entities[name] = EntityDef(
                    name=name,
                    zh=str(raw.get("zh", name)),
                    kind=str(raw.get("kind", "company")),
                    parent=raw.get("parent"),
                    aliases=aliases,
                    fiscal_year_end=raw.get("fiscal_year_end"),
                )
        for name, raw in data.get("metric", {}).items():
            keywords = [fold(str(k)) for k in raw.get("keywords", [])]
            if name in self.metrics:
                self.metrics[name].keywords.extend(
                    k for k in keywords if k not in self.metrics[name].keywords
                )
                self.metrics[name].exclude.extend(fold(str(k)) for k in raw.get("exclude", []))
                for other, words in raw.get("becomes_with", {}).items():
                    self.metrics[name].becomes_with.setdefault(other, []).extend(fold(str(w)) for w in words)
                self.metrics[name].things.extend(fold(str(w)) for w in raw.get("things", []))
            else:
                self.metrics[name] = MetricDef(
                    name=name,
                    label=str(raw.get("label", name)),
                    expects=str(raw.get("expects", "any")),
                    spend=bool(raw.get("spend", False)),
                    keywords=keywords,
                    exclude=[fold(str(k)) for k in raw.get("exclude", [])],
                    becomes_with={
                        other: [fold(str(w)) for w in words] for other, words in raw.get("becomes_with", {}).items()
                    },
                    things=[fold(str(w)) for w in raw.get("things", [])],
                )
        for word, zh in data.get("terms", {}).items():
            self.glossary.setdefault(fold(word), []).extend(fold(z) for z in zh)
        stop = data.get("stopwords", {})
        for words in stop.values():
            self.stopwords.update(fold(w) for w in words)
        self.generic_names.update(fold(n) for n in data.get("names", {}).get("generic", []))
        self.value_hints.update({fold(k): str(v) for k, v in data.get("value_hints", {}).items()})
        self.boilerplate_markers.extend(fold(m) for m in data.get("markers", []))
        self.boilerplate_lines.update(fold(m) for m in data.get("lines", []))

    def _index(self) -> None:
        for ent in self.entities.values():
            if ent.parent and ent.parent not in self.entities:
                raise LexiconError(f"entity {ent.name!r} names an unknown parent {ent.parent!r}")
        pairs = self.alias_pairs()
        self._aliases = AliasMatcher(pairs)
        self._alias_dict = dict(pairs)
        # every metric's keywords and exclusions, found in a sentence in one pass
        self._keywords = KeywordIndex(w for m in self.metrics.values() for w in (*m.keywords, *m.exclude))
        # keyword -> (metric's place, keyword's place in it, metric) for each metric it signals
        self._keyword_metrics = {}
        for i, m in enumerate(self.metrics.values()):
            for j, kw in enumerate(m.keywords):
                self._keyword_metrics.setdefault(kw, []).append((i, j, m))

    def aliases(self) -> dict[str, str]:
        """Return folded alias -> canonical name (computed once, when the lexicon is loaded)."""
        return self._alias_dict

    def alias_pairs(self) -> list[tuple[str, str]]:
        """Return every ``(folded alias, canonical name)`` pair, the names themselves included."""
        pairs: dict[str, str] = {}
        for ent in self.entities.values():
            for a in [ent.name, ent.zh, *ent.aliases]:
                k = fold(a.strip())
                if len(k) >= 2 or (k and not is_latin(k)):
                    pairs.setdefault(k, ent.name)
        # then the spellings a Latin name is also written in (gpt-4 turbo: gpt4-turbo, gpt-4-turbo,
        # gpt4 turbo…); an alias of its own keeps its owner
        for k, name in list(pairs.items()):
            for variant in separator_variants(k):
                pairs.setdefault(variant, name)
        return sorted(pairs.items())

    def name_sources(self) -> dict:
        """Return what ``store.names.discover_names`` reads besides the article: generic words,
        metric keywords, English words and CC-CEDICT's companies (computed once; a build calls
        it before starting its workers, so they receive it instead of parsing the dictionary)."""
        if self._name_sources is None:
            from .dictionary import also_known_as, company_names, english_words, everyday_words, head_glosses

            companies = company_names()
            # the glossary's Chinese words are terms (资料中心, 环比), never names
            terms = {
                fold(w)
                for k, ws in self.glossary.items()
                for w in (k, *ws)
                if len(w) >= 2 and not is_latin(w)
            }
            self._name_sources = {
                "generic": self.generic_names | terms,
                "metric_words": self._keywords,
                "english_words": english_words(),
                "dictionary": companies,
                "dictionary_index": KeywordIndex(companies),
                "also_known_as": also_known_as(),
                "everyday": everyday_words(),
                "glosses": head_glosses(),
                "known": self._alias_dict,
            }
        return self._name_sources

    # --- lookups ---------------------------------------------------------------------
    def find_mentions(self, key: str, also: AliasMatcher | None = None) -> list[Mention]:
        """Return the longest, non-overlapping alias mentions in a match key, left to right.

        ``also`` adds aliases of one article (names it introduces in brackets).
        """
        return self._aliases.find(key, also)

    def lineage(self, name: str) -> list[str]:
        """Return ``name`` and the chain of companies it belongs to (SenseNova -> SenseTime)."""
        return lineage(name, lambda n: e.parent if (e := self.entities.get(n)) else None)

    def fiscal_year_end(self, names: Iterable[str]) -> int | None:
        """Return the month the fiscal year ends in of the first company among ``names`` (a
        sentence's subjects, first first), or None when that company's calendar is not known."""
        for name in names:
            ent = self.entities.get(name)
            if ent is not None and ent.kind == "company":
                return ent.fiscal_year_end
        return None

    def _keywords_by_metric(
        self, found: dict[str, list[tuple[int, int]]]
    ) -> list[tuple[MetricDef, list[tuple[str, list[tuple[int, int]]]]]]:
        """Group the keywords found by metric: metrics in lexicon order, keywords in each
        metric's order (which decides ties), only the metrics that have one."""
        grouped: dict[int, list[tuple[int, str, MetricDef]]] = {}
        for kw in found:
            for i, j, m in self._keyword_metrics.get(kw, ()):
                grouped.setdefault(i, []).append((j, kw, m))
        # the longest keyword names the metric, as in a question: 营业利润率 is a margin, not
        # an operating profit, and neither it nor 每股盈利 is a net profit (利润, 盈利)
        longer = [
            (s, e, {m.name for _, _, m in self._keyword_metrics[kw]})
            for kw, spans in found.items()
            if kw in self._keyword_metrics
            for s, e in spans
        ]
        out = []
        for i in sorted(grouped):
            entries = sorted(grouped[i], key=lambda e: e[0])
            metric = entries[0][2]
            kept = [(kw, _outside_others(found[kw], longer, metric.name)) for _, kw, _ in entries]
            kept = [(kw, spans) for kw, spans in kept if spans]
            if kept:
                out.append((metric, kept))
        return out

    def metric_hits(self, key: str) -> dict[str, tuple[int, int]]:
        """Return, per metric found in ``key``, ``(strength, position)`` of its longest keyword."""
        return self.metric_reading(key)[0]

    def metric_positions(self, key: str) -> dict[str, list[tuple[int, int]]]:
        """Return, per metric found in ``key``, every ``(start, end)`` of its keywords."""
        return self.metric_reading(key)[1]

    def metric_reading(
        self, key: str
    ) -> tuple[dict[str, tuple[int, int]], dict[str, list[tuple[int, int]]]]:
        """Return ``metric_hits`` and ``metric_positions`` of ``key``, reading its keywords once."""
        found = self._keywords.occurrences(key)
        hits: dict[str, tuple[int, int]] = {}
        positions: dict[str, list[tuple[int, int]]] = {}
        for m, keywords in self._keywords_by_metric(found):
            best = None
            for kw, spans in keywords:
                if m.exclude:
                    spans = _without(spans, found, m.exclude)
                if spans:
                    strength = len(kw) if not is_latin(kw) else max(2, len(kw) // 3)
                    if best is None or strength > best[0]:
                        best = (strength, spans[0][0])
            if best:
                hits[m.name] = best
            spans = [span for _, spans in keywords for span in spans]
            if m.exclude:
                spans = _without(spans, found, m.exclude)
            if spans:
                positions[m.name] = spans
        self._shift_qualified(key, hits, positions)
        return hits, positions

    def _shift_qualified(
        self, key: str, hits: dict[str, tuple[int, int]], positions: dict[str, list[tuple[int, int]]]
    ) -> None:
        # "經調整股東應佔溢利為689.9百萬港元": a keyword its qualifier stands right before names the
        # metric the qualifier makes of it (MetricDef.becomes_with), as a question's does
        for name, spans in list(positions.items()):
            for other, words in self.metrics[name].becomes_with.items():
                if other not in self.metrics:
                    continue
                shifted = [
                    (a, b) for a, b in spans if any(key[max(0, a - len(w) - 3) : a].rstrip().endswith(w) for w in words)
                ]
                if shifted:
                    positions[other] = sorted({*positions.get(other, []), *shifted})
                    strength = max(b - a for a, b in shifted) + 2
                    if other not in hits or hits[other][0] < strength:
                        hits[other] = (strength, shifted[0][0])

    def is_boilerplate(self, key: str) -> bool:
        """Tell whether a folded sentence is site boilerplate rather than article text."""
        stripped = key.strip()
        if stripped in self.boilerplate_lines:
            return True
        return any(m in key for m in self.boilerplate_markers)

    def fingerprint(self) -> str:
        """Return a hash of every lexicon file, so a store records which lexicon built it."""
        h = hashlib.sha256()
        for p in self.sources:
            h.update(p.read_bytes())
        if not self.with_entities:
            h.update(b"\x00no entities")
        return h.hexdigest()[:16]


def _check_schema(file: str, data: dict) -> None:
    """Raise ``LexiconError`` for the first key, kind or ``expects`` value the schema lacks."""

    def unknown(where: str, keys: Iterable[str], allowed: set[str]) -> None:
        extra = sorted(set(keys) - allowed)
        if extra:
            raise LexiconError(
                f"{file}: unknown key {extra[0]!r} in {where} (expected one of {', '.join(sorted(allowed))})"
            )

    unknown("the file", data, TOP_LEVEL_KEYS)
    entities = data.get("entity", [])
    if not isinstance(entities, list):
        raise LexiconError(f"{file}: 'entity' must be a list of entities")
    for i, raw in enumerate(entities):
        if not isinstance(raw, dict):
            raise LexiconError(f"{file}: entity {i + 1} is not a table")
        where = f"entity {raw.get('name', i + 1)!r}"
        unknown(where, raw, ENTITY_KEYS)
        if not str(raw.get("name", "")).strip():
            raise LexiconError(f"{file}: entity {i + 1} has no name")
        if "kind" in raw and raw["kind"] not in ENTITY_KINDS:
            raise LexiconError(
                f"{file}: unknown kind {raw['kind']!r} in {where} (expected one of {', '.join(sorted(ENTITY_KINDS))})"
            )
        if not isinstance(raw.get("aliases", []), list):
            raise LexiconError(f"{file}: 'aliases' of {where} must be a list")
        month = raw.get("fiscal_year_end", 12)
        if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
            raise LexiconError(f"{file}: 'fiscal_year_end' of {where} must be a month, 1 to 12 (got {month!r})")
    metrics = data.get("metric", {})
    if not isinstance(metrics, dict):
        raise LexiconError(f"{file}: 'metric' must be a table of metrics")
    for name, raw in metrics.items():
        where = f"metric {name!r}"
        if not isinstance(raw, dict):
            raise LexiconError(f"{file}: {where} is not a table")
        unknown(where, raw, METRIC_KEYS)
        shifts = raw.get("becomes_with", {})
        if not isinstance(shifts, dict) or not all(isinstance(w, list) for w in shifts.values()):
            raise LexiconError(f"{file}: 'becomes_with' of {where} must be a table of metric = [words]")
        things = raw.get("things", [])
        if not isinstance(things, list) or not set(map(str, things)) <= set(map(str, raw.get("keywords", []))):
            raise LexiconError(f"{file}: 'things' of {where} must be a list of its own keywords")
        if "expects" in raw and raw["expects"] not in EXPECTS:
            raise LexiconError(
                f"{file}: unknown expects {raw['expects']!r} in {where} (expected one of {', '.join(sorted(EXPECTS))})"
            )
    unknown("[names]", data.get("names", {}), NAMES_KEYS)


def _without(
    spans: list[tuple[int, int]], found: dict[str, list[tuple[int, int]]], exclude: list[str]
) -> list[tuple[int, int]]:
    """Drop keyword spans that sit inside an excluded word (投资 in 投资人 is a person)."""
    blocked = [span for w in exclude for span in found.get(w, ())]
    if not blocked:
        return spans
    return [(s, e) for s, e in spans if not any(a <= s and e <= b for a, b in blocked)]


def _outside_others(
    spans: list[tuple[int, int]], longer: list[tuple[int, int, set[str]]], metric: str
) -> list[tuple[int, int]]:
    """Drop keyword spans that sit inside a longer keyword of other metrics only."""
    return [
        (s, e)
        for s, e in spans
        if not any(a <= s and e <= b and b - a > e - s and metric not in names for a, b, names in longer)
    ]


def lineage(name: str, parent_of: Callable[[str], str | None]) -> list[str]:
    """Return ``name`` followed by its parent, the parent's parent, … (cycles stop the walk)."""
    out = [name]
    parent = parent_of(name)
    while parent and parent not in out:
        out.append(parent)
        parent = parent_of(parent)
    return out


@lru_cache(maxsize=8)
def default_lexicon(extra: tuple[str, ...] = (), *, entities: bool = True) -> Lexicon:
    """Return the shipped lexicon (plus ``extra`` folders), loaded once per process."""
    return Lexicon.load(extra, entities=entities)
