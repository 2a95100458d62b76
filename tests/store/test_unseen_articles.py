"""Articles the lexicon and rules were not written for: Taiwan and Hong Kong outlets' usage.

The two files in tests/store/unseen/ are test inputs written in the style of those outlets
(輝達, 台積電, 超微, 新台幣, 年增, 純利, 按年); nothing in store/ refers to them.
"""

from pathlib import Path

import pytest

from store import build_store, open_store

UNSEEN = Path(__file__).with_name("unseen")


@pytest.fixture(scope="module")
def mixed_store(tmp_path_factory, seeds):
    src = tmp_path_factory.mktemp("sources")
    for folder in (seeds, UNSEEN):
        for p in folder.iterdir():
            (src / p.name).write_bytes(p.read_bytes())
    db = tmp_path_factory.mktemp("db") / "facts.db"
    report = build_store(src, db)
    assert report.errors == [] and report.articles == 7
    store = open_store(db)
    yield store
    store.close()


@pytest.mark.parametrize(
    ("query", "quote_has", "metric", "period"),
    [
        ("Nvidia revenue FY2025 Q3", "350.8億美元", "revenue", "FY2025 Q3"),
        ("輝達 資料中心營收", "308億美元", "revenue", "FY2025 Q3"),
        ("Nvidia stock after earnings", "下跌2.5%", "stock_move", None),
        ("TSMC capex 2024", "300億至320億美元", "capex", "2024"),
        ("台积电 资本支出", "300億至320億美元", "capex", "2024"),
        ("AMD MI300 revenue", "50億美元", "revenue", "2024"),
        ("Alibaba revenue 2024", "2,218.74億元", "revenue", "2024 Q1"),  # the quarter ended 31 March
        ("騰訊 純利", "532.3億元", "net_profit", None),
        ("SenseTime loss 2023", "64.4億元", "loss", "2023"),
        ("小米 研发投入", "1050億元", "r_and_d", None),  # R&D spending is R&D, not an investment
    ],
)
def test_unseen_outlets_are_understood(mixed_store, query, quote_has, metric, period):
    (a, *_) = mixed_store.search(query).answers
    assert quote_has in a.quote
    assert a.metric == metric
    if period:
        assert a.period == period


def test_unseen_figures_are_parsed(mixed_store):
    (a, *_) = mixed_store.search("TSMC capex 2024").answers
    (v,) = a.values
    assert (v.low, v.high, v.currency) == (3e10, 3.2e10, "USD")
    (a, *_) = mixed_store.search("輝達 資料中心營收").answers
    assert a.readable_values == "US$30.8 billion, +112% YoY"


def test_seed_answers_survive_new_articles(mixed_store):
    assert "140億美元" in mixed_store.search("Microsoft capex").answers[0].quote
