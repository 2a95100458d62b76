"""The local console: factbot in a terminal, through the same Bolt app and listeners as in Slack.

    $ factbot                      # with no Slack settings (or `factbot console`)
    you> /fact Microsoft capex
    you> @factbot how much did Meta plan to spend in 2024?
    you> click 2                   # press button [2] of an answer
    you> home                      # the App Home tab
    you> help                      # every command, with examples

Lines are edited and recalled like in a shell (prompt_toolkit: arrow keys, Ctrl-R, history kept
beside the state database across runs).

Like Hubot's shell adapter: each line becomes a Slack-shaped request (a slash command, an
app_mention or a DM event, a block_actions click), signed with a per-session secret and passed to
`App.dispatch`. What the bot sends back — in the acknowledgement, to the Web API or to a
response_url — arrives at `LocalSlack`, the product's one stand-in for Slack's Web API
(`bot.slack_standin`), and is drawn with rich.
"""

from __future__ import annotations

import itertools
import json
import re
import secrets
import sys
import threading
import time
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qsl, urlencode

from prompt_toolkit import PromptSession
from prompt_toolkit.formatted_text import HTML
from prompt_toolkit.history import FileHistory, InMemoryHistory
from pydantic import SecretStr
from rich.bar import Bar
from rich.console import Console, Group
from rich.markup import escape as rich_escape
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text
from slack_bolt import App, BoltRequest
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from handlers.charts import BARS_KEY

from .app import build_app
from .holder import StoreHolder
from .settings import Settings
from .slack_standin import Call, SlackStandIn
from .state import StateStore

USER = "ULOCALUSER"
CHANNEL = "CLOCALCHAN"
DM = "DLOCALDM"
BOT_USER = "ULOCALBOT"
TEAM = "TLOCAL"


@dataclass(frozen=True)
class ConsoleCommand:
    """One thing the console understands, as `help` lists it."""

    syntax: str
    what: str
    examples: tuple[str, ...]


COMMANDS = (
    ConsoleCommand(
        "/fact <question>",
        "look up a fact, as the slash command in a channel; several companies compare in a table",
        ("/fact Microsoft capex", "/fact 微软 资本支出", "/fact revenue Baidu Alibaba Tencent"),
    ),
    ConsoleCommand(
        "/spend <company> [year]",
        "what companies spend on AI, newest first; a year alone compares them",
        ("/spend Meta 2024", "/spend 2025", "/spend Microsoft Google Meta"),
    ),
    ConsoleCommand("/bench <model or company>", "benchmark claims", ("/bench 日日新", "/bench GPT-4")),
    ConsoleCommand(
        "/factadmin reload | status | add <article>",
        "rebuild the store from the sources, show it, or add one article (in Slack an admin can also "
        "DM the bot a .txt or .md file)",
        ("/factadmin status", "/factadmin add 苹果公司称其资本支出同比增长12%至330亿美元。"),
    ),
    ConsoleCommand(
        "@factbot <question>",
        "mention the bot in a channel: the answer comes in a thread",
        ("@factbot what did OpenAI lose in 2022?",),
    ),
    ConsoleCommand(
        "<question>",
        "anything else is a message in the bot's Messages tab (a DM)",
        ("how much did Meta plan to spend in 2024?", "微軟 資本支出"),
    ),
    ConsoleCommand(
        "ask <message text>",
        "the Ask factbot shortcut on a message saying this",
        ("ask Microsoft capex jumped again",),
    ),
    ConsoleCommand("click <N>", "press button [N] (Share, Context, 👍/👎, More)", ("click 1",)),
    ConsoleCommand("home", "open the App Home tab", ("home",)),
    ConsoleCommand("messages", "open the Messages tab: its suggested prompts", ("messages",)),
    ConsoleCommand("help, /help", "this list", ("help",)),
    ConsoleCommand("quit", "leave (Ctrl-D too)", ("quit",)),
)

