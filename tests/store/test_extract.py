import pytest

from store import Lexicon, clean_text, extract_facts, parse_period
from store.extract import headline_end
from store.numbers import parse_quantities
from store.text import fold


@pytest.fixture(scope="module")
def lexicon():
    return Lexicon.load()


def facts_of(text, lexicon, file="a.txt"):
    return extract_facts(text, file, lexicon).facts


@pytest.mark.parametrize(
    ("text", "entity", "metric", "amounts", "period"),
    [
        (
            "4月25日,微軟在財報中稱,在第三財季中,資本支出同比增長79%至140億美元。",
            "Microsoft",
            "capex",
            [79, 1.4e10],
            "FY2024 Q3",  # Microsoft's fiscal year ends in June: its third quarter ended in March
        ),
        ("Meta預計2024年的資本支出將在350億美元至400億美元之間。", "Meta", "capex", [3.5e10], "2024"),
        ("OpenAI公司在2022年亏损约达5.4亿美元,折合人民币约31亿元。", "OpenAI", "loss", [5.4e8], "2022"),
        ("业内传说商汤科技拥有有2.7万张AI专用GPU。", "SenseTime", "gpu_count", [27000], None),
        ("科大訊飛推出130億參數的大模型。", "iFlytek", "parameters", [1.3e10], None),
        (
            "2024财年第二财季财报会上,英伟达高管透露,英伟达数据中心业务收入的20%至25%都来自中国市场。",
            "Nvidia",
            "revenue",
            [20],
            "FY2024 Q2",
        ),
        ("輝達第三季營收創新高,達到181億美元。", "Nvidia", "revenue", [1.81e10], "2024 Q3"),
        ("台積電2024年資本支出預計為300億美元。", "TSMC", "capex", [3e10], "2024"),
        ("台積電第三季合併營收達新台幣7596.9億元,年增36.5%。", "TSMC", "revenue", [7.5969e11, 36.5], "2024 Q3"),
        ("聯發科第三季稅後淨利為新台幣254億元。", "MediaTek", "net_profit", [2.54e10], "2024 Q3"),
        (
            "騰訊控股2022年營收5545.5億元(約796億美元),同比下滑1%。",
            "Tencent",
            "revenue",
            [5.5455e11, 1],
            "2022",
        ),
    ],
)
def test_extract_one_sentence(text, entity, metric, amounts, period, lexicon):
    # an article of 30 October 2024: a period written without its year is placed by that date
    (fact,) = facts_of(text, lexicon, file="2024-10-30_a.txt")
    assert entity in fact.entities
    assert fact.metric == metric
    assert [v.amount for v in fact.values][: len(amounts)] == pytest.approx(amounts)
    assert fact.period == period
    assert text[fact.start : fact.end] == fact.quote


def test_benchmark_claims_without_numbers_are_facts(lexicon):
    text = "商湯科技董事長兼CEO徐立表示,日日新5.0大部分核心測試集指標上全面對標甚至已經超過OpenAI目前最先進的AI大模型GPT-4 Turbo。"
    (fact,) = facts_of(text, lexicon)
    assert fact.metric == "benchmark"
    assert {"SenseTime", "SenseNova", "GPT-4 Turbo"} <= set(fact.entities)


def test_names_missing_from_the_lexicon_are_still_entities(lexicon):
    facts = facts_of("他的客戶包括Descript,以及處理醫療記錄的初創公司PicnicHealth。", lexicon)
    assert {"Descript", "PicnicHealth"} <= set(facts[0].entities)


