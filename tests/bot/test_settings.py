"""Settings: environment names, one message naming every problem, secrets never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.serve import serve
from bot.settings import SettingsError, load_paths, load_settings


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no stray .env
    (tmp_path / "seeds").mkdir()


def test_defaults_run_the_local_console():
    s = load_settings()
    assert s.mode == "console" and s.port == 3000 and s.admins == frozenset()
    assert s.slack_api_url == "https://slack.com/api/" and s.state_path == Path("data/state.db")


@pytest.mark.parametrize(
    "env,mode",
    [
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}, "socket"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}, "http"),
        ({"SLACK_BOT_TOKEN": " ", "SLACK_SIGNING_SECRET": ""}, "console"),
    ],
)
def test_mode_follows_what_is_configured(env, mode, monkeypatch):
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    assert load_settings().mode == mode


def test_env_file_is_read(tmp_path):
    (tmp_path / ".env").write_text("FACTBOT_ADMINS=UABC123, WDEF456\nFACTBOT_PORT=8080\n", encoding="utf-8")
    s = load_settings()
    assert s.admins == {"UABC123", "WDEF456"} and s.port == 8080


def test_every_problem_is_named_at_once_and_secrets_never_appear(monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxp-super-secret-value")
    monkeypatch.setenv("SLACK_APP_TOKEN", "not-an-app-token-secret")
    monkeypatch.setenv("FACTBOT_PORT", "eighty")
    monkeypatch.setenv("FACTBOT_ADMINS", "UOK123,alice")
    monkeypatch.setenv("FACTBOT_SLACK_API_URL", "slack.com/api")
    with pytest.raises(SettingsError) as e:
        load_settings()
    message = str(e.value)
    for name in (
        "SLACK_BOT_TOKEN",
        "SLACK_APP_TOKEN",
        "FACTBOT_PORT",
        "FACTBOT_ADMINS",
        "FACTBOT_SLACK_API_URL",
    ):
        assert name in message
    assert "super-secret" not in message and "not-an-app-token-secret" not in message
    assert "alice" not in message and "entry 2 of 2" in message  # which one, by position only


@pytest.mark.parametrize(
    "env,missing",
    [
        ({"SLACK_APP_TOKEN": "xapp-1"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        ({"SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN"),
        ({"FACTBOT_SOURCES": "nowhere", "FACTBOT_DB": "nothing.db"}, "FACTBOT_SOURCES"),
    ],
)
def test_missing_companions_are_named(env, missing, monkeypatch):
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    with pytest.raises(SettingsError, match=missing):
        load_settings()


def test_secrets_do_not_print(monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-hidden-token")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "hidden-secret")
    s = load_settings()
    assert "hidden" not in repr(s) and "hidden" not in str(s.model_dump())


def test_serve_stops_with_the_message_and_exit_code_2(monkeypatch, capsys):
    monkeypatch.setenv("FACTBOT_PORT", "99999")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-secret-1")
    assert serve() == 2
    err = capsys.readouterr().err
    assert "FACTBOT_PORT" in err and "SLACK_BOT_TOKEN" in err and "secret-1" not in err


def test_load_paths_ignores_slack_problems(monkeypatch, tmp_path):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "bad")
    monkeypatch.setenv("FACTBOT_DB", str(tmp_path / "x.db"))
    sources, db, lexicon = load_paths(Path("default-seeds"), Path("default.db"))
    assert (sources, db, lexicon) == (Path("default-seeds"), tmp_path / "x.db", [])


def test_host_defaults_to_all_interfaces_and_can_be_loopback(monkeypatch):
    from bot.settings import load_settings

    monkeypatch.delenv("FACTBOT_HOST", raising=False)
    assert load_settings().host == "0.0.0.0"
    monkeypatch.setenv("FACTBOT_HOST", "127.0.0.1")
    assert load_settings().host == "127.0.0.1"
