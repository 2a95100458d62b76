"""Extraction: article text in, facts out. Pure functions, no I/O.

A fact is one sentence (or the clean part of one) that is about something: it names an
entity, states a quantity, or uses a metric's keyword. Each carries the entities it is
about, its metrics, every quantity parsed, the period it states, and its exact position.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace

from .lexicon import Lexicon
from .names import discover_names, introduced_as_person
from .numbers import Value, in_declared_unit, parse_quantities
from .periods import (
    PART_SORT,
    WHOLE_YEAR,
    Period,
    PeriodName,
    article_period_names,
    parse_period,
    published_date,
    year_just_ended,
)
from .sources import DATE_STAMP, MAX_TITLE
from .subjects import SubjectTracker, choose_topic, source_or_investor
from .tables import TableReader
from .text import Span, clean_runs, clean_text_mapped, find_mojibake, fold, split_sentences
from .vocabulary import AliasMatcher, Mention


@dataclass
class Fact:
    """One quotable statement of an article and what it is about."""

    id: str
    file: str
    start: int
    end: int
    quote: str
    key: str
    entities: list[str]  # named in the sentence (and the companies they belong to)
    context: list[str]  # carried over from the sentence before ("他補充道…")
    metrics: list[str]  # strongest first
    values: list[Value]
    period: str | None
    period_sort: float
    published: str | None
    names: list[str] = field(default_factory=list)  # capitalised names not in the lexicon
    metric_distance: dict[str, int] = field(default_factory=dict)  # keyword to its figure, in characters
    context_weight: float = 0.7  # how surely the carried-over subject is this sentence's subject
    file_start: int = -1  # the quote's span in the article file as stored (code points)
    file_end: int = -1
    implied_year: int | None = None  # the year the article implies when the sentence states none
    implied_part: str | None = None  # …and the quarter, when its lead reports one (Q4)
    timeless: bool = False  # the article has no date and names no year: its 今年 is any year's
    topic: bool = False  # the subject is the article's main one, not named in the sentence
    restated_by: str | None = None  # a headline's fact: the body's fact stating its figures again
    # the sentence before, when this one opens on 该业务 (that business): the words naming it
    refers: str | None = None

    @property
    def metric(self) -> str:
        return self.metrics[0] if self.metrics else "other"


@dataclass
class Document:
    """An article after cleaning: the text quotes are cut from, and its facts."""

    file: str
    text: str
    published: str | None
    facts: list[Fact]
    sha256: str
    people: dict[str, str] = field(default_factory=dict)  # person named in it -> their company
    aliases: dict[str, str] = field(default_factory=dict)  # folded name it introduces -> entity
    names_zh: dict[str, str] = field(default_factory=dict)  # a name it introduces -> its Chinese name
    topic: str | None = None  # the entity the article is mostly about
    found: dict[str, dict] = field(default_factory=dict)  # name it introduces -> how found, spellings


_TITLES = (
    "首席执行官", "首席财务官", "首席技术官", "首席运营官", "首席科学家", "创始人", "联合创始人", "董事长", "总裁",
    "副总裁", "高级副总裁", "总经理", "负责人", "合伙人", "高管", "ceo", "cfo", "cto", "coo", "发言人", "秘书长", "研究员",
)  # fmt: skip
_NAME_AFTER_TITLE = re.compile(
    r"(?:%s)(?:兼(?:ceo|首席执行官|总裁))?(?P<name>[\u4e00-\u9fff]{1,6}(?:·[\u4e00-\u9fff]{1,8})?)(?:\((?P<latin>[a-z][a-z .\-]{2,40})\))?"
    % "|".join(sorted(_TITLES, key=len, reverse=True))
)
_NAME_TRAILERS = (
    "表示",
    "认为",
    "指出",
    "透露",
    "介绍",
    "坦言",
    "强调",
    "称",
    "说",
    "也",
    "在",
    "曾",
    "则",
    "就",
    "还",
    "对",
    "告诉",
    "谈道",
    "预测",
)
_MIN_CONTENT = 6


def _content_len(text: str) -> int:
    return sum(map(str.isalnum, text))


def fact_id(file: str, start: int, end: int, quote: str) -> str:
    """Return a stable id: the same source text always yields the same id."""
    return hashlib.sha1(f"{file}\x00{start}\x00{end}\x00{quote}".encode()).hexdigest()[:16]


def _person_links(key: str, mentions: list, lexicon: Lexicon) -> dict[str, str]:
    """Find 'COMPANY ... CEO 某某(Latin Name)' and map the person's names to the company."""
    links: dict[str, str] = {}
    companies = [
        m for m in mentions if m.entity not in lexicon.entities or lexicon.entities[m.entity].kind != "person"
    ]
    for m in _NAME_AFTER_TITLE.finditer(key):
        name = m.group("name")
        for t in _NAME_TRAILERS:
            idx = name.find(t, 1)
            if idx > 0:
                name = name[:idx]
        owner = None
        for c in companies:
            if c.end <= m.start():
                owner = c.entity
        if not owner or len(name) < 2:
            continue
        links[name] = owner
        if "·" in name:
            links[name.split("·")[-1]] = owner
        if m.group("latin"):
            links[m.group("latin").strip()] = owner
    return links


