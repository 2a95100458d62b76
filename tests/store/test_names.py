"""Names found in an article's own text (store/names.py), with no entity in the lexicon.

Snippets are from real articles (dev sets and seeds) or written in their shape; each row says
which name the store must find, how, and what it must not take for a name.
"""

from __future__ import annotations

import pytest

from store import Lexicon, extract_facts, fold
from store.build import merge_names
from store.names import strip_corporate


@pytest.fixture(scope="module")
def bare() -> Lexicon:
    return Lexicon.load(entities=False)


def found(text: str, lexicon: Lexicon) -> dict[str, dict]:
    return extract_facts(text, "a.txt", lexicon).found


@pytest.mark.parametrize(
    ("text", "name", "how"),
    [
        # a stock code names what stands before it
        ("12月5日,摩尔线程(688795.SH)在上交所科创板挂牌上市,募资近80亿元。摩尔线程上市首日高开468%。", "摩尔线程", "ticker"),
        ("台積電 (2330-TW)(TSM-US) 今 (16) 日召開法說會，第三季 EPS 17.44 元。台積電預估全年營收成長。", "TSMC", "ticker"),
        # a strong corporate word: the name is where the article's repetitions of it start
        ("北京智谱华章科技股份有限公司(以下简称“智谱华章”)正式开启港股招股。智谱华章每股发行价为116.20港元。", "智谱华章", "company word"),
        ("据商汤科技财报显示,2022年亏损约61亿元。商汤表示将继续投入。", "SenseTime", "company word"),
        # the title and several sentences open on it
        ("寒武纪发布半年报\n今日晚间,寒武纪发布半年报,营业收入 28.81 亿元。寒武纪 Q1 净利 3.55 亿元。关于公司营收大增的原因,寒武纪表示。", "寒武纪", "title"),
        # a bracket gives its Latin name
        ("国产GPU厂商曜石算力（Obsidian Compute）发布2024年财报。曜石算力2024年营收为4.38亿元。", "Obsidian Compute", "bracket"),
        # CC-CEDICT knows the company
        ("百度18日公布第3季財報營收人民幣311.7億元。", "Baidu", "dictionary"),
        ("字节跳动计划在2026年投入1600亿元资本支出。", "ByteDance", "dictionary"),
        # a capitalised Latin name in Chinese text
        ("旗下xAI公司正計劃擴建其位於孟菲斯的數據中心。xAI已購入第3棟建築。", "xAI", "latin"),
        # who publishes results
        ("4月26日,云天励飞发布2024年年度报告。报告显示营收9.17亿元。对云天励飞2024年年报进行分析。", "云天励飞", "reporter"),
        ("昨晚,星瀚微电子公布半年报,营收大增。星瀚微电子表示需求旺盛。", "星瀚", "reporter"),
        # the full name, though its short form also names a product line (深瞳行业应用)
        (
            "格灵深瞳(688207)2023年年报解读。北京格灵深瞳信息技术股份有限公司于2022年上市。"
            "根据格灵深瞳2023年年度财报披露,营收2.62亿元。格灵深瞳表示。深瞳行业应用收入增长,深瞳行业应用毛利率提升。",
            "格灵深瞳",
            "ticker",
        ),
        # the kind of company it is, right before it
        ("1月27日,AI解决方案提供商创新奇智正式在港交所上市。创新奇智是创新工场孵化的公司。", "创新奇智", "appositive"),
        # a Taiwan outlet's kind of maker (测试介面厂), the full name once, then its short form
        # (the entity is the short form the article goes on with; 中华精测 is one of its keys)
        ("測試介面廠中華精測公布3月營收。精測表示訂單增加。精測指出需求增溫。", "精测", "appositive"),
        # results reported in the article's opening words, the company named once, then 公司
        ("中芯国际最新发布的财务报告显示,当季营收171.62亿元。公司毛利率为22.0%。", "中芯", "reporter"),
        # a legal name before its English legal name in brackets
        ("上海剑桥科技股份有限公司(CIG SHANGHAI CO., LTD.)宣布全球发售定价为每股68.88港元。", "CIG SHANGHAI CO., LTD", "bracket"),
        # the short name a legal name's bracket defines, though its corporate words are bracketed
        # too (Hong Kong filings) or it ends as an adverb does (都)
        ("億都(國際控股)有限公司(「億都」259) 公佈中期業績。於期內,該集團錄得綜合收入5.54億港元。", "亿都", "defined"),
        ("該集團通過香港算豐信息有限公司(「算豐」)運營AI算力業務。期內,算豐組建團隊。", "算丰", "defined"),
        ("北京智谱华章科技股份有限公司(以下简称“智谱华章”)正式开启港股招股。", "智谱华章", "defined"),
        # named once, ending on a corporate word that recurs everywhere else (智能)
        ("日前,消費級具身智能機器人企業蘇州樂享智能科技有限公司正式宣布完成2億元融資。具身智能賽道融資頻頻。", "乐享智能", "company word"),
        # a maker named by what it makes, its head no dictionary word
        ("眾擎機械人計劃3年內落地2,000台；樂聚機器人整體交付目標為1,000至2,000台。", "乐聚机器人", "industry word"),
        ("松延動力單價人民幣9,998元的500台「小布米」兩天售罄。", "松延动力", "industry word"),
        # CC-CEDICT's company, though an ordinary word's gloss names it too (米粉: "Xiaomi fan")
        ("2025年第三季度,小米集团总收入为人民币1131亿元。本季度,小米集团经调整净利润为113亿元。", "Xiaomi", "dictionary"),
        # a scraped image's markup before the lead is no sentence: the lead still names the subject
        ("![]()\n中新经纬11月18日电 18日晚间,小米集团披露业绩公告。\n小米集团总收入为1131亿元。小米集团表示。", "Xiaomi", "title"),
        # a Latin name glossed by its Chinese one in brackets after it
        ("NVIDIA(輝達)(NVDA)公布會計年度2026年第二季財報。輝達資料中心營收低於預期。", "NVIDIA", "bracket"),
        # 简称 defines the short name after a weaker corporate word (机器人) too
        ("近日,具身智能机器人企业北京银河通用机器人(简称“银河通用”)宣布完成25亿元融资。银河通用表示。", "银河通用", "defined"),
        # written once with its corporate word and code, then four times without: the head's
        # repetitions give its edge, though 若 is a particle elsewhere
        (
            "光通訊產業經歷典範轉移。\n波若威科技(3163)的近期財報數據反映變化。檢視波若威的營收軌跡。"
            "根據最新數據,波若威 2025 年營收成長。需求傳導至波若威。",
            "波若威",
            "ticker",
        ),
        # no headline, no corporate word: the name opens sentence after sentence
        (
            "投資人關心毛利。公司坦言,出货受阻。\n聯鈞前三季累計EPS達3.48元。產能調度順利。聯鈞帶來了振奮人心的進度。"
            "目前聯鈞的400G產品放量,聯鈞有望在2026年成長。",
            "联钧",
            "opener",
        ),
        # the Latin name the article writes is the pinyin of its Chinese one, whose head is an
        # everyday word (百川, a hundred rivers) and whose corporate word is a weak one (智能)
        ("Baichuan raises $300 million\n\n聊天機器人初創企業百川智能,成立僅六個月。這次是百川智能。", "Baichuan", "pinyin"),
        # a name may open on an ordinal (第四范式), though an ordinal is no name
        ("港股 AI 企业第四范式(06682.HK)发布业绩。第四范式实现营收 18.67 亿元。", "第四范式", "ticker"),
        # who publishes an announcement, opening a clause of the lead, named once in full: its
        # ordinary last word (数据) is no edge, its head (协创) is written again on its own
        ("来源:企业上市\n\n2月12日晚,协创数据甩出一份公告:准备花不超过110亿,买服务器。而协创恰恰是合作伙伴。", "协创数据", "reporter"),
        # a report named by its period: 发布2025年第三季度报告
        ("“光模块双雄”之一中际旭创交上了一份成绩单。10月30日,中际旭创发布2025年第三季度报告。", "中际旭创", "reporter"),
        # a place and an everyday word are the name itself, not a place before a name
        ("【明報專訊】中國移動（0941）公布，上半年營運收入按年跌0.5%至5437.69億元。中國移動董事長楊杰出席業績會。", "中国移动", "ticker"),
        # a company listed on two exchanges names both codes in one bracket
        ("集成电路制造领军企业中芯国际(688981.SH、00981.HK)业绩稳定增长。2月10日晚间,中芯国际发布业绩快报。", "中芯", "ticker"),
        # an English word Chinese text writes capitalised again and again, never in lower case,
        # and the Chinese word beside it that CC-CEDICT glosses as it
        *[
            ("Oracle 甲骨文 (ORCL) 起家於企業資料庫。使 Oracle 同時具備優勢。Oracle 雲端收入 80 億美元。", "Oracle", how)
            for how in ("latin", "gloss")
        ],
        # a month glued to a Latin name is no part of it
        ("本次测评数据选取了SuperCLUE-12月测评结果。", "SuperCLUE", "latin"),
        # a name starts on its first capitalised word, not on a date line's words before it
        (" date 2026-03-04 \nASMPT公布2025年业绩。ASMPT收入增长。", "ASMPT", "latin"),
        # three capitals after a company's name by its structure are its initials (not AI, ARR)
        ("而丰疆智能(FJD)则通过农业无人机等业务扭亏为盈。丰疆智能上半年经调整净利润达2193.4万元。", "FJD", "bracket"),
        # a name may open on a particle (如: such as) that the article never writes its rest without
        (
            "到港上市的如祺出行科技有限公司(9680.HK),股價下插。如祺出行2019年成立。"
            "如祺分別虧損6.85億元。如祺上市時曾高舉Robotaxi。",
            "如祺出行",
            "ticker",
        ),
    ],
)
def test_a_name_nobody_listed_is_found_and_says_how(bare, text, name, how):
    names = found(text, bare)
    assert name in names, names
    assert how in names[name]["how"]


