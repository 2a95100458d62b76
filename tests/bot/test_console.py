"""The local console drives the same Bolt app and listeners; answers are drawn in the terminal."""

from __future__ import annotations

import io

from rich.console import Console

from bot.console import mrkdwn_to_rich, run_console
from tests.slack_fakes import all_text


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


# --- issue 9, item 9: a console that feels like a shell ---------------------------------------

import re  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from prompt_toolkit.input import create_pipe_input  # noqa: E402
from prompt_toolkit.output import DummyOutput  # noqa: E402

from bot.console import COMMANDS, history_path, line_editor  # noqa: E402
from handlers import render  # noqa: E402
from handlers.messages import LANGS  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
UP = "\x1b[A"


def _console_settings(settings):
    return settings.model_copy(update={"slack_bot_token": None, "slack_signing_secret": None})


def _run_keys(settings, holder, state, *lines: list[str]) -> str:
    """The console driven through its real line editor; each of `lines` is the keys typed at one
    prompt (the key sequences a terminal sends, e.g. UP), typed once that prompt is waiting."""
    out = io.StringIO()
    console = Console(file=out, width=120, force_terminal=False, color_system=None)
    pending = list(lines)

    with create_pipe_input() as pipe:

        def type_next() -> None:
            keys = pending.pop(0) if pending else ["quit\r"]
            for key in keys:
                time.sleep(0.1)  # as a person types: each key sequence on its own
                pipe.send_text(key)

        def pre_run() -> None:
            threading.Thread(target=type_next, daemon=True).start()

        editor = line_editor(settings, input=pipe, output=DummyOutput())
        original = editor.prompt
        editor.prompt = lambda message, **kw: original(message, pre_run=pre_run, **kw)  # type: ignore[method-assign]
        assert run_console(settings, holder, state, console=console, editor=editor) == 0
    return out.getvalue()


def test_arrow_keys_recall_history_instead_of_being_sent(settings, holder, state):
    s = _console_settings(settings)
    out = _run_keys(s, holder, state, ["/fact Microsoft capex\r"], [UP, "\r"], ["quit\r"])
    quote = holder.current.search("Microsoft capex").answers[0].quote[:20]
    assert out.replace("│ ", "").count(quote) == 2  # asked twice: the up arrow recalled the line
    assert "[A" not in out and "^[" not in out
    assert "/fact Microsoft capex" in history_path(s).read_text(encoding="utf-8")  # kept for next time


def test_history_outlives_the_session(settings, holder, state):
    s = _console_settings(settings)
    _run_keys(s, holder, state, ["/fact OpenAI valuation\r"], ["quit\r"])
    out = _run_keys(s, holder, state, [UP, UP, "\r"], ["quit\r"])  # the line before `quit`, from last time
    assert "OpenAI" in out and "valuation" in out


@pytest.mark.parametrize("typed", ["help", "/help", "?"])
def test_help_lists_every_command_with_examples(settings, holder, state, typed):
    out = _run(_console_settings(settings), holder, state, typed)
    assert "No such command" not in out
    flat = re.sub(r"[│\s]+", " ", out)  # the panel's borders and wrapping aside
    for command in COMMANDS:
        assert command.syntax in flat and command.what in flat, command.syntax
        assert all(e in flat for e in command.examples), command.examples
    for name in ("/fact", "/spend", "/bench", "/factadmin", "@factbot", "click", "home", "quit"):
        assert name in flat


def _examples_shown_anywhere(store) -> set[tuple[str, str]]:
    """(kind, question) for every example in the console's help, the Slack help and usage texts,
    App Home in each language, and the README."""
    texts = [c for command in COMMANDS for c in command.examples]
    for lang in LANGS:
        texts.append(all_text(render.home_view(store.stats(), lang)))
        texts.append(all_text(render.mention_usage_message(lang)))
        for kind in render.USAGE:
            texts.append(all_text(render.usage_message(kind, lang)))
    texts.append((ROOT / "README.md").read_text(encoding="utf-8"))
    found: set[tuple[str, str]] = set()
    for text in texts:
        for m in re.finditer(r"(?:^|[`*• ])/(fact|spend|bench) ([^`*\n<>|]+?)(?=`|\*|$|\n)", text):
            found.add((m.group(1), m.group(2).strip()))
        for m in re.finditer(r"@factbot ([^`*\n<>]+?)(?=`|\*|$|\n)", text):
            found.add(("fact", m.group(1).strip()))
        for m in re.finditer(r"e\.g\. \*([^*@/][^*]+)\*", text):  # "Ask me …, e.g. *how much …?*"
            found.add(("fact", m.group(1).strip()))
    for command in COMMANDS:
        if command.syntax == "<question>":
            found |= {("fact", e) for e in command.examples}
        if command.syntax.startswith("ask "):
            found |= {("fact", e.removeprefix("ask ")) for e in command.examples}
    return {(k, q) for k, q in found if q and not q.startswith(("<", "&lt;", "["))}


NOT_FOUND = ("couldn't find", "没有找到", "沒有找到", "No company states", "没有公司", "沒有公司")


def test_every_example_shown_anywhere_is_answered(settings, holder, state):
    examples = _examples_shown_anywhere(holder.current)
    assert len(examples) >= 15
    assert ("spend", "Meta 2024") in examples and ("bench", "日日新") in examples  # the README's
    s = _console_settings(settings)
    for kind, question in sorted(examples):
        line = f"/{kind} {question}" if kind != "fact" or question.startswith("/") else f"/fact {question}"
        out = _run(s, holder, state, line)
        assert not any(n in out for n in NOT_FOUND), f"{line!r} is not answered:\n{out[-1500:]}"
        assert "No such command" not in out


