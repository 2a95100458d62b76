"""The local console drives the same Bolt app and listeners; answers are drawn in the terminal."""

from __future__ import annotations

import io

from rich.console import Console

from bot.console import mrkdwn_to_rich, run_console


def _run(settings, holder, state, *lines: str) -> str:
    out = io.StringIO()
    console = Console(file=out, width=120, force_terminal=False, color_system=None)
    assert (
        run_console(settings, holder, state, lines=io.StringIO("\n".join(lines) + "\n"), console=console) == 0
    )
    return out.getvalue()


def test_slash_command_mention_dm_buttons_admin_and_home(settings, holder, state):
    console_settings = settings.model_copy(update={"slack_bot_token": None, "slack_signing_secret": None})
    before = holder.generation
    out = _run(
        console_settings,
        holder,
        state,
        "/fact Microsoft capex",
        "click 3",  # 👍 on the first answer
        "click 1",  # share it
        "@factbot how much did Meta plan to spend in 2024?",
        "Microsoft capex",
        "/factadmin reload",
        "home",
        "/nosuch thing",
        "click 999",
        "quit",
    )
    answer = holder.current.search("Microsoft capex").answers[0]
    assert answer.quote[:20] in out.replace("│ ", "")
    assert "your 👍 is recorded" in out
    assert "Shared by @ULOCALUSER" in out
    assert "Meta" in out and "in thread" in out
    assert f"Reloaded: generation {before} → {before + 1}" in out
    assert out.index("Rebuilding") < out.index("Reloaded")  # the ack is drawn before the follow-up
    assert "factbot — facts about the AI industry" in out  # App Home
    assert "No such command /nosuch" in out and "There is no button [999]" in out
    assert state.feedback_totals() and state.shares()


def test_console_ends_at_end_of_input(settings, holder, state):
    out = _run(settings, holder, state, "/fact")
    assert "Usage: /fact" in out or "/fact <question>" in out


def test_mrkdwn_becomes_terminal_markup():
    assert (
        mrkdwn_to_rich("*bold* and `code` <@U123> &lt;x&gt;")
        == "[bold]bold[/bold] and [cyan]code[/cyan] @U123 <x>"
    )