SMIC_LIKE = (
    "环比增长6.9%,资料中心营收创新高\n环比增长6.9%。资料中心营收411亿美元,环比增幅5%。经调整净利润113亿元。"
    "资料中心营收增长。经调整净利润增长。环比增长放缓。经调整净利润创新高,环比增幅扩大。"
)
CREDO = "Credo Technology(Nasdaq:CRDO)於 2025 年 12 月 1 日召開 FY2026Q2(CY2025/8~10 月)電話會議。Credo FY2026Q2 總營收達 2.68 億美元。Non-GAAP EPS 為 0.67 美元。"


@pytest.mark.parametrize(
    ("text", "not_a_name"),
    [
        ("台積電 (2330-TW)(TSM-US) 今日召開法說會，第三季 EPS 17.44 元，創下新高。", "EPS 17.44"),  # a figure
        # where an investor is, in brackets after its name, is no name
        ("基石投资者包括Infini Global Master Fund、Aqua Ocean Limited(Hong Kong)。", "Hong Kong"),
        # the trade two cornerstone investors share, not a name
        ("基石投资者包括霸菱资产管理(亚洲)有限公司、奇点资产管理有限公司。", "资产管理"),
        # 归属母公司业主: attributable to the parent's owners, no owner named before 母公司
        ("國巨今天公布第3季歸屬母公司業主稅後淨利達63.56億元。國巨第3季歸屬母公司業主稅後淨利創高。", "季归属"),
        ("预计可灵 AI 相关的 2025 年 Capex(资本支出)上的投入较年初预算也实现了翻倍。", "Capex"),  # a term
        # three capitals after no company's name are a term's initials
        ("通用人工智能(AGI)是目标。通用人工智能(AGI)仍远。", "AGI"),
        ("神经网络处理器(NPU)出货大增。", "NPU"),
        ("寒武纪人工智能芯片出货量大增,人工智能行业需求旺盛。人工智能芯片供不应求。", "人工"),  # 人工|智能
        ("該公司表示，设备集团的订单增加。半导体设备集团今年营收增长。", "设备"),  # an everyday word
        ("xAI has bought a third building called MACROHARDRR. Will take @xAI training compute to almost 2GW", "Will"),
        # an English word the text also writes in lower case is a word, however often capitalised
        ("Agent 能力提升。Agent 市场扩大。Agent 应用增加。企业 agent 订单翻倍。", "Agent"),
        # the outlet reporting is no subject
        ("Hehson财经上市公司研究院|财报鹰眼预警\n云天励飞发布2024年年度报告。Hehson财经点评。", "Hehson"),
        ("總部位於深圳的華為，計劃明年生產約60萬顆910C昇騰晶片。華為表示。", "中国"),
        ("英伟达创始人兼CEO黄仁勋表示,英伟达中国区总经理将离职。英伟达股价上涨。", "创始人兼"),
        # periods, glued to a name or alone, an exchange, and metric keywords only
        *[(CREDO, w) for w in ("FY2026Q2", "Credo FY2026Q2", "CY2025", "Nasdaq", "Non-GAAP EPS")],
        ("归属于母公司股东的净利润为3亿元。归属于母公司股东的权益增加。", "归属于"),  # a verb
        ("企业级 AI 收入增长,企业级 AI 订单翻倍。", "企业级"),  # an adjective before a product word
        ("(中央社记者张建中台北3日电)中华精测公布3月营收。(中央社台北5日电)精测表示。", "NEC"),  # 3日电: a dateline
        # a clause's opening words: a glossary term, a metric's qualifier, a cut inside a word
        *[(SMIC_LIKE, w) for w in ("资料中心", "经调整", "环比增")],
        # an everyday word's Latin gloss in brackets is a term's
        ("公司计划拓展碳化硅(SiC)产能。碳化硅需求旺盛,碳化硅订单增加。", "碳化硅"),
        # a kind of AI before a product word is no product's name
        ("瑞芯微展示两款端侧AI新品。公司向端侧AI平台生态转型。端侧大模型开启新增长周期。", "端侧"),
        # the kind of robot, an everyday word before 机器人, and the trade as a whole
        ("工業機器人需求旺盛,服务机器人订单增加。", "工业机器人"),
        ("工業機器人需求旺盛,服务机器人订单增加。", "服务机器人"),
        # a defined short name that is the company's own word for itself
        ("騰訊控股有限公司(「本公司」)公佈業績。本公司收入增長。", "本公司"),
        # the kind of company before a bracketed name describes it, it is no part of the name
        ("中国生成式人工智能公司稀宇科技(MiniMax)明日将登陆港交所。MiniMax定价为每股165港元。", "生成式人工智能公司稀宇科技"),
        # a term glossed in brackets after its Latin abbreviation is no name either way
        ("公司推出PCB(印制电路板)新品。HDI(高密度互连)产能扩大。", "印制电路板"),
        # 初创企业 is the kind of company: its 创企 does not start the name at 业
        ("聊天機器人初創企業百川智能成立僅六個月。百川智能獲得融資。百川智能表示。", "业百川"),
        # a name run into the time word or the speaking verb after it (景碩今天公布, 景碩說明)
        *[
            ("IC載板廠景碩今天晚間公告資本支出預算。景碩今天公布淨利15.96億元。景碩說明,獲利翻揚。景碩說明,需求強勁。景碩說明,成長可期。景碩去年獲利成長。景碩指出。", w)
            for w in ("景硕今天", "景硕说明")
        ],
        # a person speaking opens sentences too; 本次 opens clauses and is no name
        ("記憶體價格上漲。公司受惠。\n陳慶文表示,記憶體缺貨。陳慶文指出,價格上漲。陳慶文認為,明年仍缺。陳慶文說,公司受惠。", "陈庆文"),
        ("本次融资由红杉领投。本次融资后估值上升。本次融资资金用于研发。本次融资完成。", "本次"),
        # a name opening sentences that shares two characters with a product found otherwise is
        # left to that reading (科大讯飞 beside 讯飞星火大模型)
        ("近日讯飞星火大模型升级。讯飞星火大模型发布。\n科大讯飞表示。科大讯飞指出。科大讯飞称。科大讯飞认为。", "科大讯飞"),
        # a fund's nickname 简称 defines is no short form of the words before it
        ("除了国家人工智能产业投资基金(简称“大基金三期”)外,中国石化等参与投资。", "大基金三期"),
        # a dictionary word written every time as the start of one longer name is a piece of it
        ("银河通用宣布完成融资。银河通用由王鹤创立。其表演让银河通用知名度大增。", "Milky Way"),
        ("date 2026-03-04 ASMPT公布2025年业绩。", "date 2026-03-04 ASMPT"),
        # a term the glossary gives whole (generative AI) is no product "生成式" written with AI
        ("商湯經調整虧損收窄 生成式AI收入增72%\n包括生成式AI收入18.16億元。生成式AI相關應用產品商業化。", "生成式"),
        # a field the glossary names (embodied AI) is no company, whatever word follows it
        ("这家成立仅50天的具身智能技术公司完成融资。具身智能技术公司越来越多。", "具身智能"),
    ],
)
def test_figures_terms_and_everyday_words_are_no_names(bare, text, not_a_name):
    names = found(text, bare)
    assert not_a_name not in names and fold(not_a_name) not in {k for n in names.values() for k in n["keys"]}


