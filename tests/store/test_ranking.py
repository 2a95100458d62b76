"""Ranking, stage 3 of the search: named rules tested one by one on hand-made candidates."""

from dataclasses import fields

import pytest

from store import Lexicon, fold, parse_quantities
from store.candidates import Candidate, RankingContext, Weights
from store.headline import headline, is_forecast, value_period
from store.question import QuestionVocabulary, read_question
from store.ranking import (
    answer_verdict,
    explain,
    explain_why,
    figure_gate,
    rank,
    segment_before,
    states_asked_kind,
)
from store.vocabulary import AliasMatcher

LEX = Lexicon.load()
VOCAB = QuestionVocabulary.from_lexicon(LEX, english=lambda w: {"gaming": ["游戏"]}.get(w, []))
MATCHER = AliasMatcher(LEX.alias_pairs())
CTX = RankingContext(
    metrics={m.name: {"expects": m.expects, "keywords": m.keywords} for m in LEX.metrics.values()},
    glossary=LEX.glossary,
    kind_of=lambda n: LEX.entities[n].kind if n in LEX.entities else None,
    lineage=LEX.lineage,
    mentions=MATCHER.find,
)


def candidate(text, entities=(), metrics=(), period=None, context=(), topic=False, implied_year=None):
    key = fold(text)
    hits = LEX.metric_hits(key)
    return Candidate(
        id="f",
        key=key,
        start=0,
        entities=list(entities),
        context=list(context),
        context_weight=0.75,
        topic=topic,
        metrics=list(metrics) or list(hits),
        distance={m: 0 for m in (metrics or hits)},
        values=parse_quantities(key, text),
        period=period,
        implied_year=implied_year,
        recency=2024.0,
        rank_id=1,
    )


def scored(question, c):
    """The question read and the candidate ranked for it (a ``Ranked``: match, points, score)."""
    u = read_question(question, VOCAB)
    return u, rank(c, u, CTX)


def test_every_rule_has_a_weight_and_explain_names_them():
    u, c = scored(
        "Nvidia revenue 2024", candidate("2024年辉达营收达到600亿美元。", ["Nvidia"], period="2024")
    )
    line = explain(c)
    assert {"entity", "metric", "figure", "period"} <= {p.rule for p in c.points}
    assert all(p.rule in {f.name for f in fields(Weights)} for p in c.points)
    assert all(p.why for p in c.points)  # every rule says why it gave its points
    assert line.startswith(f"{c.score:6.1f}") and "entity +40.0" in line


def test_named_beats_carried_beats_article_subject():
    named = scored("Nvidia revenue", candidate("辉达营收600亿美元。", ["Nvidia"]))[1]
    carried = scored("Nvidia revenue", candidate("其营收600亿美元。", context=["Nvidia"]))[1]
    subject = scored("Nvidia revenue", candidate("营收600亿美元。", context=["Nvidia"], topic=True))[1]
    assert named.points_of("entity") > carried.points_of("entity") >= subject.points_of("entity") > 0


@pytest.mark.parametrize(
    ("text", "keyword", "segment"),
    [
        ("商汤2024年智能汽车收入为2.56亿元", "收入", "智能汽车"),
        ("商汤2024年营收为37.7亿元", "营收", None),
        ("(上季)营收年增62%", "营收", None),
        ("该部门营收成长39%", "营收", "部门"),
        ("生成式ai业务收入24.04亿元", "收入", "生成式ai"),
        ("公司整体营收", "营收", None),
        # the parent's shareholders' profit, and profit before one-off items: the whole company's
        ("公司预计归母净利润为18.10亿元", "净利润", None),
        ("预计扣非净利润为17.10亿元", "净利润", None),
        ("股东应占净利润10亿元", "净利润", None),
        ("景硕公布2025年归属母公司业主净利15.96亿元", "净利", None),  # attributable to the owners
        # a verb before the keyword reports the company's own figure
        ("2025 年上半年实现营业收入 28.81 亿元;实现净利润 10.38 亿元", "净利润", None),
        ("录得收入 512 亿美元", "收入", None),
        # a report's own line is the company's
        ("百度18日公布第3季财报营收人民币311.7亿元", "营收", None),
        ("业绩公告显示收入为10亿元", "收入", None),
    ],
)
def test_segment_before_a_metric_keyword(text, keyword, segment):
    key = fold(text)
    assert segment_before(key, key.index(keyword)) == segment


def test_the_segment_is_read_at_the_keyword_nearest_the_figure():
    # the probe cards' share of revenue, stated after a month's revenue named with no figure;
    # 亏损 inside 净亏损 is the longer keyword's (年度 before it is the whole year's)
    part = scored("精测 营收", candidate("推升3月营收攀高的主要动能;第1季探针卡营收比重约45.3%。", ["精测"]))[1]
    whole = scored("商汤 净亏损", candidate("年度净亏损为43.07亿元,收窄33.7%。", ["SenseTime"]))[1]
    assert part.points_of("segment") < 0 and whole.points_of("segment") is None


def test_a_segment_the_question_does_not_name_costs_points():
    total = scored("SenseTime revenue", candidate("商汤2024年营收为37.7亿元。", ["SenseTime"]))[1]
    part = scored("SenseTime revenue", candidate("商汤2024年智能汽车收入为2.56亿元。", ["SenseTime"]))[1]
    asked = scored("商汤 智能汽车 收入", candidate("商汤2024年智能汽车收入为2.56亿元。", ["SenseTime"]))[1]
    assert (
        total.points_of("segment") is None
        and part.points_of("segment") < 0
        and asked.points_of("segment") is None
    )


def test_a_breakdown_by_unit_costs_twice_what_one_unit_s_figure_does():
    # three units' revenue in one sentence is the breakdown, never the total asked
    one = scored("騰訊 第二季 收入", candidate("公司第二季增值服务收入914亿元,按年增16%。", ["Tencent"]))[1]
    units = scored(
        "騰訊 第二季 收入",
        candidate(
            "公司第二季增值服务收入914亿元,按年增16%;营销服务业务收入358亿元;金融科技及企业服务收入555亿元。",
            ["Tencent"],
        ),
    )[1]
    assert units.points_of("segment") == 2 * one.points_of("segment") < 0


