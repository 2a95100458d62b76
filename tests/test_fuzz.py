"""Property tests (hypothesis) on the parsers a request goes through (issue 8 item 9): question
cleaning, button values, the request envelope, the number and period parsers and the query
reader. Whatever the input, each returns its kind of result or raises one of the project's own
errors (store.StoreError, handlers.errors.FactbotError) — never anything else.

The budget is fixed and derandomized, so CI runs the same examples every time in a few seconds;
a failing example is printed by hypothesis and belongs in a regular test.
"""

from __future__ import annotations

import datetime
import json
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from slack_bolt import BoltRequest

from bot.app import is_slack_url, response_url_hosts
from handlers.errors import FactbotError
from handlers.lookup import MAX_QUERY, clean_question
from handlers.payloads import PageValue, Press, ShareValue, VoteValue, envelope_problem
from store import (
    StoreError,
    build_store,
    normalise_query,
    open_store,
    parse_period,
    parse_quantities,
    published_date,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

FUZZ = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
SLOW_FUZZ = settings(FUZZ, max_examples=60)  # each example searches the store

# Text shaped like what the parsers meet: figures, Chinese numerals and units, periods, dates,
# company names, Slack markup, invisible and control characters — and anything at all.
DOMAIN = list(
    "0123456789.,%-+~ 亿万千百十零一二三四五六七八九两美元人民币港元台币年月日季度财第上下半前后同比环比增长下降约超过至逾近"
    "QqHhFfYyBbMmKk$¥€：:/（）()—–《》“”'\"<>@|*_`#\n\t"
    "微软谷歌英伟达阿里腾讯百度Meta Microsoft Google OpenAI capex revenue valuation 2024 2025 FY"
) + ["\u200b", "\u200d", "\u2060", "\ufeff", "\u202e", "\u0000", "\u00ad", "\u3000", "２", "０"]
TEXT = st.one_of(st.text(alphabet=st.sampled_from(DOMAIN), max_size=80), st.text(max_size=80))


# --- question cleaning ---------------------------------------------------------------------------

INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff]")


@FUZZ
@given(TEXT)
@example("Micro\u200dsoft capex")
@example("<@U123ABC> " * 200)
def test_clean_question_is_short_clean_and_stable(text):
    cleaned = clean_question(text)
    assert isinstance(cleaned, str) and len(cleaned) <= MAX_QUERY
    assert cleaned == cleaned.strip() and "  " not in cleaned
    assert not INVISIBLE.search(cleaned)
    assert not any(unicodedata.category(c) == "Cc" for c in cleaned)
    assert clean_question(cleaned) == cleaned


@FUZZ
@given(TEXT)
def test_normalise_query_never_raises_and_is_stable(text):
    once = normalise_query(text)
    assert isinstance(once, str) and once == once.strip()
    assert not any(unicodedata.category(c) == "Cc" for c in once)
    assert normalise_query(once) == once


@pytest.mark.parametrize("text,expected", [("Micro\u200dsoft", "Microsoft"), ("微\u200b软", "微软")])
def test_normalise_query_removes_zero_width_characters(text, expected):
    assert normalise_query(text) == expected


# --- button values and the request envelope ------------------------------------------------------

QUERY = st.text(max_size=60)
FACT_ID = st.from_regex(r"[0-9a-f]{16}", fullmatch=True)
KIND = st.sampled_from(["fact", "spend", "bench"])
POSITION = st.integers(0, 10_000)

VALUES = {
    PageValue: st.builds(
        PageValue,
        k=KIND,
        q=QUERY,
        o=POSITION,
        i=st.none() | POSITION,
        f=st.none() | FACT_ID,
        r=st.booleans(),
    ),
    ShareValue: st.builds(
        ShareValue, k=KIND, q=QUERY, i=POSITION, f=FACT_ID, h=st.text(min_size=1, max_size=100)
    ),
    VoteValue: st.builds(
        VoteValue, f=FACT_ID, v=st.sampled_from([1, -1]), k=KIND, q=QUERY, i=st.none() | POSITION
    ),
}

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=5),
    max_leaves=20,
)
# Dicts with our own keys, so the fuzzer reaches the checks behind "is it an object".
OUR_KEYS = st.dictionaries(st.sampled_from(["k", "q", "o", "i", "f", "r", "h", "v"]), JSON, max_size=8)


@pytest.mark.parametrize("model", list(VALUES), ids=lambda m: m.__name__)
def test_values_we_write_are_read_back_exactly(model):
    @FUZZ
    @given(VALUES[model])
    def check(value):
        text = value.to_value()
        assert len(text) <= 2000
        assert model.parse(text) == value

    check()