def test_a_name_never_runs_into_the_words_before_it(bare):
    text = "截至6月30日,北向资金持有寒武纪股份1570.4万股。寒武纪上半年营收28.81亿元。寒武纪表示,持有寒武纪股份的股东增加。"
    names = found(text, bare)
    assert "寒武纪" in names and not any(n.startswith("持有") for n in names)


def test_a_name_the_lexicon_knows_is_left_to_it():
    doc = extract_facts("业内传说商汤科技拥有有2.7万张AI专用GPU。", "a.txt", Lexicon.load())
    assert doc.found == {} and doc.facts[0].entities[:1] == ["SenseTime"]
    # its short form is no new name either, but a spelling of it: 中芯 of the lexicon's 中芯国际
    doc = extract_facts("中芯国际最新发布的财务报告显示,当季营收171.62亿元。", "a.txt", Lexicon.load())
    assert list(doc.found) == ["SMIC"] and "中芯" in doc.found["SMIC"]["keys"]
    assert doc.facts[0].entities[:1] == ["SMIC"]


def test_a_particle_a_name_opens_on_is_its_own_only_when_never_written_without(bare):
    text = (
        "到港上市的如祺出行科技有限公司(9680.HK),股價下插。如祺出行2019年成立。"
        "如祺分別虧損6.85億元。如祺上市時曾高舉Robotaxi。"
    )
    names = found(text, bare)
    assert "如祺" in names["如祺出行"]["keys"]  # the short form the article goes on with
    # 小米 is written without 和 too: the name starts after the particle
    names = found("小米集团(1810.HK)公布业绩。我们和小米集团合作。和小米集团一样。小米集团营收增长。", bare)
    assert not any(k.startswith("和") for n in names.values() for k in n["keys"]), names