def test_a_part_asked_that_the_sentence_names_away_from_its_figure_costs_points():
    question = "建准 服务器 营收 第二季"
    whole = scored(question, candidate("特别是Q2营收46.6亿元创历史新高,年增27%,以及服务器市场的强劲表现。", ["Sunon"]))[1]
    part = scored(question, candidate("其中服务器总营收21.15亿元,占46.4%。", ["Sunon"]))[1]
    assert whole.points_of("segment") < 0 and part.points_of("segment") is None


def test_an_item_of_a_list_of_key_figures_is_the_article_subject_s_own():
    item = candidate("- 网通与服务器:Q2营收占比58.1%。", context=["SenseTime"], topic=True)
    prose = candidate("Q2营收占比58.1%。", context=["SenseTime"], topic=True)
    assert scored("SenseTime 营收 占比", item)[1].points_of("entity") > scored("SenseTime 营收 占比", prose)[1].points_of("entity")


def test_a_date_asked_is_stated_by_a_year_or_a_month_not_by_more_figures():
    dated = scored("砺算 甚么时候上市", candidate("消费级显卡会在26年1月到2月上市。", ["Lisuan"]))[1]
    figures = scored("砺算 甚么时候上市", candidate("显卡上市后售价1999元,首批出货1万张。", ["Lisuan"]))[1]
    assert dated.points_of("figure") > figures.points_of("figure")
    # a metric asked with when: the date is the sentence's, the figure still the metric's
    u, r = scored(
        "SK Hynix first net profit since when", candidate("净利1.92兆韩元,是2022年第三季以来首度达成净利。", ["SK Hynix"])
    )
    assert answer_verdict(r, u, CTX, strict_metrics=True) is None


@pytest.mark.parametrize(
    ("question", "verdict"),
    [
        ("商汤 2024 总收入", ("total", "a business unit's figure (智能汽车), the total asked")),
        ("SenseTime total revenue 2024", ("total", "a business unit's figure (智能汽车), the total asked")),
        ("商汤 2024 收入", None),  # no total asked: the unit's figure answers, below the total's
        ("商汤 2024 智能汽车 总收入", None),  # the unit asked by name
    ],
)
def test_a_total_asked_is_no_business_unit_s_figure(question, verdict):
    from store.ranking import rejection

    c = candidate("商汤2024年智能汽车收入为2.56亿元。", ["SenseTime"], period="2024")
    u, r = scored(question, c)
    assert rejection(r, u, CTX, strict_metrics=False) == verdict


def test_the_company_s_own_name_before_the_keyword_is_no_segment():
    from store.ranking import rejection

    c = candidate("第三季度,微软销售额仅增长17%。", ["Microsoft"], period="2024 Q3")
    u, r = scored("微软整体销售额 第三季度 增长多少", c)
    assert r.match.segment is None and rejection(r, u, CTX, strict_metrics=False) is None


@pytest.mark.parametrize(
    ("question", "period", "implied", "verdict"),
    [
        ("Microsoft capex 2024", "2024", None, None),
        ("Microsoft capex 2024", "2023", None, "period"),  # another year contradicts
        ("Microsoft capex 2024", "fiscal Q3", 2024, None),  # the article's year, the sentence silent
        ("Microsoft capex 2024", None, None, "period"),  # silent, and nothing implies 2024
        ("Microsoft capex Q3", "2024 Q2", None, "period"),
        ("Microsoft capex Q2", "2024 H1", None, "period"),  # the half's figure is not its quarter's
        ("Microsoft capex Q3", "2024 9M", None, "period"),
        ("Microsoft capex Q3", "2024-08", None, None),  # a date in the quarter asked
        ("Microsoft capex Q3", "2024 H1", None, "period"),
    ],
)
def test_periods_agree_or_contradict(question, period, implied, verdict):
    c = candidate("微软资本支出140亿美元。", ["Microsoft"], period=period, implied_year=implied)
    u, c = scored(question, c)
    assert answer_verdict(c, u, CTX, strict_metrics=False) == verdict


@pytest.mark.parametrize(
    ("question", "text", "entities", "verdict"),
    [
        ("OpenAI loss 2022", "OpenAI在2022年亏损5.4亿美元。", ["OpenAI"], None),
        (
            "OpenAI loss",
            "OpenAI也没有商汤科技亏得多,商汤科技财报显示2022年亏损约61亿元。",
            ["OpenAI", "SenseTime"],
            "owner",
        ),
        ("OpenAI loss", "商汤亏损61亿元。", ["SenseTime"], "entity"),
        # "其" (its) is the clause before's subject, not a possessor before 的: SenseTime's loss
        ("OpenAI loss", "OpenAI的对手商汤科技也已上市,其2022年亏损约61亿元。", ["OpenAI", "SenseTime"], "owner"),
        ("SenseTime loss", "OpenAI的对手商汤科技也已上市,其2022年亏损约61亿元。", ["OpenAI", "SenseTime"], None),
        ("OpenAI loss", "OpenAI超过了商汤科技,其2022年亏损约5亿美元。", ["OpenAI", "SenseTime"], None),
        # a clause naming nobody goes on from the 其 clause before it
        ("OpenAI loss", "OpenAI的对手商汤科技也已上市,其股价大涨,但2022年亏损约61亿元。", ["OpenAI", "SenseTime"], "owner"),
        ("SenseTime loss", "OpenAI的对手商汤科技也已上市,其股价大涨,但2022年亏损约61亿元。", ["OpenAI", "SenseTime"], None),
        ("Microsoft investment in OpenAI", "微软投资OpenAI达130亿美元。", ["Microsoft", "OpenAI"], None),
        ("Microsoft investment in OpenAI", "微软投资130亿美元。", ["Microsoft"], "entity"),
        ("阿里巴巴 净利润 增长", "阿里云收入同比增长26%。", ["Alibaba"], "metric"),  # growth of what?
        ("DeepSeek R2 参数量", "DeepSeek R1 参数6710亿。", ["DeepSeek"], "missing"),
    ],
)
def test_an_answer_is_about_what_the_question_names(question, text, entities, verdict):
    u, c = scored(question, candidate(text, entities))
    if question.startswith("DeepSeek R2"):
        u.missing = ["r2"]  # the vocabulary of this test knows no store: say R2 is in no article
    assert answer_verdict(c, u, CTX, strict_metrics=False) == verdict