_BRACKETED = re.compile(r"([\u3400-\u9fff·•]{2,16})\s?[（(]\s?([A-Za-z][A-Za-z0-9 .&'\-]{1,40}?)\s?[)）]")
_PARTICLES = set("的之和与及是在由为将对向从给把被让同跟称")


def _chinese_name(run: str, key: str) -> str:
    """Return the name part of the Chinese words before a bracketed Latin name.

    "管理的方舟投资" -> "方舟投资"; "国产GPU厂商摩尔线程" -> "摩尔线程" when the article
    repeats that name (a name recurs, the words introducing it do not).
    """
    cut = max((i for i, c in enumerate(run) if c in _PARTICLES), default=-1)
    run = run[cut + 1 :]
    if len(run) <= 4:
        return run
    for size in range(min(len(run), 8), 1, -1):
        if key.count(run[-size:]) >= 2:
            return run[-size:]
    return run if len(run) <= 6 else run[-4:]


def _bracket_names(text: str, key: str, lexicon: Lexicon) -> dict[str, str]:
    """Link the names an article writes in brackets to the lexicon's: ``輝達（Nvidia）`` makes
    輝達 an alias of NVIDIA in this article. Returns folded alias -> entity; a pair of which the
    lexicon knows neither side is a new name, for ``store.names``."""
    known = lexicon.aliases()
    aliases: dict[str, str] = {}
    for m in _BRACKETED.finditer(text):
        latin = re.sub(r"\s+", " ", m.group(2)).strip(" .-")
        latin_key = fold(latin)
        if len(latin) < 2 or latin_key in lexicon.generic_names:
            continue
        zh_key = _chinese_name(key[m.start(1) : m.end(1)], key)
        if len(zh_key) < 2:
            continue
        by_latin = known.get(latin_key)
        by_zh = next((known[zh_key[i:]] for i in range(len(zh_key) - 1) if zh_key[i:] in known), None)
        if by_latin and not by_zh:
            aliases.setdefault(zh_key, by_latin)
        elif by_zh and not by_latin:
            aliases.setdefault(latin_key, by_zh)
    return aliases


# a year written as a plan, a target or the far end of a range is not one the article looks back on
_AHEAD_OF_YEAR = re.compile(r"(?:到|至|预计|预期|将|计划|目标|-|—|~)\s?(?:在\s?)?$")


def _article_year(key: str, published: str | None, periods: list[PeriodName]) -> int | None:
    # the article's date; else the year it states most often (ties: the later one), but never
    # before the latest calendar year it looks back on (an article telling of 2022 is not 2020's,
    # however often it names 2020; a fiscal year runs ahead of the calendar); a year far beyond all
    # the others is a story's ("来自2060年的手机")
    if published:
        return int(published[:4])
    names = [n for n in periods if n.year is not None and n.offset is None]
    years = [n.year for n in names if n.year is not None]
    if not years:
        return None
    common = max(set(years), key=lambda y: (years.count(y), y))
    past = sorted(
        {
            n.year
            for n in names
            if n.year and not n.fiscal and not _AHEAD_OF_YEAR.search(key[max(0, n.start - 4) : n.start])
        }
    )
    while len(past) > 1 and past[-1] - past[-2] > 5:
        past.pop()
    return max(common, past[-1]) if past else common


# "基石投资者…包括阿布扎比投资局、阿里巴巴旗下关联公司、易方达基金等在内的14家机构": a list of examples
_EXAMPLES = re.compile(r"(?:包括|包含|例如|比如)[^,，;；。:：]{0,80}?等")