def test_a_person_introduced_with_a_company_carries_it_into_later_sentences(lexicon):
    text = (
        "為其他公司提供算力資源的Baseten公司首席執行官圖欣·斯里瓦斯塔瓦(Tuhin Srivastava)表示,轉變已在進行中。\n"
        "斯里瓦斯塔瓦稱,客戶發現需要更多的處理能力。他補充道:“我們幫助一位客戶將算力資源需求降低了60%。”"
    )
    facts = facts_of(text, lexicon)
    later = [f for f in facts if "60%" in f.quote][0]
    assert "Baseten" in later.entities + later.context
    assert "Baseten" in [f for f in facts if f.quote.startswith("斯里瓦斯塔瓦稱")][0].entities


def test_a_pronoun_sentence_inherits_the_subject_before_it(lexicon):
    text = "實驗表明,GPT-4在各種專業測試上的表現與人類水平相當。例如,它通過了模擬律師考試,且分數在應試者的前10%左右。"
    facts = facts_of(text, lexicon)
    assert "GPT-4" in facts[1].context


def test_a_reporter_in_the_byline_is_nobody_the_article_is_about(lexicon):
    # the lexicon's 张建中 founded Moore Threads; a CNA reporter of the same name is not him
    text = "(中央社記者張建中台北3日電)測試介面廠中華精測公布3月營收新台幣2.53億元。精測表示訂單增加。(編輯:張良知)"
    facts = facts_of(text, lexicon)
    assert facts and all(
        "Moore Threads" not in f.entities + f.context and "Zhang Jianzhong" not in f.entities for f in facts
    )


def test_mojibake_is_never_quoted(seeds, lexicon):
    path = seeds / "001_4ce25b532b9baee5.txt"
    doc = extract_facts(path.read_text(encoding="utf-8"), path.name, lexicon)
    for f in doc.facts:
        assert (
            "?" not in f.quote.replace("?”", "")
            or "?" in f.quote
            and not any(c in f.quote for c in "樗橥χ荆")
        )
        assert not any(bad in f.quote for bad in ("樗C", "橥评", "彼墓荆", "χ溈", "/p>"))
    assert any("100倍以上" in f.quote for f in doc.facts)


def test_boilerplate_is_not_a_fact(seeds, lexicon):
    path = seeds / "002_b6b9a5957fad2dae.txt"
    doc = extract_facts(path.read_text(encoding="utf-8"), path.name, lexicon)
    quotes = " ".join(f.quote for f in doc.facts)
    for marker in ("发表评论", "验证码", "粤公网安备", "不代表OFweek立场"):
        assert marker not in quotes
    assert doc.published == "2023-05-15"


def test_every_seed_yields_facts_with_verbatim_quotes(seeds, lexicon):
    for path in sorted(seeds.iterdir()):
        raw = path.read_text(encoding="utf-8")
        doc = extract_facts(raw, path.name, lexicon)
        assert len(doc.facts) >= 20, path.name
        assert doc.text == clean_text(raw)
        for f in doc.facts:
            assert doc.text[f.start : f.end] == f.quote
            for v in f.values:
                assert doc.text[v.start : v.end] == v.text


def test_extraction_is_deterministic(seeds, lexicon):
    path = seeds / "000_098a629b4404de33.txt"
    raw = path.read_text(encoding="utf-8")
    assert [f.id for f in extract_facts(raw, path.name, lexicon).facts] == [
        f.id for f in extract_facts(raw, path.name, lexicon).facts
    ]


@pytest.mark.parametrize(
    ("key", "label"),
    [
        ("2024财年第二财季财报会上", "FY2024 Q2"),
        ("在第三财季中,创下了2016年以来最大增幅", "FY2023 Q3"),  # the article's year: calendar unknown
        ("预计2024年的资本支出", "2024"),
        ("2023年上半年,中国人工智能服务器市场规模", "2023 H1"),
        ("2023年至2026年,全球用于运行生成式ai的服务器", "2023–2026"),
        ("而在2022年10月,腾讯完成", "2022-10"),
        ("3月27日,京东上a800最高售价", None),  # a day needs the article's date, not just a year
        ("2022年三季度,英伟达推出a800", "2022 Q3"),
        ("没有时间", None),
    ],
)
def test_parse_period(key, label):
    p = parse_period(key, 2023)  # in an article whose year is 2023
    assert (p.label if p else None) == label


