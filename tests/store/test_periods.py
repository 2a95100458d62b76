"""Periods: one grammar for questions and articles (store.periods), relative periods, fiscal
calendars, and the period each figure of a sentence is stated for. Pure functions, no store,
except the last tests, on the seed store."""

import datetime
from pathlib import Path

import pytest

from store import Lexicon, extract_facts, fold, parse_period, parse_quantities
from store.candidates import Candidate
from store.headline import headline, value_period
from store.periods import _TOKENS, article_period_names, asked_periods, fiscal_year_of, period_agreement
from store.question import QuestionVocabulary, read_question

LEX = Lexicon.load()
VOCAB = QuestionVocabulary.from_lexicon(LEX)
TODAY = datetime.date(2026, 12, 6)
SEEDS = Path(__file__).resolve().parents[2] / "seeds"

# (as written, what a question asks, the label an article of 30 October 2024 gives it)
SAME_PHRASES = [
    ("2024年第三季度", ["2024", "Q3"], "2024 Q3"),
    ("2024 年 第三季度", ["2024", "Q3"], "2024 Q3"),
    ("24Q3", ["2024", "Q3"], "2024 Q3"),
    ("3Q24", ["2024", "Q3"], "2024 Q3"),
    ("Q3 2024", ["2024", "Q3"], "2024 Q3"),
    ("3q 2024", ["2024", "Q3"], "2024 Q3"),
    ("2024Q3", ["2024", "Q3"], "2024 Q3"),
    ("2024H1", ["2024", "H1"], "2024 H1"),
    ("third quarter of 2024", ["2024", "Q3"], "2024 Q3"),
    ("三季度", ["Q3"], "2024 Q3"),
    ("第三财季", ["Q3"], "FY2024 Q3"),  # no calendar given: the article's year
    ("第三財政季度", ["Q3"], "FY2024 Q3"),
    ("fiscal Q3", ["Q3"], "FY2024 Q3"),
    ("Q3 FY24", ["2024", "Q3"], "FY2024 Q3"),
    ("FY2024Q3", ["2024", "Q3"], "FY2024 Q3"),
    ("2024年的最后一个季度", ["2024", "Q4"], "2024 Q4"),
    ("2025年一季报", ["2025", "Q1"], "2025 Q1"),  # a quarter's report
    ("2024财年第二财季", ["2024", "Q2"], "FY2024 Q2"),
    ("上半年", ["H1"], "2024 H1"),
    ("下半年", ["H2"], "2024 H2"),
    ("H1 2025", ["2025", "H1"], "2025 H1"),
    ("1H25", ["2025", "H1"], "2025 H1"),
    ("2025年上半年", ["2025", "H1"], "2025 H1"),
    ("前三季度", ["9M"], "2024 9M"),  # nine months, not the third quarter
    ("前3季", ["9M"], "2024 9M"),  # Taiwan writes the nine months so
    ("2024年中期业绩", ["2024", "H1"], "2024 H1"),  # Hong Kong's interim results
    ("nine months", ["9M"], "2024 9M"),
    ("first three quarters", ["9M"], "2024 9M"),
    ("2024年1-9月", ["2024", "9M"], "2024 9M"),  # months one to nine, not a date
    ("1至6月", ["H1"], "2024 H1"),
    ("2024Q1-Q3", ["2024", "9M"], "2024 9M"),  # a run of quarters
    ("第一至三季度", ["9M"], "2024 9M"),
    ("2024Q1-Q2", ["2024", "H1"], "2024 H1"),
    ("FY2024", ["2024"], "FY2024"),
    ("fiscal 2025", ["2025"], "FY2025"),
    ("2024财年", ["2024"], "FY2024"),
    ("今年上半年", ["this year", "H1"], "2024 H1"),
    ("去年", ["last year"], "2023"),
    ("last year", ["last year"], "2023"),
    ("今年", ["this year"], "2024"),
    ("this year", ["this year"], "2024"),
    ("YTD", ["this year"], "2024"),
    ("上季", ["last quarter"], "2024 Q3"),
    ("last quarter", ["last quarter"], "2024 Q3"),
    ("本季度", ["this quarter"], "2024 Q4"),
    # as Hong Kong and Taiwan write the first and last quarters, and as analysts type fiscal ones
    ("2024年首季", ["2024", "Q1"], "2024 Q1"),
    ("次季", ["Q2"], "2024 Q2"),  # Hong Kong's second quarter
    ("末季", ["Q4"], "2024 Q4"),
    ("FQ3 2024", ["2024", "Q3"], "FY2024 Q3"),
    ("3QFY24", ["2024", "Q3"], "FY2024 Q3"),
    ("Q3 FY2023/24", ["2024", "Q3"], "FY2024 Q3"),  # the fiscal year ends in 2024
    ("2023/24财年", ["2024"], "FY2024"),
    # a quarter by the month it ends in
    ("June quarter 2024", ["2024", "Q2"], "2024 Q2"),
    ("截至2024年9月30日止三个月", ["2024", "Q3"], "2024 Q3"),
]