def _named_as_examples(key: str, mentions: list[Mention], lexicon: Lexicon) -> set[str]:
    """Return the entities (and what they belong to) a sentence names only as examples, inside
    brackets or a 包括…等 list: "A类机构(公募基金、社保基金…及QFII等)", or as the source of its
    figures ("据LSEG分析师调查") or an investor in the round it tells of ("…联合领投"); "稀宇科技
    (MiniMax)" names the same company outside them too."""
    if not mentions:
        return set()
    examples = [(m.start(), m.end()) for m in _EXAMPLES.finditer(key)] if "等" in key else []

    def aside(at: int) -> bool:
        opened = key.count("(", 0, at) + key.count("（", 0, at)
        return opened > key.count(")", 0, at) + key.count("）", 0, at) or any(a <= at < b for a, b in examples)

    inside = [aside(m.start) or source_or_investor(key, m) for m in mentions]
    outside = {name for m, a in zip(mentions, inside, strict=True) if not a for name in lexicon.lineage(m.entity)}
    return {name for m, a in zip(mentions, inside, strict=True) if a for name in lexicon.lineage(m.entity)} - outside


# "（中央社记者张建中台北3日电）", "(记者 杨月涵)", "(编辑:张良知)": who wrote or edited the
# article; a reporter who shares a founder's name is not that founder's company
_BYLINE = re.compile(
    r"(?:^|(?<=[(（\s]|社))(?:记者|编辑|责任编辑|责编|撰文|撰稿|实习生)\s?[:：]?\s?"
    r"[\u3400-\u9fff·]{2,4}(?:\s[\u3400-\u9fff·]{2,4})*"
)


def _outside_bylines(key: str, mentions: list[Mention]) -> list[Mention]:
    """Return ``mentions`` without those inside a byline or an editor's credit."""
    if not mentions or not any(w in key for w in ("记者", "编辑", "责编", "撰", "实习生")):
        return mentions
    spans = [(m.start(), m.end()) for m in _BYLINE.finditer(key)]
    return [m for m in mentions if not any(a <= m.start < b for a, b in spans)]


# the channel a company speaks through, not a company the sentence is about: 其微信公众号上周发布的公告
_CHANNEL_AFTER = re.compile(r"\s?(?:公众号|视频号|小程序|官方账号|官方帐号)")


def _not_channels(key: str, mentions: list[Mention]) -> list[Mention]:
    """Return ``mentions`` without a platform named as the channel a statement came through."""
    return [m for m in mentions if not _CHANNEL_AFTER.match(key, m.end)]


def _opening_on(mentions: list[Mention]) -> str | None:
    """Return the entity a sentence opens on (named at its first character or after a quote)."""
    first = min(mentions, key=lambda m: m.start, default=None)
    return first.entity if first is not None and first.start <= 1 else None