def test_a_legal_name_s_short_forms_are_its_spellings(bare):
    names = found("上海剑桥科技股份有限公司(CIG SHANGHAI CO., LTD.)宣布全球发售定价为每股68.88港元。", bare)
    keys = set(names["CIG SHANGHAI CO., LTD"]["keys"])
    assert {"剑桥科技", "上海剑桥科技", "cig shanghai", "cig"} <= keys


def test_a_dictionary_company_is_found_by_its_other_english_names_too(bare):
    # CC-CEDICT: 鴻海 "Hon Hai Precision Industry Company, Taiwan technology company, aka Foxconn"
    names = found("鴻海第3季合併營收2兆589.49億元。鴻海第3季每股純益4.15元。", bare)
    assert {"hon hai precision industry company", "hon hai", "foxconn"} <= set(names["Hon Hai Precision Industry"]["keys"])
    # a head of one word may be a place: "Taiwan" is no spelling of TSMC
    names = found("台积电第三季营收9899亿元。台积电毛利率59.5%。", bare)
    assert "taiwan" not in {k for n in names.values() for k in n["keys"]}


@pytest.mark.parametrize(
    ("full", "short"),
    [("商汤科技", "商汤"), ("智谱华章科技股份有限公司", "智谱华章"), ("北京智谱华章科技", "智谱华章"), ("xai corp", "xai"), ("moore threads inc.", "moore threads"), ("华为", "华为")],
)
def test_corporate_words_are_stripped_to_compare_names(full, short):
    assert strip_corporate(full) == short