def test_a_sentence_naming_nobody_must_state_the_figure():
    u, c = scored("OpenAI GPU count", candidate("核心还是GPU。", context=["OpenAI"], topic=True))
    assert answer_verdict(c, u, CTX, strict_metrics=False) == "figure"


@pytest.mark.parametrize(
    ("question", "text", "expects", "figure"),
    [
        ("Microsoft capex", "资本支出同比增长79%至140亿美元,微软销售额仅增长17%。", "money", "140亿美元"),
        ("Microsoft net income", "净利由246.7亿美元升至277亿美元。", "money", "277亿美元"),
        (
            "Nvidia gaming revenue",
            "网路营收成长162%至82亿美元,游戏营收成长30%到43亿美元。",
            "money",
            "43亿美元",
        ),
        ("腾讯 资本开支 环比", "资本开支为129.8亿元,同比下降24%,环比下降逾32%。", "money", "32%"),
        ("A800 price", "售价已涨至99799元,短短半个月涨价5800元。", "money", "99799元"),
        (
            "字节 2026 资本支出",
            "计划在2026年投入1600亿元的资本支出,高于2025年的1500亿元。",
            "money",
            "1600亿元",
        ),
        # the earlier figure a comparison starts from, however many words after 先前
        (
            "台积电 年增率",
            "今年营收年增率将达 20-22%,相较于先前释出的年增率近 15% 调升。",
            "percent",
            "20-22%",
        ),
    ],
)
def test_the_headline_is_the_figure_that_answers(question, text, expects, figure):
    u = read_question(question, VOCAB)
    c = candidate(text)
    keywords = CTX.metrics[u.metrics[0]]["keywords"]
    from store.headline import anchors_for

    lead, _, _ = headline(c, u, expects, keywords, anchors_for(c, u, CTX))
    assert figure in lead[0].text


def test_a_forecast_is_headlined_for_the_year_asked_and_labelled():
    text = "2022年亏损5.4亿美元,预计2023年亏损将扩大至10亿美元。"
    c = candidate(text, ["OpenAI"], period="2022")
    u = read_question("OpenAI loss 2023", VOCAB)
    lead, period, forecast = headline(c, u, "money", CTX.metrics["loss"]["keywords"])
    assert lead[0].text == "10亿美元" and period == "2023" and forecast
    assert value_period(c.key, 0, c.values[0], c.period) == "2022" and not is_forecast(c.key, 0, c.values[0])


def test_no_figure_of_the_kind_asked_means_no_headline():
    # "/spend Nvidia": a share-price fall is not an amount spent
    c = candidate("英伟达股价下跌13%。", ["Nvidia"], metrics=["investment"])
    lead, _, _ = headline(c, read_question("Nvidia investment", VOCAB), "money", [])
    assert lead == []


def test_companies_stated_together_are_the_answer_s_subject():
    from store.headline import joint_entities

    c = candidate(
        "谷歌、微软和Meta计划在2025年总共投入至少2150亿美元用于资本支出。", ["Google", "Microsoft", "Meta"]
    )
    u, c = scored("Google Microsoft Meta capex 2025", c)
    assert joint_entities(c.candidate) == ["Google", "Microsoft", "Meta"]
    assert answer_verdict(c, u, CTX, strict_metrics=True) is None  # the list owns the figure
    # asked of Microsoft alone, it answers too, named as the three combined (test_every_shown_answer)
    u, c = scored("Microsoft capex 2025", c.candidate)
    assert answer_verdict(c, u, CTX, strict_metrics=True) is None
    # and a consensus (共识) is no figure stated together
    lone = candidate("輝達第二季營收優於市場共識。", ["Nvidia", "TSMC"])
    assert joint_entities(lone) == []


@pytest.mark.parametrize(
    "text,periods",
    [
        # a list after a range of years: each figure is the year of its place
        (
            "2021年至2023年,该公司营收0.61亿元、1.65亿元、3.12亿元,亏损净额分别为23.57亿元、27.53亿元、48.55亿元。",
            ["2021", "2022", "2023", "2021", "2022", "2023"],
        ),
        ("2022年到2024年研发开支依次为5.95亿元、7.64亿元、13.63亿元。", ["2022", "2023", "2024"]),
        # more figures than years: the rest keep the range's last year
        ("2022年至2023年,营收分别为1亿元、2亿元、3亿元。", ["2022", "2023", "2023"]),
        # a range ending in a quarter: the list's last place is that quarter
        (
            "2021年至2024年一季度,研发开支分别为5.95亿元、7.64亿元、13.63亿元、3.93亿元。",
            ["2021", "2022", "2023", "2024 Q1"],
        ),
        # no range: the nearest year before the figure
        ("2022年亏损5.4亿美元,2023年亏损10亿美元。", ["2022", "2023"]),
    ],
)
def test_a_figure_is_stated_for_its_place_in_a_list_after_a_range_of_years(text, periods):
    c = candidate(text, ["Acme"], period="x")
    money = [v for v in c.values if v.kind == "money"]
    assert [value_period(c.key, 0, v, "x") for v in money] == periods


def test_a_year_inside_a_stated_range_of_years_agrees_with_it():
    text = "2021年至2023年,商汤亏损净额分别为23.57亿元、27.53亿元、48.55亿元。"
    u, c = scored("商汤 2022 亏损", candidate(text, ["SenseTime"], period="2021–2023"))
    assert c.match.period > 0 and answer_verdict(c, u, CTX, strict_metrics=False) is None
    u, c = scored("商汤 2019 亏损", candidate(text, ["SenseTime"], period="2021–2023"))
    assert answer_verdict(c, u, CTX, strict_metrics=False) == "period"