def extract_facts(raw_text: str, file: str, lexicon: Lexicon, *, published: str | None = None) -> Document:
    """Return the cleaned article and the facts it states.

    ``published`` (an ISO date from the article's metadata) wins over a dateline or file name.

    >>> doc = extract_facts("4月25日,微軟稱資本支出同比增長79%至140億美元。", "a.txt", Lexicon.load())
    >>> doc.facts[0].entities, doc.facts[0].metric, [v.amount for v in doc.facts[0].values]
    (['Microsoft'], 'capex', [79.0, 14000000000.0])
    """
    text, origin = clean_text_mapped(raw_text)
    key = fold(text)
    sha = hashlib.sha256(raw_text.encode("utf-8", "surrogatepass")).hexdigest()
    published = published or published_date(key[:400], file)
    stamp = DATE_STAMP.match(key)
    if stamp:
        key = " " * stamp.end() + key[stamp.end() :]
    dated_year = int(published[:4]) if published else None
    month = int(published[5:7]) if published and dated_year else None
    periods = article_period_names(key)
    article_year = _article_year(key, published, periods)
    # "2024年同期则录淨流入173.72億元": the year a figure is compared with is no year the article reports
    years_stated = {n.year for n in periods if n.year is not None and not n.same_part}
    only_year = next(iter(years_stated)) if len(years_stated) == 1 else None
    damaged = find_mojibake(text)
    doc_aliases = _bracket_names(text, key, lexicon)
    names_zh: dict[str, str] = {}
    # "![]()": a scraped image's markup is no sentence, and never the lead naming the company
    sentences = [
        s
        for s in split_sentences(text)
        if any(c.isalnum() for c in s.text) and not lexicon.is_boilerplate(key[s.start : s.end])
    ]
    if stamp and sentences and sentences[0].start < stamp.end():
        # the first sentence's quote opens after the page's date stamp
        first = sentences[0]
        begin = stamp.end() + len(text[stamp.end() : first.end]) - len(text[stamp.end() : first.end].lstrip())
        sentences[0] = Span(begin, first.end, text[begin : first.end])
    lead_end = sentences[min(1, len(sentences) - 1)].end if sentences else 0
    # the quarter the lead reports: the first two sentences saying something ("文丨苏扬" says nothing)
    saying = [s for s in sentences if sum(c.isalnum() for c in s.text) >= 10] or sentences
    told_end = saying[min(1, len(saying) - 1)].end if saying else 0
    home_currency = _home_currency(key)
    # the quarter the title and lead report: what the article's 本季 (this quarter) is
    told_quarter = next(
        (
            (year, int(n.part[1]), n.fiscal)
            for n in periods
            if n.start < told_end
            and n.part
            and n.part[0] == "Q"
            # a title's quarter without its year (次季…), in a dated article: the last one ended
            and (year := n.year or (dated_year and month and not n.fiscal and year_just_ended(n.part, dated_year, month)))
        ),
        None,
    )
    found = discover_names(text, key, title_end=lead_end, **lexicon.name_sources())
    for entry in found.values():
        for spelling in sorted(entry.keys):
            doc_aliases.setdefault(spelling, entry.name)
        names_zh.setdefault(entry.name, entry.zh or entry.name)
    new_names = {e.name for e in found.values()}
    # 董事长陈立白: a person the article introduces, never the company it is about
    people_found = {e.name for e in found.values() if introduced_as_person(key, e.keys)}
    article_names = AliasMatcher(doc_aliases.items())
    def mentions_in(s_key: str) -> list[Mention]:
        # who a sentence names, but not a byline's reporter or the channel a statement came through
        return _not_channels(s_key, _outside_bylines(s_key, lexicon.find_mentions(s_key, article_names)))

    all_mentions = [mentions_in(key[s.start : s.end]) for s in sentences]

    def is_company(name: str) -> bool:
        top = lexicon.lineage(name)[-1]
        ent = lexicon.entities.get(top)
        return (ent is not None and ent.kind == "company") or (top in names_zh and top not in people_found)

    def as_topic(name: str) -> str:
        # a product is its company's (ChatGPT counts for OpenAI); a company is itself, a listed
        # subsidiary too (金山雲(3896) is Kingsoft Cloud's article, not its parent Kingsoft's)
        ent = lexicon.entities.get(name)
        return name if ent is not None and ent.kind == "company" else lexicon.lineage(name)[-1]

    topic = choose_topic(
        # a source, an investor or an analyst named sentence after sentence is still not the subject
        [
            [as_topic(m.entity) for m in found_in if not source_or_investor(s_key, m)]
            for s_key, found_in in zip((key[s.start : s.end] for s in sentences), all_mentions, strict=True)
        ],
        is_company,
        boosted=[e.name for e in found.values() if e.how & {"ticker", "title", "reporter"}]
        # the company the title or lead opens on ("中芯国际最新发布的财务报告显示…")
        + [as_topic(e) for e in map(_opening_on, all_mentions[:2]) if e],
    )
    subjects = SubjectTracker(topic, is_company)
    tables = TableReader(lambda cell: parse_period(fold(cell), article_year, dated_year, month))
    facts: list[Fact] = []
    people: dict[str, str] = {}
    people_latin: dict[str, str] = {}
    last_period: tuple[str, float] | None = None
    stated_part: tuple[int, str] | None = None  # the last quarter or half a fact was stated for
    last_metric: str | None = None
    last_line_end = -1
    previous_key = ""
    for sentence, mentions in zip(sentences, all_mentions, strict=True):
        new_paragraph = "\n" in text[last_line_end : sentence.start] if last_line_end >= 0 else True
        if last_line_end >= 0 and any(
            lexicon.is_boilerplate(key[b.start : b.end])
            for b in split_sentences(text[last_line_end : sentence.start])
        ):
            subjects.break_chain()  # boilerplate in between breaks the chain of subjects
        last_line_end = sentence.end
        s_key = key[sentence.start : sentence.end]
        names = list(dict.fromkeys(m.entity for m in mentions if m.entity in new_names))
        links = _person_links(s_key, mentions, lexicon)
        people.update(links)
        # the person as a findable name: "Tuhin Srivastava" stands for 斯里瓦斯塔瓦 too
        latin = {fold(n): n for n in names}
        full = next((latin[fold(p)] for p in links if fold(p) in latin), None)
        if full:
            for person in links:
                people_latin.setdefault(person, full)
        named: list[str] = []
        for m in mentions:
            for name in lexicon.lineage(m.entity):
                if name not in named:
                    named.append(name)
        for person, owner in people.items():
            if fold(person) in s_key:
                for name in [people_latin.get(person, person), *lexicon.lineage(owner)]:
                    if name not in named:
                        named.append(name)
        for n in names:
            if n in people or fold(n) in people:
                continue
            if n not in named:
                named.append(n)
        subject = subjects.subject(
            s_key,
            named,
            new_paragraph=new_paragraph,
            named_from=min((m.start for m in mentions), default=None),
            name_starts=[m.start for m in mentions],
            asides=_named_as_examples(s_key, mentions, lexicon),
        )
        context, context_weight, about_topic = subject.carried, subject.weight, subject.about_topic
        cells = tables.row(sentence.text, sentence.start)
        # a table row's figures: one fact per cell, quoting the row up to it, with its column's period
        runs = [Span(sentence.start, c.end, text[sentence.start : c.end]) for c in cells] or clean_runs(
            sentence, damaged
        )
        # a table row's label ("归母净利润(元) |") declares its figures' unit
        label = text[sentence.start : sentence.start + sentence.text.find("|") + 1] if cells else ""
        for at, run in enumerate(runs):
            fact = _fact_from_run(
                run,
                key,
                file,
                lexicon,
                named,
                context,
                published,
                article_year,
                dated_year,
                names,
                stated_part=stated_part,
                told_quarter=told_quarter,
                home_currency=home_currency,
            )
            if fact and cells:
                fact.values = [in_declared_unit(v, label) for v in fact.values if v.start >= cells[at].start]
                fact.period, fact.period_sort = cells[at].period.label, cells[at].period.sort
                if not fact.values:
                    continue
            if fact:
                fact.context_weight = context_weight
                fact.topic = about_topic
                if previous_key and context and _THAT_BUSINESS.match(s_key):
                    # whose business it is, the sentence before said as plainly as this one
                    fact.refers, fact.context_weight = previous_key, 1.0
                fact.file_start, fact.file_end = origin[run.start], origin[run.end - 1] + 1
                fact.timeless = not published and not years_stated
                if fact.period is None and (only_year or told_quarter):
                    # a sentence stating no period, in an article about one year only, or in one
                    # whose lead reports a quarter's results (its figures are that quarter's, most
                    # likely); in May 2023 "亏了30多亿元的OpenAI" may be any year's, so the date
                    # alone says nothing
                    fact.implied_year = only_year or (told_quarter[0] if told_quarter else None)
                    if told_quarter and fact.implied_year == told_quarter[0] and not WHOLE_YEAR.search(fact.key):
                        fact.implied_part = f"Q{told_quarter[1]}"  # (全年…93.5% is the year's)
                whole_year_after_part = bool(last_period and " " in last_period[0] and WHOLE_YEAR.search(fact.key))
                if fact.period is None and context and last_period and not about_topic and not whole_year_after_part:
                    # "其中資料中心營收為308億美元": a figure carried over from the sentence
                    # before belongs to that sentence's period too (a 全年 figure is no quarter's)
                    fact.period, fact.period_sort = last_period
                if context and last_metric and last_metric not in fact.metrics and not about_topic:
                    # "这比2021年的约600亿美元增长了30%以上": a money figure continuing the
                    # sentence before measures what that sentence measured
                    expects = lexicon.metrics[last_metric].expects
                    if any(v.kind == expects for v in fact.values) and not any(
                        lexicon.metrics[m].expects == expects for m in fact.metrics
                    ):
                        fact.metrics.append(last_metric)
                        fact.metric_distance[last_metric] = 0
                        fact.values = [
                            replace(v, metric=last_metric) if v.metric is None and v.kind == expects else v
                            for v in fact.values
                        ]
                facts.append(fact)
                if fact.period:
                    last_period = (fact.period, fact.period_sort)
                    if part := _YEAR_AND_PART.fullmatch(fact.period):
                        stated_part = (int(part[1]), part[2])
        own = [f for f in facts if f.start >= sentence.start and f.values]
        if own and own[-1].metrics:
            last_metric = own[-1].metrics[0]
        elif not context:
            last_metric = None
        if not context and not named:
            last_period = None
        elif named:
            last_period = next(
                (
                    (f.period, f.period_sort)
                    for f in reversed(facts)
                    if f.period and f.start >= sentence.start
                ),
                None,
            )
        previous_key = s_key
    _mark_restated_headlines(text, facts)
    return Document(
        file=file,
        text=text,
        published=published,
        facts=facts,
        sha256=sha,
        people={people_latin.get(p, p): o for p, o in people.items()},
        aliases=doc_aliases,
        names_zh=names_zh,
        topic=topic,
        found={
            e.name: {"how": sorted(e.how), "keys": sorted(e.keys), "zh": e.zh, "count": e.count}
            for e in found.values()
        },
    )


