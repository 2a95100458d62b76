"""Who a sentence is about, when it does not say: the subject-tracking stage of extraction.

An article names its company in the title and the lead, then says 公司, 该公司, 集团, 其 or
nothing at all. ``choose_topic`` picks the company the article is about (named most often, the
title and lead counting twice, a stock code or the title rule counting more); ``SubjectTracker``
then walks the sentences in order and says, for each, whom it is about besides what it names:

- a sentence opening on 公司/该公司/本公司/集团/该集团 refers to the article's company;
- one opening on a pronoun (他, 它, 其, 该模型 …) or continuing without a new paragraph and
  naming nobody carries the subject of the sentence before (at most two sentences on);
- one that names no company at all is about the article's company, less surely.

Pure and stateful only in the order of sentences: the extractor creates one tracker per article.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field

from .vocabulary import Mention

__all__ = ["Subject", "SubjectTracker", "choose_topic", "source_or_investor"]

# A sentence that opens on a pronoun ("例如,它…", "他補充道…") is about the subject before it,
# even when it names others; one that opens on a connector ("对此", "这么说") is only when it
# names nobody itself.
PRONOUN_START = re.compile(
    r"^[“\"「]?(?:(?:例如|比如|同时|此外|而且|而|但是|但|不过|对此|因此)[,，、]?)?"
    r"(?:他们|她们|它们|该(?:公司|集团|模型|芯片|产品|平台|系统|企业|机构)|这(?:款|家|一模型)|此款|他|她|它|其)"
)
# ("此次IPO的基石投资者…", "这次发行" is the article's own event, not the sentence before's subject)
CONNECTOR_START = re.compile(r"^[“\"「]?(?:对此|同时|此外|而|但|不过|例如|比如|这(?!次)|此(?!次)|该)")
PRONOUN_ANYWHERE = re.compile(r"他们|她们|它们|该公司|其|他|她")
# "在SWE Verified基准测试中,该模型也取得了73.1%的成绩": "this model", wherever it stands, is the
# subject before, even in a sentence naming a benchmark and a rival
REFERENCE_ANYWHERE = re.compile(r"该(?:公司|集团|模型|芯片|产品|平台|企业)|这(?:款|家)(?:模型|芯片|产品|公司|企业)")
# "公司整体净利润同比增长76%", "集团表示": the article's company, whoever the sentence before named
# "2025年上半年,公司营收为24.56亿元": a short opening clause (a period, 对此) may come first
COMPANY_REFERENCE = re.compile(
    r"^[“\"「]?(?:[^,，;；。:：]{1,12}[,，]\s?)?(?:(?:而|但|同时|此外|另外|其中|不过)[,，、]?)?"
    # "根據公開數據,目前該公司估值超過200億元": a time word may stand before 该公司
    r"(?:(?:目前|现时|现在|如今|当前|此前|之前|随后|今年|去年|近日|日前)?(?:该公司|该集团)"
    r"|(?:本公司|公司|本集团|集团))(?![股债券])"
)
_FIGURE = re.compile(
    r"\d[\d.,]*\s?(?:%|亿|万|美元|港元|元)"
)  # a money or percentage figure (folded: 億 is 亿)
# a name right after one of these is what the sentence acts on, not who acts: "受到对OpenAI巨额
# 投资影响,净利润减少31亿美元" is the article's company's profit
OBJECT_MARKER = re.compile(r"(?:对|向|给|替|对于|对於)\s?$")
# a name right after 其 (its) is the subject's own (an account, a product, a unit), not a new
# subject: after "其微信公众号发布的公告披露,…完成3亿美元融资", the next sentence is still the
# start-up's, not WeChat's
POSSESSIVE = "其"
TOPIC_WEIGHT = 0.75  # a sentence naming nobody in an article about one company is mostly about it
CARRIED_WEIGHT = 0.7  # the subject carried from the sentence before
REFERRED_WEIGHT = 0.85  # a pronoun or 公司 referring back makes the subject surer
MAX_DEPTH = 2  # a subject is carried at most two sentences on


@dataclass
class Subject:
    """Whom a sentence is about besides what it names, and how surely."""

    carried: list[str] = field(default_factory=list)
    weight: float = CARRIED_WEIGHT
    about_topic: bool = False  # the article's company, for want of anyone named or carried


def choose_topic(
    mentions: Sequence[Sequence[str]],
    is_company: Callable[[str], bool],
    boosted: Sequence[str] = (),
) -> str | None:
    """Return the company an article is about: named in most sentences, the first two (the
    title and the lead) counting twice and a company introduced by a stock code or opening the
    title (``boosted``) twice more; None when no company clearly leads."""
    counts: dict[str, float] = {}
    for i, names in enumerate(mentions):
        for name in dict.fromkeys(names):  # a sentence counts once for each company it names
            if is_company(name):
                counts[name] = counts.get(name, 0) + (2 if i < 2 else 1)
    for name in boosted:
        if name in counts:
            counts[name] += 2
    if not counts:
        return None
    best = max(counts, key=lambda n: counts[n])
    runner_up = max((c for n, c in counts.items() if n != best), default=0)
    return best if counts[best] >= 2 and counts[best] > runner_up else None


class SubjectTracker:
    """Walks an article's sentences in order and tells whom each is about (see the module)."""

    def __init__(self, topic: str | None, is_company: Callable[[str], bool]) -> None:
        self.topic = topic
        self._is_company = is_company
        self._previous: tuple[list[str], int] | None = None  # subjects of the sentence before, depth

    def break_chain(self) -> None:
        """Forget the sentence before (boilerplate came in between)."""
        self._previous = None

    def subject(
        self,
        key: str,
        named: list[str],
        *,
        new_paragraph: bool,
        named_from: int | None = None,
        name_starts: Sequence[int] = (),
        asides: Collection[str] = (),
    ) -> Subject:
        """Return whom the sentence with match key ``key`` is about besides ``named``.

        ``named_from`` is where the first name stands in it: a results line that states its
        figure before naming anyone ("網路營收年增162%至82億美元，…Spectrum X…銷售增加") is the
        article's company's, whatever it names after. ``name_starts`` are where all its names
        stand: when each follows 对/向/给, the sentence names only what it acts on, and who acts
        is the article's company. ``asides`` are names the sentence writes only in brackets
        ("A类机构(公募基金…及QFII等)以85.83%的申购量占比"): examples, not who the sentence is about."""
        named = [n for n in named if n not in asides]
        out = Subject()
        acted_on_only = bool(name_starts) and all(
            OBJECT_MARKER.search(key[max(0, i - 2) : i]) for i in name_starts
        )
        owned_only = bool(name_starts) and all(key[max(0, i - 1) : i] == POSSESSIVE for i in name_starts)
        if self.topic and named and self.topic not in named and acted_on_only:
            self._previous = (named, 0)
            return Subject(carried=[self.topic], weight=TOPIC_WEIGHT, about_topic=True)
        first_figure = _FIGURE.search(key)
        if (
            self.topic
            and named
            and self.topic not in named
            and named_from is not None
            and first_figure is not None
            and first_figure.start() < named_from
        ):
            named = []  # the names come after the figure: they do not say whose it is
        refers_to_company = bool(COMPANY_REFERENCE.match(key))
        starts_with_pronoun = bool(PRONOUN_START.match(key))
        continues = not named and (not new_paragraph or CONNECTOR_START.match(key))
        if refers_to_company and self.topic and self.topic not in named:
            out.carried, out.weight = [self.topic], REFERRED_WEIGHT
        elif (
            self._previous
            and self._previous[1] < MAX_DEPTH
            and (starts_with_pronoun or continues or REFERENCE_ANYWHERE.search(key))
        ):
            # "例如,它通过了…" / "他補充道…": the subject is the one of the sentence before
            out.carried = [e for e in self._previous[0] if e not in named]
            out.weight = (
                REFERRED_WEIGHT if starts_with_pronoun or PRONOUN_ANYWHERE.search(key) else CARRIED_WEIGHT
            )
        depth = self._previous[1] + 1 if self._previous and out.carried else 0
        if named and owned_only and out.carried:
            self._previous = (out.carried, 0)  # still the owner's: 其 named it again
        elif named:
            self._previous = (named, 0)
        elif out.carried:
            self._previous = (out.carried, depth)
        if self.topic and not out.carried and not any(self._is_company(e) for e in named):
            # "根據該公司周三公布的財報…資本支出高達349億美元": no company named, so the
            # article's own subject; weaker than one named or carried from the sentence before
            out.carried, out.weight, out.about_topic = [self.topic], TOPIC_WEIGHT, True
            if not named:
                # the article's own again: a sentence continuing this one is not about whoever
                # a photo credit or a sentence paragraphs back named ("（Reuters）")
                self._previous = None
        return out


