"""The docs are true: the manifest matches the app, and the README lists every setting."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.settings import ENV_NAMES, Settings
from handlers.commands import COMMANDS
from tests.slack_fakes import http, signed_headers, slash

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = yaml.safe_load((ROOT / "deploy" / "manifest.yml").read_text(encoding="utf-8"))


def _manifest_commands() -> dict[str, dict]:
    return {c["command"]: c for c in MANIFEST["features"]["slash_commands"]}


def test_manifest_commands_are_exactly_the_registered_ones(bot):
    registered = {c.name for c in COMMANDS} | {"/factadmin"}
    assert set(_manifest_commands()) == registered
    # and the running app really answers each of them (an unknown command is a 404)
    for name in registered:
        body = slash(name, "help", user="UADMIN1")
        r = http(
            f"{bot.server.url}/slack/events",
            body,
            signed_headers(body, content_type="application/x-www-form-urlencoded"),
        )
        assert r.status == 200, name
    body = slash("/notours", "x")
    assert (
        http(
            f"{bot.server.url}/slack/events",
            body,
            signed_headers(body, content_type="application/x-www-form-urlencoded"),
        ).status
        == 404
    )


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.name)
def test_manifest_describes_each_command_as_the_help_does(command):
    entry = _manifest_commands()[command.name]
    assert entry["description"] == command.description and len(entry["description"]) <= 100
    assert entry["usage_hint"] == command.usage_hint


def test_manifest_subscribes_to_what_the_bot_listens_for():
    events = set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
    assert events == {"app_mention", "message.im", "app_home_opened"}
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    assert {"commands", "app_mentions:read", "chat:write", "im:history"} <= scopes
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is True
    assert MANIFEST["settings"]["socket_mode_enabled"] is True
    assert MANIFEST["features"]["app_home"]["home_tab_enabled"] is True


def test_manifest_enables_the_agent_messaging_experience():
    features = MANIFEST["features"]
    assert "assistant_view" not in features  # the legacy experience
    assert features["agent_view"]["agent_description"].strip()
    assert features["app_home"]["messages_tab_enabled"] is True
    assert features["app_home"]["messages_tab_read_only_enabled"] is False
    assert "assistant:write" in MANIFEST["oauth_config"]["scopes"]["bot"]
    # app_home_opened with tab == "messages" is how the bot learns the Messages tab was opened
    assert "app_home_opened" in MANIFEST["settings"]["event_subscriptions"]["bot_events"]


def test_readme_lists_every_setting():
    # the names the environment is read under, from the Settings model itself (not a hand list)
    names = {f.validation_alias for f in Settings.model_fields.values()}
    assert all(isinstance(n, str) and n.isupper() for n in names), names
    assert len(names) == len(Settings.model_fields) and set(ENV_NAMES) == names
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = {m for m in re.findall(r"^\| `([A-Z_]+)` \|", readme, re.M)}
    assert names <= table, f"missing from the README's settings table: {names - table}"


def test_readme_walks_from_manifest_to_running_bot():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Running in Slack") :]
    for step in (
        "deploy/manifest.yml",
        "SLACK_APP_TOKEN",
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "/slack/events",
        "FACTBOT_ADMINS",
        "/factadmin reload",
    ):
        assert step in section, step


def test_manifest_declares_the_ask_factbot_message_shortcut_the_bot_handles():
    from handlers.shortcuts import CALLBACK_ID

    (shortcut,) = MANIFEST["features"]["shortcuts"]
    assert shortcut["type"] == "message" and shortcut["callback_id"] == CALLBACK_ID
    assert shortcut["name"] == "Ask factbot" and len(shortcut["description"]) <= 80
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is True  # shortcuts arrive as interactivity


def test_adding_articles_is_said_where_people_look():
    """/factadmin add and DM'd files appear in the README, the console's help, the manifest's usage
    hint, /factadmin's usage and App Home — for admins only."""
    from bot.console import help_text
    from handlers import render
    from store import StoreStats
    from tests.slack_fakes import all_text

    (factadmin,) = [c for c in MANIFEST["features"]["slash_commands"] if c["command"] == "/factadmin"]
    assert "add" in factadmin["usage_hint"].split() and "DM" in factadmin["description"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Running in Slack") :]
    assert "`/factadmin add`" in section and "file sent to the bot in a DM" in section
    assert "/factadmin reload | status | add" in help_text().plain and "DM" in help_text().plain
    for lang in ("en", "zh-Hans", "zh-Hant"):
        usage = all_text(render.admin_usage_message(lang))
        assert "/factadmin add" in usage and ".txt" in usage
    stats = StoreStats(
        path="x",
        generation=1,
        built_at="now",
        builder_version="1",
        articles=2,
        facts=10,
        top_entities=[],
        sources={},
    )
    assert "/factadmin add" in all_text({"blocks": render.home_view(stats, admin=True)["blocks"]})
    assert "/factadmin" not in all_text({"blocks": render.home_view(stats)["blocks"]})
