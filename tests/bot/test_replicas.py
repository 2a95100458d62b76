"""Three HTTP-mode replicas on loopback behind a real nginx (deploy/nginx.conf as shipped),
sharing one PostgreSQL state database and nothing else: each has its own store directory
(issue 4 item 4, issue 10 item 9).

Each replica is the real stack — settings, open_state, StoreHolder, build_app, make_asgi under
uvicorn — in this process; what they share goes only through PostgreSQL: a reload publishes the
new store file there once, by SHA-256, and every other replica downloads it into its own folder,
verifies the hash and swaps.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.app import build_app
from bot.console import ListenerTracker
from bot.holder import StoreHolder
from bot.replication import fetch_store_file, file_sha256
from bot.serve import make_asgi
from bot.settings import Settings, load_settings
from bot.state import StoreRecord, open_state
from bot.state.postgres import PostgresState
from store import StoreError, generations
from tests.services import NGINX, NginxProxy, example_site, unavailable
from tests.slack_fakes import (
    BOT_TOKEN,
    SIGNING_SECRET,
    BotServer,
    all_text,
    block_actions,
    event,
    eventually,
    feedback,
    http,
    mention,
    signed_headers,
    slash,
)
from tests.slack_fixtures import ADMIN

FORM = "application/x-www-form-urlencoded"
REPLICAS = 3


@dataclass
class Replica:
    name: str
    settings: Settings
    state: PostgresState
    holder: StoreHolder
    server: BotServer
    hits: list[str]
    listeners: ListenerTracker


def counting(asgi, hits: list[str]):
    """The replica's ASGI app, recording the path of every request it serves."""

    async def app(scope, receive, send):
        if scope["type"] == "http":
            hits.append(scope["path"])
        await asgi(scope, receive, send)

    return app


@pytest.fixture
def fleet(postgres_db, tmp_path, sources, seed_db, fake_slack):
    """Three replicas, each following published generations every 0.2 s, behind nginx."""
    import os

    if not os.access(NGINX, os.X_OK):
        unavailable("nginx is not installed (apt-get install nginx)")
    replicas: list[Replica] = []
    proxy = None
    try:
        for i in range(REPLICAS):
            # a store directory per replica; only the first has a store file to begin with
            db = tmp_path / f"store-r{i}" / "facts.db"
            db.parent.mkdir()
            if i == 0:
                shutil.copy(seed_db, db)
            settings = load_settings(
                SLACK_BOT_TOKEN=BOT_TOKEN,
                SLACK_SIGNING_SECRET=SIGNING_SECRET,
                FACTBOT_ADMINS=ADMIN,
                FACTBOT_DB=str(db),
                FACTBOT_SOURCES=str(sources),
                FACTBOT_STATE_DSN=postgres_db,
                FACTBOT_SLACK_API_URL=fake_slack.api_url,
            )
            state = open_state(settings)
            assert isinstance(state, PostgresState)
            holder = StoreHolder.open(db=settings.db, sources=settings.sources, state=state)
            holder.start_following(interval=0.2)
            hits: list[str] = []
            listeners = ListenerTracker()
            app = build_app(settings, holder, state, listener_executor=listeners, outbox_executor=listeners)
            server = BotServer(counting(make_asgi(app, holder, settings), hits))
            replicas.append(Replica(f"r{i}", settings, state, holder, server, hits, listeners))
        ports = [int(r.server.url.rsplit(":", 1)[1]) for r in replicas]
        proxy = NginxProxy.start_site(lambda port: example_site(port, ports))
        yield proxy, replicas
    finally:
        if proxy is not None:
            proxy.stop()
        for replica in replicas:
            replica.server.close()
            replica.holder.close()
            replica.state.close()


def post(proxy: NginxProxy, body: str, *, content_type: str, **kwargs):
    return http(f"{proxy.url}/slack/events", body, signed_headers(body, content_type=content_type, **kwargs))


def test_lookups_are_spread_over_every_replica(fleet):
    proxy, replicas = fleet
    for _ in range(2 * REPLICAS):
        r = post(proxy, slash("/fact", "Microsoft capex"), content_type=FORM)
        assert r.status == 200
        assert "Microsoft" in all_text(r.json())
    assert [r.hits.count("/slack/events") for r in replicas] == [2] * REPLICAS


