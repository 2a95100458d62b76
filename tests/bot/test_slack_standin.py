"""The one stand-in for Slack's Web API (bot/slack_standin.py): it answers as Slack does, and it is
the only one — the console, the tests and the load benchmark all talk to it."""

from __future__ import annotations

import ast
import io
import json
from pathlib import Path

import pytest
from rich.console import Console
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.console import LocalSlack
from bot.slack_standin import Fault, SlackStandIn
from tests.slack_fakes import FakeSlack, http

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "handlers", "store", "benchmarks")


@pytest.fixture
def slack():
    s = SlackStandIn(token="xoxb-good")
    yield s
    s.close()


def client(slack: SlackStandIn, token: str = "xoxb-good") -> WebClient:
    return WebClient(token=token, base_url=slack.api_url)


def error_of(call) -> str:
    with pytest.raises(SlackApiError) as e:
        call()
    return e.value.response["error"]


def test_answers_the_methods_factbot_calls(slack):
    c = client(slack)
    assert c.auth_test()["user_id"]
    posted = c.chat_postMessage(channel="C1", text="hi")
    assert posted["ts"] and slack.of("chat.postMessage")[0].body == {"channel": "C1", "text": "hi"}
    assert c.views_open(trigger_id="1.2", view={"type": "modal", "blocks": []})["view"]["id"]
    assert c.views_publish(user_id="U1", view={"type": "home", "blocks": []})["ok"]
    uploaded = c.files_upload_v2(content=b"\x89PNG", filename="c.png", title="c")
    assert slack.uploads[uploaded["file"]["id"]] == b"\x89PNG"


@pytest.mark.parametrize(
    ("method", "args", "error"),
    [
        ("no.such.method", {}, "unknown_method"),
        ("chat.postMessage", {"text": "hi"}, "channel_not_found"),
        ("chat.postMessage", {"channel": "C1"}, "no_text"),
        ("views.open", {"view": {"type": "modal"}}, "invalid_trigger_id"),
        ("views.publish", {"user_id": "U1"}, "invalid_arguments"),
        ("files.info", {}, "file_not_found"),
        ("files.completeUploadExternal", {"files": json.dumps([{"id": "Fnever"}])}, "file_not_found"),
    ],
)
def test_unknown_methods_and_missing_arguments_fail_as_in_slack(slack, method, args, error):
    assert error_of(lambda: client(slack).api_call(method, json=args)) == error


def test_missing_field_is_named_as_slack_names_it(slack):
    with pytest.raises(SlackApiError) as e:
        client(slack).views_publish(user_id="U1", view=None)  # type: ignore[arg-type]
    assert e.value.response["response_metadata"]["messages"] == ["[ERROR] missing required field: view"]


def test_tokens_are_checked(slack):
    assert error_of(lambda: client(slack, "xoxb-bad").auth_test()) == "invalid_auth"
    assert http(slack.api_url + "auth.test", "").json()["error"] == "not_authed"


def test_planned_faults_answer_in_order_then_slack_recovers(slack):
    slack.plan("chat.postMessage", Fault(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "7"}))
    slack.fail_next("chat.postMessage")
    body = json.dumps({"channel": "C1", "text": "hi"})
    headers = {"Authorization": "Bearer xoxb-good", "Content-Type": "application/json"}
    limited = http(slack.api_url + "chat.postMessage", body, headers)
    assert (limited.status, limited.headers["Retry-After"]) == (429, "7")
    assert http(slack.api_url + "chat.postMessage", body, headers).status == 500
    assert http(slack.api_url + "chat.postMessage", body, headers).json()["ok"] is True
    assert [c.status for c in slack.of("chat.postMessage")] == [429, 500, 200]


def test_a_fault_hook_is_asked_on_every_call(slack):
    slack.fault_hook = lambda method, body: Fault() if body.get("channel") == "CDOWN" else None
    assert error_of(lambda: client(slack).chat_postMessage(channel="CDOWN", text="x")) == "fatal_error"
    assert client(slack).chat_postMessage(channel="CUP", text="x")["ok"]


def test_the_console_and_the_tests_use_the_one_stand_in():
    local = LocalSlack(Console(file=io.StringIO()))
    try:
        assert isinstance(local.slack, SlackStandIn)
    finally:
        local.stop()
    assert issubclass(FakeSlack, SlackStandIn)
    load = (ROOT / "benchmarks" / "load.py").read_text()
    assert "from bot.slack_standin import" in load


def test_one_module_answers_as_slack():
    """No second Web API stand-in creeps back in: only bot/slack_standin.py says `unknown_method`."""
    answering = [
        str(path.relative_to(ROOT))
        for folder in (*PACKAGES, "tests")
        for path in (ROOT / folder).rglob("*.py")
        if '"unknown_method"' in path.read_text() and path.name != "test_slack_standin.py"
    ]
    assert answering == ["bot/slack_standin.py"]


def test_the_package_never_imports_from_tests():
    offenders = []
    for folder in PACKAGES:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                    if isinstance(node, ast.ImportFrom)
                    else []
                )
                offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] == "tests"]
    assert offenders == []