def test_lexicon_is_extensible_from_a_folder(tmp_path):
    (tmp_path / "extra.toml").write_text(
        '[[entity]]\nname = "Zhipu Huazhang"\nzh = "华章智谱"\nkind = "company"\naliases = ["华章智谱", "ZHZ"]\n'
        '[metric.capex]\nkeywords = ["购置开支"]\n',
        encoding="utf-8",
    )
    lex = Lexicon.load([tmp_path])
    (fact,) = extract_facts("華章智譜今年購置開支達到30億元。", "x.txt", lex).facts
    assert fact.entities == ["Zhipu Huazhang"] and fact.metric == "capex"


def test_a_continuing_sentence_measures_what_the_one_before_measured(lexicon):
    text = "字节跳动2022年收入超800亿美元,折合人民币超5000亿元。这比2021年的约600亿美元增长了30%以上。"
    first, second = facts_of(text, lexicon)
    assert first.metric == "revenue"
    assert "ByteDance" in second.context and "revenue" in second.metrics and second.period == "2021"


@pytest.mark.parametrize(
    ("key", "dated", "label"),
    [
        ("去年营收增长", (2025, 3), "2024"),
        ("明年将投入", (2025, 3), "2026"),
        ("上半年营收", (2025, 9), "2025 H1"),
        ("在截至9月底的上季,资本支出", (2025, 10), "2025 Q3"),
        ("上季营收", (2025, 2), "2024 Q4"),
        ("本季度营收", (2025, 5), "2025 Q2"),
        ("去年营收增长", (None, None), None),  # an undated article cannot say which year
    ],
)
def test_relative_periods_resolve_against_the_article_date(key, dated, label):
    p = parse_period(key, None, *dated)
    assert (p.label if p else None) == label


def test_a_period_without_a_year_takes_the_year_the_article_implies(lexicon):
    text = "微軟2024年財報顯示。\n在第三財季中,資本支出同比增長79%至140億美元。\nOpenAI亏了30多亿元,又与2023年比较。"
    doc = extract_facts(text, "a.txt", lexicon)
    quarter = next(f for f in doc.facts if "140億美元" in f.quote)
    assert quarter.period == "FY2024 Q3"  # a label always carries its year
    silent = next(f for f in doc.facts if "30多亿元" in f.quote)
    assert silent.implied_year is None  # the article states two years: no sentence without one is either


def test_quotes_have_their_position_in_the_file_as_stored(lexicon):
    raw = "\ufeff標題\r\n微軟發(fā)布財報,資本支出同比增長79%至140億美元。\r\n"
    doc = extract_facts(raw, "a.txt", lexicon)
    (fact,) = [f for f in doc.facts if "140億美元" in f.quote]
    assert clean_text(raw[fact.file_start : fact.file_end]) == fact.quote
    assert raw[fact.file_start : fact.file_end] == "微軟發(fā)布財報,資本支出同比增長79%至140億美元。"


# --- a metric's keyword names the figure nearest to it in its own clause ------------------------


