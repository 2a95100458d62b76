"""Replies wholly in the asker's language: figures in Chinese number words and units, periods with
their year, and a forecast marked as one — in Slack (over HTTP), in a Share and in the console."""

from __future__ import annotations

import io
import re

import opencc
import pytest
from rich.console import Console

from bot.console import run_console
from handlers import wording
from store import Value
from tests.slack_fakes import all_text, block_actions, buttons

FORM = "application/x-www-form-urlencoded"
S2T = opencc.OpenCC("s2t")


def money(amount, currency, **kw):
    return Value(text="?", start=0, end=1, amount=amount, currency=currency, kind="money", **kw)


@pytest.mark.parametrize(
    ("value", "hans", "hant"),
    [
        (money(1.4e10, "USD"), "140亿美元", "140億美元"),
        (money(6.1e9, "CNY", qualifier="约"), "约61亿元", "約61億元"),
        (Value("2.7万张", 0, 4, 27000.0, unit="张", kind="count"), "2.7万张", "2.7萬張"),
        (money(1.4e10, "USD", qualifier="多"), "140多亿美元", "140多億美元"),
        (money(1e10, "CNY", qualifier="以上"), "100亿元以上", "100億元以上"),
        (money(2.15e12, "USD"), "2.15万亿美元", "2.15兆美元"),
        (money(3.1, "TWD"), "3.1元新台币", "3.1元新臺幣"),  # as Taiwan outlets write it
        (money(None, "USD", low=3.5e10, high=4e10), "350亿至400亿美元", "350億至400億美元"),
        (
            Value("79%", 0, 3, 79.0, kind="percent", change=True, direction=1, yoy=True),
            "同比增长79%",
            "同比增長79%",
        ),
        (Value("5%", 0, 2, 5.0, kind="percent", change=True, direction=-1), "下降5%", "下降5%"),
        (
            Value("数千万元", 0, 4, None, qualifier="数", kind="money", low=1e7, high=1e8),
            "数千万元",
            "數千萬元",
        ),
    ],
)
def test_figures_in_chinese_number_words_and_units(value, hans, hant):
    assert wording.zh_figure(value, "zh-Hans") == hans
    assert wording.zh_figure(value, "zh-Hant") == hant


@pytest.mark.parametrize(
    ("label", "published", "hans", "hant"),
    [
        ("FY2024 Q3", None, "2024财年第三季度", "2024財年第三季度"),
        ("fiscal Q3", "2024-04-26", "2024财年第三季度", "2024財年第三季度"),
        ("fiscal Q3", None, "第三财季", "第三財季"),
        ("Q1", "2023-05-01", "2023年第一季度", "2023年第一季度"),
        ("2024 Q3", None, "2024年第三季度", "2024年第三季度"),
        ("2023 H1", None, "2023年上半年", "2023年上半年"),
        ("2024 9M", None, "2024年前三季度", "2024年前三季度"),
        ("FY2025 H1", None, "2025财年上半年", "2025財年上半年"),
        ("2022", None, "2022年", "2022年"),
        ("2022-10", None, "2022年10月", "2022年10月"),
        ("2023-04-18", None, "2023年4月18日", "2023年4月18日"),
        ("2023–2024", None, "2023年至2024年", "2023年至2024年"),
        ("4月15日", "2024-04-16", "2024年4月15日", "2024年4月15日"),
    ],
)
def test_periods_in_chinese_with_their_year(label, published, hans, hant):
    assert wording.period(label, "zh-Hans", published=published) == hans
    assert wording.period(label, "zh-Hant", published=published) == hant
    assert wording.period(label, "en", published=published) == label  # English keeps the store's


def _headline(message: dict) -> str:
    return message["blocks"][1]["text"]["text"]


def _chrome(message: dict, names: set[str]) -> str:
    """Everything a reader sees but the quotes and sources (the articles' own words), names removed."""
    blocks = [b for b in message["blocks"] if b["type"] != "rich_text"]
    text = all_text({"blocks": blocks})
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, "")
    return text


@pytest.mark.parametrize(
    ("question", "lang", "forecast"),
    [("Meta 2024 资本支出", "zh-Hans", "（预测）"), ("Meta 2024 資本支出", "zh-Hant", "（預估）")],
)
def test_a_chinese_question_gets_a_wholly_chinese_reply_with_the_forecast_marked(
    bot, question, lang, forecast
):
    message = bot.server.command("/fact", question, response_url=bot.slack.response_url("q")).json()
    answer = bot.holder.current.search(question).answers[0]
    assert answer.forecast  # Meta's 2024 capex is guidance
    head = _headline(message)
    assert (
        forecast in head and "2024年" in head and ("350亿至400亿美元" in head or "350億至400億美元" in head)
    )
    chrome = _chrome(message, {"Meta"})  # its own name in every script
    assert not re.search(r"[a-z]{2,}", chrome), chrome  # no English words: labels, buttons, figures
    if lang == "zh-Hant":
        assert S2T.convert(chrome) == chrome  # and nothing left in Simplified
    # the Share posts the headline as seen, forecast and all
    bot.server.post(
        block_actions(buttons(message)["share"][0], response_url=bot.slack.response_url("s")),
        content_type=FORM,
    )
    (shared,) = bot.slack.wait_for("response_url")  # posted in the channel through the response_url
    assert shared.body["response_type"] == "in_channel" and forecast in all_text(shared.body)


def test_an_english_question_stays_english_and_marks_a_forecast(bot):
    message = bot.server.command("/fact", "Meta capex 2024", response_url=bot.slack.response_url("q")).json()
    head = _headline(message)
    assert "(forecast)" in head and "billion" in head
    assert not re.search(r"[\u4e00-\u9fff]", _chrome(message, set()))


def test_the_console_marks_a_forecast_in_the_asker_s_language(settings, holder, state):
    out = io.StringIO()
    console = Console(file=out, width=160, force_terminal=False, color_system=None)
    lines = io.StringIO("/fact Meta 2024 资本支出\n/fact Meta capex 2024\nquit\n")
    assert run_console(settings, holder, state, lines=lines, console=console) == 0
    text = out.getvalue()
    assert "350亿至400亿美元（预测）" in text and "(forecast)" in text


def test_the_understood_line_names_companies_in_the_asker_s_script(store):
    from handlers import render
    from handlers.lookup import search

    hans = render.understood_line(search(store, "fact", "微软 资本支出"))
    hant = render.understood_line(search(store, "fact", "微軟 資本支出"))
    assert "微软" in hans and "微軟" in hant and "Microsoft" not in hans + hant