def test_spellings_of_one_company_become_one_entity():
    groups = merge_names(
        [
            ("商汤", {"keys": ["商汤", "商汤科技"], "how": ["company word"], "zh": "商汤", "count": 5}),
            ("SenseTime", {"keys": ["sensetime", "商汤科技"], "how": ["dictionary"], "zh": "商汤科技", "count": 2}),
            ("NVIDIA", {"keys": ["nvidia", "英伟达"], "how": ["dictionary"], "zh": "英伟达", "count": 1}),
            ("Nvidia", {"keys": ["nvidia"], "how": ["latin"], "zh": None, "count": 3}),
            ("摩尔线程", {"keys": ["摩尔线程"], "how": ["ticker"], "zh": "摩尔线程", "count": 7}),
            # however a Latin name is separated, it is one name
            ("GPT3.5", {"keys": ["gpt3.5"], "how": ["latin"], "zh": None, "count": 2}),
            ("GPT-3.5", {"keys": ["gpt-3.5"], "how": ["latin"], "zh": None, "count": 3}),
        ]
    )
    by_name = {g.name: g for g in groups}
    assert set(by_name) == {"SenseTime", "Nvidia", "摩尔线程", "GPT-3.5"}
    assert by_name["GPT-3.5"].variants == {"GPT3.5", "GPT-3.5"}
    assert by_name["SenseTime"].variants == {"商汤", "SenseTime"}
    assert by_name["SenseTime"].how == {"company word", "dictionary"}
    assert by_name["Nvidia"].variants == {"NVIDIA", "Nvidia"}  # the most used Latin spelling shows