@pytest.mark.parametrize(
    ("sentence", "metric", "figures"),
    [
        # a results line of several metrics: each keyword its own figure
        ("聯發科第二季營收 1503.7 億元，季增 12%，毛利率 49.1%，營益率 18.5%，稅後純益 283 億元，每股稅後純益 17.6 元。", "revenue", ["1503.7 億元"]),
        ("聯發科第二季營收 1503.7 億元，季增 12%，毛利率 49.1%，營益率 18.5%，稅後純益 283 億元，每股稅後純益 17.6 元。", "gross_margin", ["49.1%"]),
        ("聯發科第二季營收 1503.7 億元，季增 12%，毛利率 49.1%，營益率 18.5%，稅後純益 283 億元，每股稅後純益 17.6 元。", "operating_margin", ["18.5%"]),
        ("聯發科第二季營收 1503.7 億元，季增 12%，毛利率 49.1%，營益率 18.5%，稅後純益 283 億元，每股稅後純益 17.6 元。", "net_profit", ["283 億元"]),
        ("聯發科第二季營收 1503.7 億元，季增 12%，毛利率 49.1%，營益率 18.5%，稅後純益 283 億元，每股稅後純益 17.6 元。", "eps", ["17.6 元"]),
        # a metric whose clause states no figure of its kind names none, even if the sentence does
        ("某公司第三季 EPS 12.5 元，創下新高，並上調全年營收年增幅至 25%。", "revenue", []),
        ("某公司第三季 EPS 12.5 元，創下新高，並上調全年營收年增幅至 25%。", "growth", ["25%"]),
        ("某公司第三季 EPS 12.5 元，創下新高，並上調全年營收年增幅至 25%。", "eps", ["12.5 元"]),
        # a price per share is no market cap, the market cap no price
        ("某公司上市首日收报60元/股,上涨300%,市值达到1000亿元。", "market_cap", ["1000亿元"]),
        # a figure before 的 is the figure of the noun it qualifies, not of the verb before it
        ("某公司计划在2026年投入500亿元的资本支出,高于今年的400亿元。", "capex", ["500亿元"]),
        ("甲云以40%的市场份额位居第一,乙云以25%的份额位列第二,丙云占12%排第三。", "market_share", ["40%", "25%"]),
        ("受一筆高達100億美元的一次性非現金稅務支出影響，淨利潤跌至20億美元，按年大減80%。", "tax", ["高達100億美元"]),
        ("受一筆高達100億美元的一次性非現金稅務支出影響，淨利潤跌至20億美元，按年大減80%。", "net_profit", ["20億美元"]),
        ("受一筆高達100億美元的一次性非現金稅務支出影響，淨利潤跌至20億美元，按年大減80%。", "cash", []),  # 非現金
        ("受一筆高達100億美元的一次性非現金稅務支出影響，淨利潤跌至20億美元，按年大減80%。", "growth", ["80%"]),  # 按年
        # the estimate beside the result is the consensus's
        ("上季營收年增15%至500億美元，高於市場預估的480億美元。", "revenue", ["500億美元"]),
        ("上季營收年增15%至500億美元，高於市場預估的480億美元。", "consensus", ["480億美元"]),
        ("某公司营收 300 亿元,同比增长 10%;经调整净利润同比增长 20% 至 40 亿元。", "adjusted_profit", ["40 亿元"]),
        ("某公司营收 300 亿元,同比增长 10%;经调整净利润同比增长 20% 至 40 亿元。", "net_profit", []),
        # one keyword may name a list ("分别为"); a thousands separator ends no clause
        ("公司研发费用分别为1.2亿元、3.4亿元、5.6亿元。", "r_and_d", ["1.2亿元", "3.4亿元", "5.6亿元"]),
        ("公司募资净额为1,234亿元。", "ipo_proceeds", ["1,234亿元"]),
        # computing power in the Hong Kong and Taiwan word, with a data centre's power as its figure
        ("此舉將使該公司的AI運算能力提升至近2千兆瓦。", "compute", ["近2千兆瓦"]),
        # units sold: 500台 sold out in two days
        ("松延動力的500台小布米兩天售罄。", "shipments", ["500台"]),
        # Hong Kong's compound annual growth rate (年複式增長率)
        ("集團過去2年的收入以超過65%的年複式增長率上升。", "growth", ["超過65%"]),
        # the non-GAAP qualifier in brackets after the profit makes it the adjusted one
        ("百度2022年归属百度的净利润(非美国通用会计准则)206.8亿元,同比增长10%。", "adjusted_profit", ["206.8亿元"]),
    ],
)  # fmt: skip
def test_a_metric_keyword_names_the_nearest_figure_of_its_kind_in_its_clause(
    sentence, metric, figures, lexicon
):
    (fact,) = facts_of(sentence, lexicon)
    assert [v.text for v in fact.values if v.metric == metric] == figures
    if figures:
        assert fact.metric_distance[metric] <= 12  # stated: its figure sits by its keyword


