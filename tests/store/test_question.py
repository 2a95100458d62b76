"""Reading a question, stage 1 of the search: a pure function of the text and a vocabulary."""

import pytest

from store import Lexicon
from store.question import MAX_QUESTION_CHARS, QuestionVocabulary, clean_question, read_question


@pytest.fixture(scope="module")
def vocab():
    # the shipped lexicon, a store that "holds" a few words, and a tiny English dictionary
    held = {"lmarena", "x1", "星澜微", "910b", "天使轮"}
    english = {"networking": ["网路"], "employees": ["员工"], "gaming": ["游戏"]}
    return QuestionVocabulary.from_lexicon(
        Lexicon.load(),
        occurs=lambda w: w in held,
        english=lambda w: english.get(w, []),
        segment=lambda run: [run[i : i + 2] for i in range(0, len(run), 2)] if len(run) > 3 else [run],
        is_word=lambda w: w in {"员工", "游戏", "人数"},
    )


@pytest.mark.parametrize(
    ("question", "entities", "metrics", "periods"),
    [
        ("Microsoft capex", ["Microsoft"], ["capex"], []),
        ("微軟 資本支出 2024", ["Microsoft"], ["capex"], ["2024"]),
        ("Microsfot capex Q3", ["Microsoft"], ["capex"], ["Q3"]),
        ("腾迅 第三季 营收", ["Tencent"], ["revenue"], ["Q3"]),
        ("腾迅营收", ["Tencent"], ["revenue"], []),  # glued to the keyword: still the name
        ("英为达收入", ["Nvidia"], ["revenue"], []),
        ("英为达 上半年 净利润", ["Nvidia"], ["net_profit"], ["H1"]),
        ("Sensetme gross margin", ["SenseTime"], ["gross_margin"], []),
        ("OpenAI loss 2022", ["OpenAI"], ["loss"], ["2022"]),
        # a keyword before 后 (after) says when: the valuation after the round is asked
        ("OpenAI 融资后 估值", ["OpenAI"], ["valuation"], []),
        ("OpenAI 融资 估值", ["OpenAI"], ["valuation", "investment"], []),
        # a glossary phrase ending on a metric's keyword asks for the metric too
        ("Tencent advertising revenue Q2", ["Tencent"], ["revenue"], ["Q2"]),
    ],
)
def test_entities_metrics_and_periods_are_read(vocab, question, entities, metrics, periods):
    u = read_question(question, vocab)
    assert u.entities == entities
    assert u.metrics == metrics
    assert u.periods == periods


@pytest.mark.parametrize(
    ("question", "field", "expected"),
    [
        ("Nvidia networking revenue", "terms", ["networking"]),  # through the dictionary
        ("Nvidia networking revenue", "translations", {"networking": ["网路"]}),
        ("DeepSeek weather forecast", "ignored", ["weather"]),  # no Chinese for it: no veto either
        ("DeepSeek R2 参数量", "missing", ["r2"]),  # a name no article holds
        ("Qwen3 LMArena ranking", "unknown", ["lmarena"]),  # a word the store holds
        ("星澜微 营收", "names", ["星澜微"]),  # open world: a name only the articles know
        ("DeepSeek H800 数量", "value_kinds", ["count"]),  # asks for a count, not the word 数量
        ("Nvidia record high share price", "terms", ["record high"]),  # 历史新高, not 记录 and 高
        # corporate words after a capitalised name the store lacks are that name's, no words to
        # find in any company's sentences; typed lowercase they stay words
        ("Hai Robotics revenue 2024", "ignored", ["hai"]),
        ("industrial robotics revenue", "ignored", ["industrial", "robotics"]),
        # a corporate word glued to a name the store holds is the rest of that name, no word
        ("英伟达科技 营收", "terms", []),
        ("寒武纪集团 营收", "terms", []),
        # a word naming the thing counted, beside another metric, asks about the thing
        ("砺算 7G100 显卡 售价", "metrics", ["price"]),
        ("H100 GPU price", "metrics", ["price"]),
        ("DeepSeek 显卡 数量 价格", "metrics", ["price", "gpu_count"]),  # a count asked: still a count
        ("騰訊 資本開支 環比", "value_kinds", ["percent"]),
        ("腾讯 2025 资本支出 指引", "forecast", True),
        # a keyword's run is a word to find, a question word glued to it is not
        ("腾讯 收入 市场预测多少", "terms", []),
        ("英伟达 中国市场份额是多少", "terms", ["中国市场份额"]),
        # a metric's keyword naming a business line is the line's name, not the metric
        ("AI算力业务 收入", "metrics", ["revenue"]),
        ("AI算力 收入", "metrics", ["revenue", "compute"]),
        ("How much did MetaX raise", "metrics", ["investment"]),
        ("MetaX funding raised before IPO", "metrics", ["investment"]),  # the listing says when
        ("How much did Microsoft spend on infrastructure", "metrics", ["capex"]),
        ("中国市场 占 数据中心收入 多少", "value_kinds", ["percent"]),  # the share one is of the other
        ("SenseTime net loss ratio 2024", "value_kinds", ["percent"]),  # the loss as a share, not its amount
        ("景碩 去年 每股基本純益", "metrics", ["eps"]),  # Taiwan's basic EPS, not net profit (純益)
        ("How long did it take to train Hunyuan", "value_kinds", ["duration"]),
        ("K1 sold out in how many minutes", "value_kinds", ["duration"]),
        # a share price is a price or how it moved, not the percentage "share" asks for
        ("Innoscience record high share price", "value_kinds", []),
        ("Nvidia data center revenue share", "value_kinds", ["percent"]),
        ("C-Eval 多少分", "value_kinds", ["score"]),
        ("How long did it take to train", "ignored", ["train"]),  # a hint's words are no words to find
        # a round of funding the articles write is a word, however rare, never a name
        ("星澜微 天使轮 领投", "names", ["星澜微"]),
        # a qualifier typed apart from the profit asks for the adjusted profit
        ("騰訊 第三季 非國際財務報告準則 純利", "metrics", ["adjusted_profit"]),
        ("百度 non-GAAP 净利润", "metrics", ["adjusted_profit"]),
    ],
)
def test_words_are_sorted_by_what_the_store_can_do_with_them(vocab, question, field, expected):
    assert getattr(read_question(question, vocab), field) == expected