@pytest.mark.parametrize(("phrase", "atoms", "label"), SAME_PHRASES)
def test_a_question_and_an_article_read_a_period_alike(phrase, atoms, label):
    assert read_question(f"Microsoft capex {phrase}", VOCAB, TODAY).periods == atoms
    stated = parse_period(fold(phrase), 2024, 2024, 10, dated_day=30)
    assert stated is not None and stated.label == label
    # what the question asks agrees with what the article states, read on the article's date
    assert (
        period_agreement(
            atoms, label, fold(phrase), published="2024-10-30", today=datetime.date(2024, 10, 30)
        )
        >= 0.95
    )


@pytest.mark.parametrize(
    ("question", "periods"),
    [
        ("微軟 上季 資本支出", ["last quarter"]),
        ("字節跳動 今年 資本支出", ["this year"]),
        ("寒武纪 上半年 净利润 多少", ["H1"]),
        ("智谱 上半年 净亏损", ["H1"]),
        ("腾讯 去年 营收", ["last year"]),  # 去 is no word of the question
        ("Huawei 910C output plan for next year", ["next year"]),
        ("Microsoft capex previous quarter", ["previous quarter"]),  # 前一季, not 上季
        ("Microsoft capex 2023 2024", ["2023", "2024"]),
    ],
)
def test_relative_periods_in_a_question_are_read(question, periods):
    u = read_question(question, VOCAB, TODAY)
    assert u.periods == periods
    assert "去" not in u.terms


@pytest.mark.parametrize(
    ("asked", "period", "key", "published", "score"),
    [
        (["last year"], "2025", "", None, 1.0),  # today's last year
        (["last year"], "2024", "", "2025-03-01", 0.8),  # the article's last year: still agrees, less
        (["last year"], "2023", "", "2025-03-01", 0.0),  # neither
        (["last year"], "2023", "", None, 0.6),  # an undated article cannot say what its years were
        (["this year"], None, "高于今年的1500亿元", None, 0.8),  # the article's own word
        (["this year"], "2026", "", None, 1.0),
        (["last quarter"], "2026 Q3", "", None, 1.0),
        (["last quarter"], "2025 Q3", "", "2025-10-30", 0.8),
        (["last quarter"], "2025 Q2", "", "2025-10-30", 0.0),
        (["last quarter"], None, "在截至9月底的上季,资本支出高达349亿美元", None, 0.8),
        (["H1"], "2026 H1", "", None, 1.0),  # the newest half first…
        (["H1"], "2025 H1", "", "2025-08-27", 0.95),  # …then the article's…
        (["H1"], "2023 H1", "", None, 0.9),  # …then any other year's
        (["H1"], "2025 Q2", "", None, 0.0),  # a quarter is not the half
        (["H1"], None, "第四季营收", None, 0.0),  # undated: the sentence still names its part
        (["Q2"], "2025 H1", "", None, 0.0),  # the half's figure is not its quarter's
        (["Q3"], "2025 9M", "", None, 0.0),
        (["Q3"], "2025-08", "", None, 0.7),  # a date in the quarter asked
        (["2024"], "FY2024 Q3", "", None, 0.6),  # a year asked, a quarter of it stated: not the year's
        (["2024"], "FY2024", "", None, 1.0),
        (["last year"], "2025 9M", "", None, 0.6),
        (["2024"], "2023", "", None, 0.0),
        (["2022"], "2021–2023", "", None, 0.8),
        # a report's name is no quarter's figure (三季报: the nine months'), a whole year's no part's
        (["Q3"], "2025 9M", "据公司25年三季报,25q1-q3实现归母净利润7.8亿元", None, 0.0),
        (["Q4"], "2025", "2025年全年合并营收来到48.43亿元", None, 0.0),
        (["Q4"], "2025", "2025年合并营收来到48.43亿元", None, 0.0),
        # a year and its quarter asked: the year's figure, stated as the year's, is not the quarter's
        (["2025", "Q4"], "2025", "东元2025年营收590.94亿元,税后纯益52.42亿元", None, 0.0),
        (["2025", "Q4"], "2025", "东元2025年第四季税后纯益12亿元", None, 0.9),  # the sentence names it
        # a quarter asked without its year: a sentence stating only a year is that year's figure,
        # one writing other years too may still be about the quarter
        (["Q4"], "2025", "根据业绩快报,2025年,中芯国际实现营业收入673.23亿元", None, 0.0),
        (["Q3"], "2026", "预计2026年将显著高于2025年,拖累其股价急挫逾9%", None, 0.6),
        # "last quarter" of an archive: the quarter an article reported just after it ended (Broadcom's
        # fiscal fourth quarter, reported on 2025-12-12), not one reported long before
        (["last quarter"], "2025 Q4", "", "2025-12-12", 0.8),
        (["last quarter"], "2025 Q1", "", "2025-12-12", 0.0),
    ],
)
def test_period_agreement(asked, period, key, published, score):
    assert period_agreement(asked, period, fold(key), published=published, today=TODAY) == pytest.approx(
        score
    )