def headline_end(text: str) -> int:
    """Return where the article's leading headline lines end: the title, subtitle, byline and
    photo caption before the first line that is a paragraph (longer than ``MAX_TITLE`` or
    holding a full stop). Headlines end on ! and ? as often as not."""
    at = 0
    for line in text.splitlines(keepends=True):
        body = line.strip()
        if body and (len(body) > MAX_TITLE or "。" in body) and not _NAVIGATION.fullmatch(body):
            break
        at += len(line)
    return at


# a site's menu scraped above the title ("财经视野 科技数码 探索发现 教育学习 …"): no paragraph
_NAVIGATION = re.compile(r"(?:[\u3400-\u9fff]{2,6}\s+){3,}[\u3400-\u9fff]{2,6}")


_ROUNDED = frozenset({"近", "约", "超过", "多", "以上", "不到"})  # a figure said roughly: 近160亿美元


def _restates(first: Value, then: Value) -> bool:
    """Tell whether ``then`` states ``first``'s figure again: the same, or precisely where
    ``first`` rounded it (近160亿美元, then 159.3亿美元)."""
    if first.amount is None or then.amount is None:
        return False
    if first.kind != then.kind and not (first.kind == "number" and first.unit is None and then.kind == "money"):
        return False  # a headline's bare 8.7亿 is the body's 8.7亿元
    if first.currency != then.currency and None not in (first.currency, then.currency):
        return False
    if first.unit != then.unit and None not in (first.unit, then.unit):
        return False  # 超过20个 (drug candidates) is not 20家 (drug makers) again
    if abs(first.amount - then.amount) <= 1e-9 * max(abs(first.amount), 1.0):
        return True
    return (
        first.qualifier in _ROUNDED
        and then.qualifier not in _ROUNDED
        and abs(first.amount - then.amount) <= 0.05 * abs(first.amount)
    )