PROMPT_ACTION = "__suggested_prompt__"  # a Messages-tab prompt drawn as a button (not a Slack action)

HELP = "Type a command, or `help` for the list. Arrow keys recall earlier lines."


def help_text() -> Text:
    """Every console command on a line, with its examples."""
    out = Text()
    width = max(len(c.syntax) for c in COMMANDS)
    for c in COMMANDS:
        out.append(f"  {c.syntax:<{width}}  ", style="bold cyan")
        out.append(c.what)
        out.append("\n" + " " * (width + 4) + "e.g. " + "  ·  ".join(c.examples) + "\n", style="dim")
    return out


# ---------------------------------------------------------------------------------------------
# drawing Block Kit in a terminal


def mrkdwn_to_rich(text: str) -> str:
    """Slack mrkdwn made into rich markup: *bold*, _italic_, `code`, <@U…> and &amp; entities."""
    text = rich_escape(text)
    text = re.sub(r"<@([UW][A-Z0-9]+)>", r"@\1", text)
    text = re.sub(r"<([^|>]+)\|([^>]+)>", r"\2", text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    text = re.sub(r"(?<![\w*])\*(?!\s)([^*\n]+?)\*(?![\w*])", r"[bold]\1[/bold]", text)
    text = re.sub(r"(?<![\w_])_(?!\s)([^_\n]+?)_(?![\w_])", r"[italic]\1[/italic]", text)
    text = re.sub(r"`([^`\n]+)`", r"[cyan]\1[/cyan]", text)
    return text


@dataclass
class Button:
    """A button drawn in the terminal, remembered so `click N` can press it."""

    action_id: str
    block_id: str
    value: str
    label: str
    channel: str
    message_ts: str
    thread_ts: str | None
    ephemeral: bool
    response_url: str
    kind: str = "button"  # or "feedback_buttons": one of its two halves


def rich_text_to_text(elements: Iterable[dict]) -> Text:
    """The runs of a rich_text section (text, links, mentions) as one styled line."""
    line = Text()
    for e in elements:
        kind = e.get("type")
        style = " ".join(
            k for k, on in (e.get("style") or {}).items() if on and k in ("bold", "italic", "strike")
        )
        if kind == "text":
            line.append(e.get("text", ""), style=style or None)
        elif kind == "link":
            line.append(e.get("text") or e.get("url", ""), style=(style + " underline").strip())
            if e.get("text") and e.get("url"):
                line.append(f" <{e['url']}>", style="dim")
        elif kind == "user":
            line.append(f"@{e.get('user_id', '')}")
        elif kind == "emoji":
            line.append(e.get("unicode") and chr(int(e["unicode"].split("-")[0], 16)) or f":{e.get('name')}:")
    return line


def _draw_rich_text(block: dict) -> list[Any]:
    parts: list[Any] = []
    for element in block.get("elements", []):
        kind = element.get("type")
        if kind == "rich_text_quote":  # a verbatim quote
            parts.append(
                Padding(
                    Text.assemble("│ ", rich_text_to_text(element["elements"]), style="italic"), (0, 0, 0, 2)
                )
            )
        elif kind == "rich_text_list":
            for n, item in enumerate(element.get("elements", []), 1):
                bullet = f"{n}. " if element.get("style") == "ordered" else "• "
                parts.append(Text.assemble(bullet, rich_text_to_text(item.get("elements", []))))
        elif kind == "rich_text_preformatted":
            parts.append(rich_text_to_text(element.get("elements", [])))
        else:
            parts.append(Text.assemble(rich_text_to_text(element.get("elements", [])), style="dim"))
    return parts


def _draw_table(block: dict) -> Table:
    rows = block.get("rows") or []
    table = Table(show_lines=False, expand=False)
    for cell in rows[0] if rows else []:
        table.add_column(_cell_text(cell), overflow="fold")
    for row in rows[1:]:
        table.add_row(*[_cell_text(c) for c in row])
    return table


def _cell_text(cell: dict) -> str:
    if cell.get("type") == "rich_text":
        return rich_text_to_text(cell.get("elements", [{}])[0].get("elements", [])).plain
    return str(cell.get("text", ""))


def png_text(png: bytes, key: str) -> str | None:
    """The value of one text chunk (tEXt/iTXt) of a PNG, or None."""
    pos = 8
    while pos + 8 <= len(png):
        length = int.from_bytes(png[pos : pos + 4], "big")
        kind, data = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        if kind == b"tEXt" and data.split(b"\0", 1)[0] == key.encode():
            return data.split(b"\0", 1)[1].decode("latin-1")
        if kind == b"iTXt" and data.split(b"\0", 1)[0] == key.encode():
            return data.split(b"\0", 5)[-1].decode("utf-8")
        pos += 12 + length
    return None


def draw_chart(png: bytes | None, alt: str) -> Any:
    """A comparison's bar chart drawn in the terminal from the bars the uploaded PNG carries
    (handlers.charts.BARS_KEY): one line per row, its label, a bar and its figure."""
    raw = png_text(png, BARS_KEY) if png else None
    if raw is None:
        return Text(f"[chart: {alt}]", style="magenta")
    chart = json.loads(raw)
    bars = chart.get("bars") or []
    top = max((abs(b["amount"]) for b in bars), default=0) or 1
    table = Table.grid(padding=(0, 1))
    table.add_column(style="bold")
    table.add_column()
    table.add_column(style="dim")
    for b in bars:
        table.add_row(b["label"], Bar(top, 0, abs(b["amount"]), width=40, color="cyan"), b.get("text", ""))
    return Group(Text(chart.get("title") or alt, style="magenta"), table)


def draw_blocks(blocks: Iterable[dict], *, number_button, files: dict[str, bytes] | None = None) -> Group:
    """A rich renderable for a list of Block Kit blocks; `number_button(element, block)` gives labels,
    `files` holds the uploaded files an image block shows (its chart is drawn from them)."""
    parts: list[Any] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "rich_text":
            parts += _draw_rich_text(block)
        elif kind == "table":
            parts.append(_draw_table(block))
        elif kind == "image":
            file_id = (block.get("slack_file") or {}).get("id", "")
            parts.append(draw_chart((files or {}).get(file_id), block.get("alt_text", "")))
        elif kind == "context_actions":
            labels = []
            for e in block.get("elements", []):
                if e.get("type") == "feedback_buttons":
                    for which in ("positive_button", "negative_button"):
                        button = dict(e[which], action_id=e["action_id"], type="feedback_buttons")
                        labels.append(number_button(button, block))
                elif e.get("type") == "button":
                    labels.append(number_button(e, block))
            parts.append(Text.from_markup("  ".join(labels)))
        elif kind == "section":
            text = block["text"]["text"]
            if text.startswith("> "):  # a verbatim quote
                parts.append(Padding(Text(text[2:], style="italic"), (0, 0, 0, 2)))
            else:
                parts.append(Text.from_markup(mrkdwn_to_rich(text)))
        elif kind == "header":
            parts.append(Text(block["text"]["text"], style="bold magenta"))
        elif kind == "context":
            parts.append(
                Text.from_markup(
                    "[dim]"
                    + "  ".join(mrkdwn_to_rich(e.get("text", "")) for e in block["elements"])
                    + "[/dim]"
                )
            )
        elif kind == "divider":
            parts.append(Rule(style="dim"))
        elif kind == "actions":
            labels = [number_button(e, block) for e in block["elements"] if e.get("type") == "button"]
            parts.append(Text.from_markup("  ".join(labels)))
    return Group(*parts)


# ---------------------------------------------------------------------------------------------
# the loopback Slack


class LocalSlack:
    """The product's stand-in for Slack (bot.slack_standin) with a terminal for a screen: every
    message, view and suggested prompt the bot sends is drawn as it arrives."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.buttons: list[Button] = []
        # Held while a slash command's acknowledgement is drawn, so follow-ups appear after it.
        self.hold = threading.RLock()
        self.slack = SlackStandIn(on_call=self._draw, user_id=BOT_USER, team_id=TEAM, team="local console")

    @property
    def base_url(self) -> str:
        return self.slack.url

    @property
    def api_url(self) -> str:
        return self.slack.api_url

    @property
    def files(self) -> dict[str, bytes]:
        """Charts uploaded the files v2 way, by file id."""
        return self.slack.uploads

    def start(self) -> LocalSlack:
        return self

    def stop(self) -> None:
        self.slack.close()

    def next_ts(self) -> str:
        return self.slack.next_ts()

    def response_url(self, channel: str, message_ts: str, *, thread_ts: str | None = None) -> str:
        return self.slack.response_url("console", channel=channel, ts=message_ts, thread_ts=thread_ts or "")

    def _draw(self, call: Call, reply: dict | str) -> None:
        """Draw what a call to the stand-in put on screen (Slack's own errors are drawn as such)."""
        body, method = call.body, call.method
        if isinstance(reply, dict) and not reply.get("ok", True):
            self.console.print(Text(f"Slack refused {method}: {reply.get('error')}", style="red"))
            return
        if method == "response_url":
            query = dict(parse_qsl(call.path.partition("?")[2]))
            public = body.get("response_type") == "in_channel"
            ts = self.next_ts()
            self.show(
                body,
                channel=query.get("channel", CHANNEL),
                ts=ts,
                thread_ts=query.get("thread_ts") or None,
                ephemeral=not public,
                response_url=self.slack.url + call.path if not public else None,
            )
        elif method in ("chat.postMessage", "chat.postEphemeral") and isinstance(reply, dict):
            self.show(
                body,
                channel=body.get("channel", CHANNEL),
                ts=reply.get("ts") or reply.get("message_ts") or self.next_ts(),
                thread_ts=body.get("thread_ts"),
                ephemeral=method == "chat.postEphemeral",
            )
        elif method in ("views.open", "views.publish"):
            view = body.get("view") or {}
            title = (
                "App Home" if method == "views.publish" else (view.get("title") or {}).get("text", "modal")
            )
            self.show(
                {"blocks": view.get("blocks", [])},
                channel="home" if method == "views.publish" else "modal",
                ts=self.next_ts(),
                thread_ts=None,
                ephemeral=True,
                title=title,
            )
        elif method == "assistant.threads.setSuggestedPrompts":
            # drawn as buttons: `click N` sends the prompt as a message, as Slack does
            prompts = body.get("prompts") or []
            message = {
                "blocks": [
                    {
                        "type": "section",
                        "text": {"type": "mrkdwn", "text": f"*{body.get('title') or 'Suggested prompts'}*"},
                    },
                    {
                        "type": "actions",
                        "block_id": "prompts",
                        "elements": [
                            {
                                "type": "button",
                                "action_id": PROMPT_ACTION,
                                "value": p.get("message", ""),
                                "text": {"type": "plain_text", "text": p.get("title", "")},
                            }
                            for p in prompts
                        ],
                    },
                ]
            }
            self.show(
                message, channel=DM, ts=self.next_ts(), thread_ts=None, ephemeral=True, title="Messages tab"
            )
        elif method == "assistant.threads.setStatus":
            self.console.print(Text(f"factbot {body.get('status', '')}", style="dim italic"))

    def show(
        self,
        message: dict,
        *,
        channel: str,
        ts: str,
        thread_ts: str | None,
        ephemeral: bool,
        response_url: str | None = None,
        title: str = "factbot",
    ) -> None:
        """Draw one message and remember its buttons."""
        with self.hold:

            def number(element: dict, block: dict) -> str:
                self.buttons.append(
                    Button(
                        action_id=element["action_id"],
                        block_id=block.get("block_id", ""),
                        value=element.get("value", ""),
                        label=element["text"]["text"],
                        channel=channel,
                        message_ts=ts,
                        thread_ts=thread_ts,
                        ephemeral=ephemeral,
                        response_url=response_url or self.response_url(channel, ts),
                        kind=element.get("type", "button"),
                    )
                )
                return f"[reverse] {len(self.buttons)} [/reverse] {rich_escape(element['text']['text'])}"

            body = (
                draw_blocks(message.get("blocks") or [], number_button=number, files=self.files)
                if message.get("blocks")
                else Text(message.get("text", ""))
            )
            where = "only you can see this" if ephemeral else ("in thread" if thread_ts else "in channel")
            self.console.print(
                Panel(
                    body,
                    title=f"[bold]{title}[/bold]",
                    subtitle=f"[dim]{where}[/dim]",
                    title_align="left",
                    subtitle_align="right",
                    expand=True,
                )
            )


# ---------------------------------------------------------------------------------------------
# the REPL


class ConsoleSession:
    """Turns typed lines into signed Slack requests for one Bolt app, and draws the replies."""

    def __init__(
        self, app: App, local: LocalSlack, signing_secret: str, console: Console, listeners: ListenerTracker
    ) -> None:
        self.app = app
        self.listeners = listeners
        self.local = local
        self.verifier = SignatureVerifier(signing_secret)
        self.console = console
        self._events = itertools.count(1)
        # Event ids are unique across runs: the state database remembers every id it has seen, so
        # ids that restarted at 1 would be taken for Slack's redeliveries and silently skipped.
        self._session = f"{int(time.time() * 1000):x}{secrets.token_hex(3)}".upper()

    def _dispatch(self, body: str, content_type: str) -> tuple[int, str]:
        ts = str(int(time.time()))
        headers = {
            "content-type": content_type,
            "x-slack-request-timestamp": ts,
            "x-slack-signature": self.verifier.generate_signature(timestamp=ts, body=body),
        }
        response = self.app.dispatch(BoltRequest(body=body, headers=headers))
        return response.status, response.body

    def _event(self, event: dict) -> None:
        n = next(self._events)
        body = json.dumps(
            {
                "token": "local",
                "team_id": TEAM,
                "api_app_id": "ALOCAL",
                "type": "event_callback",
                "event_id": f"EvLOCAL{self._session}{n:06d}",
                "event_time": int(time.time()),
                "event": event,
                "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
            }
        )
        self._dispatch(body, "application/json")
        self.listeners.wait_idle()

    def handle(self, line: str) -> bool:
        """Act on one typed line; False when the user wants to leave."""
        line = line.strip()
        if not line:
            return True
        if line in ("quit", "exit", "/quit"):
            return False
        if line.lower() in ("help", "?", "/help", "帮助", "幫助"):
            self.console.print(Panel(help_text(), title="commands", title_align="left"))
            return True
        if line == "messages":
            self._event(
                {
                    "type": "app_home_opened",
                    "user": USER,
                    "channel": DM,
                    "tab": "messages",
                    "event_ts": self.local.next_ts(),
                }
            )
            return True
        if line.startswith("ask ") or line == "ask":
            self.shortcut(line[4:].strip())
            return True
        if line == "home":
            self._event(
                {
                    "type": "app_home_opened",
                    "user": USER,
                    "channel": DM,
                    "tab": "home",
                    "event_ts": self.local.next_ts(),
                }
            )
            return True
        click = re.fullmatch(r"(?:click\s+)?#?(\d+)", line)
        if click:
            self.click(int(click.group(1)))
            return True
        if re.match(r"click\b", line, re.IGNORECASE):  # `click`, `click abc`: not a question
            self.console.print(
                "[red]click needs the number of a button[/red], e.g. [cyan]click 1[/cyan] "
                "(the numbers are shown beside the buttons)."
            )
            return True
        if line.startswith("/"):
            self.command(line)
            return True
        ts = self.local.next_ts()
        self.console.print(Panel(Text(line), title="you", title_align="left", style="dim"))
        if re.match(r"^@factbot\b", line, re.IGNORECASE):
            text = f"<@{BOT_USER}> " + line[len("@factbot") :].strip()
            self._event(
                {
                    "type": "app_mention",
                    "user": USER,
                    "channel": CHANNEL,
                    "text": text,
                    "ts": ts,
                    "event_ts": ts,
                }
            )
        else:
            self._event(
                {
                    "type": "message",
                    "channel_type": "im",
                    "user": USER,
                    "channel": DM,
                    "text": line,
                    "ts": ts,
                    "event_ts": ts,
                }
            )
        return True

    def command(self, line: str) -> None:
        """A slash command: the acknowledgement is drawn here; later replies come via LocalSlack."""
        name, _, text = line.partition(" ")
        ts = self.local.next_ts()
        body = urlencode(
            {
                "token": "local",
                "team_id": TEAM,
                "channel_id": CHANNEL,
                "channel_name": "console",
                "user_id": USER,
                "user_name": "you",
                "command": name,
                "text": text,
                "response_url": self.local.response_url(CHANNEL, ts),
                "trigger_id": f"local.{ts}",
            }
        )
        with self.local.hold:
            status, raw = self._dispatch(body, "application/x-www-form-urlencoded")
            if status == 404:
                self.console.print(
                    f"[red]No such command {rich_escape(name)}.[/red] Type [cyan]help[/cyan] for the list."
                )
            elif raw:
                message = json.loads(raw) if raw.startswith("{") else {"text": raw}
                self.local.show(
                    message,
                    channel=CHANNEL,
                    ts=ts,
                    thread_ts=None,
                    ephemeral=message.get("response_type") != "in_channel",
                    response_url=self.local.response_url(CHANNEL, ts),
                )
        self.listeners.wait_idle()

    def shortcut(self, text: str) -> None:
        """The Ask factbot message shortcut, on a message that says `text`."""
        ts = self.local.next_ts()
        self.console.print(
            Panel(
                Text(text),
                title="message",
                subtitle="[dim]Ask factbot[/dim]",
                title_align="left",
                style="dim",
            )
        )
        payload = {
            "type": "message_action",
            "callback_id": "ask_factbot",
            "trigger_id": f"local.{ts}",
            "team": {"id": TEAM},
            "user": {"id": USER, "name": "you"},
            "channel": {"id": CHANNEL},
            "message_ts": ts,
            "message": {"type": "message", "user": USER, "ts": ts, "text": text},
            "response_url": self.local.response_url(CHANNEL, ts),
        }
        self._dispatch(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")
        self.listeners.wait_idle()

    def click(self, number: int) -> None:
        """Press button [number] as Slack's block_actions would report it."""
        if not 1 <= number <= len(self.local.buttons):
            self.console.print(f"[red]There is no button [{number}].[/red]")
            return
        b = self.local.buttons[number - 1]
        if b.action_id == PROMPT_ACTION:  # a suggested prompt: Slack sends it as the user's message
            self.handle(b.value)
            return
        payload = {
            "type": "block_actions",
            "team": {"id": TEAM},
            "user": {"id": USER, "name": "you"},
            "api_app_id": "ALOCAL",
            "trigger_id": f"local.{time.time()}",
            "response_url": b.response_url,
            "channel": {"id": b.channel},
            "actions": [
                {
                    "type": b.kind,
                    "action_id": b.action_id,
                    "block_id": b.block_id,
                    "value": b.value,
                    "text": {"type": "plain_text", "text": b.label},
                    "action_ts": str(time.time()),
                }
            ],
            "container": {
                "type": "message",
                "message_ts": b.message_ts,
                "channel_id": b.channel,
                "is_ephemeral": b.ephemeral,
            },
        }
        if not b.ephemeral:
            payload["message"] = {"type": "message", "ts": b.message_ts, "thread_ts": b.thread_ts}
        self._dispatch(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")
        self.listeners.wait_idle()


class ListenerTracker(ThreadPoolExecutor):
    """Bolt's listener executor, counting what is still running so the prompt returns after the reply."""

    def __init__(self) -> None:
        super().__init__(max_workers=8, thread_name_prefix="console-listener")
        self._pending: set[Future] = set()
        self._lock = threading.Lock()

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future = super().submit(fn, *args, **kwargs)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._done)
        return future

    def _done(self, future: Future) -> None:
        with self._lock:
            self._pending.discard(future)

    def wait_idle(self, timeout: float = 120) -> None:
        """Block until every listener started so far — and what they handed on, such as a mention
        to the outbox — has finished (at most `timeout` seconds)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                pending = set(self._pending)
            if not pending:
                return
            wait(pending, timeout=deadline - time.monotonic())


PROMPT = HTML("<ansigreen><b>you&gt;</b></ansigreen> ")


def history_path(settings: Settings) -> Path:
    """Where the console keeps the lines typed, beside the state database."""
    return settings.state_path.parent / "console_history"


def line_editor(settings: Settings, **session: Any) -> PromptSession:
    """A prompt with line editing and history, like a shell: arrow keys move and recall, Ctrl-R
    searches; the history outlives the session. `session` passes input/output for tests."""
    path = history_path(settings)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        history: Any = FileHistory(str(path))
    except OSError:  # a read-only state folder: history for this session only
        history = InMemoryHistory()
    return PromptSession(history=history, enable_history_search=True, **session)


def run_console(
    settings: Settings,
    holder: StoreHolder,
    state: StateStore,
    *,
    lines: IO[str] | None = None,
    console: Console | None = None,
    editor: PromptSession | None = None,
) -> int:
    """The interactive console; reads `lines` (or, by default, the terminal through a line
    `editor` with history) until EOF or 'quit'."""
    console = console or Console()
    secret = secrets.token_hex(16)
    local = LocalSlack(console).start()
    listeners: ListenerTracker | None = None
    app: App | None = None
    try:
        # The console user is the local operator, so /factadmin works here.
        local_settings = settings.model_copy(
            update={"slack_signing_secret": SecretStr(secret), "admins": settings.admins | {USER}}
        )
        client = WebClient(token="xoxb-local-console", base_url=local.api_url)
        listeners = ListenerTracker()
        app = build_app(
            local_settings,
            holder,
            state,
            client=client,
            listener_executor=listeners,
            outbox_executor=listeners,
        )
        session = ConsoleSession(app, local, secret, console, listeners)
        stats = holder.current.stats()
        console.print(
            Panel(
                f"[bold]factbot[/bold] local console — generation {stats.generation}: {stats.facts} facts from "
                f"{stats.articles} articles.\n{rich_escape(HELP)}\nTry: [cyan]/fact Microsoft capex[/cyan]",
                expand=True,
            )
        )
        if lines is None and editor is None:
            if sys.stdin.isatty():
                editor = line_editor(settings)
            else:  # piped in (`printf '/fact Meta\n' | factbot console`): plain lines, no editing
                lines = sys.stdin
        while True:
            if lines is None:
                assert editor is not None
                try:
                    line = editor.prompt(PROMPT)
                except (EOFError, KeyboardInterrupt):
                    break
            else:
                line = lines.readline()
                if not line:
                    break
            if not session.handle(line):
                break
        return 0
    finally:
        if app is not None:
            app.outbox.close()  # type: ignore[attr-defined]
        local.stop()
        if listeners is not None:
            listeners.shutdown(wait=True)
