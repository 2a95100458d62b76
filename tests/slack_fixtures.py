"""pytest fixtures for the bot's tests: a real store built from the seed articles, the state
database, settings, the fake Slack and the bot served over HTTP. Imported by tests/bot and
tests/handlers conftest files."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from slack_bolt import App

from bot.app import build_app
from bot.console import ListenerTracker
from bot.holder import StoreHolder
from bot.serve import make_asgi
from bot.settings import ENV_NAMES, Settings, load_settings
from bot.state import SqliteState
from store import FactStore, build_store, open_store
from tests.slack_fakes import BOT_TOKEN, SIGNING_SECRET, BotServer, FakeSlack

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
ADMIN = "UADMIN1"


@pytest.fixture(autouse=True)
def no_slack_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never pick up a developer's real Slack settings."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def seed_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fact store built once from seeds/ with the real builder."""
    path = tmp_path_factory.mktemp("seed-store") / "facts.db"
    build_store(SEEDS, path)
    return path


@pytest.fixture(scope="session")
def store(seed_db: Path) -> Iterator[FactStore]:
    s = open_store(seed_db)
    yield s
    s.close()


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    """A private copy of the seed articles (reload tests change it)."""
    folder = tmp_path / "sources"
    shutil.copytree(SEEDS, folder)
    return folder


@pytest.fixture
def state(tmp_path: Path) -> Iterator[SqliteState]:
    s = SqliteState(tmp_path / "state.db")
    yield s
    s.close()


@pytest.fixture
def holder(tmp_path: Path, seed_db: Path, sources: Path, state: SqliteState) -> Iterator[StoreHolder]:
    db = tmp_path / "data" / "facts.db"
    db.parent.mkdir()
    shutil.copy(seed_db, db)
    h = StoreHolder.open(db=db, sources=sources, state=state)
    yield h
    h.close()


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack()
    yield fake
    fake.close()


@pytest.fixture
def settings(tmp_path: Path, holder: StoreHolder, sources: Path, fake_slack: FakeSlack) -> Settings:
    return load_settings(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        FACTBOT_ADMINS=ADMIN,
        FACTBOT_DB=str(tmp_path / "data" / "facts.db"),
        FACTBOT_SOURCES=str(sources),
        FACTBOT_STATE=str(tmp_path / "state.db"),
        FACTBOT_SLACK_API_URL=fake_slack.api_url,
    )


@dataclass
class RunningBot:
    server: BotServer
    slack: FakeSlack
    app: App
    holder: StoreHolder
    state: SqliteState
    # Bolt's listener executor: `listeners.wait_idle()` returns once every listener started by the
    # requests sent so far has finished — how a test knows nothing more will be posted.
    listeners: ListenerTracker


@pytest.fixture
def bot(
    settings: Settings, holder: StoreHolder, state: SqliteState, fake_slack: FakeSlack
) -> Iterator[RunningBot]:
    """factbot in HTTP mode on loopback, talking to the fake Slack."""
    listeners = ListenerTracker()
    app = build_app(settings, holder, state, listener_executor=listeners, outbox_executor=listeners)
    server = BotServer(make_asgi(app, holder, settings))
    yield RunningBot(server, fake_slack, app, holder, state, listeners)
    server.close()
    app.outbox.close()
    listeners.shutdown(wait=False)