# --- who a sentence is not about: its sources, investors and analysts ------------------------

# where a figure comes from: "据LSEG分析师调查,本季…每股摊薄收益为2.82美元" is Alphabet's EPS,
# "根据Omdia数据" a survey of the market
_SOURCE_BEFORE = re.compile(r"(?:据|根据|援引)\s?$")
_SOURCE_AFTER = re.compile(r"\s?(?:的)?(?:分析师|研究员)?\s?(?:的)?(?:调查|统计|数据|报告|预测|预估|估计|测算|研究)")


# who invests in a round is not who raises it: "本轮融资由蓝驰创投和启明创投联合领投,…高瓴创投等跟投"
_INVESTS_AFTER = re.compile(r"[^,，;；。]{0,60}?(?:领投|跟投|参投|追投|联合投资|共同投资)")


# an analyst's call on a company is not about the analyst: "摩根士丹利(大摩)将目标价从830元调升至
# 1,081元", "山西证券发布研究报告,聚焦德科立", "山西证券维持其'增持'评级"
_ANALYST_AFTER = re.compile(
    r"\s?(?:[(（][^)）]{0,12}[)）]|[)）])?\s?(?:将|把)?(?:其|该股)?(?:目标价|目标股价)"
    r"|[^,，;；。]{0,12}?(?:发布|发表)了?(?:研究|深度)?(?:报告|研报)"
    r"|[^,，;；。]{0,30}?(?:维持|给予|重申|首次覆盖)[^,，;；。]{0,16}?评级"
)


def source_or_investor(key: str, m: Mention) -> bool:
    """Tell whether a name is where the sentence's figures come from (据LSEG分析师调查), who
    invests in the round it tells of (…领投, …跟投) or an analyst rating the company (…将目标价,
    …发布研究报告): not whom the sentence is about."""
    if _INVESTS_AFTER.match(key, m.end) or _ANALYST_AFTER.match(key, m.end):
        return True
    return bool(_SOURCE_BEFORE.search(key, max(0, m.start - 3), m.start) and _SOURCE_AFTER.match(key, m.end))