@pytest.mark.parametrize(
    ("question", "text", "entities", "states"),
    [
        # a title states the net loss's percentage, not the revenue's money
        ("Meta Q3 revenue", "【AI】Meta第三季收入創新高，純利因巨額稅項大跌83%", ["Meta"], False),
        ("Meta Q3 revenue", "第三季总收入按年增长26%至512亿美元,创下单季新高。", ["Meta"], True),
        # a remark about the metric with no figure
        ("快手 二季度 毛利率", "可灵 AI 已经在推理算力层面实现了毛利率打正。", ["Kuaishou"], False),
        ("快手 二季度 毛利率", "毛利率和经调整净利润率分别达到 55.7% 和 16.0%。", ["Kuaishou"], True),
        # an amount whose currency goes unsaid, a share said in words, guidance said in words
        ("Alibaba market cap", "阿里巴巴市值一日暴涨近3000亿", ["Alibaba"], True),
        ("GB300 佔 Blackwell 銷售 比重", "GB300 佔 Blackwell 銷售約三分之二。", ["GB300"], True),
        ("腾讯 资本支出 指引", "资本开支占收入的比例将为低两位数。", ["Tencent"], True),
        # a share of revenue asked: revenue's money, or how it grew, is no share
        ("建準 伺服器 營收佔比", "Q2營收46.6億元創歷史新高,年增27%,以及AI伺服器的強勁表現。", ["Sunon"], False),
        ("建準 伺服器 營收佔比", "其中伺服器總營收21.15億元(佔46.4%)。", ["Sunon"], True),
        ("高力 液冷 营收占比", "液冷散熱產品已占整體營收的五成。", ["Kaori"], True),
        # a growth rate asked is a change
        ("建準 營收 年增率", "Q2營收46.6億元創歷史新高,年增27%。", ["Sunon"], True),
    ],
)
def test_a_line_stating_no_figure_of_the_kind_asked_comes_after_those_that_do(
    question, text, entities, states
):
    u, c = scored(question, candidate(text, entities))
    assert states_asked_kind(c.candidate, u, CTX) is states


@pytest.mark.parametrize(
    ("text", "period"),
    [
        # the base a figure is compared with is not its period
        ("可灵 AI 营业收入超过 2.5 亿元人民币,较一季度增长了 67%", None),
        ("中国公有云上大模型2025年上半年536.7万亿Tokens的调用量,较2024年全年增长近400%", "2025 H1"),
        ("这比2021年的约600亿美元增长了30%以上", "2021"),  # the base's own figure is stated
        ("2025年第二季度营收较2024年同期增长12%", "2025 Q2"),
        ("第三季营收比去年同期增长26%", "2025 Q3"),
    ],
)
def test_a_period_compared_with_is_not_the_figure_s_period(text, period):
    from store import parse_period

    found = parse_period(fold(text), 2025)
    assert (found.label if found else None) == period


@pytest.mark.parametrize(
    ("text", "segment"),
    [
        ("AI應用方面，Q3收入達人民幣26億元", "ai应用"),  # a clause introduced as a unit's
        ("盈利水平方面,智谱今年上半年营收1.9亿元", None),  # a heading over the company's figures
        ("百度第3季財報營收人民幣311.7億元", None),
    ],
)
def test_a_clause_introduced_as_a_unit_s_is_a_segment(text, segment):
    from store.ranking import _segment_lead_in

    key = fold(text)
    keyword = next(k for k in ("收入", "营收") if k in key)
    assert _segment_lead_in(key, key.index(keyword)) == segment


@pytest.mark.parametrize(
    ("question", "text", "verdict"),
    [
        # about the metric, but no figure of it at all: no answer
        (
            "Volcano Engine revenue",
            "阿里云凭借历史积累在综合收入上领先,而火山引擎作为新兴势力实现弯道超车。",
            "figure",
        ),
        # a figure said in words is a figure
        ("Kuaishou capex 2025", "快手 2025 年资本支出上的投入较年初预算也实现了翻倍。", None),
        # guidance may be said in words
        ("腾讯 资本支出 指引", "腾讯资本开支占收入的比例将为低两位数。", None),
        # revenue ranks them, the figure is a share: no amount of revenue, nor how it changed
        ("腾讯 收入 2024", "按2024年的收入计,腾讯位列第一,市场份额为6.6%。", "figure"),
        # how revenue changed answers for revenue
        ("腾讯 收入 2024", "腾讯2024年收入同比增长8%。", None),
        # a figure another metric's keyword names in its clause is that metric's
        ("華擎 毛利率", "華擎AI伺服器營收將破5成,為何毛利率卻是投資人最大隱憂?", "figure"),
        ("華擎 毛利率", "華擎營收將破5成,毛利率約15%。", None),
        # revenue's money, but how the profit asked changed by its keyword: that answers
        ("胜宏 2023年 净利润 下滑多少", "胜宏科技营收始终在75亿元左右徘徊,2023年净利润甚至下滑15.09%。", None),
        # the expenses' money; beside revenue only their share of it
        ("医渡 收入", "三项期间费用合计1.684亿元,与上年同期基本持平,占收入比重由67.8%降至61.1%。", "figure"),
    ],
)
def test_a_fact_stating_no_figure_does_not_answer_for_a_figure(question, text, verdict):
    entity = next(
        e
        for k, e in [("Volcano", "Volcano Engine"), ("Kuaishou", "Kuaishou"), ("腾讯", "Tencent"), ("華擎", "ASRock"), ("胜宏", "Victory Giant"), ("医渡", "Yidu Tech")]
        if k in question
    )
    u, c = scored(question, candidate(text, [entity]))
    assert answer_verdict(c, u, CTX, strict_metrics=False) == verdict


def test_rules_and_gates_are_named_documented_functions_in_order():
    from store.ranking import GATES, RULES

    weights = [f.name for f in fields(Weights)]
    names = [rule.__name__ for rule in RULES]
    assert all(rule.__doc__ for rule in RULES)
    # each rule has its weight, and the rules run in the weights' order of importance
    assert set(names) <= set(weights)
    assert names == sorted(names, key=weights.index)
    gate_names = [name for name, _ in GATES]
    assert len(set(gate_names)) == len(gate_names) and all(gate.__doc__ for _, gate in GATES)


