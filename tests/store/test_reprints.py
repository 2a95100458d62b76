"""Reprints folded: the same statement from several articles is one answer with every source listed."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from store import QueryError, build_store, open_store
from store.reprints import figure_key, text_key

SHARED_QUESTIONS = Path(__file__).resolve().parents[3] / "shared" / "eval" / "questions.jsonl"
OUTLETS = ("新浪科技", "經濟日報")


def _page(store, query: str) -> dict:
    try:
        return store.search(query).to_dict()
    except QueryError:
        return {"answers": [], "related": []}


def _said(answer: dict) -> tuple:
    return (answer["quote"], answer["entity"], answer["metric"], answer["period"], answer["readable"])


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    seeds = Path(__file__).resolve().parents[2] / "seeds"
    root = tmp_path_factory.mktemp("reprints")
    alone = build_store(seeds, root / "alone.db").path
    tripled = root / "tripled"
    shutil.copytree(seeds, tripled)
    listed = []
    for i, outlet in enumerate(OUTLETS):
        for p in sorted(seeds.glob("*.txt")):
            name = f"9{i}_{p.name}"
            shutil.copyfile(p, tripled / name)
            listed.append(f'["{name}"]\noutlet = "{outlet}"\nurl = "https://example.com/{i}/{p.stem}"\n')
    (tripled / "sources.toml").write_text("\n".join(listed), encoding="utf-8")
    report = build_store(tripled, root / "tripled.db")
    assert report.articles == 15
    a, b = open_store(alone), open_store(report.path)
    yield a, b
    a.close()
    b.close()


def test_an_archive_of_each_seed_three_times_answers_as_the_seeds_alone(stores):
    alone, tripled = stores
    questions = [
        json.loads(line) for line in SHARED_QUESTIONS.read_text(encoding="utf-8").splitlines() if line
    ]
    assert len(questions) >= 30
    for q in questions:
        want, got = _page(alone, q["query"]), _page(tripled, q["query"])
        assert [_said(a) for a in got["answers"]] == [_said(a) for a in want["answers"]], q["query"]
        assert [_said(a) for a in got["related"]] == [_said(a) for a in want["related"]], q["query"]
        page = [re.sub(r"\s+", "", a["quote"]) for a in got["answers"] + got["related"]]
        assert len(page) == len(set(page)), f"{q['query']}: a fact shown twice"
        for a in got["answers"]:
            # every other source is listed, with its outlet
            assert sorted(s["outlet"] for s in a["also"]) == sorted(OUTLETS), q["query"]


def test_the_same_figure_reported_by_another_article_is_one_answer(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text(
        "2024年4月25日,微软称第三财季资本支出同比增长79%至140亿美元。\n", encoding="utf-8"
    )
    (src / "b.txt").write_text(
        "2024年4月25日,微軟第三財季的資本支出達140億美元,同比增長79%。\n", encoding="utf-8"
    )
    (src / "c.txt").write_text("2024年4月27日,谷歌第三财季资本支出为120亿美元。\n", encoding="utf-8")
    store = open_store(build_store(src, tmp_path / "facts.db").path)
    answers = store.search("Microsoft capex fiscal Q3").to_dict()["answers"]
    assert [a["source"]["file"] for a in answers] == ["a.txt"]
    assert [s["file"] for s in answers[0]["also"]] == ["b.txt"]


def test_grouping_keys():
    assert text_key("微软 资本支出") == text_key("微软资本支出") != text_key("谷歌资本支出")
    # the same words about another subject (carried from the sentences before) are another fact
    said = "他补充道:我们帮助客户将算力需求降低了60%"
    assert text_key(said, ["Baseten"]) == text_key(said, ["Baseten"]) != text_key(said, ["PicnicHealth"])
    values = [{"amount": 1.4e10, "unit": None, "currency": "USD", "kind": "amount"}]
    k = figure_key("Microsoft", "capex", "fiscal Q3", values, "amount")
    assert k and k == figure_key("Microsoft", "capex", "fiscal Q3", list(values), "amount")
    assert k != figure_key("Google", "capex", "fiscal Q3", values, "amount")
    assert figure_key("Microsoft", "capex", None, values, "amount") is None  # no period: nothing to match on


def test_the_same_words_about_another_subject_are_not_a_reprint(tmp_path):
    # a sentence that names nobody is about the subject before it: two articles that quote the
    # same words of two companies' people state two facts, and each company keeps its own
    said = "他补充道:“六个月前,我们帮助一位客户将算力资源需求降低了60%。”\n"
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("2024年5月2日,Baseten发布了新的推理服务。\n" + said, encoding="utf-8")
    (src / "b.txt").write_text("2024年3月1日,Quorix发布了新的推理服务。\n" + said, encoding="utf-8")
    store = open_store(build_store(src, tmp_path / "facts.db").path)
    for company, file in (("Baseten", "a.txt"), ("Quorix", "b.txt")):
        (answer,) = store.search(f"{company} compute reduction", limit=5).to_dict()["answers"]
        assert answer["source"]["file"] == file and "60%" in answer["quote"]
        assert answer["also"] == []


def test_the_grouping_figure_is_the_one_the_metric_keyword_names():
    eps = {"amount": 12.5, "currency": "TWD", "kind": "money", "metric": "eps"}
    revenue = {"amount": 2.5e11, "currency": "TWD", "kind": "money", "metric": "revenue"}
    # 'EPS 12.5 元，營收 2500 億元' and '營收 2500 億元' report the same revenue
    assert figure_key("TSMC", "revenue", "Q3", [eps, revenue], "money") == figure_key(
        "TSMC", "revenue", "Q3", [revenue], "money"
    )
    # a revenue fact whose only amount is the EPS states no revenue figure to group by
    assert figure_key("TSMC", "revenue", "Q3", [eps], "money") is None
