"""`factbot` with no arguments, as an operator runs it: the real entry point in a subprocess."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys

from tests.slack_fakes import BOT_TOKEN, SIGNING_SECRET, all_text, eventually, http

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_http_mode_starts_answers_signed_commands_and_stops_on_sigterm(tmp_path, sources, fake_slack):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FACTBOT_"))}
    env |= {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "FACTBOT_SLACK_API_URL": fake_slack.api_url,
        "FACTBOT_HOST": "127.0.0.1",  # loopback only, through the setting operators use
        "FACTBOT_PORT": str(port),
        "FACTBOT_DB": str(tmp_path / "data" / "facts.db"),
        "FACTBOT_SOURCES": str(sources),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli"],
        cwd=tmp_path,
        env=env | {"PYTHONPATH": ROOT},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    came_up = False
    try:

        def healthy():
            try:
                return http(f"http://127.0.0.1:{port}/healthz", timeout=1).status == 200
            except OSError:
                return False

        eventually(lambda: proc.poll() is not None or healthy(), timeout=60)
        came_up = healthy()
        if not came_up:  # e.g. the port was taken meanwhile: the output below says why
            return
        assert fake_slack.of("auth.test"), "the token is checked at start-up"
        from tests.slack_fakes import signed_headers, slash

        body = slash("/fact", "Microsoft capex")
        r = http(
            f"http://127.0.0.1:{port}/slack/events",
            body,
            signed_headers(body, content_type="application/x-www-form-urlencoded"),
        )
        assert r.status == 200 and "Microsoft" in all_text(r.json())
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            out, _ = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
    assert came_up, f"factbot did not come up:\n{out}"
    # uvicorn shuts down gracefully, then re-raises SIGTERM so supervisors see the usual exit
    assert proc.returncode in (0, -signal.SIGTERM), out
    assert "Traceback" not in out
    assert BOT_TOKEN not in out and SIGNING_SECRET not in out  # secrets never logged


def test_bad_settings_stop_start_up_with_one_message(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FACTBOT_"))}
    env |= {"SLACK_BOT_TOKEN": "xoxb-secret-value", "FACTBOT_PORT": "http", "PYTHONPATH": ROOT}
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2
    assert "FACTBOT_PORT" in proc.stderr and "SLACK_SIGNING_SECRET" in proc.stderr
    assert "secret-value" not in proc.stderr
