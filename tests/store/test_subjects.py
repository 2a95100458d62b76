"""Who a sentence is about when it does not say (store/subjects.py), on real articles' snippets.

Each row is a run of sentences as the extractor meets them: what each names (the names the
builder found in it), whether a new paragraph starts, and whom the stage says it is about.
"""

from __future__ import annotations

import pytest

from store import Lexicon, extract_facts, fold
from store.subjects import REFERRED_WEIGHT, TOPIC_WEIGHT, SubjectTracker, choose_topic

COMPANIES = {"Alibaba", "阿里云", "寒武纪", "Tencent", "SenseTime", "ByteDance", "Meta", "NVIDIA"}


def is_company(name: str) -> bool:
    return name in COMPANIES


@pytest.mark.parametrize(
    ("topic", "sentences", "expected"),
    [
        # 公司/集团 refers to the article's company, whoever the sentence before named
        (
            "Alibaba",
            [("阿里云收入增长26%", ["阿里云"], True), ("公司整体净利润同比增长76%,表明ai投入已开始产生实效", [], False)],
            [[], ["Alibaba"]],
        ),
        (
            "SenseTime",
            [("商汤2024年营收37.7亿元", ["SenseTime"], True), ("集团表示,生成式ai收入增长103.1%", [], False)],
            [[], ["SenseTime"]],
        ),
        # a time word may stand before 该公司: still the article's company, not the investors before
        (
            "Alibaba",
            [("红杉、高瓴、腾讯参与投资", ["Tencent"], False), ("根据公开数据,目前该公司估值超过200亿元", [], False)],
            [[], ["Alibaba"]],
        ),
        # a pronoun carries the sentence before, even into a new paragraph
        (
            None,
            [("腾讯发布混元大模型", ["Tencent"], True), ("其训练时间从50天缩短到11天", [], True)],
            [[], ["Tencent"]],
        ),
        # a sentence naming nobody in the same paragraph continues the one before; two at most
        (
            None,
            [("字节跳动2022年收入超800亿美元", ["ByteDance"], True), ("这比2021年增长了30%以上", [], False), ("增速放缓", [], False), ("市场规模扩大", [], False)],
            [[], ["ByteDance"], ["ByteDance"], []],
        ),
        # a new paragraph naming nobody, with no pronoun, is the article's company, less surely
        (
            "寒武纪",
            [("英伟达发布新品", ["NVIDIA"], True), ("上半年营业收入28.81亿元", [], True)],
            [[], ["寒武纪"]],
        ),
        # a sentence naming a company is about it, not about the article's
        ("寒武纪", [("Meta第三季收入创新高", ["Meta"], True)], [[]]),
    ],
)
def test_whom_each_sentence_is_about(topic, sentences, expected):
    tracker = SubjectTracker(topic, is_company)
    got = [tracker.subject(fold(text), named, new_paragraph=para).carried for text, named, para in sentences]
    assert got == expected


def test_a_reference_to_the_company_is_surer_than_the_article_s_subject_alone():
    tracker = SubjectTracker("Alibaba", is_company)
    referred = tracker.subject(fold("公司整体净利润同比增长76%"), [], new_paragraph=True)
    unnamed = tracker.subject(fold("净利润同比增长76%"), [], new_paragraph=True)
    assert (referred.weight, referred.about_topic) == (REFERRED_WEIGHT, False)
    # after a short opening clause (a period, 对此) 公司 still refers to it
    after_period = tracker.subject(fold("2025年上半年,公司营收为24.56亿元"), [], new_paragraph=True)
    assert (after_period.weight, after_period.about_topic) == (REFERRED_WEIGHT, False)
    assert (unnamed.weight, unnamed.about_topic) == (TOPIC_WEIGHT, True)


@pytest.mark.parametrize(
    ("mentions", "boosted", "topic"),
    [
        ([["寒武纪"], ["寒武纪"], ["Tencent"]], [], "寒武纪"),  # the title and lead count twice
        ([["Meta"], [], ["Tencent"], ["Tencent"]], [], None),  # a tie leads nowhere
        ([["Meta"], [], ["Tencent"], ["Tencent"]], ["Tencent"], "Tencent"),  # a stock code decides
        ([["H100"], ["H100"]], [], None),  # a chip is no company
    ],
)
def test_the_article_s_company(mentions, boosted, topic):
    assert choose_topic(mentions, is_company, boosted) == topic


