"""Articles from Slack: `/factadmin add` with pasted text, over real HTTP against the Slack stand-in."""

from __future__ import annotations

from tests.slack_fakes import all_text, event
from tests.slack_fixtures import ADMIN

ARTICLE = (
    "title: 苹果资本支出创新高\n"
    "outlet: 测试日报\n"
    "url: https://example.com/apple-capex\n"
    "published: 2025-03-01\n"
    "2025年3月1日,苹果公司称其资本支出同比增长12%至330亿美元。\n"
    "苹果公司表示,其服务业务营收达到240亿美元。\n"
    "库克称,苹果计划在未来四年在美国投资5000亿美元。\n"
)


def _add(bot, text: str, user: str = ADMIN, key: str = "add"):
    return bot.server.command(
        "/factadmin", f"add\n{text}", user=user, response_url=bot.slack.response_url(key)
    )


def test_an_admin_adds_an_article_and_sees_what_it_added(bot, sources):
    before = bot.holder.generation
    ack = _add(bot, ARTICLE)
    assert ack.status == 200 and "Checking" in all_text(ack.json())
    (reply,) = bot.slack.wait_for("response_url", timeout=60)
    text = all_text(reply.body)
    assert "Added 苹果资本支出创新高: +" in text and f"generation {before + 1}" in text
    assert all(f in text for f in ("330亿美元", "240亿美元", "5000亿美元"))  # three of its facts
    # saved into the sources folder with its metadata as front matter
    (saved,) = [p for p in sources.iterdir() if p.name.startswith("slack-")]
    content = saved.read_text(encoding="utf-8")
    assert content.startswith("---\ntitle: 苹果资本支出创新高\noutlet: 测试日报\n")
    # answerable at once, with its source described
    answer = bot.holder.current.search("Apple capex").to_dict()["answers"][0]
    assert "330亿美元" in answer["quote"]
    assert answer["source"]["title"] == "苹果资本支出创新高" and answer["source"]["outlet"] == "测试日报"
    # an incremental reload: only the new article was read
    assert bot.holder.current.stats().articles == 6
    entry = bot.state.audit_log(1)[0]
    assert entry.action == "/factadmin add" and entry.detail.startswith(f"added {saved.name}: +")


def test_an_article_without_facts_is_refused_with_the_reason_and_not_saved(bot, sources):
    before = sorted(p.name for p in sources.iterdir())
    _add(bot, "今天天气很好，我们去公园散步。\n晚上回家吃饭。")
    (reply,) = bot.slack.wait_for("response_url", timeout=60)
    assert "Not added" in all_text(reply.body) and "no facts" in all_text(reply.body)
    assert sorted(p.name for p in sources.iterdir()) == before
    assert bot.state.audit_log(1)[0].detail.startswith("refused:")


def test_the_same_article_twice_is_refused(bot):
    _add(bot, ARTICLE, key="first")
    bot.slack.wait_for("response_url", timeout=60)
    _add(bot, ARTICLE, key="second")
    calls = bot.slack.wait_for("response_url", 2, timeout=60)
    assert "already in the archive" in all_text(calls[1].body)


def test_non_admins_cannot_add(bot, sources):
    before = sorted(p.name for p in sources.iterdir())
    ack = _add(bot, ARTICLE, user="UALICE")
    assert ack.status == 200 and "Checking" not in all_text(ack.json())
    assert sorted(p.name for p in sources.iterdir()) == before
    entry = bot.state.audit_log(1)[0]
    assert not entry.allowed and entry.user == "UALICE"


def test_add_without_text_shows_how(bot):
    ack = bot.server.command("/factadmin", "add", user=ADMIN, response_url=bot.slack.response_url("x"))
    assert "Usage: `/factadmin add`" in all_text(ack.json())


def _send_file(bot, name: str, data: bytes, user: str = ADMIN, event_id: str = "EvFILE1"):
    file_id = bot.slack.share_file(name, data)
    body = event(
        {
            "type": "message",
            "subtype": "file_share",
            "channel_type": "im",
            "channel": "DADMIN",
            "user": user,
            "text": "",
            "ts": "1700000000.000100",
            "files": [{"id": file_id, "name": name}],
        },
        event_id=event_id,
    )
    assert bot.server.post(body, content_type="application/json").status == 200
    return file_id


FILE_ARTICLE = (
    "---\ntitle: 苹果资本支出\noutlet: 测试日报\n---\n"
    "2025年3月1日,苹果公司称其资本支出同比增长12%至330亿美元。\n"
    "苹果公司表示,其服务业务营收达到240亿美元。\n"
)


def test_an_admin_sends_a_text_file_and_it_is_added(bot, sources):
    _send_file(bot, "apple.txt", FILE_ARTICLE.encode("utf-8"))
    (reply,) = bot.slack.wait_for("chat.postMessage", timeout=60)
    text = all_text(reply.body)
    assert "Added 苹果资本支出: +" in text and "330亿美元" in text
    (download,) = bot.slack.of("download")
    assert download.headers["Authorization"].startswith("Bearer ")
    (saved,) = [p for p in sources.iterdir() if p.name.startswith("slack-")]
    assert saved.read_text(encoding="utf-8").startswith("---\ntitle: 苹果资本支出\n")
    assert bot.holder.current.search("Apple capex").answers
    assert bot.state.audit_log(1)[0].detail.startswith(f"added {saved.name}")


def test_a_file_that_is_not_an_article_is_refused_with_the_reason(bot, sources):
    before = sorted(p.name for p in sources.iterdir())
    _send_file(bot, "notes.txt", "今天天气很好。\n".encode(), event_id="EvFILE2")
    _send_file(bot, "latin1.txt", "Café crème: capex".encode("latin-1"), event_id="EvFILE3")
    replies = bot.slack.wait_for("chat.postMessage", 2, timeout=60)
    texts = sorted(all_text(r.body) for r in replies)
    assert any("no facts" in t for t in texts) and any("not UTF-8" in t for t in texts)
    assert sorted(p.name for p in sources.iterdir()) == before


def test_a_non_admin_sending_a_file_is_refused(bot, sources):
    before = sorted(p.name for p in sources.iterdir())
    _send_file(bot, "apple.txt", FILE_ARTICLE.encode("utf-8"), user="UALICE", event_id="EvFILE4")
    (reply,) = bot.slack.wait_for("chat.postMessage", timeout=60)
    assert "Only admins" in all_text(reply.body)
    assert not bot.slack.of("download")
    assert sorted(p.name for p in sources.iterdir()) == before