@pytest.mark.parametrize(
    ("asked", "score"),
    [
        (["2025", "Q3"], (0.4 + 1.0) / 2),  # another year, but a guessed one: silent, not contradicting
        (["2024", "Q3"], (0.6 + 1.0) / 2),  # the guessed year: agrees as the article's year does
        (["Q3"], 0.9),  # no year asked: a third quarter, not this year's
    ],
)
def test_a_guessed_year_is_silent_on_the_year(asked, score):
    # "鸿海第3季合并营收…" in an undated article naming 2024 most: labelled 2024 Q3, a guess
    stated = parse_period(fold("鸿海第3季合并营收2兆589.49亿元"), 2024)
    assert stated is not None and stated.label == "2024 Q3" and stated.inferred
    got = period_agreement(asked, stated.label, fold("鸿海第3季合并营收"), implied_year=2024, today=TODAY)
    assert got == pytest.approx(score)


@pytest.mark.parametrize(
    ("part", "year_end", "year", "month", "fiscal_year"),
    [
        ("Q3", 6, 2024, 4, 2024),  # Microsoft, April 2024: the quarter to March
        ("Q4", 6, 2024, 4, 2024),  # …and guidance for the one to June
        ("Q1", 6, 2025, 10, 2026),  # Microsoft, October 2025: FY2026 began in July
        ("Q1", 1, 2024, 5, 2025),  # Nvidia, May 2024: FY2025 began in February
        ("Q3", 1, 2025, 11, 2026),
        ("Q3", 12, 2024, 1, 2023),  # a calendar company in January: last year's third quarter
        ("Q3", 6, 2024, None, 2024),  # only the article's year: the quarter ending in it
        ("Q1", 1, 2024, None, 2025),
        (None, 6, 2024, 10, 2025),  # 本财年 in October 2024
    ],
)
def test_fiscal_year_of_a_part_without_its_year(part, year_end, year, month, fiscal_year):
    assert fiscal_year_of(part, year_end, year, month) == fiscal_year


@pytest.mark.parametrize(
    ("text", "file", "period"),
    [
        ("在第三財季中,微軟資本支出同比增長79%至140億美元。", "2024-04-25.txt", "FY2024 Q3"),
        ("英偉達第一財季營收260億美元。", "2024-05-22.txt", "FY2025 Q1"),
        ("騰訊第三季度資本開支為129.8億元。", "2025-11-13.txt", "2025 Q3"),  # a calendar company
        ("微軟第三財季資本支出140億美元,2024年將繼續增加。", "a.txt", "FY2024 Q3"),  # the year stated
        ("4月15日,京東上A800售價漲至99799元。", "2023-05-02.txt", "2023-04-15"),
        ("12月20日,京東上A800售價漲至99799元。", "2024-01-10.txt", "2023-12-20"),  # the December before
        ("4月15日,京東上A800售價漲至99799元。", "a.txt", None),  # no date: no year to give the day
        ("晶心科 2024/09 營收達 2.33 億元新台幣。", "a.txt", "2024-09"),  # a monthly report's month
        ("2021-2023年營收達20億元。", "a.txt", "2021–2023"),  # a range of years, no month
    ],
)
def test_a_period_label_always_carries_its_year(text, file, period):
    facts = extract_facts(text, file, LEX).facts
    assert facts[0].period == period


def test_a_fiscal_calendar_is_lexicon_data():
    assert LEX.entities["Microsoft"].fiscal_year_end == 6
    assert LEX.entities["Nvidia"].fiscal_year_end == 1
    assert LEX.fiscal_year_end(["Azure", "Microsoft"]) == 6  # a product: its company's calendar
    assert LEX.fiscal_year_end(["Tencent"]) is None


