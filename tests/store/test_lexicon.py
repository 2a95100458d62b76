"""The lexicon's matching of names: how a Latin name's spellings are found."""

import pytest

from store import Lexicon, fold
from store.lexicon import default_lexicon, separator_variants


@pytest.mark.parametrize(
    "alias,variants",
    [
        ("gpt-4 turbo", ["gpt4 turbo", "gpt4-turbo", "gpt 4 turbo", "gpt 4-turbo", "gpt-4-turbo"]),
        ("llama 3.1", ["llama3.1", "llama-3.1"]),
        ("deepseek-r1", ["deepseek r1"]),  # "r1" stays whole
        ("gpt4o", ["gpt 4o", "gpt-4o"]),  # "4o" stays whole
        ("scale ai", ["scale-ai"]),  # two words never run together: "scaleai" reads as a typo of "scale"
        ("openai", []),
        ("o1", []),
        ("文心一言", []),
        ("a+b c", []),  # joined by something other than spaces and hyphens
    ],
)
def test_a_latin_name_is_found_however_its_parts_are_joined(alias, variants):
    assert separator_variants(alias) == variants


def test_a_name_an_article_writes_joined_is_found_as_a_question_writes_it_apart():
    # the store's matcher (an article's GPT4-Turbo) and the lexicon's spell names the same way
    from store.vocabulary import AliasMatcher

    found = AliasMatcher([("gpt4-turbo", "GPT4-Turbo")]).find("gpt-4 turbo superclue score")
    assert [(m.entity, m.start, m.end) for m in found] == [("GPT4-Turbo", 0, 11)]


def test_a_model_written_without_its_hyphen_is_still_that_model():
    lex = Lexicon.load()
    mentions = lex.find_mentions(fold("GPT4-Turbo总分90.63分遥遥领先，Llama-3.1紧随其后"))
    assert [m.entity for m in mentions][:1] == ["GPT-4 Turbo"]


# --- the schema is checked where a lexicon file is read ----------------------------------------

from store import LexiconError  # noqa: E402