def _same_name(a: str, b: str) -> bool:
    # the headline's short name and the body's full one (智谱 / 智谱华章) are merged only later
    return a in b or b in a


def _mark_restated_headlines(text: str, facts: list[Fact]) -> None:
    """Link each fact of the headline lines to the first fact of the body stating every one of
    its figures again about the same company: a headline rounds and abbreviates ("发行价116.2港元",
    "获约人民币10亿元融资"), and the body's sentence says it in full ("每股发行价为116.20港元",
    "在「B + 轮」融资中筹集了大约人民币 10 亿元"), so ranking quotes the body's
    (``store.ranking.body_over_headline``). The lead paragraph summing up in round figures
    ("一笔过近160亿美元的巨额税务开支") gives way the same way to the body's precise one
    ("高达159.3亿美元"); a lead stating its figures exactly stays the quote."""
    end = headline_end(text)
    lead_start = len(text) - len(text[end:].lstrip())
    lead_end = text.find("\n", lead_start)
    lead_end = len(text) if lead_end < 0 else lead_end
    after_headline = [f for f in facts if f.start >= end]
    body = [f for f in after_headline if f.start >= lead_end]
    for f in facts:
        in_headline = f.start < end
        in_lead = lead_start <= f.start < lead_end and any(v.qualifier in _ROUNDED for v in f.values)
        if not f.values or not (in_headline or in_lead):
            continue
        names = f.entities + f.context
        f.restated_by = next(
            (
                b.id
                for b in (body if in_lead else after_headline)
                if (not names or any(_same_name(n, m) for n in names for m in b.entities + b.context))
                # the body's own figures, or one it restates in brackets ("1.2亿美元(约合人民币8.7亿元)")
                and all(any(_restates(v, r) for w in b.values for r in (w, *w.restatements())) for v in f.values)
            ),
            None,
        )