def test_a_fiscal_calendar_must_be_a_month(tmp_path):
    from store import LexiconError

    (tmp_path / "x.toml").write_text(
        '[[entity]]\nname = "Acme"\nzh = "艾克米"\nfiscal_year_end = 13\n', encoding="utf-8"
    )
    with pytest.raises(LexiconError, match="fiscal_year_end"):
        Lexicon.load([tmp_path])


def _candidate(text, period=None, published=None):
    key = fold(text)
    return Candidate(
        id="f", key=key, start=0, entities=["Acme"], context=[], context_weight=0.0, topic=False,
        metrics=[], distance={}, values=parse_quantities(key, text), period=period, implied_year=None,
        recency=0.0, rank_id=1, published=published,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "fact_period", "periods"),
    [
        # a year written after a figure, past a comma, is the next figure's
        ("归属于普通股股东的净利润为104亿元,2021年为134亿元。", None, [None, "2021"]),
        ("归属于普通股股东的净利润为104亿元,2021年为134亿元。", "2022", ["2022", "2021"]),
        # several periods in one sentence: each figure its own
        ("寒武纪 Q1 净利 3.55 亿元,据此计算,Q2 净利 6.83 亿元。", "2025 Q1", ["2025 Q1", "2025 Q2"]),
        (
            "2025 年上半年,腾讯的资本开支为 465.83 亿元,较 2024 年同期的 230.88 亿元。",
            "2025 H1",
            ["2025 H1", "2024 H1"],  # 同期: the same half, of the year before
        ),
        (
            "2025 年上半年实现营业收入 28.81 亿元,同比增长 4347.82%;实现净利润 10.38 亿元。",
            "2025 H1",
            ["2025 H1"] * 3,
        ),
        # a period inside the sentence frames its clause; a later clause is under the leading one
        (
            "2025年上半年,市场规模达223亿元,到2030年将达1930亿元;市场份额上,阿里云占比35.8%。",
            "2025 H1",
            ["2025 H1", "2030", "2025 H1"],
        ),
        # a part after a semicolon is under the period it opens on, each of its clauses
        (
            "2025年上半年营收1.9亿元,净亏损23.58亿元;2024年上半年营收为4490万元,净亏损12.36亿元。",
            "2025 H1",
            ["2025 H1", "2025 H1", "2024 H1", "2024 H1"],
        ),
        (
            "2025年上半年营收1.9亿元,净亏损23.58亿元;去年同期营收为4490万元,净亏损12.36亿元。",
            "2025 H1",
            ["2025 H1", "2025 H1", "2024 H1", "2024 H1"],
        ),
        # a part stated outright frames the clauses after it, up to a semicolon
        (
            "地平线在2021年至2023年的营收复合年增长率高达82.3%,2024年上半年营收同比增长151.6%,毛利率高达79%。",
            "2021–2023",
            ["2021–2023", "2024 H1", "2024 H1"],
        ),
        ("今年营收100亿元,去年为80亿元。", None, [None, None]),  # undated: 今年 is no year we know
        # 去年同期: a year before the sentence's own period, whenever the article was written
        ("2023年公司营收2.62亿元,与去年同期的3.54亿元相比,下降了25.84%。", "2023", ["2023", "2022", "2023"]),
        ("第三季营收10亿元,上年同期为8亿元。", "2024 Q3", ["2024 Q3", "2023 Q3"]),
        # what a change rose to from a year's figure is the fact's, not that year's
        ("2024年,腾讯全年营收6603亿元,整体毛利率从2023年的48%提升至53%。", "2024", ["2024", "2023", "2024"]),
        # one figure over a span of years is the span's
        ("地平线在2021年至2023年的营收复合年增长率高达82.3%。", "2021–2023", ["2021–2023"]),
        # a month written after its year: the month's figure, not the year's
        ("晶心科 2024/09 营收达 2.33 亿元,2024Q3 营收 6 亿元。", "2024-09", ["2024-09", "2024 Q3"]),
        # periods listed, then their figures "respectively": each figure the period at its place
        (
            "2023年、2024年至2025年前9个月,海柔创新的营收分别达到8.07亿元、13.6亿元、12.63亿元。",
            "2023",
            ["2023", "2024", "2025 9M"],
        ),
        (
            "2023年、2024年以及2025年前九个月,净亏损分别高达10.09亿元、12.56亿元和5.89亿元。",
            "2023",
            ["2023", "2024", "2025 9M"],
        ),
        ("波若威 2025 年 10 月至 12 月的營收分別為 1.86 億元、2.13 億元及 2.23 億元。", "2025", ["2025-10", "2025-11", "2025-12"]),
        # a list after a range of years: the first figure opens the list, it is no whole span's
        (
            "2021年至2023年,黑芝麻智能营收0.61亿元、1.65亿元、3.12亿元,亏损净额分别为23.57亿元、27.53亿元、48.55亿元。",
            "2021–2023",
            ["2021", "2022", "2023", "2021", "2022", "2023"],
        ),
    ],
)
def test_each_figure_has_the_period_written_before_it(text, fact_period, periods):
    c = _candidate(text, fact_period)
    figures = [v for v in c.values if v.kind in ("money", "percent")]
    assert [value_period(c.key, 0, v, fact_period) for v in figures] == periods