def test_a_product_written_with_ai_after_it_is_a_name(bare):
    text = "快手发布财报。可灵 AI 营业收入超过 2.5 亿元人民币。可灵 AI 付费用户增长。"
    assert "product word" in found(text, bare)["可灵"]["how"]


@pytest.mark.parametrize("junk", ["万张", "公有云上"])
def test_a_counted_unit_or_a_place_word_is_no_name(bare, junk):
    text = "商汤拥有2.7万张ai专用gpu,万张 AI 芯片。中国公有云上大模型调用量大增,公有云上大模型份额。"
    assert junk not in found(text, bare)


def test_a_short_form_begins_one_name_only():
    groups = merge_names(
        [
            ("智谱", {"keys": ["智谱"], "how": ["title"], "zh": "智谱", "count": 9}),
            ("智谱华章", {"keys": ["智谱华章"], "how": ["company word"], "zh": "智谱华章", "count": 3}),
            ("百度", {"keys": ["百度"], "how": ["ticker"], "zh": "百度", "count": 2}),
            ("百度智能云", {"keys": ["百度智能云"], "how": ["owner"], "zh": "百度智能云", "count": 2}),
            ("百度文库", {"keys": ["百度文库"], "how": ["product word"], "zh": "百度文库", "count": 2}),
        ]
    )
    names = sorted(sorted(g.variants) for g in groups)
    assert ["智谱", "智谱华章"] in names  # 智谱 begins only 智谱华章
    assert ["百度"] in names  # 百度 begins two names: it stays itself