@pytest.mark.parametrize("model", list(VALUES), ids=lambda m: m.__name__)
def test_any_other_value_is_a_stale_button(model):
    @FUZZ
    @given(st.one_of(TEXT, JSON.map(json.dumps), OUR_KEYS.map(json.dumps)))
    @example('{"k":"fact","q":"x","o":1e400}')
    @example('{"k":"fact","q":"x","i":0,"f":{"$ne":1},"h":"x"}')
    def check(value):
        try:
            parsed = model.parse(value)
        except FactbotError:
            return
        assert isinstance(parsed, model)

    check()


ENVELOPE = st.fixed_dictionaries(
    {},
    optional={
        key: JSON
        for key in (
            "type",
            "event",
            "event_id",
            "team",
            "user",
            "channel",
            "enterprise",
            "authorizations",
            "actions",
            "response_url",
            "response_urls",
            "command",
            "text",
            "view",
            "message",
            "container",
            "is_ext_shared_channel",
            "function_data",
            "thread_ts",
        )
    },
)


@FUZZ
@given(st.one_of(JSON, ENVELOPE, ENVELOPE.map(lambda d: {**d, "type": "event_callback"})))
def test_a_body_the_envelope_accepts_is_one_bolt_can_read(body):
    """envelope_problem never raises; what it accepts, Bolt builds its request context from
    without raising (where a 500 and a traceback used to come from)."""
    problem = envelope_problem(body)
    if problem is not None:
        assert isinstance(problem, str) and len(problem) < 200
        return
    BoltRequest(body=json.dumps(body), headers={"content-type": "application/json"})


@FUZZ
@given(JSON, JSON)
def test_a_press_is_read_or_refused_whatever_the_body(body, action):
    try:
        press = Press.of(body, action)
    except FactbotError:
        return
    assert all(
        isinstance(part, str) for part in (press.user, press.channel, press.message_ts, press.action_ts)
    )


@FUZZ
@given(st.one_of(TEXT, JSON, st.from_regex(r"https?://[^/]{0,20}/.{0,10}", fullmatch=True)))
@example("https://[::1/x")
@example("https://hooks.slack.com:99999/x")
def test_any_response_url_is_judged_without_raising(url):
    assert is_slack_url(url, response_url_hosts("https://slack.com/api/")) in (True, False)


# --- numbers, periods, dates ---------------------------------------------------------------------


@FUZZ
@given(TEXT)
@example("资本支出同比增长79%至140亿美元")
@example("9" * 400 + "亿")
def test_parse_quantities_returns_values(text):
    try:
        values = parse_quantities(text)
    except StoreError:
        return
    assert isinstance(values, list)
    for v in values:
        assert 0 <= v.start <= v.end <= len(text)


@FUZZ
@given(TEXT, st.none() | st.integers(1900, 2100))
@example("2024财年第二财季财报会上", None)
def test_parse_period_returns_a_period_or_none(text, year):
    try:
        period = parse_period(text, year)
    except StoreError:
        return
    assert period is None or isinstance(period.label, str)


DATELINE = st.builds(
    "{}{}{}{}{}{}".format,
    st.integers(1000, 9999).map(str),
    st.sampled_from(["-", "年", "/", "."]),
    st.integers(0, 99).map(str),
    st.sampled_from(["-", "月", "/", "."]),
    st.integers(0, 99).map(str),
    st.sampled_from(["", "日", " 电", "日电"]),
)


@FUZZ
@given(st.one_of(TEXT, DATELINE), st.one_of(TEXT, DATELINE.map(lambda d: d.replace("年", "") + ".txt")))
@example("2024-05-17 新华社", "")
@example("2024-13-45 电", "")
def test_published_date_is_a_real_iso_date_or_none(head, file_name):
    try:
        date = published_date(head, file_name)
    except StoreError:
        return
    assert date is None or datetime.date.fromisoformat(date)


@pytest.mark.parametrize("head", ["2024年2月30日电", "2025-04-31 新华社"])
def test_published_date_refuses_days_the_month_does_not_have(head):
    date = published_date(head)
    assert date is None or datetime.date.fromisoformat(date)


# --- the query reader ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz-store") / "facts.db"
    build_store(SEEDS, path)
    store = open_store(path)
    yield store
    store.close()


def test_understand_and_search_take_any_question(fuzz_store):
    @SLOW_FUZZ
    @given(TEXT, st.integers(0, 50), st.sampled_from([None, {"capex"}, {"benchmark"}]), st.booleans())
    @example("Micro\u200dsoft capex 2024", 0, None, False)
    @example("🙂🤖💸", 0, None, False)
    def check(question, offset, metrics, newest_first):
        understood = fuzz_store.understand(question)
        assert isinstance(understood.entities, list)
        try:
            result = fuzz_store.search(question, offset=offset, metrics=metrics, newest_first=newest_first)
        except StoreError:
            return
        assert len(result.answers) <= 3
        for answer in result.answers:
            assert answer.quote and fuzz_store.fact(answer.fact_id) is not None

    check()