@pytest.mark.parametrize(
    ("question", "text", "period", "lead"),
    [
        ("寒武纪 Q2 净利润", "寒武纪 Q1 净利 3.55 亿元,据此计算,Q2 净利 6.83 亿元。", "2025 Q1", "6.83 亿元"),
        ("寒武纪 Q1 净利润", "寒武纪 Q1 净利 3.55 亿元,据此计算,Q2 净利 6.83 亿元。", "2025 Q1", "3.55 亿元"),
        (
            "腾讯 2024年上半年 资本开支",
            "2025 年上半年,腾讯的资本开支为 465.83 亿元,较 2024 年同期的 230.88 亿元。",
            "2025 H1",
            "230.88 亿元",
        ),
        (
            "寒武纪 上半年 净利润",
            "2025年第二季度净利润6.83亿元;上半年净利润10.38亿元。",
            "2025 Q2",
            "10.38亿元",
        ),
        # 上季 is last quarter as the article tells it, 前一季 the one before that
        (
            "Microsoft capex last quarter",
            "在截至9月底的上季,資本支出高達349億美元,遠高於前一季240億美元。",
            None,
            "349億美元",
        ),
        (
            "Microsoft capex previous quarter",
            "在截至9月底的上季,資本支出高達349億美元,遠高於前一季240億美元。",
            None,
            "240億美元",
        ),
        # an undated article's own 今年 is what the asker's 今年 picks among its figures
        (
            "字节跳动 今年 资本支出",
            "字节跳动已初步计划在2026年投入1600亿元的资本支出,高于今年的1500亿元。",
            "2026",
            "1500亿元",
        ),
    ],
)
def test_the_question_s_period_picks_the_figure(question, text, period, lead):
    u = read_question(question, VOCAB, TODAY)
    c = _candidate(text, period)
    values, _, _ = headline(c, u, "money", [])
    assert values[0].text.endswith(lead)


def test_a_stated_year_is_not_the_period_of_the_figure_before_it():
    (fact,) = [
        f
        for f in extract_facts(
            "归属于普通股股东的净利润为104亿元,2021年为134亿元,同比下降22%。", "a.txt", LEX
        ).facts
    ]
    assert fact.period is None  # 2021 is 134亿元's


# --- on the seed store -------------------------------------------------------------------------


def test_seeds_microsoft_capex_is_fiscal_2024_q3(seed_store):
    assert seed_store.search("Microsoft capex").answers[0].period == "FY2024 Q3"


def test_seeds_no_period_is_a_bare_day(seed_store):
    result = seed_store.search("Nvidia H100 price")
    shown = [a.period for a in result.answers + result.related]
    assert shown and not any(p and "月" in p for p in shown)


def test_seeds_jd_net_profit_is_not_labelled_with_the_other_figure_s_year(seed_store):
    top = seed_store.search("京东 净利润").answers[0]
    assert "104亿元" in top.quote and top.period == "2022"


@pytest.mark.parametrize(
    ("text", "periods"),
    [
        # years listed one by one, then their figures in the same order
        (
            "2022年、2023年、2024年公司研发费用分别为8440万、5.289亿元、21.954亿,2025年上半年研发投入为15.947亿",
            ["2022", "2023", "2024", "2025 H1"],
        ),
        ("2021年和2022年营收分别为10亿元和20亿元", ["2021", "2022"]),
        # after a range of years, the last figure joined by 及
        ("2022年到2024年,奕斯伟计算分别实现营业收入20.00亿元、17.52亿元及20.25亿元", ["2022", "2023", "2024"]),
    ],
)
def test_figures_listed_after_their_years_take_them_in_order(text, periods):
    from store.headline import value_period
    from store.numbers import parse_quantities

    key = fold(text)
    assert [value_period(key, 0, v, None) for v in parse_quantities(key, text)] == periods


