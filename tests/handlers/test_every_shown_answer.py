"""Every shown answer right, in every rendering: the cases a new user met on the seeds, each a
row of a table, asserted on the store's answers and on what Slack, the console and the JSON show.
"""

from __future__ import annotations

import pytest

from handlers import render
from handlers.answer import answer_page
from handlers.lookup import compare
from tests.slack_fakes import all_text


def _answers(store, question, kind="fact"):
    from handlers.lookup import search

    return search(store, kind, question, limit=10).answers


# (question, command, a figure the top answer must lead with, figures no answer may lead with)
HEADLINES = [
    # the other side of a comparison keeps its own figure: "相比之下,GPT-3.5的得分在倒数10%左右"
    ("GPT-4", "bench", "前10%", ["倒数10%"]),
    ("GPT-4 律师考试", "fact", "前10%", ["倒数10%"]),
]


@pytest.mark.parametrize(("question", "kind", "wanted", "never"), HEADLINES)
def test_the_headline_is_the_figure_of_the_subject_asked(store, question, kind, wanted, never):
    answers = _answers(store, question, kind)
    assert answers and answers[0].headline and wanted in answers[0].headline[0].text
    shown = [a.headline[0].text for a in answers if a.headline and a.entity == answers[0].entity]
    assert not any(n in text for n in never for text in shown)


# a product and its company, or two companies and what passes between them: one subject asked,
# answers, never a table with a row for each
NOT_A_COMPARISON = [
    ("阿里训练M6用了多少张GPU", "512"),
    ("how much has Microsoft invested in OpenAI", "130亿美元"),
]


@pytest.mark.parametrize(("question", "figure"), NOT_A_COMPARISON)
def test_one_subject_asked_is_answered_not_compared(store, question, figure):
    assert compare(store, "fact", question) is None
    answers = _answers(store, question)
    assert answers and figure in answers[0].quote
    # the capex three companies plan together is no investment of Microsoft's in OpenAI
    assert not any("2150" in a.quote for a in answers)


def test_several_companies_asked_are_still_compared_row_by_row(store):
    comparison = compare(store, "fact", "revenue Baidu Alibaba Tencent")
    assert comparison is not None and [r.label for r in comparison.rows] == ["Baidu", "Alibaba", "Tencent"]


def test_a_figure_stated_for_several_companies_says_so_everywhere(store):
    """"谷歌、微軟和Meta計劃在2025年總共投入至少2150億美元": the JSON, the Slack message (and the
    console and Share, which render the same headline) all name the three, combined."""
    joint = next(a for a in _answers(store, "Microsoft capex") if "2150" in a.quote)
    assert joint.to_dict()["entity"] == "Google + Microsoft + Meta"
    assert render.headline(joint, "en").startswith("Google + Microsoft + Meta (combined) · ")
    assert render.headline(joint, "zh-Hans").startswith("谷歌、微软、Meta（合计） · ")
    assert render.headline(joint, "zh-Hant").startswith("谷歌、微軟、Meta（合計） · ")
    # the message a user gets for "/fact Microsoft capex 2025"
    message = answer_page(store, "fact", "Microsoft capex 2025")
    assert "Google + Microsoft + Meta (combined)" in all_text(message)


# nearest facts under a "not found" are about what was asked
RELATED = [
    # an A800's price at JD.com is no fact about the H100
    ("Nvidia H100 price", ["A800"]),
    # "商汤科技2022年营收高达38亿元,令OpenAI的老板们羡慕嫉妒恨了么?" is SenseTime's revenue
    ("OpenAI revenue 2030", ["商汤科技2022年营收"]),
]


@pytest.mark.parametrize(("question", "never"), RELATED)
def test_nearest_facts_are_about_the_subject_asked(store, question, never):
    from handlers.lookup import search

    result = search(store, "fact", question)
    assert not result.answers
    assert not any(n in a.quote for n in never for a in result.related)