def _fact_from_run(
    run: Span,
    key: str,
    file: str,
    lexicon: Lexicon,
    named: list[str],
    context: list[str],
    published: str | None,
    article_year: int | None,
    dated_year: int | None,
    names: list[str],
    *,
    stated_part: tuple[int, str] | None = None,
    told_quarter: tuple[int, int, bool] | None = None,
    home_currency: str = "CNY",
) -> Fact | None:
    if _content_len(run.text) < _MIN_CONTENT:
        return None
    r_key = key[run.start : run.end]
    values = parse_quantities(r_key, run.text, home_currency)
    hits, positions = lexicon.metric_reading(r_key)
    if not (named or values or hits):
        return None
    if not named and not hits and not context:
        return None  # a bare number with nothing to say what it measures
    expects = {name: lexicon.metrics[name].expects for name in positions}
    values = [
        replace(v, metric=claim[0]) if claim else v
        for v, claim in zip(values, claim_figures(r_key, positions, values, expects), strict=True)
    ]
    metrics, distances = _rank_metrics(r_key, hits, positions, values, lexicon)
    if (
        "gpu_count" in lexicon.metrics
        and "gpu_count" not in metrics
        and _counts_chips(r_key, values, lexicon)
    ):
        # "1万枚英伟达A100芯片": a count of a chip the lexicon knows is a GPU count
        metrics.append("gpu_count")
        distances["gpu_count"] = 0
    # a period stated after the first figure, past a clause break, is a later figure's: in
    # "净利润为104亿元,2021年为134亿元" the 104亿元 is not 2021's
    first = min((v.start for v in values), default=None)
    clause_end = _CLAUSE_END.search(r_key, first) if first is not None else None
    period = parse_period(
        r_key,
        article_year,
        dated_year,
        int(published[5:7]) if published and dated_year else None,
        dated_day=int(published[8:10]) if published and dated_year else 1,
        fiscal_year_end=lexicon.fiscal_year_end([*named, *context]),
        until=clause_end.start() if clause_end else None,
        told_quarter=told_quarter,
    )
    if period and period.same_part_unnamed and stated_part and stated_part[0] - int(period.sort) in (0, 1):
        # "上半年收入23.58亿元…视觉AI收入由去年同期5.12亿元": last year's first half
        year = int(period.sort)
        period = Period(f"{year} {stated_part[1]}", year + PART_SORT[stated_part[1]])
    shifted = [v.shifted(run.start) for v in values]
    return Fact(
        id=fact_id(file, run.start, run.end, run.text),
        file=file,
        start=run.start,
        end=run.end,
        quote=run.text,
        key=r_key,
        entities=list(named),
        context=list(context),
        metrics=metrics,
        metric_distance=distances,
        values=shifted,
        period=period.label if period else None,
        period_sort=period.sort if period else 0.0,
        published=published,
        names=names,
        # "第三季" in an undated article took the year it names most: a guess, kept as one
        implied_year=int(period.sort) if period and period.inferred else None,
    )


_FAR = 999
# a Taiwan company's article: its stock code (2330-TW), or the New Taiwan dollar named, or a bare
# four-digit code (臻鼎（4958）; Hong Kong's 阿里巴巴（9988） too) with Taiwan's words for results
_TAIWAN = re.compile(r"\d{4}(?:-tw|\.tw|-two)(?![a-z])|新台币|台币")
_FOUR_DIGIT_CODE = re.compile(r"[（(]\s?[1-9]\d{3}\s?[)）]")
_TAIWAN_WORDS = re.compile(r"纯益|法说会|(?<!按)(?:年|季|月)增|上柜|台股|营益率|每股盈余")
_RENMINBI_THROUGHOUT = re.compile(r"人民币\s?[,，、.]?\s?下同")


def _home_currency(key: str) -> str:
    """Return the currency an article's bare 元 are in: New Taiwan dollars in a Taiwan company's
    article (unless it says 人民币, 下同), else renminbi."""
    taiwan = _TAIWAN.search(key) or (_FOUR_DIGIT_CODE.search(key) and _TAIWAN_WORDS.search(key))
    return "TWD" if taiwan and not _RENMINBI_THROUGHOUT.search(key) else "CNY"
# a sentence opening on "that business" (该业务去年收入达24.04亿元): the business is the one the
# sentence before named, whose words a question about it uses
_THAT_BUSINESS = re.compile(
    r"\s?(?:而|其中|同时|另外)?,?\s?(?:该|此|这一?|这项|该项)(?:业务|分部|板块|部门|事业部|事业群|业务线)"
)
_YEAR_AND_PART = re.compile(r"(\d{4}) (Q[1-4]|H[12]|9M)")
_CLAUSE_END = re.compile(r"[,，;；。]")


