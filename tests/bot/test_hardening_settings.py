"""Start-up and settings messages name the setting and say what is wrong, never echo its value;
an unreachable Slack API is one clear line and a non-zero exit (issue 8 item 8)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys

import pytest

from bot.settings import ENV_NAMES, SettingsError, load_settings

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MARKER = "xoxb-PASTED-SECRET-9f8e7d"

# A value for each setting that is wrong, carrying MARKER where the setting can carry text.
BAD = {
    "SLACK_BOT_TOKEN": "xoxp-" + MARKER,
    "SLACK_APP_TOKEN": MARKER,
    "FACTBOT_ADMINS": f"U012ABCDEF,{MARKER}",
    "FACTBOT_LEXICON": f"/nowhere/{MARKER}",
    "FACTBOT_STATE_DSN": f"mysql://root:{MARKER}@db/x",
    "FACTBOT_PORT": MARKER,
    "FACTBOT_SLACK_API_URL": MARKER,
    "FACTBOT_MAX_BODY_BYTES": MARKER,
    "FACTBOT_HOST": "",
}


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no stray .env
    (tmp_path / "seeds").mkdir()


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_setting_is_named_and_its_value_never_shown(name, monkeypatch):
    monkeypatch.setenv(name, BAD[name])
    with pytest.raises(SettingsError) as e:
        load_settings()
    message = str(e.value)
    assert name in message
    assert MARKER not in message and "PASTED" not in message


def test_every_setting_with_garbage_never_echoes_it(monkeypatch):
    """Whatever the settings are (including ones added later), garbage in one of them is
    reported without repeating it."""
    for name in ENV_NAMES:
        for garbage in (MARKER, f"{MARKER},{MARKER}", f"postgresql://u:{MARKER}@h/db", "-1"):
            monkeypatch.setenv(name, garbage)
            try:
                load_settings()
            except SettingsError as e:
                assert MARKER not in str(e), (name, str(e))
            monkeypatch.delenv(name)


def test_sources_and_store_both_missing_names_them_without_their_paths(monkeypatch):
    monkeypatch.setenv("FACTBOT_SOURCES", f"/nowhere/{MARKER}")
    monkeypatch.setenv("FACTBOT_DB", f"/nowhere/{MARKER}.db")
    with pytest.raises(SettingsError) as e:
        load_settings()
    assert "FACTBOT_SOURCES" in str(e.value) and "FACTBOT_DB" in str(e.value)
    assert MARKER not in str(e.value)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_slack_api_is_one_line_and_exit_1(tmp_path, seed_db):
    db = tmp_path / "data" / "facts.db"
    db.parent.mkdir()
    shutil.copy(seed_db, db)
    port = _free_port()  # nothing listens there
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FACTBOT_"))}
    env |= {
        "SLACK_BOT_TOKEN": "xoxb-" + MARKER,
        "SLACK_SIGNING_SECRET": MARKER,
        "FACTBOT_SLACK_API_URL": f"http://127.0.0.1:{port}/api/",
        "FACTBOT_HOST": "127.0.0.1",
        "FACTBOT_PORT": str(_free_port()),
        "FACTBOT_DB": str(db),
        "FACTBOT_SOURCES": str(tmp_path / "none"),
        "PYTHONPATH": ROOT,
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines == [lines[0]] and lines[0].startswith(
        "factbot cannot start: the Slack API (FACTBOT_SLACK_API_URL) cannot be reached"
    ), done.stderr
    assert "Traceback" not in done.stderr and MARKER not in done.stderr and str(port) not in done.stderr
