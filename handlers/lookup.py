"""Turning what a user typed (or a button they pressed) into one store search.

The three slash commands differ only in which metrics they search and in what order; a button
carries a `Ref` (the question, the kind and where in the results it points) so a click can repeat
the search that produced it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from store import MAX_QUESTION_CHARS, Answer, FactStore, Query, QueryError, SearchResult, normalise_query

from .errors import StaleButton
from .payloads import PageValue

PAGE = 3  # answers per message: three answers with their buttons stay well inside Block Kit's 50 blocks
MAX_QUERY = MAX_QUESTION_CHARS  # the store cuts longer questions; a Ref must fit a button value

SPENDING = "spending"  # the metrics the store's lexicon marks `spend = true` (capex, investment …)
BENCH_METRICS = frozenset({"benchmark"})


@dataclass(frozen=True)
class Kind:
    """One way of asking: which metrics to search and whether newest periods come first."""

    name: str
    metrics: frozenset[str] | str | None
    newest_first: bool


KINDS = {
    "fact": Kind("fact", None, False),
    "spend": Kind("spend", SPENDING, True),
    "bench": Kind("bench", BENCH_METRICS, False),
}


def clean_question(text: str | None) -> str:
    """The question as the store should see it (``store.normalise_query``, the one cleaner):
    mentions, control and zero-width characters gone, whitespace collapsed, NFKC-normalised, at
    most MAX_QUERY characters; "" when nothing is left."""
    return normalise_query(text or "")


def wants_help(question: str) -> bool:
    """True when the user asked for usage rather than a fact."""
    return question.lower() in {"", "help", "?", "-h", "--help", "帮助", "幫助"}


@dataclass(frozen=True)
class Ref:
    """What a button points at: a search (kind + question) and a position in its results."""

    kind: str
    query: str
    offset: int = 0  # first answer of the page the button shows (More) or belongs to
    index: int | None = None  # absolute position of one answer (Share, feedback)
    fact_id: str | None = None
    related: bool = False  # the answer came from the "nearest facts" of a not-found result

    def to_value(self) -> str:
        """Compact JSON for a button's `value` (handlers.payloads.PageValue)."""
        return PageValue(
            k=self.kind,  # type: ignore[arg-type]
            q=self.query[:MAX_QUERY],
            o=self.offset,
            i=self.index,
            f=self.fact_id,
            r=self.related,
        ).to_value()

    @classmethod
    def from_value(cls, value: str | None) -> Ref:
        """The Ref a button carried; StaleButton if it is not one of ours."""
        v = PageValue.parse(value)
        return cls(kind=v.k, query=v.q, offset=v.o, index=v.i, fact_id=v.f, related=bool(v.r))


def _command_metrics(store: FactStore, kind: str) -> set[str] | None:
    k = KINDS[kind]
    if k.metrics == SPENDING:
        return store.spend_metrics()  # lexicon data, extensible by the operator
    return set(k.metrics) if k.metrics is not None else None


def read(store: FactStore, kind: str, question: str) -> Query:
    """The question read once, the way `kind` asks it: the one `Query` every search of this
    request is given. Raises QueryError when nothing in it can be searched."""
    return store.read(question, metrics=_command_metrics(store, kind), newest_first=KINDS[kind].newest_first)


def search(
    store: FactStore, kind: str, query: Query | str, *, offset: int = 0, limit: int = PAGE
) -> SearchResult:
    """One store search the way `kind` asks it (a question's text is read first)."""
    q = query if isinstance(query, Query) else read(store, kind, query)
    return store.search(q, limit=limit, offset=offset)


def find_answer(store: FactStore, ref: Ref) -> Answer:
    """The answer a Share button points at, looked up by its fact id.

    Raises StaleButton when the store no longer has that fact (a reload removed it)."""
    if ref.fact_id is None:
        raise StaleButton("That button no longer works; please ask again.")
    # fact ids are stable across reloads of the same text, so a share outlives a reload
    answer = store.fact(ref.fact_id)
    if answer is not None:
        return answer
    raise StaleButton("That fact is no longer in the store (it was reloaded since); please ask again.")


@dataclass(frozen=True)
class Row:
    """One row of a comparison: what it compares (a company, or a period of one company) and the
    fact that gives its figure; `shared_with` names the other companies that fact states the same
    figure for (a combined total), so the row never passes it off as one company's own."""

    label: str
    answer: Answer
    shared_with: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Comparison:
    """Rows to show side by side, and what they compare."""

    query: str
    kind: str
    by: str  # "company" or "period"
    rows: list[Row]
    metric: str | None = None
    entity: str | None = None  # the one company, when rows are its periods


def _best_for(answers: list[Answer], entity: str) -> Answer | None:
    """The answer that states `entity`'s own figure: about it alone before a shared total, with a
    figure before without one; None when no answer is about it (never another company's row)."""
    about = [a for a in answers if a.entity == entity or entity in (a.entities or [])]
    if not about:
        return None

    def rank(a: Answer) -> tuple[int, int, int]:
        others = [e for e in a.entities if e != entity]
        return (0 if a.readable_values else 1, 0 if not others else 1, 0 if a.entity == entity else 1)

    return min(enumerate(about), key=lambda p: (rank(p[1]), p[0]))[1]


def _one_row_each(store: FactStore, entities: list[str]) -> list[str]:
    """The entities that are rows of their own: a product named with its company (阿里 and its
    M6) is one subject, the company's row, never a comparison of the two."""
    return [e for e in entities if not any(o != e and o in store.lineage(e)[1:] for o in entities)]