def _counts_chips(key: str, values: list[Value], lexicon: Lexicon) -> bool:
    counts = [v for v in values if v.kind == "count"]
    if not counts:
        return False
    chips = [
        m for m in lexicon.find_mentions(key) if (e := lexicon.entities.get(m.entity)) and e.kind == "chip"
    ]
    return any(0 <= m.start - v.end <= 12 or 0 <= v.start - m.end <= 4 for v in counts for m in chips)


_QUALIFIES = re.compile(r"\s?的([^\d,，;；。:：、]{0,6})")


def _distance(key: str, pos: int, end: int, v: Value) -> int:
    # Chinese states a metric, then its figure ("收入超800亿美元"); a figure before the keyword,
    # or one in another clause, is less likely to be its value, unless it qualifies the keyword
    # ("投入500亿元的资本支出", "以30%的市场份额", "100亿美元的一次性税务支出": the figure of the
    # noun phrase after 的)
    qualifies = _QUALIFIES.fullmatch(key, v.end, pos) if v.end <= pos else None
    if v.start >= end:
        gap, between = v.start - end, key[end : v.start]
    elif qualifies:
        return len(qualifies.group(1))
    else:
        gap, between = 2 * max(pos - v.end, 0), key[v.end : pos]
    return gap + 15 * sum(between.count(c) for c in ",，;；")


# where a clause ends: a comma between two digits is a thousands separator ("50,000个"), not a break
_CLAUSE_BREAK = re.compile(r"[;；。!！?？]|[,，](?!\d)|(?<!\d)[,，]")


def claim_figures(
    key: str,
    positions: dict[str, list[tuple[int, int]]],
    values: list[Value],
    expects: dict[str, str],
) -> list[tuple[str, int] | None]:
    """Return, per figure, the metric whose keyword names it and how far apart they stand: the
    nearest keyword in the figure's own clause of a metric measured in that kind of figure.

    "毛利率 53.1%，營益率 42.0%": 53.1% is the gross margin, 42.0% the operating margin; in
    "第三季 EPS 12.5 元，…並上調全年營收年增幅至 25%" 12.5 元 is the EPS, not revenue. A figure with no
    such keyword in its clause is nobody's (None). Ties go to the more specific metric.
    """
    claims: list[tuple[str, int] | None] = []
    for v in values:
        best: tuple[int, bool, int, str] | None = None
        for name, spans in positions.items():
            if expects.get(name, "any") not in ("any", v.kind):
                continue
            for pos, end in spans:
                between = key[end : v.start] if v.start >= end else key[v.end : pos] if pos >= v.end else ""
                if _CLAUSE_BREAK.search(between):
                    continue
                d = _distance(key, pos, end, v)
                rank = (d, name in _GENERIC, -(end - pos), name)
                if best is None or rank < best:
                    best = rank
        claims.append((best[3], best[0]) if best else None)
    return claims


_GENERIC = ("growth", "market_size", "benchmark")  # the catch-alls; a specific metric outranks them


def _named_by_another(key: str, v: Value, name: str, positions: dict[str, list[tuple[int, int]]]) -> bool:
    """Tell whether another metric's keyword stands before ``v`` in its own clause: "AI伺服器營收將破
    5成,為何毛利率卻是…" — 5成 is a share of revenue, not the gross margin the next clause asks about."""
    return any(
        end <= v.start and not _CLAUSE_BREAK.search(key, end, v.start)
        for other, spans in positions.items()
        if other != name
        for _, end in spans
    )


def _rank_metrics(
    key: str,
    hits: dict[str, tuple[int, int]],
    positions: dict[str, list[tuple[int, int]]],
    values: list[Value],
    lexicon: Lexicon,
) -> tuple[list[str], dict[str, int]]:
    """Order a sentence's metrics: the one whose keyword sits next to a figure of its kind first."""
    distances: dict[str, int] = {}
    for name in hits:
        expects = lexicon.metrics[name].expects
        # its keyword's own figures; else the nearest a clause away that no other keyword names
        fitting = [v for v in values if v.metric == name] or [
            v
            for v in values
            if v.metric is None
            and (expects == "any" or v.kind == expects)
            and not _named_by_another(key, v, name, positions)
        ]
        distances[name] = min(
            (_distance(key, pos, end, v) for v in fitting for pos, end in positions.get(name, [])),
            default=_FAR,
        )

    def score(name: str) -> tuple:
        strength, pos = hits[name]
        generic = name in _GENERIC
        near = distances[name] <= 20
        return (near, not generic, -distances[name], strength, -pos)

    return sorted(hits, key=score, reverse=True), distances
