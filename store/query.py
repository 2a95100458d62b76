"""The understood question: read once per request, then passed to the store as one value.

A listener reads the question once (``FactStore.read``) and hands the ``Query`` to every search
the request makes; a comparison's rows are copies of it about one entity or one period each
(``Query.about``), never a re-written question read again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace

from .question import Understanding

# the currency a question asks a figure in, as people write it (HK dollars before dollars)
_CURRENCY_ASKED = (
    ("HKD", re.compile(r"港元|港币|港幣|港圓|hk\$|hkd|hk dollars?|hong kong dollars?", re.I)),
    ("TWD", re.compile(r"新台币|新台幣|台币|台幣|nt\$|twd|taiwan dollars?", re.I)),
    ("CNY", re.compile(r"人民币|人民幣|rmb|cny|yuan|renminbi", re.I)),
    ("USD", re.compile(r"美元|美金|usd|us\$|\bus dollars?\b|(?<!hk )(?<!hong kong )(?<!taiwan )\bdollars?\b", re.I)),
)


# the figure asked as an amount in a currency: "in dollars", "in HK dollars", "跌了多少美元", "以美元计"
_AMOUNT_IN = re.compile(
    r"\bin\s+(?:us\s+|hk\s+|hong kong\s+|taiwan\s+)?(?:dollars?|usd|rmb|yuan|renminbi|hkd|twd)\b"
    r"|多少(?:美元|美金|港元|港币|港幣|人民币|人民幣|新台币|新台幣)|以(?:美元|港元|港币|港幣|人民币|人民幣|新台币|新台幣)计",
    re.I,
)


def currencies_asked(text: str) -> tuple[str, ...]:
    """Return the currencies a question asks its figure in ("百川智能 融资 人民币": CNY)."""
    rest, found = text, []
    for code, pattern in _CURRENCY_ASKED:
        if pattern.search(rest):
            found.append(code)
            rest = pattern.sub(" ", rest)
    return tuple(found)


@dataclass
class Query(Understanding):
    """What a question names (``Understanding``), the text it was read from, and how the
    command asking it narrows the answers."""

    text: str = ""
    # the metrics a command answers with (/spend: spending; /bench: benchmark): an answer must
    # state a figure of one of them, not only mention it
    narrowed_to: tuple[str, ...] = field(default_factory=tuple)
    newest_first: bool = False  # answers ordered by the period they state, newest first
    currencies: tuple[str, ...] = ()  # "融资 人民币", "valuation in HK dollars": figures in these first

    @classmethod
    def of(
        cls,
        text: str,
        understood: Understanding,
        *,
        metrics: set[str] | None = None,
        newest_first: bool = False,
    ) -> Query:
        """Return the query for ``understood``, narrowed to ``metrics`` when a command asks."""
        values = {f.name: getattr(understood, f.name) for f in fields(Understanding)}
        narrowed: tuple[str, ...] = ()
        currencies = currencies_asked(text)
        if currencies:
            # "融资 人民币", "in US dollars": the currency says how to state the figure, not words
            # the sentence must hold ("3亿美元(22亿元)" writes 元; "us" is no 美国 here)
            said = [m.group(0).lower() for _, pattern in _CURRENCY_ASKED for m in pattern.finditer(text)]
            values["terms"] = [t for t in understood.terms if not any(t in s.split() or t == s for s in said)]
            if _AMOUNT_IN.search(text):
                # "share price drop in dollars": an amount of money, whatever kind "drop" asked
                # for ("全年美元营收 增长" asks for the growth of the revenue counted in dollars)
                values["value_kinds"] = ["money"]
        if metrics:
            values["metrics"], narrowed = _narrowed(understood.metrics, metrics)
        return cls(
            **values,
            text=text,
            narrowed_to=narrowed,
            newest_first=newest_first,
            currencies=currencies,
        )

    @property
    def strict_metrics(self) -> bool:
        return bool(self.narrowed_to)

    def about(
        self,
        *,
        entities: list[str] | None = None,
        periods: list[str] | None = None,
        metrics: set[str] | None = None,
    ) -> Query:
        """Return a copy of this query about other entities or periods (a comparison's row),
        narrowed to ``metrics`` when given."""
        changes: dict = {}
        if entities is not None:
            changes["entities"] = list(entities)
        if periods is not None:
            changes["periods"] = list(periods)
        if metrics:
            changes["metrics"], changes["narrowed_to"] = _narrowed(self.metrics, metrics)
        return replace(self, **changes)


def _narrowed(named: list[str], metrics: set[str]) -> tuple[list[str], tuple[str, ...]]:
    """The metrics a command answers with: those the question names among ``metrics``, else all
    of them; and ``metrics`` as the narrowing recorded on the query."""
    return [m for m in named if m in metrics] or sorted(metrics), tuple(sorted(metrics))