def _article_keys() -> list[str]:
    shared_eval = Path(__file__).resolve().parents[3] / "shared" / "eval"
    folders = [SEEDS, shared_eval / "dev" / "articles", shared_eval / "dev2" / "articles"]
    return [fold(p.read_text(encoding="utf-8")) for folder in folders for p in sorted(folder.glob("*.txt"))]


def test_every_match_of_a_gated_period_pattern_holds_one_of_its_characters():
    # period_names skips a pattern on a text without any of its characters; a match without
    # one would be a period the gate silently loses
    texts = _article_keys() + [fold(phrase) for phrase, _, _ in SAME_PHRASES]
    assert len(texts) > 50
    matched = 0
    for characters, pattern, _ in _TOKENS:
        for text in texts:
            for m in pattern.finditer(text):
                matched += 1
                assert not characters or any(c in m[0] for c in characters), (pattern.pattern, m[0])
    assert matched > 200


def test_an_article_s_periods_are_its_lines_periods():
    key = fold("2024年第三季度营收增长。\n\n去年同期为10亿元;2025年上半年")
    names = article_period_names(key)
    assert [(key[n.start : n.end], n.year, n.part, n.offset) for n in names] == [
        ("2024年第三季度", 2024, "Q3", None),
        ("去年同期", None, None, -1),
        ("2025年上半年", 2025, "H1", None),
    ]


@pytest.mark.parametrize(
    ("question", "atoms"),
    [
        ("越疆 7月 配售價", [["M7"]]),
        ("越疆 7月份 配售 筹了多少钱", [["M7"]]),
        ("十一月 营收", [["M11"]]),
        ("Dobot placement price November 2025", [["M11"], ["2025"]]),
        ("腾讯 2024年1-9月 营收", [["2024", "9M"]]),  # nine months, no month
        ("Lenovo Q2 revenue (quarter to Sept 2025)", [["Q2"], ["2025"]]),  # the month a quarter ends in
        ("截至9月 现金", []),
        ("Alibaba revenue for the September 2025 quarter", [["2025"]]),  # the quarter September ends
    ],
)
def test_a_month_asked_is_a_period(question, atoms):
    assert [a for _, _, a in asked_periods(fold(question))] == atoms


@pytest.mark.parametrize(
    ("period", "key", "score"),
    [
        ("2025-07-15", "", 1.0),  # a date in the month asked
        ("2025-11-05", "", 0.0),  # another month
        ("2025 Q3", "", 0.6),  # the quarter holding it
        ("2025 Q4", "", 0.0),
        (None, "按配售价每股54.3港元配售", 0.5),  # silent
        (None, "7月15日公告配售", 0.8),
    ],
)
def test_a_month_asked_agrees_with_a_date_in_it(period, key, score):
    assert period_agreement(["M7"], period, fold(key), today=TODAY) == score


def test_a_range_of_years_may_end_on_a_date():
    key = fold("招股书显示,创新奇智从2018年到截至2021年9月30日止的亏损分别为0.71亿元、2.48亿元、3.61亿元、4.38亿元。")
    assert parse_period(key).label == "2018–2021"


@pytest.mark.parametrize(
    ("head", "published"),
    [
        ("2025年12月9日,沐曦股份完成科创板申购缴款", "2025-12-09"),
        # a period's end (截至…) is no dateline: the month and day before it are, after that end
        ("中新经纬11月18日电 小米集团披露《截至2025年9月30日止三个月之业绩公告》", "2025-11-18"),
        ("当地时间1月28日,微软发布了截至2025年12月31日2026财年第二财季财报", "2026-01-28"),
        # the first full date is one the article looks ahead to: the dateline is the day before it
        ("智谱开启招股:发行价116.2港元,计划1月8日上市\n12月30日,智谱正式开启港股招股,至2026年1月5日结束", "2025-12-30"),
        ("3月5日,公司宣布将于2025年4月1日上市", "2025-03-05"),
        ("公司宣布将于2025年4月1日上市", "2025-04-01"),  # no dateline to fall back on: the date given
        # a photo's caption dates the photo
        ("腾讯放榜2025年第二季业绩。\n图为2023年7月6日,在上海举行的世界人工智能大会", None),
    ],
)
def test_the_dateline_is_the_day_written_not_a_day_looked_ahead_to(head, published):
    from store.periods import published_date

    assert published_date(fold(head)) == published