def test_a_broker_s_numbered_list_belongs_to_the_company_the_article_is_about():
    text = (
        "摩尔线程(688795.SH)发布业绩快报\n"
        "摩尔线程今日公布2025年业绩快报。\n"
        "1. 营业收入15.2亿元,同比增长180%;\n"
        "2. 归母净利润亏损8.6亿元;\n"
        "3. 研发费用12.1亿元。\n"
    )
    doc = extract_facts(text, "a.txt", Lexicon.load(entities=False))
    listed = [f for f in doc.facts if f.quote[:1].isdigit()]
    assert len(listed) == 3 and all("摩尔线程" in f.entities + f.context for f in listed)


@pytest.mark.parametrize(
    ("text", "named", "named_from", "carried"),
    [
        # a results line stating its figure before it names anyone is the article's company's
        ("網路營收年比成長162%至82億美元，NVLink及Spectrum X乙太網路銷售全都增加", ["Spectrum X"], 24, ["NVIDIA"]),
        # a name before the figure says whose it is
        ("Meta第三季收入按年增长26%至512亿美元", ["Meta"], 0, []),
        # a figure that is no money or percentage ("50天") does not move the subject
        ("训练时间从50天缩短到11天,混元大模型的训练效率提升", ["Hunyuan"], 16, []),
    ],
)
def test_names_after_a_results_figure_do_not_say_whose_it_is(text, named, named_from, carried):
    tracker = SubjectTracker("NVIDIA", is_company=lambda n: n in {"NVIDIA", "Meta", "Hunyuan"})
    assert tracker.subject(fold(text), named, new_paragraph=True, named_from=named_from).carried == carried


@pytest.mark.parametrize(
    ("text", "named", "carried"),
    [
        # what the sentence acts on (对/向/给 OpenAI) is not who acts: the article's company
        ("不过,受到对OpenAI巨额投资影响,净利润减少31亿美元", ["OpenAI"], ["Microsoft"]),
        ("公司今年向OpenAI追加投资100亿美元", ["OpenAI"], ["Microsoft"]),
        # a name that acts says whose the figure is
        ("OpenAI今年亏损50亿美元", ["OpenAI"], []),
        ("谷歌对OpenAI的回应是推出Gemini", ["Google", "OpenAI"], []),
    ],
)
def test_a_sentence_naming_only_what_it_acts_on_is_the_article_s_company_s(text, named, carried):
    tracker = SubjectTracker("Microsoft", is_company=lambda n: n in {"Microsoft", "OpenAI", "Google"})
    key = fold(text)
    starts = [key.find(fold(n)) if fold(n) in key else key.find("谷歌") for n in named]
    assert tracker.subject(key, named, new_paragraph=True, name_starts=starts).carried == carried


@pytest.mark.parametrize(
    ("sentences", "expected"),
    [
        # what 其 (its) names is the subject's own: the sentence after is still the start-up's
        (
            [("这次是百川智能", ["Baichuan"]), ("其微信公众号发布的公告披露,公司完成3亿美元融资", ["WeChat", "Tencent"]),
             ("因在早期的天使融资中获5,000万美元", [])],
            [[], ["Baichuan"], ["Baichuan"]],
        ),
        # a name standing on its own takes over as the subject
        (
            [("这次是百川智能", ["Baichuan"]), ("腾讯发布的公告披露,其完成3亿美元融资", ["Tencent"]),
             ("因在早期的融资中获5,000万美元", [])],
            [[], [], ["Tencent"]],
        ),
    ],
)
def test_what_its_names_is_the_subject_s_own(sentences, expected):
    tracker = SubjectTracker(None, is_company=lambda n: n in {"Baichuan", "Tencent"})
    got = []
    for text, named in sentences:
        key = fold(text)
        starts = [key.find(k) for k in ("微信", "腾讯", "百川") if k in key]
        got.append(tracker.subject(key, named, new_paragraph=False, name_starts=starts).carried)
    assert got == expected


def test_a_sentence_continuing_one_about_the_article_s_company_is_about_it_too():
    # a photo credit named Reuters paragraphs before; "當中" continues the results sentence
    tracker = SubjectTracker("Tencent", is_company=lambda n: n in {"Tencent", "Reuters"})
    got = [
        tracker.subject(fold(text), named, new_paragraph=para).carried
        for text, named, para in [
            ("腾讯的标志展示在其摊位。(Reuters)", ["Tencent", "Reuters"], True),
            ("增值服务业务收入增长16%至914亿元", [], True),
            ("当中,本土市场游戏收入为404亿元", [], False),
        ]
    ]
    assert got == [[], ["Tencent"], ["Tencent"]]