def test_value_hint_words_are_not_words_to_find(vocab):
    u = read_question("DeepSeek H800 数量", vocab)
    assert "数量" not in u.terms and u.hint_words == ["数量"]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Micro\u200dsoft  capex", "Microsoft capex"),  # zero-width joiner removed, not a space
        ("<@U123ABC> 微软\u3000资本支出", "微软 资本支出"),  # Slack mention and ideographic space
        ("ＯｐｅｎＡＩ\x07 loss", "OpenAI loss"),  # full width folded, control character dropped
        ("發(fā)布", "發布"),  # flattened pinyin annotation
    ],
)
def test_one_question_cleaner(raw, clean):
    assert clean_question(raw) == clean


def test_an_english_word_is_no_typo_of_a_metric_keyword(seed_store):
    # close is one letter from lose, and an ordinary English word: what it says
    assert seed_store.understand("How close is Spark to GPT-4 Turbo?").metrics == []
    assert seed_store.understand("Spark revenu").metrics == ["revenue"]  # a typo is still read


def test_a_huge_question_is_cut_and_an_empty_one_names_nothing(vocab):
    assert len(clean_question("微" * 10_000)) == MAX_QUESTION_CHARS
    assert not read_question(" \u200b\n", vocab).searchable


@pytest.mark.parametrize("query", ["大模型 训练成本", "阿里云 大模型调用量 份额"])
def test_a_word_the_articles_write_as_it_is_is_never_a_homophone_of_a_name(seed_store, query):
    # 大模 sounds like 大摩 (Morgan Stanley), but the articles write 大模型 hundreds of times
    assert "Morgan Stanley" not in seed_store.understand(query).entities


def test_a_homophone_the_articles_never_write_is_read_as_the_name(seed_store):
    assert seed_store.understand("腾迅 资本支出").entities == ["Tencent"]


@pytest.mark.parametrize(
    ("question", "entities"),
    [
        ("TSCM Q3 gross margin", ["TSMC"]),  # two letters swapped: one edit
        ("Nvdia revenue", ["Nvidia"]),
        ("metal prices", []),  # an English word is no typo of Meta
    ],
)
def test_a_misspelt_name_is_one_edit_away(question, entities):
    english = {"metal", "prices", "price"}
    v = QuestionVocabulary.from_lexicon(Lexicon.load(), is_english=lambda w: w in english)
    assert read_question(question, v).entities == entities


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("Moore Threads IPO price per share", ["money"]),  # the longest hint decides
        ("Volcano Engine market share", ["percent"]),
        ("寒武纪 每股收益", ["money"]),
        ("Cambricon R&D as % of revenue", ["percent"]),  # a hint that is no word of letters
        ("SenseTime gross margin 44%", []),  # a figure's own % is no hint
        # when something happened: a sentence stating a year or a month answers
        ("礪算 7G106 甚麼時候上市", ["date"]),
        ("SK Hynix first net profit since when", ["date"]),
        ("新石器 哪年进入无人配送行业", ["date"]),
        ("SuperCLUE 测评 多少个大模型", ["count"]),  # not the words 个大
    ],
)
def test_the_longest_hint_says_what_kind_of_figure_is_asked(vocab, question, kinds):
    assert read_question(question, vocab).value_kinds == kinds


def test_a_word_a_metric_excludes_is_a_word_of_the_question_not_the_metric(vocab):
    u = read_question("Meta 撇除稅項 經調整純利", vocab)
    assert u.metrics == ["adjusted_profit"] and "撇除税项" in u.terms  # profit excluding tax is no tax