@pytest.mark.parametrize(
    "toml,complaint",
    [
        ('entity = [{ name = "Acme", alias = ["ACME"] }]', "unknown key 'alias' in entity 'Acme'"),
        ('entity = [{ name = "Acme", kind = "compnay" }]', "unknown kind 'compnay' in entity 'Acme'"),
        ('[metric.revenue]\nexpects = "monney"', "unknown expects 'monney' in metric 'revenue'"),
        ('[metric.revenue]\nkeyword = ["营收"]', "unknown key 'keyword' in metric 'revenue'"),
        ('entities = [{ name = "Acme" }]', "unknown key 'entities' in the file"),
        ('entity = [{ zh = "某某" }]', "entity 1 has no name"),
        ('[names]\ngeneral = ["ai"]', "unknown key 'general' in [names]"),
        ('[metric.investment]\nbecomes_with = ["ipo"]', "'becomes_with' of metric 'investment' must be a table"),
        ('[metric.gpu_count]\nkeywords = ["gpu"]\nthings = ["显卡"]', "'things' of metric 'gpu_count' must be a list of its own keywords"),
    ],
)
def test_an_operator_typo_is_one_error_naming_the_file_and_key(tmp_path, toml, complaint):
    (tmp_path / "ours.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(LexiconError) as e:
        Lexicon.load([tmp_path])
    assert str(e.value).startswith("ours.toml: ")
    assert complaint in str(e.value)


def test_a_well_formed_operator_file_adds_its_entity(tmp_path):
    (tmp_path / "ours.toml").write_text(
        'entity = [{ name = "Acme Robotics", zh = "艾克米", kind = "company", aliases = ["ACME"] }]',
        encoding="utf-8",
    )
    assert Lexicon.load([tmp_path]).aliases()[fold("艾克米")] == "Acme Robotics"


def test_without_entities_the_lexicon_keeps_metrics_glossary_and_boilerplate():
    full, bare = Lexicon.load(), Lexicon.load(entities=False)
    assert bare.entities == {} and bare.aliases() == {}
    assert bare.metrics.keys() == full.metrics.keys()
    assert bare.glossary == full.glossary and bare.boilerplate_markers == full.boilerplate_markers
    assert bare.fingerprint() != full.fingerprint()  # a store built so is never reused as the other


@pytest.mark.parametrize(
    ("alias", "text", "found"),
    [
        # a Latin name however its separators are written
        ("gpt-4 turbo", "gpt4-turbo总分90.63分", True),
        ("gpt-4 turbo", "gpt-4-turbo 的得分", True),
        ("moore threads", "moore-threads 上市", True),
        # never a piece of a longer word, nor two words run together that were apart
        ("gpt-4 turbo", "gpt-4 turbocharged", False),
        ("moore threads", "moorethreads 上市", False),
    ],
)
def test_an_alias_matches_however_its_separators_are_written(alias, text, found):
    from store.vocabulary import AliasMatcher

    assert bool(AliasMatcher([(alias, "X")]).find(text)) is found


# --- the metrics of a results day, as each script writes them ------------------------------------

# (metric, phrase): Simplified, Traditional as Taiwan writes it, as Hong Kong writes it, English
RESULTS_WORDS = [
    ("operating_profit", "营业利润"), ("operating_profit", "營業利益"), ("operating_profit", "經營溢利"), ("operating_profit", "operating profit"),
    ("operating_margin", "营业利润率"), ("operating_margin", "營益率"), ("operating_margin", "營業利益率"), ("operating_margin", "operating margin"),
    ("gross_margin", "毛利率"), ("gross_margin", "綜合毛利率"), ("gross_margin", "gross margin"),
    ("net_margin", "净利率"), ("net_margin", "稅後純益率"), ("net_margin", "net margin"),
    ("eps", "每股收益"), ("eps", "每股純益"), ("eps", "每股稅後純益"), ("eps", "每股盈利"), ("eps", "EPS"),
    ("net_profit", "归母净利润"), ("net_profit", "歸屬母公司淨利"), ("net_profit", "股東應佔溢利"), ("net_profit", "net income attributable"),
    ("adjusted_profit", "经调整净利润"), ("adjusted_profit", "經調整後純利"), ("adjusted_profit", "經調整溢利"), ("adjusted_profit", "non-GAAP"),
    ("r_and_d", "研发费用"), ("r_and_d", "研發費用"), ("r_and_d", "研究及開發開支"), ("r_and_d", "R&D expense"),
    ("market_share", "市场份额"), ("market_share", "市佔率"), ("market_share", "市場份額"), ("market_share", "market share"),
    ("ipo_price", "发行价"), ("ipo_price", "承銷價"), ("ipo_price", "招股價"), ("ipo_price", "IPO price"),
    ("ipo_proceeds", "募资净额"), ("ipo_proceeds", "募資總額"), ("ipo_proceeds", "集資"), ("ipo_proceeds", "IPO proceeds"),
    ("subscription", "超额认购"), ("subscription", "申購倍數"), ("subscription", "超額認購"), ("subscription", "oversubscribed"),
    ("arr", "年化收入"), ("arr", "年化營收"), ("arr", "年度經常性收入"), ("arr", "ARR"),
    ("consensus", "市场预期"), ("consensus", "外資預估"), ("consensus", "市場預期"), ("consensus", "consensus"),
    ("consensus", "分析師平均預期"), ("operating_profit", "營業淨利"), ("adjusted_profit", "扣非归母净利润"),
    ("ipo_price", "每股發售價"), ("gross_profit", "毛利"), ("gross_profit", "營業毛利"), ("gross_profit", "gross profit"),
    ("utilization", "产能利用率"), ("utilization", "產能利用率"), ("utilization", "稼動率"), ("utilization", "utilisation"),
    ("shipments", "出货量"), ("shipments", "出貨量"), ("shipments", "交付量"), ("shipments", "shipments"),
    ("benchmark", "总分"), ("benchmark", "總分"), ("benchmark", "分數"), ("r_and_d", "研發投資"),
    ("target_price", "目标价"), ("target_price", "目標價"), ("target_price", "target price"),
    ("ebitda", "EBITDA"), ("ebitda", "息稅折舊攤銷前利潤"), ("ebitda", "經調整EBITDA"),
    ("operating_margin", "營業獲利率"),
    ("dividend", "中期息"), ("dividend", "末期股息"), ("dividend", "現金股利"), ("dividend", "interim dividend"),
    ("shares_offered", "共發行"), ("shares_offered", "全球發售"), ("shares_offered", "shares offered"),
]  # fmt: skip


@pytest.mark.parametrize(("metric", "phrase"), RESULTS_WORDS)
def test_an_article_phrase_in_any_script_signals_its_metric(metric, phrase):
    assert metric in default_lexicon().metric_hits(fold(f"该公司{phrase} 12.3 亿元"))


@pytest.mark.parametrize(
    ("phrase", "metric", "not_metrics"),
    [
        ("营业利润率", "operating_margin", ["operating_profit", "net_profit"]),  # 营业利润, 利润
        ("營業淨利", "operating_profit", ["net_profit"]),  # Taiwan's operating profit holds 淨利
        ("毛利率", "gross_margin", ["gross_profit"]),  # 毛利
        ("扣非归母净利润", "adjusted_profit", ["net_profit"]),
        ("經營溢利", "operating_profit", ["net_profit"]),  # 溢利
        ("每股盈利", "eps", ["net_profit"]),  # 盈利
        ("每股稅後純益", "eps", ["net_profit"]),  # 稅後純益
        ("经调整净利润率", "net_margin", ["adjusted_profit", "net_profit"]),
        ("研发投入", "r_and_d", ["investment"]),  # 投入
        ("研发投资", "r_and_d", ["investment"]),  # 投资: R&D spending, not an investment made
        ("市场份额", "market_share", ["market_size"]),  # 市场
        ("市场预期", "consensus", ["market_size"]),
        ("年化收入", "arr", ["revenue"]),  # 收入
        ("募资净额", "ipo_proceeds", ["investment"]),  # 募资
        ("operating profit", "operating_profit", ["net_profit"]),  # profit
        ("IPO price", "ipo_price", ["price"]),  # price
    ],
)
def test_the_longest_keyword_names_the_metric(phrase, metric, not_metrics):
    hits = default_lexicon().metric_hits(fold(f"该公司{phrase} 12.3 亿元"))
    assert metric in hits
    assert not set(not_metrics) & set(hits)


def test_a_keyword_two_metrics_share_signals_both():
    # 募资 is what a listing raises and what any funding raises
    assert {"investment", "ipo_proceeds"} <= set(default_lexicon().metric_hits(fold("该公司募资80亿元")))