def test_a_continuing_sentence_figure_is_the_metric_of_the_sentence_before(lexicon):
    *_, fact = facts_of("2022年,腾讯营收约5545亿元。这比2021年的约600亿美元增长了30%以上。", lexicon)
    assert [(v.text, v.metric) for v in fact.values] == [("约600亿美元", "revenue"), ("30%以上", "growth")]


def test_a_platform_a_statement_came_through_is_no_company_of_the_sentence(lexicon):
    # 其微信公众号: the channel Baichuan spoke through; the sentence is not about Tencent's WeChat
    facts = facts_of("百川智能成立僅六個月。其微信公眾號上周發布的公告披露,公司完成3億美元(22億元)融資。", lexicon)
    assert not {"WeChat", "Tencent"} & set(facts[-1].entities)
    assert "Baichuan" in facts[-1].context


@pytest.mark.parametrize(
    ("text", "headline"),
    [
        # title with a mid-line exclamation, then the body's first sentence
        ("估值超500亿港元!智谱开启招股:发行价116.2港元\n智谱正式开启港股招股,其市值预计超500亿港元。\n", "估值超500亿港元!智谱开启招股:发行价116.2港元\n"),
        # title, byline and photo caption all come before the body
        (
            "傳摩爾線程獲約人民幣10億元融資\n\n鉅亨網編譯 2023-11-16\n傳摩爾線程獲約人民幣10億元融資(圖:REUTERS)\n\n路透周四報導,摩爾線程同意進行融資。\n",
            "傳摩爾線程獲約人民幣10億元融資\n\n鉅亨網編譯 2023-11-16\n傳摩爾線程獲約人民幣10億元融資(圖:REUTERS)\n\n",
        ),
        # an article opening on a paragraph has no headline
        ("微软公司在2024财年第三财季的资本支出为140亿美元,同比增长79%,高于市场预期的水平,也创下新高。\n", ""),
    ],
)
def test_headline_lines_end_where_the_first_paragraph_begins(text, headline):
    assert text[: headline_end(text)] == headline


def test_a_headline_links_the_body_sentence_stating_its_figure_again(lexicon):
    doc = extract_facts(
        "智谱开启招股:发行价116.2港元\n智谱华章每股发行价为116.20港元,募资规模预计将达43亿港元。\n"
        "公司去年发行价为80港元。\n",
        "a.txt",
        lexicon,
    )
    title, body, other = doc.facts
    assert title.restated_by == body.id
    assert body.restated_by is None and other.restated_by is None


def test_a_lead_summing_up_in_round_figures_links_the_body_s_precise_one(lexicon):
    doc = extract_facts(
        "Meta第三季收入創新高\n\n"
        "Meta公布第三季業績，但一筆過近160億美元的巨額稅務開支，導致純利按年銳減83%。\n\n"
        "第三季總收入按年增長26%至512億美元。不過，受一筆高達159.3億美元的一次性稅務支出影響，淨利潤按年大減83%。\n",
        "a.txt",
        lexicon,
    )
    lead = next(f for f in doc.facts if "近160億美元" in f.quote)
    body = next(f for f in doc.facts if "159.3億美元" in f.quote)
    assert lead.restated_by == body.id


def test_a_lead_stating_its_figures_exactly_stays_the_quote(lexicon):
    doc = extract_facts(
        "Meta第三季收入創新高\n\nMeta第三季總收入按年增長26%至512億美元。\n\nMeta第三季總收入為512億美元,按年增長26%。\n",
        "a.txt",
        lexicon,
    )
    assert doc.facts and all(f.restated_by is None for f in doc.facts)