@pytest.mark.parametrize(
    ("question", "whole_year"),
    [
        ("Zhipu full-year 2024 net loss", True),
        ("智谱 2024年全年 净亏损", True),
        ("第四范式 2024年 全年 营收", True),
        ("腾讯 2024年度 营收", True),
        ("腾讯 2024 年度报告 营收", False),  # the annual report's figure may be any period's
        ("智谱 2024年上半年 净亏损", False),
        ("Zhipu 2024 net loss", False),
    ],
)
def test_a_question_may_ask_for_the_whole_year(question, whole_year):
    from store.question import QuestionVocabulary, read_question

    u = read_question(question, QuestionVocabulary.from_lexicon(Lexicon.load()))
    assert u.whole_year is whole_year


@pytest.mark.parametrize(
    ("stated", "whole_year", "agrees"),
    [
        ("2024 H1", True, False),  # the first half is no answer for the whole year
        ("2024 9M", True, False),
        ("2024", True, True),
        ("2024 H1", False, True),  # a year asked, a part stated: it answers when nothing else does
    ],
)
def test_a_part_of_the_year_does_not_answer_for_the_whole_year(stated, whole_year, agrees):
    from store.periods import period_agreement

    assert (period_agreement(["2024"], stated, "", whole_year=whole_year) > 0) is agrees
    # the year asked as 去年 (on TODAY, 2024 is two years back: 2025's quarter against 2025)
    last = stated.replace("2024", "2025")
    assert (period_agreement(["last year"], last, "", whole_year=whole_year, today=TODAY) > 0) is agrees


def test_a_report_s_name_is_not_the_period_of_figures_stated_with_their_own():
    assert parse_period(fold("据公司25年三季报,25Q1-Q3实现营收31.41亿元"), 2025).label == "2025 9M"
    assert parse_period(fold("公司发布2025年三季报,营收31.41亿元"), 2025).label == "2025 Q3"


def test_a_period_a_high_is_measured_since_is_not_the_figure_s():
    from store.periods import period_names

    key = fold("公布第3季净利63.56亿元,创下2022年第4季以来高点,单季每股纯益3.1元。")
    assert [(n.year, n.part) for n in period_names(key)] == [(None, "Q3")]
    # nor the year an undated article is of
    facts = extract_facts("國巨今天公布第3季稅後淨利63.56億元，創下2022年第4季以來高點。", "a.txt", LEX).facts
    assert facts[0].period != "2022 Q3"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # Hong Kong's nine months (首三季), after the month they end in ("截至今年9月底止")
        ("公司截至今年9月底止首三季纯利1665.8亿元,按年升17%", "2025 9M"),
        ("腾讯公布截至今年9月底止第三季业绩,纯利631.3亿元", "2025 Q3"),
        # a figure whose digits could be a year is no year (1949.3亿元)
        ("非国际财务报告准则纯利1949.3亿元,按年增长16%", None),
        # a period an event follows dates the event, not the figure of a later clause
        ("商汤去年下半年开启新战略,继续有实质进展,包括生成式ai收入18.16亿元,按年增72.7%", None),
        # a change from last year's figure ends on this year's
        ("视觉ai收入由去年同期5.12亿元减至4.36亿元", "2025"),
        ("整体毛利率从2023年的48%提升至53%", None),
        ("营收从2021年的10亿元增长到2023年的30亿元", "2023"),
        # a half-year report is the first half's
        ("根据公司2025 年半年度报告,1h25 公司营收为2.14 亿元", "2025 H1"),
        ("过去半年营收增长3亿元", None),
    ],
)
def test_the_period_a_sentence_states_for_its_figures(text, label):
    period = parse_period(fold(text), dated_year=2025, dated_month=11)
    assert (period.label if period else None) == label


def test_last_year_s_same_period_is_the_part_the_article_was_speaking_of():
    text = (
        " date 2025-08-29 明報\n商湯今年上半年收入按年增36%至23.58億元。\n"
        "至於X創新業務收入,由去年同期1.77億元減至1.08億元。\n公司去年同期收入為17.4億元。\n"
    )
    periods = [f.period for f in extract_facts(text, "a.txt", LEX).facts]
    assert periods == ["2025 H1", "2025 H1", "2024 H1"]


def test_this_quarter_is_the_quarter_the_lead_reports():
    # no date anywhere: 本季 is the quarter the lead's results are for, and a sentence stating no
    # period of its own is that quarter's year, most likely
    text = (
        "google母公司alphabet于周三发布2025年第四季度财报,营收与净利润均超出华尔街预期。\n"
        "整体来看,Alphabet本季营收同比增长近18%,净利润达344.6亿美元。\n"
        "Google Cloud营收达176.6亿美元,显著优于预期。\n"
    )
    facts = extract_facts(text, "a.txt", LEX).facts
    assert [(f.period, f.implied_year) for f in facts] == [("2025 Q4", None), ("2025 Q4", None), (None, 2025)]