def test_ranking_is_pure_the_candidate_is_never_changed():
    import dataclasses

    c = candidate("2024年辉达营收达到600亿美元。", ["Nvidia"], period="2024")
    u, first = scored("Nvidia revenue 2024", c)
    _, second = scored("Nvidia revenue 2024", c)
    assert first.points == second.points and first.score == second.score and first.match == second.match
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.period = "2023"  # type: ignore[misc]


def test_a_rejection_names_its_gate_and_says_why():
    from store.ranking import rejection

    u, r = scored(
        "Nvidia revenue 2023", candidate("2024年辉达营收达到600亿美元。", ["Nvidia"], period="2024")
    )
    assert rejection(r, u, CTX, strict_metrics=False) == ("period", "states another period (2024)")
    u, r = scored(
        "Nvidia revenue 2024", candidate("2024年辉达营收达到600亿美元。", ["Nvidia"], period="2024")
    )
    assert rejection(r, u, CTX, strict_metrics=False) is None


@pytest.mark.parametrize(
    ("question", "level_wins"),
    [
        ("Microsoft net income", True),  # what it came to, not by how much it changed
        ("微软 净利润 减少多少", False),  # asked how much it fell: the change answers
    ],
)
def test_a_level_beats_a_change_by_an_amount_unless_the_change_is_asked(question, level_wins):
    level = candidate("微软净利由246.7亿美元升至277亿美元。", ["Microsoft"])
    change = candidate("微软受对OpenAI投资影响,净利润减少31亿美元。", ["Microsoft"])
    _, ranked_level = scored(question, level)
    _, ranked_change = scored(question, change)
    assert (ranked_level.points_of("figure") > ranked_change.points_of("figure")) is level_wins


@pytest.mark.parametrize(
    ("question", "currencies"),
    [
        ("百川智能 融资 人民币", ("CNY",)),
        ("XtalPi valuation in HK dollars", ("HKD",)),
        ("台積電 營收 新台幣", ("TWD",)),
        ("Meta capex in dollars", ("USD",)),
        ("Nvidia market cap loss in US dollars", ("USD",)),
        ("Nvidia revenue", ()),
    ],
)
def test_a_question_may_ask_for_a_currency(question, currencies):
    from store.query import currencies_asked

    assert currencies_asked(question) == currencies


def test_a_figure_in_the_currency_asked_leads_and_ranks_first():
    from store.query import Query

    c = candidate("百川智能融资3亿美元,此前的天使轮融资为5亿元。", ["Baichuan"], metrics=["investment"])
    q = Query.of("百川智能 融资 人民币", read_question("百川智能 融资 人民币", VOCAB))
    lead, _, _ = headline(c, q, "money", CTX.metrics["investment"]["keywords"])
    assert lead[0].text == "5亿元"
    usd_only = candidate("百川智能完成3亿美元融资。", ["Baichuan"], metrics=["investment"])
    assert rank(c, q, CTX).points_of("figure") > rank(usd_only, q, CTX).points_of("figure")


@pytest.mark.parametrize(
    ("question", "shown"),
    [
        # "3亿美元(22亿元)" states the round once, in dollars and restated in yuan
        ("百川智能 融资 人民币", "22亿元"),
        ("Baichuan funding in USD", "3亿美元"),
        ("百川智能 融资", "3亿美元"),
    ],
)
def test_a_figure_restated_in_the_currency_asked_is_shown_in_it(question, shown):
    from store.query import Query

    c = candidate("公司成立仅六个月,就完成新一轮的3亿美元(22亿元)融资。", ["Baichuan"], metrics=["investment"])
    q = Query.of(question, read_question(question, VOCAB))
    assert [v.text for v in c.values] == ["3亿美元"]  # the restatement is no second figure
    lead, _, _ = headline(c, q, "money", CTX.metrics["investment"]["keywords"])
    assert lead[0].text == shown
    assert "not in" not in explain_why(rank(c, q, CTX))


def test_a_change_asked_in_a_currency_is_an_amount_of_it():
    from store.headline import headline_for
    from store.query import Query

    vocab = QuestionVocabulary.from_lexicon(LEX, english=lambda w: {"drop": ["跌幅", "下跌"]}.get(w, []))
    question = "Nvidia share price drop in dollars"
    q = Query.of(question, read_question(question, vocab))
    assert q.value_kinds == ["money"]  # "drop" alone asks for a percentage
    # a currency inside a word of the question is no amount asked: the growth of USD revenue
    growth = "TSMC 全年美元营收 增长 上调到多少"
    assert Query.of(growth, read_question(growth, vocab)).value_kinds != ["money"]
    c = candidate("单日跌幅达16.86%,Nvidia股价最终收报118.58美元,跌幅达24.04美元。", ["Nvidia"], metrics=["stock_move"])
    lead, _, _ = headline_for(c, q, CTX)
    assert lead[0].text == "24.04美元"


def test_the_currency_asked_is_no_word_the_sentence_must_hold():
    from store.query import Query

    assert Query.of("百川智能 融资 人民币", read_question("百川智能 融资 人民币", VOCAB)).terms == []
    # the dictionary gives "us" as 美国: in "US dollars" it is the currency, no word to find
    vocab = QuestionVocabulary.from_lexicon(LEX, english=lambda w: {"us": ["美国"]}.get(w, []))
    question = "Nvidia market cap in US dollars"
    assert "us" in read_question(question, vocab).terms
    assert "us" not in Query.of(question, read_question(question, vocab)).terms


def test_a_sentence_holding_the_other_name_asked_needs_no_more_words():
    """ "摩尔线程 中一签 赚多少": 中一签 is a name the store's text holds; the sentence holding it
    answers, though 赚 is not written in it. Without it, the words must match."""
    from store.query import Query
    from store.ranking import rejection

    u = Query.of("摩尔线程 中一签 赚多少", read_question("摩尔线程 赚多少", VOCAB))
    u.names = ["中一签"]
    holds = candidate("若以688元/股价格计算,中一签账面盈利就高达28.7万元。", ["Moore Threads"])
    lacks = candidate("摩尔线程股价大涨。", ["Moore Threads"])
    assert rejection(rank(holds, u, CTX), u, CTX, strict_metrics=False) is None
    assert rejection(rank(lacks, u, CTX), u, CTX, strict_metrics=False)[0] in ("words", "entity")