def test_a_retry_landing_on_another_replica_is_not_answered_again(fleet, fake_slack):
    proxy, replicas = fleet
    body = event(mention("Microsoft capex", ts="1700000100.000100"), event_id="EvREPLICA1")
    assert post(proxy, body, content_type="application/json").status == 200
    for n in (1, 2):
        retry = post(
            proxy,
            body,
            content_type="application/json",
            extra={"X-Slack-Retry-Num": str(n), "X-Slack-Retry-Reason": "http_timeout"},
        )
        assert retry.status == 200
    # Round-robin put the delivery and its two retries on three different replicas.
    assert [r.hits.count("/slack/events") for r in replicas] == [1] * REPLICAS
    fake_slack.wait_for("chat.postMessage")
    for r in replicas:  # every delivery's listener has finished: a wrongly accepted retry has posted
        r.listeners.wait_idle()
    assert len(fake_slack.of("chat.postMessage")) == 1


def test_a_reload_on_one_replica_reaches_every_replica_without_restart(fleet, fake_slack):
    proxy, replicas = fleet
    before = {r.holder.generation for r in replicas}
    assert len(before) == 1
    (old,) = before
    ack = post(
        proxy,
        slash("/factadmin", "reload", user=ADMIN, response_url=fake_slack.response_url("reload")),
        content_type=FORM,
    )
    assert ack.status == 200
    (report,) = fake_slack.wait_for("response_url", timeout=60)
    assert str(old + 1) in all_text(report.body)
    reloaded = [r for r in replicas if r.hits.count("/slack/events") == 1]
    assert len(reloaded) == 1

    # The others follow within seconds, seen from outside through nginx's /healthz.
    def every_replica_serves_the_new_generation() -> bool:
        seen = [http(f"{proxy.url}/healthz").json()["generation"] for _ in range(REPLICAS)]
        return seen == [old + 1] * REPLICAS

    assert eventually(every_replica_serves_the_new_generation, timeout=10)
    assert all(r.hits.count("/healthz") >= 1 for r in replicas)
    # each from its own directory, the same bytes: downloaded from PostgreSQL and verified
    paths = [Path(r.holder.current.path) for r in replicas]
    assert len({p.parent for p in paths}) == REPLICAS and len({p.name for p in paths}) == 1
    assert len({file_sha256(p) for p in paths}) == 1
    # and a lookup on any of them is answered from it
    for _ in range(REPLICAS):
        assert "Microsoft" in all_text(
            post(proxy, slash("/fact", "Microsoft capex"), content_type=FORM).json()
        )


def test_replicas_without_a_store_fetch_the_published_one_into_their_own_directory(fleet):
    _, replicas = fleet
    first = Path(replicas[0].holder.current.path)
    record = replicas[0].state.current_store()
    assert record is not None and record.sha256 == file_sha256(first)
    for r in replicas[1:]:
        mine = Path(r.holder.current.path)
        assert mine.parent != first.parent and mine.parent == r.settings.db.parent
        assert file_sha256(mine) == record.sha256
        assert generations.live_path(r.settings.db) == mine  # its own pointer names it
        assert r.holder.current.search("Microsoft capex").answers


def test_a_published_store_that_arrives_damaged_is_refused(fleet, tmp_path):
    _, replicas = fleet
    state = replicas[0].state
    record = state.current_store()
    assert record is not None and record.sha256
    damaged = StoreRecord(record.path, record.generation + 7, record.at, "0" * 64)
    state.publish_store_file("0" * 64, record.generation + 7, [b"not the store it claims to be"])
    with pytest.raises(StoreError, match="damaged"):
        fetch_store_file(tmp_path / "elsewhere" / "facts.db", state, damaged)
    assert not list((tmp_path / "elsewhere").glob("*.db"))


def test_feedback_given_on_different_replicas_adds_up(fleet, fake_slack):
    proxy, replicas = fleet
    answer = post(proxy, slash("/fact", "Microsoft capex"), content_type=FORM).json()
    up = feedback(answer)
    for user in ("UBOB", "UCAROL", "UDAVE"):
        r = post(
            proxy, block_actions(up, user=user, response_url=fake_slack.response_url()), content_type=FORM
        )
        assert r.status == 200
    # The answer and three clicks went to 3 replicas round-robin: the votes landed on several.
    assert sum(1 for r in replicas if r.hits.count("/slack/events") >= 1) == REPLICAS
    fake_slack.wait_for("response_url", 3)  # each vote answered: recorded before the reply
    totals = [r.state.feedback_totals() for r in replicas]
    assert totals[0] == totals[1] == totals[2]
    assert sum(u for u, _ in totals[0].values()) == 3