def test_an_exchange_s_symbol_names_the_company_before_it(bare):
    names = found(CREDO, bare)
    assert "crdo" in names["Credo Technology"]["keys"] and "ticker" in names["Credo Technology"]["how"]


def test_a_segmenter_copy_cuts_as_a_fresh_one_and_leaves_jieba_s_own_alone(seeds):
    import jieba

    from store.names import segmenter_copy

    fresh = jieba.Tokenizer()
    fresh.initialize()
    copy = segmenter_copy()
    for tokenizer in (fresh, copy):
        tokenizer.add_word("曜石算力", 2000)
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt"))] + ["曜石算力发布新品"]
    assert all(copy.lcut(t, HMM=False) == fresh.lcut(t, HMM=False) for t in texts)
    assert "曜石算力" in copy.lcut("曜石算力发布新品", HMM=False)
    assert "曜石算力" not in jieba.dt.FREQ  # the process's own tokenizer is not the copy


def test_a_name_introduced_by_a_role_is_a_person_not_the_article_s_company(bare):
    # the chairman is named in every other sentence; the article is about his company
    text = (
        "台灣最大記憶體模組廠威剛（3260）董事長陳立白昨日表示，記憶體市場將從年頭好到年尾。\n"
        "陳立白認為，記憶體賣方市場態勢確立。\n陳立白說，威剛積極增加庫存水位。\n"
        "累計2025年歸屬母公司業主稅後純益72.93億元，年增169.35%。\n"
    )
    doc = extract_facts(text, "a.txt", bare)
    assert doc.topic == "威刚"
    fact = next(f for f in doc.facts if "72.93" in f.quote)
    assert "威刚" in fact.entities + fact.context and "陈立白" not in fact.context


def test_a_short_form_two_names_open_on_is_neither_s(bare):
    # 奕斯 opens ESWIN Computing and its sister ESWIN Materials: a spelling of either would make
    # the two companies one entity
    names = found(
        "北京奕斯伟计算技术股份有限公司(下称“奕斯伟计算”)递交了上市申请。此前西安奕斯伟材料科技股份有限公司已上市。"
        "奕斯伟计算与奕斯伟材料的行业并不相同。奕斯伟计算尚未盈利。",
        bare,
    )
    assert not any("奕斯" in n["keys"] for n in names.values()), names
    # 它石, written alone beside 它石智航 and no other name opening on it, is its short form
    names = found("它石智航(TARS)完成融资。它石智航成立仅50天。以它石为例,它石智航获投。", bare)
    assert any("它石" in n["keys"] for n in names.values()), names
    # a unit named after its parent (阿里国际数字商业集团) leaves the parent its short form, a
    # locative-looking end (里) and all
    names = found(
        "阿里於是次季報中調整分部。歸屬於阿里巴巴中國電商集團的業務收入增長。阿里指相關收入按年增10%。"
        "至於阿里國際數字商業集團(AIDC),阿里表示虧損收窄。",
        bare,
    )
    assert "阿里" in names["Alibaba"]["keys"] and "阿里" not in names["AIDC"]["keys"], names


def test_a_name_opening_a_line_before_its_stock_code_is_the_whole_run(bare):
    # written once, as a title: the segmenter would cut 长光华芯 into pieces
    names = found("长光华芯(688048):Q2业绩实现扭亏 光通信持续突破\n根据公司2025年半年度报告,公司营收为2.14亿元。", bare)
    assert "长光华芯" in names, names


def test_taiwan_s_short_x_ke_is_the_company_x_keji(bare):
    # 聯發科 is 聯發科技 cut short: one name, not two
    names = found(
        "聯發科法說會 看好AI ASIC\n聯發科今日舉行法說會，執行長表示營收成長。聯發科預估第一季營收持平。"
        "聯發科指出需求強勁。聯發科技去年營收成長。聯發科技表示。",
        bare,
    )
    holding = [n for n in names.values() if "联发科" in n["keys"] or "联发科技" in n["keys"]]
    assert len(holding) == 1 and {"联发科", "联发科技"} <= set(holding[0]["keys"]), names