@pytest.mark.parametrize(
    ("question", "share_wins"),
    [
        ("Nvidia China revenue share", True),  # a share is a level: 20%至25%, not +324%
        ("Nvidia revenue growth", False),  # a growth asked: the change answers
    ],
)
def test_a_share_asked_is_a_level_not_a_growth_rate(question, share_wins):
    share = candidate("英伟达数据中心业务收入的20%至25%都来自中国市场。", ["Nvidia"], metrics=["revenue"])
    growth = candidate("英伟达出售145.1亿美元的芯片,同比增长324%。", ["Nvidia"], metrics=["revenue"])
    _, ranked_share = scored(question, share)
    _, ranked_growth = scored(question, growth)
    assert (ranked_share.points_of("figure") > ranked_growth.points_of("figure")) is share_wins


@pytest.mark.parametrize(
    ("question", "text", "metrics", "lead"),
    [
        # a growth asked, and the sentence states only how the metric grew: the growth rate
        (
            "阿里云 收入 增长",
            "阿里云智能集团收入同比增长26%,创下近三年最高增速。",
            ["revenue", "growth"],
            "26%",
        ),
        # an amount with its currency left unsaid is a money figure's answer
        (
            "阿里巴巴 市值 暴增",
            "阿里巴巴港股全天大涨9.14%,市值一日暴增近3000亿。",
            ["market_cap"],
            "近3000亿",
        ),
        # a question naming no metric: its own words pick among all the figures, of any kind
        (
            "ByteDance H200 test order",
            "字节跳动计划先试购2万台H200,单价约2万美元。",
            ["price", "gpu_count"],
            "2万台",
        ),
        # a question naming no metric and no change: the sentence's growth does not pick the kind
        (
            "2024年全年 大模型 调用量",
            "较2024年全年114万亿Tokens调用量增长近400%。",
            ["growth"],
            "114万亿Tokens",
        ),
    ],
)
def test_the_headline_when_the_kind_asked_is_stated_another_way(question, text, metrics, lead):
    from store.headline import headline_for

    c = candidate(text, ["Alibaba"], metrics=metrics)
    u = read_question(question, VOCAB)
    got, _, _ = headline_for(c, u, CTX)
    assert got and got[0].text == lead


def test_a_holding_leads_not_what_it_changed_by():
    c = candidate(
        "北向资金二季度加仓 27.87 万股,截至 6 月 30 日,北向资金持有寒武纪 1570.4 万股。", ["Cambricon"]
    )
    lead, _, _ = headline(c, read_question("寒武纪 北向资金 持股数量", VOCAB), "any", [])
    assert lead[0].text == "1570.4 万"


@pytest.mark.parametrize(
    ("question", "text", "expects", "lead"),
    [
        # the asker's own keyword picks among the metric's figures
        (
            "摩爾線程 募資淨額",
            "募资总额为79.996亿元,扣除发行费用,募资净额为75.76亿元。",
            "money",
            "75.76亿元",
        ),
        # "原本預測" asks for the figure it came from
        (
            "臉書 資本開支 原本預測",
            "Meta將資本開支預測區間從原來的660億至720億美元,上調至700億至720億美元。",
            "money",
            "660億至720億美元",
        ),
        (
            "臉書 資本開支",
            "Meta將資本開支預測區間從原來的660億至720億美元,上調至700億至720億美元。",
            "money",
            "700億至720億美元",
        ),
        # a list writes its currency once: each place is a money figure of its year
        (
            "智谱 2024年 研发费用",
            "2022年、2023年、2024年公司研发费用分别为8440万、5.289亿元、21.954亿。",
            "money",
            "21.954亿",
        ),
        # a figure per share is no market cap
        (
            "寒武紀 市值 最高",
            "最高价一度冲至 1391 元/股,再创历史新高,市值近 5800 亿元。",
            "money",
            "5800亿元",
        ),
        # a level before a change, unless a change is asked
        (
            "2024年 大模型 调用量",
            "536.7万亿Tokens的调用量,较2024年全年114万亿Tokens调用量增长近400%。",
            "any",
            "114万亿Tokens",
        ),
    ],
)
def test_the_headline_follows_the_question_s_own_words(question, text, expects, lead):
    c = candidate(text, ["Meta"])
    u = read_question(question, VOCAB)
    got, _, _ = headline(
        c, u, expects, CTX.metrics.get(u.metrics[0], {}).get("keywords", []) if u.metrics else []
    )
    assert got and got[0].text.replace(" ", "") == lead


@pytest.mark.parametrize(
    ("question", "text", "figure"),
    [
        # revenue names no figure in its clause; growth, also asked, names the percentage
        ("台积电 营收 增长", "第三季 EPS 12.5 元,並上調全年營收年增幅至 25%。", "25%"),
        # the keyword the question wrote decides among the metric's own figures
        ("台积电 募资净额", "募资总额为80亿元,扣除发行费用,募资净额为76亿元。", "76亿元"),
        # a share price is no market cap: the market cap's keyword names its own figure
        ("台积电 市值", "上市首日收报60元/股,上涨300%,市值达到1000亿元。", "1000亿元"),
    ],
)
def test_the_headline_is_the_figure_the_asked_metric_keyword_names(question, text, figure):
    from dataclasses import replace

    from store.extract import claim_figures
    from store.headline import headline_for

    c = candidate(text)
    positions = LEX.metric_positions(c.key)
    claims = claim_figures(c.key, positions, c.values, {m: LEX.metrics[m].expects for m in positions})
    values = [replace(v, metric=claim[0]) if claim else v for v, claim in zip(c.values, claims, strict=True)]
    lead, _, _ = headline_for(replace(c, values=values), read_question(question, VOCAB), CTX)
    assert lead[0].text == figure


