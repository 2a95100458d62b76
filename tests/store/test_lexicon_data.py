"""The entity data in store/lexicon/*.toml: every entry parses and links, and no name is a trap.

The loader merges an entity named twice and lets the first entity win an alias two of them
claim, so these checks read the files themselves as well as the loaded lexicon: a duplicate or
an ambiguous alias would otherwise pass silently and send a fact to the wrong company.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from store import Lexicon, fold
from store.lexicon import DEFAULT_DIR, TOP_LEVEL_KEYS, _check_schema

KINDS = {"company", "product", "model", "chip", "person", "org"}
OWNED_KINDS = {"product", "model", "chip", "person"}  # these belong to someone: parent required
PARENT_KINDS = {"company", "org"}
FIELDS = {"name", "zh", "kind", "parent", "aliases", "fiscal_year_end"}
# Files whose companies are Chinese-speaking: their Chinese name is a real one, not a Latin one.
CHINESE_REGION_FILES = {"companies_cn.toml", "companies_tw_hk.toml"}
REGION_FILES = {"companies_us.toml", *CHINESE_REGION_FILES}
# Taiwanese readers use these stock codes as names; other bare four-digit numbers are amounts.
CODES_USED_AS_NAMES = {"2330", "2317", "2454"}

CJK = re.compile(r"[\u3400-\u9fff]")
LATIN = re.compile(r"[\x00-\x7f]+")
YEAR = re.compile(r"(19|20)\d\d")


def lexicon_files() -> list[Path]:
    return sorted(DEFAULT_DIR.glob("*.toml"))


@pytest.fixture(scope="module")
def entries() -> list[tuple[str, dict]]:
    """Every [[entity]] entry as written, with the file it is in."""
    out = []
    for path in lexicon_files():
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        out.extend((path.name, raw) for raw in data.get("entity", []))
    return out


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.load()


def spellings(raw: dict) -> list[str]:
    """Every string an entry is matched by: its name, its Chinese name and its aliases."""
    return [raw["name"], raw.get("zh", raw["name"]), *raw.get("aliases", [])]


# --- every entry parses ----------------------------------------------------------------------


@pytest.mark.parametrize("path", lexicon_files(), ids=lambda p: p.name)
def test_every_lexicon_file_parses(path):
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    # each file holds something the loader reads, and nothing outside its schema (a misspelt
    # table or key would otherwise be ignored without a word)
    assert any(data.get(key) for key in TOP_LEVEL_KEYS), f"{path.name} holds nothing the lexicon reads"
    _check_schema(path.name, data)


def test_the_data_covers_the_field(entries, lexicon):
    assert len(lexicon.entities) == len(entries)  # nothing merged away
    regional = [raw for f, raw in entries if f in REGION_FILES and raw["kind"] == "company"]
    assert len(regional) >= 200, "the largest US, mainland, Taiwan and Hong Kong companies"
    for kind in ("model", "chip", "product", "person", "org"):
        assert sum(raw["kind"] == kind for _, raw in entries) >= 20, kind


def test_every_entry_is_well_formed(entries):
    problems = []
    for file, raw in entries:
        where = f"{file}: {raw.get('name')!r}"
        if set(raw) - FIELDS:
            problems.append(f"{where} has unknown fields {sorted(set(raw) - FIELDS)}")
        for key in ("name", "zh", "kind"):
            value = raw.get(key)
            if not isinstance(value, str) or not value.strip() or value != value.strip():
                problems.append(f"{where}: {key} must be a non-empty, trimmed string, not {value!r}")
        if raw.get("kind") not in KINDS:
            problems.append(f"{where}: kind {raw.get('kind')!r} is not one of {sorted(KINDS)}")
        if raw.get("kind") in OWNED_KINDS and not raw.get("parent"):
            problems.append(f"{where}: a {raw.get('kind')} names the company it belongs to")
        aliases = raw.get("aliases")
        if not isinstance(aliases, list):
            problems.append(f"{where}: aliases must be a list")
            continue
        for a in aliases:
            if not isinstance(a, str) or not a.strip() or a != a.strip():
                problems.append(f"{where}: alias {a!r} must be a non-empty, trimmed string")
    assert problems == []


def test_names_are_unique_across_files(entries):
    seen: dict[str, str] = {}
    twice = []
    for file, raw in entries:
        if raw["name"] in seen:
            twice.append(f"{raw['name']!r} in {seen[raw['name']]} and {file}")
        seen.setdefault(raw["name"], file)
    assert twice == []


def test_every_parent_exists_is_a_company_or_org_and_the_chain_ends(entries):
    by_name = {raw["name"]: raw for _, raw in entries}
    problems = []
    for _, raw in entries:
        parent = raw.get("parent")
        if parent is None:
            continue
        if parent not in by_name:
            problems.append(f"{raw['name']!r}: unknown parent {parent!r}")
        elif by_name[parent]["kind"] not in PARENT_KINDS:
            problems.append(f"{raw['name']!r}: parent {parent!r} is a {by_name[parent]['kind']}")
        chain = [raw["name"]]
        while (parent := by_name.get(chain[-1], {}).get("parent")) is not None:
            if parent in chain:
                problems.append(f"cycle: {' -> '.join([*chain, parent])}")
                break
            chain.append(parent)
    assert problems == []


def test_no_alias_names_two_entities(entries):
    owners: dict[str, set[str]] = {}
    for _, raw in entries:
        for s in spellings(raw):
            owners.setdefault(fold(s.strip()), set()).add(raw["name"])
    shared = {k: sorted(v) for k, v in owners.items() if len(v) > 1}
    assert shared == {}


def test_every_company_has_a_chinese_name(entries):
    missing = [raw["name"] for _, raw in entries if raw["kind"] == "company" and "zh" not in raw]
    assert missing == []
    latin_only = [
        f"{file}: {raw['name']}"
        for file, raw in entries
        if file in CHINESE_REGION_FILES and raw["kind"] == "company" and not CJK.search(raw["zh"])
    ]
    assert latin_only == []


def test_no_alias_is_a_fragment_or_an_amount(entries):
    problems = []
    for _, raw in entries:
        for s in spellings(raw):
            key = fold(s)
            if len(key) < 2:
                problems.append(f"{raw['name']!r}: {s!r} is one character (米, X)")
            if key.isdigit() and (
                YEAR.fullmatch(key)
                or len(key) < 4
                or (len(key) == 4 and not key.startswith("0") and key not in CODES_USED_AS_NAMES)
            ):
                problems.append(f"{raw['name']!r}: {s!r} is also a year or an amount; write 9988.HK")
    assert problems == []


# --- names resolve the way the builder reads them --------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "entity", "belongs_to"),
    [
        # Taiwan, Hong Kong and mainland names of one company
        ("輝達上季營收創新高", "輝達", "Nvidia", None),
        ("英偉達股價", "英偉達", "Nvidia", None),
        ("英伟达数据中心收入", "英伟达", "Nvidia", None),
        ("NVDA shares", "NVDA", "Nvidia", None),
        ("超微MI300出貨", "超微", "AMD", None),
        ("美超微服务器", "美超微", "Supermicro", None),
        ("超微電腦營收", "超微電腦", "Supermicro", None),
        ("台積電資本支出", "台積電", "TSMC", None),
        ("2330.TW收盘", "2330.TW", "TSMC", None),
        ("聯發科天璣", "聯發科", "MediaTek", None),
        ("鴻海AI伺服器", "鴻海", "Foxconn", None),
        ("富士康工厂", "富士康", "Foxconn", None),
        ("緯創營收", "緯創", "Wistron", None),
        ("聯電成熟製程", "聯電", "UMC", None),
        ("日月光投控封測", "日月光投控", "ASE Group", None),
        ("騰訊控股業績", "騰訊控股", "Tencent", None),
        ("00700 港股", "00700", "Tencent", None),
        ("9988.HK 股价", "9988.HK", "Alibaba", None),
        ("阿里雲收入", "阿里雲", "Alibaba Cloud", "Alibaba"),
        ("字節跳動資本開支", "字節跳動", "ByteDance", None),
        ("中芯國際產能", "中芯國際", "SMIC", None),
        ("寒武紀營收", "寒武紀", "Cambricon", None),
        ("SK海力士HBM", "SK海力士", "SK Hynix", None),
        ("艾司摩爾光刻機", "艾司摩爾", "ASML", None),
        ("阿斯麦光刻机", "阿斯麦", "ASML", None),
        ("科林研發財報", "科林研發", "Lam Research", None),
        ("月之暗面融资", "月之暗面", "Moonshot AI", None),
        ("深度求索的模型", "深度求索", "DeepSeek", "High-Flyer"),
        ("商湯虧損", "商湯", "SenseTime", None),
        ("聯想集團業績", "聯想集團", "Lenovo", None),
        # products, models and chips link to their company
        ("訊飛星火大模型", "訊飛星火", "Spark", "iFlytek"),
        ("昇騰910B算力卡", "昇騰910B", "Ascend", "Huawei"),
        ("Kimi月活", "Kimi", "Kimi", "Moonshot AI"),
        ("GPT-4o benchmark", "GPT-4o", "GPT-4o", "OpenAI"),
        ("GPT-4.5 price", "GPT-4.5", "GPT-4.5", "OpenAI"),
        ("Qwen3-Max 排名", "Qwen3", "Tongyi Qianwen", "Alibaba"),
        ("DeepSeek-R1 训练成本", "DeepSeek-R1", "DeepSeek-R1", "DeepSeek"),
        ("Claude 3.5 Sonnet 收入", "Claude 3.5 Sonnet", "Claude", "Anthropic"),
        ("GB200 出货", "GB200", "GB200", "Nvidia"),
        ("含光800芯片", "含光800", "Hanguang", "T-Head"),
        ("H100s bought", "H100s", "H100", "Nvidia"),
        ("Ascend910B 出货", "Ascend910B", "Ascend", "Huawei"),
        # the longer name wins over the one inside it
        ("Apache Spark 集群", "Apache Spark", "Apache Spark", None),
        ("银河麒麟操作系统", "银河麒麟", "Kylin OS", None),
        ("王兴兴表示", "王兴兴", "Wang Xingxing", "Unitree"),
        ("香港證監會批准", "香港證監會", "Securities and Futures Commission", None),
        ("Intel Gaudi 3 加速器", "Intel Gaudi", "Intel Gaudi", "Intel"),
    ],
)
def test_names_resolve_in_any_script(lexicon, text, name, entity, belongs_to):
    key = fold(text)
    (first, *_) = lexicon.find_mentions(key)
    assert (first.entity, key[first.start : first.end]) == (entity, fold(name))
    if belongs_to:
        assert belongs_to in lexicon.lineage(entity)


def test_a_bracketed_english_name_is_the_same_entity(lexicon):
    mentions = lexicon.find_mentions(fold("摩尔线程（Moore Threads）发布新卡"))
    assert [m.entity for m in mentions] == ["Moore Threads", "Moore Threads"]


@pytest.mark.parametrize(
    "text",
    [
        "AI浪潮席卷全球",  # 浪潮 is not Inspur
        "这让人联想到互联网泡沫",  # 联想 is not Lenovo
        "我们商量一下再说",  # 商量 is not SenseChat
        "元宇宙概念股大涨",
        "统一部署算力",
        "海纳百川",  # 百川 is not Baichuan
        "通用人工智能的曙光",  # 曙光 is not Sugon
        "平台达到新高",  # 台达 is not Delta
        "集中芯片采购",  # 中芯 is not SMIC
        "集中兴建数据中心",  # 中兴 is not ZTE
        "能力成为关键",  # 力成 is not Powertech
        "人工智慧與半導體",  # 慧與 is not HPE
        "達到世界先進水平",  # 世界先進 is not VIS
        "东南亚科技市场",  # 南亚科 is not Nanya
        "性能甚至强于对手",  # 至强 is not Xeon
        "互联网飞速发展",  # 网飞 is not Netflix
        "严格芯片出口管制",  # 格芯 is not GlobalFoundries
        "股价波澜起伏",  # 澜起 is not Montage
        "社群创作者",  # 群创 is not Innolux
        "阶跃式增长",  # 阶跃 is not StepFun
        "售价9988元",  # an amount, not Alibaba's code
        "巧夺天工",  # 天工 is not Skywork
        "其中移动业务收入增长",  # 中移动 is not China Mobile
        "其中电信业务",  # 中电信 is not China Telecom
        "向国家登记",  # 家登 is not Gudeng
    ],
)
def test_everyday_words_name_nothing(lexicon, text):
    assert lexicon.find_mentions(fold(text)) == []


# --- questions: the search's typo checks must not turn ordinary words into names ---------------
# The search reads a Latin word within a few letters of a name as that name (Nvdia), and a
# Chinese word that sounds like a name with half its characters right as that name (腾迅).
# Ordinary English words are never typos: the typo check skips words CC-CEDICT glosses, so the
# names the lexicon keeps (Gartner, Meta, Micron) stay safe without removing them from the data.


@pytest.mark.parametrize(
    "query",
    [
        "analysts forecast",
        "media revenue",
        "audit",
        "character count",
        "together with",
        "stability",
        "inflection point",
        "phones shipped",
        "intelligence",
        "memory prices",
        "microchips",
        "scale",
        "step",
        "never",
        "holdings",
        "technology",
        "technologies",
        "semiconductors",
        "electronics",
        "research",
        "robot",
        "momentum",
        "lambda",
        "卫星 数量",  # sounds like 微星 (MSI)
        "新兴 市场",  # sounds like 欣兴 (Unimicron)
        "中型 企业",  # sounds like 中兴 (ZTE)
        "意图",  # sounds like 依图 (Yitu)
        "未来 资本支出",  # sounds like 蔚来 (NIO)
        # an ordinary English word is never read as a typo of a name (CC-CEDICT's glosses)
        "partner",  # Gartner
        "metal",  # Meta
        "micro",  # Micron
        "centre",  # Accenture
        "phones",  # iPhone, a name the store found in an article
    ],
)
def test_question_words_are_not_read_as_names(seed_store, query):
    assert seed_store.understand(query).entities == []