@pytest.mark.parametrize(
    ("question", "metric"),
    [
        ("Moore Threads IPO price per share", "ipo_price"),
        ("Zhipu IPO proceeds", "ipo_proceeds"),
        ("摩尔线程 申购倍数", "subscription"),
        ("Meta one-off tax charge Q3", "tax"),
        ("腾讯 营收 市场预期", "consensus"),
    ],
)
def test_the_figures_of_a_listing_and_a_results_day_are_metrics(vocab, question, metric):
    assert metric in read_question(question, vocab).metrics


@pytest.mark.parametrize(
    ("question", "metrics"),
    [
        # a funding word asked about a listing asks what the listing raised
        ("How much did MetaX raise in its STAR IPO?", ["ipo_proceeds"]),
        ("沐曦 上市 融资 多少", ["ipo_proceeds"]),
        ("MetaX IPO funds raised", ["ipo_proceeds"]),
        # without one, a funding round
        ("MetaX funding", ["investment"]),
        ("百川智能 融资", ["investment"]),
        ("Baichuan raised how much from investors", ["investment"]),
    ],
)
def test_raising_money_in_a_listing_asks_for_ipo_proceeds(vocab, question, metrics):
    assert read_question(question, vocab).metrics == metrics


@pytest.mark.parametrize(
    ("question", "term", "written"),
    [
        ("百度 AI原生营销 收入", "营销", "行销"),  # mainland word, Taiwan article
        ("Tencent domestic games revenue", "domestic", "本土"),  # Hong Kong's 本土市场
        ("Black Sesame opening price", "opening price", "开盘价"),
        ("台積電 伺服器 營收", "伺服器", "服务器"),  # Taiwan word, mainland article
        ("華為 晶片 出貨", "晶片", "芯片"),
    ],
)
def test_a_mainland_word_finds_the_taiwan_and_hong_kong_word_and_back(vocab, question, term, written):
    u = read_question(question, vocab)
    assert term in u.terms and written in vocab.glossary[term]


# every phrase of the lexicon's results-day table, asked as a question, reads as its metric
from tests.store.test_lexicon import RESULTS_WORDS  # noqa: E402


@pytest.mark.parametrize(("metric", "phrase"), RESULTS_WORDS)
def test_a_question_in_any_script_reads_the_metric(vocab, metric, phrase):
    assert read_question(f"台积电 {phrase} 2025", vocab).metrics == [metric]


@pytest.mark.parametrize(
    "question",
    [
        "台积电 第四季 营收 指引",
        "台積電 第四季 毛利率 財測",
        "騰訊 明年 資本開支 展望",
        "TSMC Q4 revenue guidance",
        "Meta capex outlook",
    ],
)
def test_guidance_in_any_script_asks_for_a_forecast(vocab, question):
    assert read_question(question, vocab).forecast


@pytest.mark.parametrize(
    ("question", "metrics"),
    [
        ("Moore Threads IPO price per share", ["ipo_price"]),  # "share" here is a share of stock
        ("Volcano Engine market share", ["market_share"]),
        ("Tencent capex as share of revenue", ["capex", "revenue"]),  # a share of revenue, not of a market
    ],
)
def test_share_is_a_market_share_only_when_the_question_says_market(vocab, question, metrics):
    assert sorted(read_question(question, vocab).metrics) == sorted(metrics)


@pytest.mark.parametrize(
    ("question", "entities", "names"),
    [
        ("中芯 第四季度 毛利率", ["SMIC"], []),  # it opens 中芯国际, SMIC's alone
        ("星澜微 营收", [], ["星澜微"]),  # a name the store holds that opens no entity's alias
    ],
)
def test_a_short_name_is_the_one_entity_it_abbreviates(question, entities, names):
    held = {"中芯", "星澜微"}
    vocab = QuestionVocabulary.from_lexicon(Lexicon.load(), occurs=lambda w: w in held)
    u = read_question(question, vocab)
    assert (u.entities, u.names) == (entities, names)


def test_a_short_name_of_several_entities_abbreviates_none():
    vocab = QuestionVocabulary.from_lexicon(Lexicon.load())
    assert vocab.abbreviated("阿里") is None  # 阿里巴巴 (Alibaba) and 阿里云 (Alibaba Cloud)
    assert vocab.abbreviated("字节") == "ByteDance"


def test_a_month_asked_with_no_name_is_also_a_word(vocab):
    # with no name to hold on to, "3月营收" is how the sentence that answers writes it
    bare = read_question("3月營收 月增", vocab)
    named = read_question("腾讯 7月 营收", vocab)
    assert bare.periods == ["M3"] and any("3" in t for t in bare.terms)
    assert "M7" in named.periods and not any("7" in t for t in named.terms + named.names)


@pytest.mark.parametrize(
    ("question", "change"),
    [
        ("Cambricon Q3 revenue decline quarter on quarter", True),
        ("Tencent revenue fell", True),
        ("寒武纪 第三季度 收入 环比", True),
        ("Cambricon Q3 revenue", False),
    ],
)
def test_a_question_asking_how_a_figure_changed(vocab, question, change):
    from store.headline import asks_for_a_change

    assert asks_for_a_change(read_question(question, vocab)) is change