def test_another_unit_s_figure_costs_twice_when_the_question_names_a_part():
    """商湯 生成式 業務收入: "智能汽车收入为2.56亿元" is another unit's figure; the unit the question
    names is carried into "该业务去年收入达24.04亿元"."""
    from store.query import Query

    u = Query.of("商湯 生成式 業務收入", read_question("商湯 業務收入", VOCAB))
    u.names = ["生成式"]
    other = candidate("商汤集团2024年智能汽车收入为2.56亿元。", ["SenseTime"], metrics=["revenue"])
    ranked = rank(other, u, CTX)
    plain = rank(other, Query.of("商湯 收入", read_question("商湯 收入", VOCAB)), CTX)
    assert ranked.points_of("segment") == 2 * plain.points_of("segment") < 0


def claimed(text, entities, period):
    """A candidate whose figures carry the metric their keyword names, as the builder stores them."""
    from dataclasses import replace

    from store.extract import claim_figures

    c = candidate(text, entities, period=period)
    expects = {m.name: m.expects for m in LEX.metrics.values()}
    claims = claim_figures(c.key, LEX.metric_positions(c.key), c.values, expects)
    return replace(
        c, values=[replace(v, metric=cl[0] if cl else None) for v, cl in zip(c.values, claims, strict=True)]
    )


@pytest.mark.parametrize(
    ("question", "text", "period", "verdict"),
    [
        # the net profit's own clause states 2025 Q1: no answer for 2024's, though the fact is 2024's
        (
            "百度 2024年 净利润",
            "2024年其营收突破107亿元,2025年一季度营收43.12亿元、净利润9.21亿元。",
            "2024",
            "period",
        ),
        (
            "百度 2025年 一季度 净利润",
            "2024年其营收突破107亿元,2025年一季度营收43.12亿元、净利润9.21亿元。",
            "2024",
            None,
        ),
        # a span of years is no half, and its figures are the span's ends
        ("百度 上半年 营收", "2011年-2024年,百度的营收从1.1亿元一路增长到32.52亿元。", "2011–2024", "period"),
        ("百度 2024年 营收", "2011年-2024年,百度的营收从1.1亿元一路增长到32.52亿元。", "2011–2024", None),
        # what a change reached is the fact's period's, not the period it rose from
        (
            "百度 2025年一季度 营收",
            "百度也披露了2025年一季报,报告期内,营业收入从2024年一季度的2567万元,同比大增42倍至11.11亿元。",
            "2025 Q1",
            None,
        ),
        # a list by place keeps the fact's reading
        (
            "百度 2024年 研发费用",
            "2022年、2023年、2024年公司研发费用分别为8440万、5.289亿元、21.954亿。",
            "2022",
            None,
        ),
    ],
)
def test_the_period_of_the_figure_asked_for_decides(question, text, period, verdict):
    u, c = scored(question, claimed(text, ["Baidu"], period))
    assert answer_verdict(c, u, CTX, strict_metrics=False) == verdict


def test_in_an_undated_article_the_part_before_the_figure_says_its_period():
    q2 = "廣達昨日公告第2季財報,稅後純益168.61億元,上半年營收增長。"
    h1 = "上半年合併營收9,897.94億元;稅後純益363.59億元,每股純益9.43元。"
    u, r = scored("廣達 上半年 稅後純益", claimed(q2, ["Quanta"], None))
    assert answer_verdict(r, u, CTX, strict_metrics=False) == "period"
    u, r = scored("廣達 上半年 稅後純益", claimed(h1, ["Quanta"], None))
    assert answer_verdict(r, u, CTX, strict_metrics=False) is None


def test_a_share_asked_of_a_sentence_naming_nobody_needs_a_percentage():
    text = "精测表示,新订单是推升3月营收攀高的主要动能;第1季探针卡营收比重约45.3%。"
    c = candidate(text, [], context=["CHPT"], topic=True)  # the article's subject, named nowhere
    u, r = scored("精测 第1季 探针卡 营收比重", c)
    assert figure_gate(r, u, CTX, False) is None
    u, r = scored("精测 第1季 营收", c)
    assert figure_gate(r, u, CTX, False) == "states no money figure"


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        # each broker's target is in the part of the sentence naming it
        ("Goldman Sachs target price Cambricon", "1223元"),
        ("寒武纪 目标价", "1223元"),  # 寒武纪 is named in the second part only
    ],
)
def test_the_part_of_the_sentence_naming_the_subject_holds_its_figure(question, lead):
    from store.headline import headline_for

    text = "国泰海通维持增持评级,目标价定为836.08元;高盛于次日将寒武纪的评级上调至买入,并将目标价从607.8元上调至1223元。"
    c = candidate(text, ["Goldman Sachs", "Cambricon"], metrics=["target_price"])
    got, _, _ = headline_for(c, read_question(question, VOCAB), CTX)
    assert got and got[0].text == lead


def test_a_part_after_the_one_naming_the_subject_goes_on_about_it():
    from store.headline import headline_for

    c = candidate("寒武纪发布半年报,上半年实现营业收入28.81亿元,同比增长4347.82%;实现净利润10.38亿元,同比扭亏。", ["Cambricon"])
    got, _, _ = headline_for(c, read_question("寒武纪 上半年 净利润 多少", VOCAB), CTX)
    assert got and got[0].text == "10.38亿元"


def test_a_qualified_keyword_asked_counts_twice_where_it_is_written():
    # 归母净利润 qualifies 净利润: the line that writes it states the figure asked, one that says
    # only 净利润 may be another line; a keyword qualifying nothing (营收) counts once
    asked = "云天励飞 2024年 归母净利润"
    written = scored(asked, candidate("2024年归母净利润为-5.79亿元。", ["Intellifusion"], period="2024"))[1]
    plain = scored("云天励飞 2024年 营收", candidate("2024年营收为9.17亿元。", ["Intellifusion"], period="2024"))[1]
    assert written.points_of("keyword") == 2 * plain.points_of("keyword") > 0


def test_a_count_written_in_chinese_numerals_states_the_count_asked():
    # "几次" asks for a count: 兩次 states it, a count word alone (上万) does not
    u = read_question("科大讯飞 实体清单 几次", VOCAB)
    twice = candidate("科大訊飛兩次被美國列入實體清單。", ["iFlytek"])
    many = candidate("科大訊飛擁有上萬張算力卡。", ["iFlytek"])
    assert states_asked_kind(twice, u, CTX) and not states_asked_kind(many, u, CTX)