@pytest.mark.parametrize("question", ["騰訊 首季 收入", "騰訊 次季 收入", "騰訊 末季度 收入"])
def test_hong_kong_s_quarters_are_read_whole_leaving_no_word(question):
    # 季 left over as a word would favour any sentence holding 季 (上季, 按季) over the answer
    u = read_question(question, VOCAB, TODAY)
    assert len(u.periods) == 1 and u.terms == [], u


@pytest.mark.parametrize(
    ("key", "label"),
    [
        ("次季经调整纯利跌18%", "2025 Q2"),
        ("阿里于是次季报中调整分部", None),  # 是次: this (quarter's report), no quarter
        ("展望次季营收", None),  # looking ahead: the next quarter, left unread
    ],
)
def test_hong_kong_s_second_quarter_is_read_where_it_is_one(key, label):
    stated = parse_period(key, 2025, 2025, 8)
    assert (stated.label if stated else None) == label


def test_a_dated_article_s_title_quarter_without_a_year_is_the_last_such_quarter():
    # " date 2025-08-30 次季…": the second quarter just reported, 2025's; a sentence stating no
    # period is that quarter's
    doc = extract_facts(
        " date 2025-08-30 次季經調整純利跌18％ 遜預期\n\n阿里旗下雲智能集團收入333.98億元，按年增26%。",
        "a.txt",
        Lexicon.load(),
    )
    cloud = next(f for f in doc.facts if "333.98" in f.quote)
    assert (cloud.implied_year, cloud.implied_part) == (2025, "Q2")


@pytest.mark.parametrize(
    ("text", "fallback", "figure", "period"),
    [
        # a figure whose clause says 全年 is the whole year's, of the quarter's year
        ("预估第4季EPS为1.5元,全年约4.2元。", "2025 Q4", "约4.2元", "2025"),
        ("预估第4季EPS为1.5元,全年约4.2元。", "2025 Q4", "1.5元", "2025 Q4"),
        # and never of a period an earlier clause names for something else
        ("根据公司2025年4月年报电话会议,全年有望交付440MW算力。", None, "440mw", None),
        # a year written with 全年 is that year (a base's, here)
        ("公有云上大模型2025年上半年536.7万亿Tokens的调用量,较2024年全年114万亿Tokens调用量增长近400%。", "2025 H1", "114万亿tokens", "2024"),
    ],
)
def test_a_figure_said_of_the_whole_year_is_the_year_s(text, fallback, figure, period):
    key = fold(text)
    v = next(v for v in parse_quantities(key) if v.text == figure)
    assert value_period(key, 0, v, fallback, published="2025-12-16") == period


@pytest.mark.parametrize(
    ("key", "agrees"),
    [
        # whole years only, none a base: a quarter asked is not answered
        ("有信心2026年资料中心asic的营收会突破10亿美元,并于2027年达到数十亿美元", False),
        ("有信心今年资料中心asic的营收会突破10亿美元,并于2027年达到数十亿美元", False),
        # a year compared with a base may still be about the quarter
        ("预计2026年资本支出将显著高于2025年", True),
    ],
)
def test_a_quarter_asked_is_not_answered_by_whole_years_alone(key, agrees):
    agreement = period_agreement(["Q1"], "2026", key, published="2026-02-04", today=datetime.date(2026, 12, 8))
    assert (agreement > 0) is agrees


@pytest.mark.parametrize(
    ("question", "label", "agrees"),
    [
        # a balance at a quarter's end is the nine months' or the half's statement ending that day
        ("浪潮信息 三季度末 存货", "2025 9M", True),
        ("Inspur contract liabilities end of Q3 2025", "2025 9M", True),
        ("Inspur inventory Q2 end 2025", "2025 H1", True),
        # a flow over the quarter is no nine months' figure
        ("浪潮信息 三季度 营收", "2025 9M", False),
    ],
)
def test_a_balance_at_a_quarter_s_end_is_the_cumulative_statement_s(question, label, agrees):
    u = read_question(question, VOCAB, datetime.date(2026, 12, 8))
    agreement = period_agreement(
        u.periods, label, "", published="2025-10-31", today=u.today, at_period_end=u.at_period_end
    )
    assert (agreement > 0) is agrees, (u.periods, u.at_period_end, agreement)
    assert "末" not in u.terms