def test_a_restart_never_swallows_messages(settings, holder, state):
    s = _console_settings(settings)
    first = _run(s, holder, state, "Microsoft capex", "@factbot Meta capex")
    second = _run(s, holder, state, "Microsoft capex", "@factbot Meta capex")  # same state database
    quote = holder.current.search("Microsoft capex").answers[0].quote[:20]
    for out in (first, second):
        assert out.replace("│ ", "").count(quote) >= 1 and "in thread" in out


def test_the_messages_tab_shows_prompts_that_click_sends(settings, holder, state):
    out = _run(_console_settings(settings), holder, state, "messages", "click 1")
    prompts = render.suggested_prompts(
        __import__("handlers.home", fromlist=["x"]).store_prompts(holder.current)
    )
    assert prompts[0]["title"] in out
    assert "in thread" in out  # the prompt was sent as a message and answered in its thread


def test_ask_shortcut_and_context_in_the_console(settings, holder, state):
    out = _run(_console_settings(settings), holder, state, "ask Microsoft capex jumped again", "click 2")
    assert "Ask factbot" in out and "only you can see this" in out
    assert "Context" in out and "Other facts from this article" in out  # the modal, drawn


def test_factbot_console_is_the_same_console_even_with_slack_settings(tmp_path, seed_db):
    """`factbot console` opens the local console (the Bolt app, not a plain loop) and never
    talks to Slack, even when the environment has Slack settings."""
    import shutil

    db = tmp_path / "facts.db"
    shutil.copy(seed_db, db)
    env = {
        "PATH": str(Path(sys.executable).parent),
        "HOME": str(tmp_path),
        "FACTBOT_DB": str(db),
        "FACTBOT_SOURCES": str(ROOT / "seeds"),
        "FACTBOT_STATE": str(tmp_path / "state.db"),
        "SLACK_BOT_TOKEN": "xoxb-not-a-real-token",
        "SLACK_APP_TOKEN": "xapp-1-not-real",
        "FACTBOT_SLACK_API_URL": "http://127.0.0.1:9/api/",  # nothing listens: a Slack call would fail
    }
    typed = "/fact Microsoft capex\nhelp\nquit\n"
    run = subprocess.run(
        [sys.executable, "-m", "bot.cli", "console"],
        input=typed,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    assert "local console" in run.stdout and "Microsoft" in run.stdout
    assert all(c.syntax in run.stdout for c in COMMANDS)
    assert "cannot start" not in run.stderr
    plain_env = {k: v for k, v in env.items() if not k.startswith("SLACK_")}
    plain = subprocess.run(
        [sys.executable, "-m", "bot.cli"],
        input=typed,
        env=plain_env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert plain.returncode == 0, plain.stderr

    def shape(out: str) -> str:
        return re.sub(r"\d+", "N", out)

    assert shape(plain.stdout) == shape(run.stdout)  # the same console, line for line


def test_click_without_a_valid_number_says_so(settings, holder, state):
    out = _run(settings, holder, state, "click abc", "click", "quit")
    assert out.count("click needs the number of a button") == 2
    assert "couldn't find" not in out and "Answers for" not in out  # not read as questions


def test_a_comparison_chart_is_drawn_in_the_terminal(settings, holder, state):
    out = _run(settings, holder, state, "/fact revenue Baidu Alibaba Tencent", "quit")
    assert "[chart:" not in out
    bars = [line for line in out.splitlines() if "━" in line or "█" in line]
    assert len(bars) >= 2 and any("Baidu" in line for line in bars)
    assert "Share in channel" in out and "👍" in out  # the table keeps Share and feedback


def test_the_console_follows_a_factbot_build_like_the_bot(tmp_path, seed_db):
    """`factbot build` beside a running console: the console serves the new generation within
    seconds, without a restart (it polls the state database's record, as the bot does)."""
    import queue
    import shutil

    from tests.bot.test_holder import NEW_ARTICLE

    sources = tmp_path / "sources"
    shutil.copytree(ROOT / "seeds", sources)
    db = tmp_path / "data" / "facts.db"
    db.parent.mkdir()
    shutil.copy(seed_db, db)
    env = {
        "PATH": str(Path(sys.executable).parent),
        "HOME": str(tmp_path),
        "FACTBOT_DB": str(db),
        "FACTBOT_SOURCES": str(sources),
        "FACTBOT_STATE": str(tmp_path / "state.db"),
    }
    console = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "console"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        text=True,
        cwd=tmp_path,
    )
    assert console.stdin is not None and console.stdout is not None
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in console.stdout], daemon=True).start()
    seen: list[str] = []

    def ask_until(wanted: str, attempts: int) -> bool:
        for _ in range(attempts):  # one question a second, at most `attempts`
            console.stdin.write("/fact 苹果 资本支出\n")
            console.stdin.flush()
            deadline = time.monotonic() + 1.0
            while time.monotonic() < deadline:
                try:
                    seen.append(lines.get(timeout=0.1))
                except queue.Empty:
                    continue
                if wanted in seen[-1]:
                    return True
        return False

    try:
        assert not ask_until("330億美元", 3) and not ask_until("330亿美元", 1)  # not in the seeds
        (sources / "010_apple.txt").write_text(NEW_ARTICLE, encoding="utf-8")
        build = subprocess.run(
            [sys.executable, "-m", "bot.cli", "build", "--workers", "1"],
            env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path,
        )  # fmt: skip
        assert build.returncode == 0, build.stderr
        assert "generation 2" in build.stdout
        assert ask_until("330亿美元", 20), "".join(seen[-40:])
    finally:
        console.stdin.close()
        console.wait(timeout=30)
        console.stdout.close()