@pytest.mark.parametrize(
    ("question", "text", "verdict"),
    [
        ("星海图 A轮 融资金额", "星海图宣布完成10亿元B轮融资。", "round"),  # another round
        ("星海图 B轮 融资金额", "星海图宣布完成10亿元B轮融资。", None),
        ("Galaxea Series B funding", "星海图宣布完成10亿元B轮融资。", None),
        ("摩爾線程 B+輪 融資 金額", "摩爾線程在所謂的「B + 輪」融資中籌集了大約人民幣10億元。", None),
        ("百川智能 天使輪 融資", "因在早期的天使融資中獲5,000萬美元。", None),  # 天使融资 is the angel round
        ("星海图 A轮 融资金额", "星海图累计融资额近30亿元。", None),  # no round named: not contradicted
        # a round in quotes, with its pluses, and in English
        ("Galaxea angel++ round amount", "公司正式宣布完成2億元“天使++”輪融資。", None),
        ("星海图 天使轮 融资", "公司正式宣布完成2億元“天使++”輪融資。", "round"),  # 天使++ is a later round
        ("Galaxea seed round", "公司完成数千万元种子轮融资。", None),
    ],
)
def test_a_funding_round_asked_is_not_contradicted(question, text, verdict):
    from store.ranking import round_gate

    u, r = scored(question, candidate(text, ["Galaxea"]))
    assert (round_gate(r, u, CTX, False) and "round") == verdict


def test_the_sentence_naming_the_round_asked_comes_before_one_naming_none():
    u = read_question("Galaxea angel++ round amount", VOCAB)
    named = rank(candidate("公司正式宣布完成2億元“天使++”輪融資。", ["Galaxea"]), u, CTX)
    unsaid = rank(candidate("其已在9個月內完成3輪融資,該公司估值已超12億元。", ["Galaxea"]), u, CTX)
    assert "round_named" in [p.rule for p in named.points] and named.score > unsaid.score


def test_by_how_much_asks_for_the_change_not_the_amount(seed_store):
    # "by how much are they raising capex": 增长了45%, not the 2150亿美元 they plan to spend
    q = "By how much are Google, Microsoft and Meta raising capex in 2025 vs last year?"
    assert "45%" in seed_store.search(q).answers[0].headline[0].text
    # how much alone asks for the amount
    q = "How much will Google, Microsoft and Meta spend on capex in 2025?"
    assert "2150億美元" in seed_store.search(q).answers[0].headline[0].text


def test_the_growth_of_the_unit_asked_leads_over_another_unit_s_level():
    # the clause naming what is asked (云) states only its growth: the next clause's level is
    # another unit's (AI应用), no answer
    from store.headline import headline_for

    u = read_question("百度 云 收入 增长", VOCAB)
    c = candidate("其中,AI云收入年增33%;AI应用收入达人民币26亿元。", ["Baidu"], metrics=["revenue", "growth"])
    lead, _, _ = headline_for(c, u, CTX)
    assert lead[0].text == "33%", (u, lead)


@pytest.mark.parametrize(
    ("question", "text", "period", "verdict"),
    [
        # a figure of the same kind after the asked one, in a clause of its own period, is that
        # period's: the whole year asked is answered by "全年约4.2元"
        ("JD.com 2025年 全年 EPS 预估", "京东预估第4季EPS为1.5元,全年约4.2元。", "2025 Q4", None),
        ("JD.com 2024年 全年 EPS 预估", "京东预估第4季EPS为1.5元,全年约4.2元。", "2025 Q4", "period"),
        # and the asked figure with no period of its own keeps the sentence's ("…2021年为134亿元")
        ("京東 2022年 淨利", "京东归属于普通股股东的净利润为104亿元,2021年为134亿元。", "2022", None),
        ("京東 2021年 淨利", "京东归属于普通股股东的净利润为104亿元,2021年为134亿元。", "2022", None),
        ("京東 2020年 淨利", "京东归属于普通股股东的净利润为104亿元,2021年为134亿元。", "2022", "period"),
    ],
)
def test_a_figure_going_on_with_the_metric_asked_has_its_own_period(question, text, period, verdict):
    from dataclasses import replace

    u = read_question(question, VOCAB)
    c = candidate(text, ["JD.com"], period=period)
    # the builder names the first figure by its keyword; the one going on with it has none
    c.values[0] = replace(c.values[0], metric=u.metrics[0])
    assert answer_verdict(rank(c, u, CTX), u, CTX, strict_metrics=False) == verdict


@pytest.mark.parametrize(
    ("rounded", "exact", "rounds"),
    [
        ("收入1339億元", "收入1338.96億元", True),
        ("盈利跌45%", "盈利跌45.45%", True),
        ("收入1339億元", "收入1340.5億元", False),  # another figure
        ("收入1338.96億元", "收入1339億元", False),  # the exact one is never rounded again
        ("收入1339億元", "收入1338.96億美元", False),  # another currency
    ],
)
def test_a_figure_rounds_its_exact_form_only(rounded, exact, rounds):
    from store.ranking import _rounds

    a, b = (parse_quantities(fold(t), t)[0] for t in (rounded, exact))
    assert _rounds(a, b) is rounds


@pytest.mark.parametrize("question", ["萬興科技 第三季 虧損 收窄 幅度", "SenseTime loss narrowed by how much", "商汤 亏损 扩大"])
def test_a_loss_narrowing_or_widening_asks_for_a_change(question):
    from store.headline import asks_for_a_change

    assert asks_for_a_change(read_question(question, VOCAB))


def test_the_change_asked_written_verbatim_counts_like_its_keyword():
    # 环比 asked: the sentence giving the quarter-on-quarter change beats one giving only 同比
    qoq = scored("生益科技 第三季度 营收 环比增长", candidate("第三季度营业收入79.34亿元,同比增长55.10%,环比增长12.24%。"))[1]
    yoy = scored("生益科技 第三季度 营收 环比增长", candidate("第三季度营业收入79.34亿元,同比增长55.10%。"))[1]
    assert qoq.points_of("keyword") > yoy.points_of("keyword") > 0