def test_a_headline_figure_the_body_never_states_again_links_nothing(lexicon):
    doc = extract_facts(
        "智谱开启招股:发行价116.2港元\n智谱华章每股发行价为116.5港元,募资规模预计将达43亿港元。\n", "a.txt", lexicon
    )
    assert doc.facts and all(f.restated_by is None for f in doc.facts)


@pytest.mark.parametrize(
    ("first", "then", "restates"),
    [
        ("超過20個", "20個", True),
        ("超過20個", "20家", False),  # 20 drug candidates, then 20 drug makers: not the same figure
        ("近160亿美元", "159.3亿美元", True),
        ("160亿美元", "160亿元", False),
    ],
)
def test_a_figure_stated_again_is_the_same_kind_unit_and_currency(first, then, restates):
    from store.extract import _restates

    (a,) = parse_quantities(fold(first), first)
    (b,) = parse_quantities(fold(then), then)
    assert _restates(a, b) is restates


def test_a_figure_another_keyword_names_in_its_clause_is_no_figure_of_the_next_clause(lexicon):
    # 5成 follows 營收 in its own clause (a share of revenue); the gross margin the next clause
    # asks about states no figure
    (fact,) = facts_of("AI伺服器營收將破5成,為何毛利率卻是投資人最大隱憂?", lexicon)
    assert fact.metric_distance["gross_margin"] > 100
    (fact,) = facts_of("營收年增15%,毛利率53.1%。", lexicon)
    assert fact.metric_distance["gross_margin"] <= 12


@pytest.mark.parametrize(
    ("text", "currency"),
    [
        # a Taiwan company's 元 are New Taiwan dollars
        ("全球PCB龍頭臻鼎（4958）12日召開法說會,資本支出500億元以上。", "TWD"),
        ("台積電 (2330-TW) 第三季營收9899億元。", "TWD"),
        # a Hong Kong code (leading zero) or a mainland article: renminbi
        ("商湯（0020）今年上半年收入按年增36%至23.58億元。", "CNY"),
        ("寒武纪第三季度营收为17.27亿元。", "CNY"),
        # a Taiwan outlet on a company reporting in renminbi, said once for the article
        ("阿里巴巴(9988)上季收入2478億元(人民幣,下同),按年升5%。台積電(2330)股價上漲。", "CNY"),
        # a four-digit code alone is Hong Kong's too (美團（3690）)
        ("美團（3690）第三季收入按年增長2%至955億元。", "CNY"),
    ],
)
def test_a_bare_yuan_is_the_article_s_home_currency(text, currency):
    facts = extract_facts(text, "a.txt", Lexicon.load()).facts
    money = [v for f in facts for v in f.values if v.kind == "money"]
    assert money and money[0].currency == currency


def test_a_site_menu_above_the_title_is_no_paragraph_and_the_body_restates_the_title():
    text = (
        "天脉资讯\n财经视野 科技数码 探索发现 教育学习 娱乐红人 时尚秘籍 文化艺术 游戏天地 星座解读 宠物小乖 营养美食 大燕公益 商业快讯\n\n"
        "自动驾驶高管转型,它石智航凭何50天获8.7亿天使轮融资?\n\n"
        "其中,它石智航(TARS)以其独特的团队背景吸引了广泛关注。这家成立仅50天的具身智能技术公司,"
        "便成功完成了高达1.2亿美元(约合人民币8.7亿元)的天使轮融资。\n"
    )
    facts = extract_facts(text, "a.txt", Lexicon.load()).facts
    title = next(f for f in facts if "凭何" in f.quote)
    body = next(f for f in facts if "1.2亿美元" in f.quote)
    # the title's bare 8.7亿 is the body's bracketed 8.7亿元: the body says it in full
    assert title.restated_by == body.id