def test_names_written_only_in_brackets_are_examples_not_the_subject():
    tracker = SubjectTracker(None, is_company=lambda n: n in {"MetaX", "QFII"})
    got = [
        tracker.subject(fold(text), named, new_paragraph=False, asides=asides).carried
        for text, named, asides in [
            ("沐曦股份共发行4010万股", ["MetaX"], set()),
            ("A类机构(公募基金、社保基金及QFII等)以85.83%的申购量占比", ["QFII"], {"QFII"}),
            ("配售比例低至0.03993%", [], set()),
        ]
    ]
    assert got == [[], ["MetaX"], ["MetaX"]]


def test_a_sentence_after_one_naming_a_company_only_in_brackets_is_not_that_company_s():
    text = "沐曦股份共发行4010万股。A类机构(公募基金、保险资金及腾讯等)以85.83%的申购量占比,配售比例低至0.03993%。"
    doc = extract_facts(text, "a.txt", Lexicon.load())
    fact = next(f for f in doc.facts if "0.03993%" in f.quote)
    assert "Tencent" not in fact.context and "MetaX" in fact.entities + fact.context


def test_a_list_of_examples_and_this_ipo_are_the_article_s_company_s():
    # "包括…等在内的14家机构" lists investors; "此次IPO" is the article's own listing, not the
    # investors the paragraph before named
    text = (
        "稀宇科技(MiniMax)明日将登陆港交所,公司IPO定价为每股165港元。\n"
        "对于机构认购的情况,施罗德的代表拒绝发表评论,挪威央行也拒绝置评。\n"
        "此次IPO的基石投资者阵容同样强大,包括阿布扎比投资局、阿里巴巴旗下关联公司、易方达基金等在内的14家机构,"
        "已提前锁定约27.23亿港元的股份。"
    )
    doc = extract_facts(text, "a.txt", Lexicon.load())
    fact = next(f for f in doc.facts if "27.23" in f.quote)
    assert "MiniMax" in fact.context and "Alibaba" not in fact.context


def test_the_company_the_lead_opens_on_is_the_article_s():
    # named once, in the lead, against a material named twice later: the lead's opening decides
    text = (
        "中芯国际最新发布的财务报告显示,第三季度营收171.62亿元。归属于母公司净利润达15.17亿元。\n"
        "公司计划拓展氮化镓(GaN)产能,氮化镓需求旺盛。\n氮化镓订单增加。\n"
        "尽管如此,公司前三季度仍实现营业收入495.1亿元。"
    )
    facts = extract_facts(text, "a.txt", Lexicon.load()).facts
    last = [f for f in facts if "495.1" in f.quote][0]
    assert "SMIC" in last.entities + last.context


def test_a_listed_subsidiary_s_article_is_its_own_not_its_parent_s():
    # 金山雲 (Kingsoft Cloud, listed as 3896) has a parent in the lexicon (Kingsoft): its results
    # article, saying 公司 throughout, is Kingsoft Cloud's
    doc = extract_facts(
        "金山雲目標價9.45元\n金山雲(3896)公布,第3季總收入達24.8億元人民幣,按年增長31.4%。"
        "值得關注是,公司經調整淨利潤首次實現盈利,達2870萬元人民幣。\n"
        "在盈利能力方面,公司非公認會計準則EBITDA達8.3億元人民幣。",
        "a.txt",
        Lexicon.load(),
    )
    assert doc.topic == "Kingsoft Cloud"
    profit = next(f for f in doc.facts if "2870" in f.quote)
    assert "Kingsoft Cloud" in profit.entities + profit.context


def test_the_source_of_a_figure_is_not_whom_it_is_about():
    text = (
        "Alphabet发布2025年第四季度财报,营收与净利润均超出华尔街预期。"
        "据LSEG分析师调查,本季每股摊薄收益(EPS)为2.82美元,高于预期的2.63美元。\n"
    )
    fact = extract_facts(text, "a.txt", Lexicon.load()).facts[-1]
    assert "2.82美元" in fact.quote and "Google" in fact.context


def test_who_invests_in_a_round_is_not_who_raises_it():
    text = (
        "它石智航(TARS)完成1.2亿美元天使轮融资。"
        "本轮融资由蓝驰创投和启明创投联合领投,线性资本和高瓴创投等多家知名投资机构跟投。\n"
    )
    fact = extract_facts(text, "a.txt", Lexicon.load()).facts[-1]
    # the start-up carries on as the subject; the investor (高瓴, Hillhouse) is not the article's
    assert "领投" in fact.quote and fact.context == ["TARS"]
