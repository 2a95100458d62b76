"""The open world: companies and products no lexicon lists are found by the articles' own words."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from store import build_store, extract_facts, open_store
from store.lexicon import default_lexicon

# An article written for this test about a company the lexicon does not list.
ARTICLE = """国产GPU厂商曜石算力（Obsidian Compute）发布2024年财报。
根据该公司公布的数据，曜石算力2024年营收为4.38亿元，同比增长3.5倍。
公司表示，其旗舰芯片OC-7 Pro的出货量超过1万张。
曜石算力的毛利率为70.7%，较上年提升12个百分点。
"""


@contextmanager
def store_of(tmp_path: Path, articles: dict[str, str]) -> Iterator:
    """A store built from these articles (file name -> text), open while the block runs."""
    (tmp_path / "src").mkdir(parents=True)
    for name, text in articles.items():
        (tmp_path / "src" / name).write_text(text, encoding="utf-8")
    build_store(tmp_path / "src", tmp_path / "facts.db")
    s = open_store(tmp_path / "facts.db")
    try:
        yield s
    finally:
        s.close()


def first_figure(s, question: str) -> str:
    """The headline figure of the first answer to ``question``, as the article writes it."""
    return s.search(question).answers[0].headline[0].text


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    with store_of(tmp_path_factory.mktemp("open_world"), {"2025-03-01_obsidian.txt": ARTICLE}) as s:
        yield s


def test_a_bracketed_english_name_becomes_an_entity_with_its_chinese_name():
    doc = extract_facts(ARTICLE, "a.txt", default_lexicon())
    assert doc.aliases["曜石算力"] == "Obsidian Compute" and doc.names_zh["Obsidian Compute"] == "曜石算力"
    assert doc.topic == "Obsidian Compute"
    # "根据该公司公布的数据…" names nobody: it is about the article's subject
    fact = next(f for f in doc.facts if "4.38亿元" in f.quote)
    assert "Obsidian Compute" in fact.entities + fact.context


@pytest.mark.parametrize(
    ("question", "figure"),
    [
        ("Obsidian Compute revenue 2024", "4.38亿元"),
        ("曜石算力 营收", "4.38亿元"),
        ("曜石算力 毛利率", "70.7%"),
        ("曜石算力 2024 營收", "4.38亿元"),
        ("Obsidian Compute gross margin", "70.7%"),
        ("OC-7 Pro 出货量", "1万张"),
    ],
)
def test_unlisted_names_answer_in_any_script(store, question, figure):
    result = store.search(question)
    assert result.answers, result.understood.describe()
    assert figure in result.answers[0].quote


def test_the_answer_names_the_unlisted_company(store):
    a = store.search("曜石算力 营收").answers[0]
    assert a.entity == "Obsidian Compute" and a.headline and a.headline[0].text == "4.38亿元"


def test_a_name_no_article_holds_is_not_found_but_nearby_facts_are_offered(store):
    result = store.search("Obsidian Compute OC-9 revenue")
    assert result.answers == [] and "oc-9" in result.understood.missing
    assert result.related


def test_last_year_s_figure_in_this_year_s_sentence_answers_for_last_year(tmp_path):
    # "与去年同期的3.54亿元相比": 2022's revenue, in a sentence about 2023, of a company no
    # lexicon lists; a word the question adds (蓝鲸) that no fact holds narrows, never refuses
    with store_of(
        tmp_path,
        {
            "2024-04-01_xh.txt": "星瀚微电子(688001.SH)发布2023年年报。\n星瀚微电子表示,智能座舱芯片需求旺盛。\n"
            "2023年公司营收2.62亿元,与去年同期的3.54亿元相比,下降了25.84%。\n"
        },
    ) as s:
        for question in ("星瀚微电子 2022 营收", "星瀚 蓝鲸 2022 营收"):
            a = s.search(question).answers[0]
            assert a.headline[0].text == "3.54亿元" and a.period == "2022", question
        assert first_figure(s, "星瀚微电子 2023 营收") == "2.62亿元"


def test_each_half_of_a_prospectus_sentence_answers_for_its_own_year(tmp_path):
    # an undated article whose first full date is one it looks ahead to (the listing): the
    # dateline "12月30日" is 2025's, so 今年上半年 is 2025 H1 and the part after the semicolon,
    # 去年同期, is 2024 H1 in each of its clauses
    with store_of(
        tmp_path,
        {
            "xh.txt": "星瀚智算开启招股,计划1月8日上市\n"
            "12月30日,星瀚智算(2599.HK)正式开启港股招股,至2026年1月5日结束。\n"
            "盈利水平方面,星瀚智算今年上半年营收1.9亿元,净亏损23.58亿元;去年同期营收为4490万元,净亏损12.36亿元。\n"
        },
    ) as s:
        for question, figure, period in [
            ("星瀚智算 2024年上半年 营收", "4490万元", "2024 H1"),
            ("星瀚智算 2024年上半年 净亏损", "12.36亿元", "2024 H1"),
            ("星瀚智算 2025年上半年 净亏损", "23.58亿元", "2025 H1"),
        ]:
            answers = s.search(question).answers
            assert answers, question
            assert (answers[0].headline[0].text, answers[0].period) == (figure, period), question


def test_a_listed_company_the_articles_call_by_the_head_of_its_name_is_found_by_it(tmp_path):
    # the lexicon lists 地平线机器人 (Horizon Robotics); the article only ever writes 地平线, so
    # no fact is filed under the company, and the question finds it by the head of its name
    with store_of(
        tmp_path,
        {
            "hz.txt": "地平线计划在全球发行约13.55亿股。\n"
            "地平线在2021年至2023年的营收复合年增长率高达82.3%,2024年上半年营收同比增长151.6%,毛利率高达79%。\n"
        },
    ) as s:
        u = s.understand("Horizon Robotics gross margin H1 2024")
        assert u.entities == [] and u.names == ["地平线"]
        a = s.search("Horizon Robotics gross margin H1 2024").answers[0]
        assert a.headline[0].text.endswith("79%") and a.period == "2024 H1"
        # a company whose name has no head the text holds stays itself (and is not found)
        assert s.understand("Nvidia gross margin").entities == ["Nvidia"]


def test_this_year_in_an_article_with_no_date_and_no_year_is_of_an_unknown_year(tmp_path):
    # "今年" in an article that has no date and names no year could be any year: it answers a
    # year asked; one that names years elsewhere places its own time, and is silent on the year
    with store_of(
        tmp_path,
        {
            "a.txt": "星瀚科技表示,星瀚科技今年资本支出约落在400-420亿美元。\n",
            "b.txt": "蓝鲸芯片2022年营收为10亿元。\n蓝鲸芯片表示,蓝鲸芯片今年资本支出约为50亿元。\n",
        },
    ) as s:
        answers = s.search("星瀚科技 2025 资本支出").answers
        assert answers and "400-420" in answers[0].quote
        assert not s.search("蓝鲸芯片 2025 资本支出").answers


def test_a_word_the_text_writes_only_as_a_company_s_name_asks_for_that_company(tmp_path):
    # 百川 is a dictionary word (a hundred rivers); the articles write it only as the opening of
    # 百川智能, so the asker means the company. Its founder named beside it says whose company,
    # and "Intelligence" after its English name is the rest of the name (智能), not a word to find.
    article = (
        "百川智能宣布完成新一轮融资。\n"
        "其微信公众号披露,公司成立仅六个月,就完成新一轮的3亿美元(22亿元)融资。\n"
        "因在早期的天使融资中获5000万美元,公司总融资规模达到3.5亿美元。\n"
    )
    with store_of(tmp_path / "a", {"bc.txt": article}) as s:
        assert s.understand("百川 融资").entities == ["Baichuan"]
        a = s.search("王小川 百川 新一轮 融资 金额").answers[0]
        assert a.headline[0].text == "3亿美元"
        u = s.understand("Baichuan Intelligence funding in RMB")
        assert u.entities == ["Baichuan"] and "intelligence" not in u.terms + u.unknown + u.ignored
        assert first_figure(s, "Baichuan Intelligence funding in RMB") == "22亿元"
    # written on its own elsewhere, the word stays a word
    elsewhere = article + "资金如百川归海,2024年行业融资总额达到100亿元。\n"
    with store_of(tmp_path / "b", {"bc.txt": elsewhere}) as s:
        assert s.understand("百川 融资").entities == []


def test_a_company_named_by_its_legal_name_answers_by_its_short_name(tmp_path):
    # the full legal name once, before its English legal name in brackets; the question uses the
    # short form, and "IPO" (a word of the metric's own name) does not steer the figure to 上市开支
    article = (
        "上海剑桥科技股份有限公司(CIG SHANGHAI CO., LTD.)宣布全球发售定价为每股68.88港元。\n"
        "以最终发售价计算,募集资金总额约为4,615.7百万港元,扣除估计上市开支后,预计净筹约4,480.0百万港元。\n"
    )
    with store_of(tmp_path, {"cig.txt": article}) as s:
        a = s.search("剑桥科技 港股IPO 募资总额").answers[0]
        assert "4,615.7" in a.headline[0].text
        assert first_figure(s, "CIG Shanghai offer price").endswith("68.88港元")


def test_this_year_in_an_undated_article_naming_another_year_is_not_that_year(tmp_path):
    # no date; the article names 2025 for last year's results, and says 今年 of the year it was
    # written: 今年's figures answer no question about 2025
    article = (
        "台灣記憶體模組廠威剛(3260)表示,威剛今年前二月營收已達155億元。\n"
        "威剛去年第4季毛利率跳增至48.41%;歸屬母公司業主稅後淨利41.28億元。\n"
        "累計2025年歸屬母公司業主稅後純益72.93億元,年增169.35%。\n"
    )
    with store_of(tmp_path, {"adata.txt": article}) as s:
        assert not s.search("威剛 2025年 全年營收").answers
        assert first_figure(s, "威刚 2025年 净利润") == "72.93億元"


def test_a_verb_glued_to_a_name_in_a_question_is_a_word(tmp_path):
    article = (
        "匯聚科技(01729)發佈2025年中期業績,收益48.54億港元。\n"
        "此外,匯聚科技擬以4.6億港元收購德晉昌投資,旨在分散銅線供應風險。\n"
        "銷售股份的代價將以現金支付1.3億港元。\n"
    )
    with store_of(tmp_path, {"ti.txt": article}) as s:
        u = s.understand("匯聚科技 收購德晉昌 代價")
        assert u.names == ["德晋昌"] and "收购" in u.terms
        assert first_figure(s, "匯聚科技 收購德晉昌 代價") == "4.6億港元"


def test_a_short_company_name_is_asked_by_its_pinyin_and_its_defined_short_name(tmp_path):
    # 医渡科技 is Yidu Tech: two syllables of pinyin name a company the articles write with a
    # corporate word; a Hong Kong filing defines its short name in brackets (「億都」), and the
    # two names sound alike (yidu, yidou) yet each question finds its own company
    yidu = (
        "醫渡科技(2158.HK)公佈中期業績。\n"
        "醫渡科技第二和第三季度收入3.581億元,同比增長8.7%。\n"
        "醫渡科技表示,大數據平台收入1.53億元。\n"
    )
    yeebo = (
        "億都(國際控股)有限公司(「億都」259)公佈截至2025年9月30日止六個月之中期業績。\n"
        "於期內,該集團錄得綜合收入5.54億港元,較去年同期增加5.1%。\n"
        "期內,毛利率調整至11.7%。\n"
    )
    with store_of(tmp_path, {"yidu.txt": yidu, "yeebo.txt": yeebo}) as s:
        assert first_figure(s, "Yidu Tech revenue") == "3.581億元"
        assert first_figure(s, "億都 期內 毛利率") == "11.7%"
        assert first_figure(s, "亿都 收入") == "5.54億港元"


def test_a_results_list_states_each_metric_by_its_own_figure(tmp_path):
    # the revenue keyword without a figure of its own (the figure is capex's) loses to a list of
    # results where revenue is one line of several, its figure right after its keyword
    article = (
        "IC測試大廠矽格(6257-TW)今(29)日公布第三季財報。\n"
        "矽格表示，第三季營收及獲利皆優於去年同期，先前追加的資本支出至 47 億元，主要回應 2026 年第一季客戶的測試需求。\n"
        "矽格今年第三季營收 48.54 億元，季增 1.57%，毛利率 27.22%，營益率 17.84%，稅後純益 8.04 億元，每股稅後純益 1.68 元。\n"
    )
    with store_of(tmp_path, {"sigurd.txt": article}) as s:
        assert first_figure(s, "矽格 第三季 營收") == "48.54 億元"
        assert first_figure(s, "矽格 資本支出") == "47 億元"


def test_a_whole_year_figure_answers_no_quarter_and_a_quarter_no_whole_year(tmp_path):
    # 2025年全年 is the year's, not its fourth quarter's; 第二和第三季度 are two quarters, not 全年
    ist = (
        "宜特(3289)公布2025年財報。\n"
        "宜特表示，2025年全年合併營收交出亮眼成績單，來到48.43億元大關，創下歷史新高紀錄。\n"
    )
    yidu = "醫渡科技(2158.HK)公佈業績。\n醫渡科技第二和第三季度收入3.581億元,同比增長8.7%。\n"
    with store_of(tmp_path, {"2026-02-10_ist.txt": ist, "yidu.txt": yidu}) as s:
        assert first_figure(s, "宜特 2025年 營收") == "48.43億元"
        assert not s.search("宜特 2025年第4季 營收").answers
        assert first_figure(s, "醫渡科技 收入") == "3.581億元"
        assert not s.search("医渡科技 全年收入").answers


def test_a_model_code_the_articles_hold_anchors_a_question_whose_company_is_unplaced(tmp_path):
    # Boostr (a typo, and the article writes the maker only in Chinese) is unplaced; K1 is written
    article = (
        "人形機器人成為今年「雙11」電商平台新主角！松延動力單價人民幣9,998元的500台「小布米」兩天售罄，"
        "加速進化2.99萬元起的Booster K1亦在發布後20分鐘被一掃而空。\n"
        "樂聚機器人整體交付目標為1,000至2,000台。\n"
    )
    # other articles: a token in a fifth of all facts narrows nothing, as in a real archive
    others = {
        "a.txt": "寒武纪2024年营收11.74亿元,同比增长65.56%。\n寒武纪2024年净亏损4.52亿元。\n寒武纪研发投入10.7亿元。\n",
        "b.txt": "台積電第三季營收新台幣9,899億元,年增30%。\n台積電毛利率59.5%。\n台積電資本支出400億美元。\n",
    }
    with store_of(tmp_path, {"robots.txt": article, **others}) as s:
        assert first_figure(s, "Boostr Robotics K1 gone in how many minutes") == "20分鐘"
        assert not s.search("Boostr Robotics in how many minutes").answers  # nothing to hold on to
        # a maker named by its trade (樂聚機器人) is asked by its head's pinyin (Leju Robotics)
        assert first_figure(s, "Leju Robotics delivery target") == "1,000至2,000台"


def test_a_company_is_asked_by_the_pinyin_of_the_short_form_its_article_goes_on_with(tmp_path):
    # 如祺出行 is written once in full, then 如祺 throughout (如 is "such as" elsewhere): Ruqi
    # Mobility is its pinyin short form and a corporate word, not "mobility" in any sentence
    ruqi = (
        "到港上市的如祺出行科技有限公司(9680.HK),股價直線下插。\n"
        "如祺出行2019年成立,至今仍未盈利。\n"
        "從2021至2023年,如祺分別虧損6.85億元、6.27億元及6.93億元。\n"
        "如祺上市時曾高舉Robotaxi概念。\n"
    )
    with store_of(tmp_path, {"2025-04-01_ruqi.txt": ruqi}) as s:
        u = s.understand("Ruqi Mobility net loss 2023")
        assert u.entities == ["如祺出行"] and u.terms == []
        assert "6.93億元" in s.search("Ruqi Mobility net loss 2023").answers[0].quote


def test_a_name_opening_on_an_ordinal_is_asked_by_its_number(tmp_path):
    # 第四范式 is 4Paradigm: the ordinal written as its number, the rest by its gloss (范式: paradigm)
    article = "港股 AI 企业第四范式(06682.HK)发布中期业绩。\n2024年上半年,第四范式实现营收18.67亿元,同比增长27.1%。\n"
    with store_of(tmp_path, {"2024-08-30_paradigm.txt": article}) as s:
        assert first_figure(s, "4Paradigm H1 2024 revenue") == "18.67亿元"
        assert first_figure(s, "Fourth Paradigm revenue") == "18.67亿元"


def test_a_listed_company_an_article_finds_by_the_head_of_its_name_files_its_facts_under_it(tmp_path):
    # the lexicon lists 联想集团 (Lenovo) but not the bare 联想; an article naming it 聯想 with its
    # stock code finds 联想 as a name, which is the listed company without its corporate word
    with store_of(
        tmp_path,
        {"lx.txt": "聯想（0992）公佈截至6月底的季度業績，公司權益持有人應佔溢利錄得5.1億美元。\n總收入升22%至188.3億美元。\n"},
    ) as s:
        a = s.search("Lenovo net profit").answers[0]
        assert a.entity == "Lenovo" and a.headline[0].text == "5.1億美元"
        assert s.search("Lenovo revenue").answers[0].headline[0].text == "188.3億美元"


def test_a_saved_page_s_date_stamp_dates_the_article_and_is_no_period_of_its_figures(tmp_path):
    with store_of(
        tmp_path,
        {
            "p.txt": " date 2026-03-12 曜石算力（6688）召開法說會，今年資本支出預計達 500 億元以上，2027年也可望不低於今年。\n",
            "q.txt": " date 2025-08-14 曜石算力（6688）公佈季度業績，總收入升22%至188.3億美元。\n",
        },
    ) as s:
        a = s.search("曜石算力 资本支出 2026").answers[0]
        assert a.published == "2026-03-12" and a.period == "2026"
        assert a.headline[0].text == "500 億元以上"
        a = s.search("曜石算力 總收入").answers[0]
        assert a.headline[0].text == "188.3億美元" and a.period != "2025-08-14"


def test_a_broker_note_s_amounts_without_a_currency_answer_for_money(tmp_path):
    # "167.5 亿": a research note leaves the currency of its amounts unsaid
    with store_of(
        tmp_path,
        {
            "n.txt": "曜石电路(002916):Q3业绩同比高增\n"
            "事件:公司公告25 年三季报,前三季度收入167.5 亿同比+28.4%,归母净利23.3 亿同比+56.3%。\n"
        },
    ) as s:
        assert first_figure(s, "曜石电路 前三季度 归母净利") == "23.3 亿"


def test_a_qualifier_before_a_profit_keyword_makes_it_the_adjusted_profit(tmp_path):
    # 經調整股東應佔溢利: adjusted profit attributable to shareholders; 應佔 (attributable) asks
    # for no share
    with store_of(
        tmp_path,
        {
            "r.txt": "曜石精密工業有限公司（「曜石精密」）今天公佈全年業績。\n"
            "2025年，本公司股東應佔溢利726.2百萬港元，經調整股東應佔溢利為689.9百萬港元，同比上升12.1%。\n"
        },
    ) as s:
        assert s.understand("曜石精密 經調整股東應佔溢利").value_kinds == []
        assert first_figure(s, "曜石精密 經調整股東應佔溢利") == "689.9百萬港元"
        assert first_figure(s, "曜石精密 股東應佔溢利") == "726.2百萬港元"


def test_a_decimal_point_in_its_small_form_is_a_decimal_point(tmp_path):
    with store_of(
        tmp_path,
        {"y.txt": "曜石光纤公布业绩,2025年上半年度,集团营业额上升19﹒4%至63﹒85亿元(人民币;下同)。\n"},
    ) as s:
        a = s.search("曜石光纤 2025年上半年 营业额").answers[0]
        assert a.headline[0].text == "63﹒85亿元" and a.headline[0].amount == 6_385_000_000


def test_a_date_asked_finds_the_sentence_stating_one(tmp_path):
    with store_of(
        tmp_path,
        {
            "v.txt": "山东曜石视觉科技股份有限公司(下称曜石视觉)于1月20日首次向港交所呈交了IPO申请文件。\n"
            "招股书称,按2024年的收入计,曜石视觉于中国计算机视觉市场中排名第八。\n"
        },
    ) as s:
        assert s.understand("曜石视觉 Hong Kong IPO filing date").value_kinds == ["date"]
        assert "1月20日" in s.search("曜石视觉 Hong Kong IPO filing date").answers[0].quote


def test_the_question_s_own_words_by_a_figure_make_it_the_figure_asked(tmp_path):
    # 投入 (an investment's keyword) stands before the 2000亿美元, but the question's words
    # (人工智能基础设施) say it is the capex asked, not the four companies' combined figure
    with store_of(
        tmp_path,
        {
            "amzn.txt": "据路透社2月5日报道，亚马逊预计今年资本开支将同比增长超过50%，并计划在2026年向人工智能基础设施投入约2000亿美元。\n"
            "市场同时预期，亚马逊、微软、谷歌与Meta四大云厂商今年合计资本开支将超过6300亿美元。\n"
        },
    ) as s:
        assert first_figure(s, "亞馬遜 2026 人工智能基礎設施 資本開支") == "约2000亿美元"


def test_an_analyst_rating_a_company_is_neither_the_article_s_subject_nor_a_figure_s_owner(tmp_path):
    # the broker that published the note is named more often than the company, and sets the
    # target price: the company (with its stock code) is the subject, the price is its own
    with store_of(
        tmp_path,
        {
            "note.txt": "9 月 19 日,山西证券发布研究报告,聚焦曜石光电(688205.SH)近期经营动态。报告显示,山西证券维持其“增持”评级。\n"
            "财报数据显示,2025 年上半年,曜石光电实现营收 4.3 亿元,同比增长 5.9%。单看二季度,公司营收 2.3 亿元,环比增长 18.0%。\n"
            "山西证券分析指出,国内电信传输市场资本开支延缓导致需求下滑。\n",
            "tp.txt": "曜石磊晶（3081）股價勁揚。多家外資法人發布報告，其中摩根士丹利（大摩）將目標價從830元大幅調升至1,081元，調幅達30.2%。\n",
        },
    ) as s:
        a = s.search("曜石光电 第二季 营收").answers[0]
        assert a.entity == "曜石光电" and a.headline[0].text == "2.3 亿元"
        a = s.search("曜石磊晶 目標價").answers[0]
        assert a.entity == "曜石磊晶" and a.headline[0].text == "1,081元"


def test_last_quarter_asked_of_an_archive_is_the_quarter_an_article_just_reported(tmp_path):
    # reported on 2025-12-12: its fiscal fourth quarter, labelled 2025 Q4, was "last quarter" then;
    # a base of last year's quarter in the same sentence does not make it last year's
    with store_of(
        tmp_path,
        {
            "b.txt": " date 2025-12-12 曜石芯片公布最新业绩，第四季收入为180.15亿美元；盈利为85.18亿美元，较去年同期的43亿美元大增；"
            "每股盈利1.95美元，高于市场预期的1.87美元。\n",
            "old.txt": " date 2025-04-20 曜石芯片公布第一季业绩，每股盈利1.20美元。\n",
        },
    ) as s:
        a = s.search("曜石芯片 EPS last quarter").answers[0]
        assert "1.95美元" in a.quote and a.period == "2025 Q4"


def test_a_results_article_behind_a_portal_s_debris_still_reports_its_quarter(tmp_path):
    # an image placeholder and a byline before the lead; the period's end (截至…) is no dateline
    with store_of(
        tmp_path,
        {
            "ms.txt": "打开网易新闻 查看精彩图片\n\n文丨苏扬\n\n编辑丨徐青阳\n\n"
            "当地时间1月28日,微软发布了截至2025年12月31日2026财年第二财季财报(对应自然年2025年第四季度)。\n\n"
            "在第二财季,微软总营收813亿美元,同比增长17%。\n\n"
            "其中的绝对核心——Azure及其他云服务,实现了39%的收入同比增长(按固定汇率计算为38%)。\n"
        },
    ) as s:
        a = s.search("Microsoft Azure growth Q2 2026").answers[0]
        assert "39%" in a.quote and a.published == "2026-01-28"


def test_a_segment_the_question_names_is_found_among_a_sentence_s_segments(tmp_path):
    with store_of(
        tmp_path,
        {
            "seg.txt": "曜石精密科技(6088.HK)发布第三季度业绩。\n"
            "分板块看,云端网络设施业务收入增长33.5%至2.15亿美元;汽车移动板块推进整合战略,收入同比增116%至2.4亿美元;"
            "系统产品板块受益消费需求反弹,收入同比增长3%至3.82亿美元,超过此前指引。\n"
        },
    ) as s:
        assert first_figure(s, "曜石精密 系統產品 收入") == "3.82亿美元"


def test_a_quarter_s_sentences_and_the_year_s(tmp_path):
    # "销售达" states revenue; a 全年 sentence after a quarter's is the year's, not the quarter's
    with store_of(
        tmp_path,
        {
            "q.txt": "曜石存储（4967）公布2025年第四季度业绩,营收增长11.9%至178.13亿元。\n"
            "其中，雲端記憶體業務銷售達52.84億美元，較去年同期翻倍成長。\n"
            "公司晶圆出货量与产能利用率同步提升,全年平均产能利用率93.5%,同比提升8个百分点。\n"
            "第四季度产能利用率达到95.7%,8英寸产线满载。\n",
        },
    ) as s:
        assert first_figure(s, "曜石存储 雲端記憶體業務 銷售額") == "52.84億美元"
        assert first_figure(s, "曜石存储 四季度 产能利用率") == "95.7%"


def test_the_head_of_a_name_before_its_trade_is_asked_by_its_pinyin(tmp_path):
    # 深南电路: "Shennan Circuits", the head's pinyin before the trade its English name translates
    with store_of(
        tmp_path, {"c.txt": "曜南电路(002916):Q3业绩同比高增 AI占比提升\n事件:公司公告25 年三季报,前三季度收入167.5 亿同比+28.4%。\n"}
    ) as s:
        assert first_figure(s, "Yaonan Circuits revenue first three quarters") == "167.5 亿"


def test_who_speaks_in_the_clause_before_owns_no_figure(tmp_path):
    with store_of(
        tmp_path,
        {
            "s.txt": "電機大廠曜元（1504）今召開法說會。曜元2025年營收590.94億元，年增7%。王明献解釋，去年有庫藏股轉讓費用。王明献強調，今年訂單能見度高。\n"
            "針對今年營運，王明献指出，今年AI資料中心產品銷售規模將倍數成長，電力能源事業群營收比重將從去年的高個位數百分比，大幅提升至三成以上，工程營收比重降至七成。\n"
        },
    ) as s:
        assert "三成以上" in s.search("曜元 電力能源事業群 營收比重").answers[0].quote


def test_a_bare_quarter_in_an_article_reporting_a_fiscal_one_is_the_company_s_fiscal_quarter(tmp_path):
    with store_of(
        tmp_path,
        {
            "mu.txt": " date 2025-12-18 曜光於17日美股盤後公布2026會計年度第一財季業績，營收與獲利皆超過市場預期。\n"
            "曜光第一季營收年增57％，來到136.4億美元。\n"
            "展望第二季，曜光預估營收為187億美元，毛利率預計為68％。\n"
        },
    ) as s:
        a = s.search("曜光 第二季 毛利率 预估").answers[0]
        assert "68％" in a.quote and a.period == "FY2026 Q2"


def test_a_lead_in_round_figures_gives_way_to_the_body_s_exact_one(tmp_path):
    # the lead sums the results up in round figures, the body gives them exactly: the exact
    # figure is the one to quote (a lead stating no rounding word, so no build-time link)
    article = (
        " date 2026-03-09 中興通訊去年盈利大減33%\n\n"
        "中興通訊(00763)公布業績，去年盈利按年跌33%至56億元，期內收入升10%至1339億元。\n\n"
        "中興通訊公布，截至去年12月31日止年度盈利56.17億元，按年下跌33.32%。期內營業收入1338.96億元人民幣，升10.38%。\n"
    )
    with store_of(tmp_path, {"zte.txt": article}) as s:
        assert first_figure(s, "ZTE 2025 revenue") == "1338.96億元人民幣"