def _asks_how_they_relate(store: FactStore, q: Query, companies: list[str]) -> bool:
    """True when two companies are asked about together and a fact states one figure between
    them ("微软…累计投资OpenAI…130亿美元"): the answer to "how much has Microsoft invested in
    OpenAI", not a figure for each. A figure stated for them combined (共同投入), or one for each
    (分别), still asks for a row each."""
    if len(companies) != 2:
        return False
    answers = store.search(q, limit=1).answers
    if not answers:
        return False
    top = answers[0]
    return all(e in top.entities for e in companies) and not top.joint and "分别" not in top.quote


def compare(store: FactStore, kind: str, question: Query | str, *, max_rows: int = 99) -> Comparison | None:
    """The comparison a question asks for, or None when it asks for answers instead.

    A comparison is asked by naming several companies (`/spend Microsoft Google Meta`, `/fact capex
    Microsoft Google`), a period and no company (`/spend 2024`, `/fact capex 2024`), or one company
    and several periods (`/fact Microsoft capex 2023 2024`). /fact needs a metric to compare.
    Each row searches a copy of the one query, about its company or its period."""
    try:
        q = question if isinstance(question, Query) else read(store, kind, question)
    except QueryError:
        return None
    if not q.metrics:
        return None
    # a row states a figure of the metrics compared (/fact: the ones the question named)
    row_metrics = set(q.narrowed_to) or set(q.metrics)
    metric = q.metrics[0]
    rows: list[Row] = []

    def row_for(entity: str, row_query: Query, label: str) -> Row | None:
        best = _best_for(store.search(row_query, limit=10).answers, entity)
        if best is None:
            return None
        others = [e for e in best.entities if e != entity and e in q.entities] or (
            [e for e in best.entities if e != entity] if len(best.entities) > 2 else []
        )
        return Row(label=label, answer=best, shared_with=others)

    companies = _one_row_each(store, q.entities)
    if len(companies) >= 2 and _asks_how_they_relate(store, q, companies):
        return None
    if len(companies) >= 2:
        for entity in companies[:max_rows]:
            row = row_for(entity, q.about(entities=[entity], metrics=row_metrics), entity)
            if row is not None:
                rows.append(row)
        return Comparison(query=q.text, kind=kind, by="company", rows=rows, metric=metric)
    if len(q.entities) == 1 and len(q.periods) >= 2:
        entity = q.entities[0]
        for period in q.periods[:max_rows]:
            row = row_for(entity, q.about(periods=[period], metrics=row_metrics), period)
            if row is not None and row.answer.period and period.lower() in row.answer.period.lower():
                rows.append(row)
        if len(rows) < 2:  # one period found: that is an answer, not a comparison
            return None
        return Comparison(query=q.text, kind=kind, by="period", rows=rows, metric=metric, entity=entity)
    if not q.entities and q.periods:
        result = store.search(q.about(metrics=row_metrics), limit=max_rows)
        seen: set[str] = set()
        for answer in result.answers:
            entity = answer.entity
            if not entity or entity in seen:
                continue
            best = _best_for(result.answers, entity)
            if best is None:
                continue
            seen.add(entity)
            others = [e for e in best.entities if e != entity] if len(best.entities) > 1 else []
            rows.append(Row(label=entity, answer=best, shared_with=others))
        return Comparison(query=q.text, kind=kind, by="company", rows=rows, metric=metric)
    return None


@dataclass(frozen=True)
class Passage:
    """The paragraph a quote sits in, split around the quote, with the paragraphs either side
    when the quote is its paragraph's only sentence."""

    before: str  # paragraph text before the quote
    quote: str
    after: str
    previous: str = ""
    next: str = ""


MAX_PASSAGE = 1200  # characters kept on either side of the quote


def _has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)  # "。" or "”" left of a sentence is no context


def passage(text: str, start: int, end: int) -> Passage:
    """The paragraph of `text` (an article as the store cleaned it) around characters start–end."""
    para_start = text.rfind("\n", 0, start) + 1
    para_end = text.find("\n", end)
    para_end = len(text) if para_end < 0 else para_end
    before = text[para_start:start][-MAX_PASSAGE:]
    after = text[end:para_end][:MAX_PASSAGE]
    previous = next_ = ""
    if not _has_words(before) and not _has_words(after):  # a one-sentence paragraph: its neighbours too
        lines_before = [p for p in text[:para_start].split("\n") if p.strip()]
        lines_after = [p for p in text[para_end:].split("\n") if p.strip()]
        previous = lines_before[-1][-MAX_PASSAGE:] if lines_before else ""
        next_ = lines_after[0][:MAX_PASSAGE] if lines_after else ""
    return Passage(before=before, quote=text[start:end], after=after, previous=previous, next=next_)


def other_facts(store: FactStore, answer: Answer, *, limit: int = 3) -> list[Answer]:
    """Up to `limit` other facts from the same article as `answer`, about the same company first."""
    found: list[Answer] = []
    seen = {answer.fact_id}
    for query in dict.fromkeys(q for q in (answer.entity, answer.entity_zh, *answer.entities) if q):
        try:
            result = store.search(query, limit=50)
        except QueryError:
            continue
        for a in result.answers + result.related:
            if a.file == answer.file and a.fact_id not in seen:
                seen.add(a.fact_id)
                found.append(a)
        if len(found) >= limit:
            break
    return sorted(found[:limit], key=lambda a: a.start)
