"""A stand-in for Slack's Web API and response_url endpoints on loopback: the one the local
console, the tests and the load benchmark all talk to.

    slack = SlackStandIn()                      # 127.0.0.1, port 0, in a thread
    client = WebClient(token="xoxb-…", base_url=slack.api_url)
    client.chat_postMessage(channel="C1", text="hi")
    slack.of("chat.postMessage")[0].body        # {"channel": "C1", "text": "hi"}
    slack.close()

It answers the way Slack does, for the methods factbot calls and the rest: an unknown method is
`unknown_method`, a call without a token `not_authed`, a required argument missing is the error
Slack's method reference gives for it (`channel_not_found`, `no_text`, `invalid_arguments` with
the field named in `response_metadata.messages`), a file completed but never uploaded
`file_not_found`. Every call is recorded (`Call`: method, parsed body, headers, path, status).

Faults are planned per method: `fail_next("chat.postMessage", 2)` answers the next two calls with
HTTP 500, and `plan(method, Fault(...))` queues any answer — a status, a body, headers such as
`Retry-After`, a delay before answering. `fault_hook`, when set, is asked first on every call.

`on_call(call, reply)` runs after each call is answered (the console draws messages with it).
`signed_headers`, `slash` and `all_text` build and read the requests on the other side.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

BOT_USER = "UFACTBOT"
TEAM = "T0TEST"


@dataclass
class Call:
    """One request the bot made to the stand-in."""

    method: str  # Web API method, "response_url", "upload" or "download"
    body: dict[str, Any]
    headers: dict[str, str]
    path: str = ""
    status: int = 200  # what the stand-in answered


@dataclass
class Fault:
    """An answer planned for one call instead of Slack's usual one (Slack having a bad moment)."""

    status: int = 500
    body: dict | str = field(default_factory=lambda: {"ok": False, "error": "fatal_error"})
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering


# Required arguments of the methods the stand-in knows, and the error Slack answers when one is
# missing (its method reference: docs.slack.dev/reference/methods/<method>). None means Slack's
# generic `invalid_arguments`, with the field named in response_metadata.
REQUIRED: dict[str, tuple[tuple[str, str | None], ...]] = {
    "auth.test": (),
    "apps.connections.open": (),
    "chat.postMessage": (("channel", "channel_not_found"),),
    "chat.postEphemeral": (("channel", "channel_not_found"), ("user", "user_not_in_channel")),
    "chat.update": (("channel", "channel_not_found"), ("ts", "message_not_found")),
    "views.open": (("trigger_id", "invalid_trigger_id"), ("view", None)),
    "views.publish": (("user_id", None), ("view", None)),
    "views.update": (("view", None),),
    "assistant.threads.setStatus": (
        ("channel_id", "channel_not_found"),
        ("thread_ts", None),
        ("status", None),
    ),
    "assistant.threads.setSuggestedPrompts": (("channel_id", "channel_not_found"), ("prompts", None)),
    "assistant.threads.setTitle": (("channel_id", "channel_not_found"), ("thread_ts", None), ("title", None)),
    "files.getUploadURLExternal": (("filename", None), ("length", None)),
    "files.completeUploadExternal": (("files", None),),
    "files.info": (("file", "file_not_found"),),
    "conversations.replies": (("channel", "channel_not_found"), ("ts", "thread_not_found")),
}
# methods whose message needs something to show: text, blocks or attachments (else `no_text`)
NEEDS_TEXT = {"chat.postMessage", "chat.postEphemeral", "chat.update"}


class SlackStandIn:
    """Slack's Web API, response_url endpoints, file upload and download on 127.0.0.1.

    `token`, when given, is the only bot token accepted (`invalid_auth` otherwise); without it any
    `xoxb-`/`xapp-` token is. `ws_url` is what apps.connections.open hands out (Socket Mode)."""

    def __init__(
        self,
        *,
        token: str | None = None,
        ws_url: str | None = None,
        on_call: Callable[[Call, dict | str], None] | None = None,
        user_id: str = BOT_USER,
        team_id: str = TEAM,
        team: str = "Test",
    ) -> None:
        self.token = token
        self.ws_url = ws_url
        self.on_call = on_call
        self.user_id, self.team_id, self.team = user_id, team_id, team
        self.calls: list[Call] = []
        self.uploads: dict[str, bytes] = {}  # file id -> the bytes uploaded
        # files a user shared with the bot: file id -> (name, bytes); files.info describes them and
        # GET /files/<id> (url_private_download) serves them to the bot's token only
        self.shared_files: dict[str, tuple[str, bytes]] = {}
        self.faults: dict[str, list[Fault]] = {}  # method -> answers planned for its next calls
        self.fault_hook: Callable[[str, dict], Fault | None] | None = None
        self._cond = threading.Condition()
        self._ts = itertools.count(1)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        self.server.daemon_threads = True
        self._thread = threading.Thread(
            target=self.server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="slack-standin",
            daemon=True,
        )
        self._thread.start()

    # -- addresses ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def api_url(self) -> str:
        """The base_url to give a WebClient (FACTBOT_SLACK_API_URL)."""
        return f"{self.url}/api/"

    def response_url(self, name: str = "r1", **query: str) -> str:
        """A response_url Slack would hand out with a request; `query` is kept in the call's path."""
        tail = f"?{urllib.parse.urlencode(query)}" if query else ""
        return f"{self.url}/response/{name}{tail}"

    def next_ts(self) -> str:
        """A message timestamp, unique on this stand-in."""
        return f"{int(time.time())}.{next(self._ts):06d}"

    # -- answers -----------------------------------------------------------------------------

    def authorized(self, headers: dict[str, str], *, app_level: bool = False) -> str | None:
        """None when the request's token is good, else Slack's error for it."""
        auth = headers.get("Authorization") or headers.get("authorization") or ""
        token = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else ""
        if not token:
            return "not_authed"
        if app_level:
            return None if token.startswith("xapp-") else "not_allowed_token_type"
        if self.token is not None:
            return None if token == self.token else "invalid_auth"
        return None if token.startswith(("xoxb-", "xoxp-")) else "invalid_auth"

    def reply(self, method: str, body: dict, headers: dict[str, str] | None = None) -> dict | str:
        """Slack's answer to one call of `method` with `body` (HTTP 200 unless a fault is planned)."""
        if method == "response_url":
            return "ok"
        if method not in REQUIRED:
            return {"ok": False, "error": "unknown_method"}
        if headers is not None:
            error = self.authorized(headers, app_level=method == "apps.connections.open")
            if error:
                return {"ok": False, "error": error}
        for name, error in REQUIRED[method]:
            if body.get(name) in (None, "", [], {}):
                if error:
                    return {"ok": False, "error": error}
                return {
                    "ok": False,
                    "error": "invalid_arguments",
                    "response_metadata": {"messages": [f"[ERROR] missing required field: {name}"]},
                }
        if method in NEEDS_TEXT and not any(body.get(k) for k in ("text", "blocks", "attachments")):
            return {"ok": False, "error": "no_text"}
        ts = self.next_ts()
        if method == "auth.test":
            return {
                "ok": True,
                "user_id": self.user_id,
                "user": "factbot",
                "bot_id": "BFACTBOT",
                "team_id": self.team_id,
                "team": self.team,
                "url": "https://test.slack.com/",
            }
        if method == "apps.connections.open":
            return {"ok": True, "url": self.ws_url} if self.ws_url else {"ok": False, "error": "no_ws"}
        if method in ("chat.postMessage", "chat.update"):
            ts = body.get("ts") or ts
            return {"ok": True, "channel": body.get("channel"), "ts": ts, "message": {"ts": ts}}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": ts}
        if method in ("views.publish", "views.update"):
            return {"ok": True, "view": {"id": f"V{next(self._ts):08d}", **(body.get("view") or {})}}
        if method == "views.open":
            return {"ok": True, "view": {"id": f"V{next(self._ts):08d}", **(body.get("view") or {})}}
        if method.startswith("assistant.threads."):
            return {"ok": True}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ts):08d}"
            return {"ok": True, "file_id": file_id, "upload_url": f"{self.url}/upload/{file_id}"}
        if method == "files.completeUploadExternal":
            files = body["files"]
            files = json.loads(files) if isinstance(files, str) else files
            if any(f.get("id") not in self.uploads for f in files):
                return {"ok": False, "error": "file_not_found"}
            return {"ok": True, "files": [{"id": f["id"], "title": f.get("title", "")} for f in files]}
        if method == "conversations.replies":
            return {
                "ok": True,
                "messages": self.thread(body["channel"], body["ts"], body.get("include_all_metadata")),
            }
        if method == "files.info":
            shared = self.shared_files.get(body["file"])
            if shared is None:
                return {"ok": False, "error": "file_not_found"}
            name, data = shared
            return {
                "ok": True,
                "file": {
                    "id": body["file"],
                    "name": name,
                    "title": name,
                    "mimetype": "text/plain",
                    "filetype": "text",
                    "size": len(data),
                    "url_private_download": f"{self.url}/files/{body['file']}",
                },
            }
        raise AssertionError(f"REQUIRED lists {method} but reply() does not answer it")

    def thread(self, channel: str, ts: str, metadata: object = False) -> list[dict]:
        """The messages chat.postMessage put in the thread `ts` of `channel` (what Slack took: an
        answer of 200, whatever happened to the caller afterwards), with their metadata if asked."""
        with self._cond:
            posted = [
                c.body
                for c in self.calls
                if c.method == "chat.postMessage"
                and c.status == 200
                and c.body.get("channel") == channel
                and c.body.get("thread_ts") == ts
            ]
        keep = metadata in (True, "true", "1", 1)
        return [
            {"type": "message", "thread_ts": ts, "text": b.get("text", "")}
            | ({"metadata": _json(b["metadata"])} if keep and b.get("metadata") else {})
            for b in posted
        ]

    # -- files -------------------------------------------------------------------------------

    def share_file(self, name: str, data: bytes) -> str:
        """Hold a file a user shares with the bot; return its id (files.info and download serve it)."""
        file_id = f"F{next(self._ts):08d}"
        self.shared_files[file_id] = (name, data)
        return file_id

    # -- faults ------------------------------------------------------------------------------

    def plan(self, method: str, *faults: Fault) -> None:
        """Answer the next calls of `method` with `faults`, one each, in order."""
        with self._cond:
            self.faults.setdefault(method, []).extend(faults)

    def fail_next(self, method: str, times: int = 1) -> None:
        """Answer the next `times` calls of `method` with HTTP 500, as Slack does when it is failing."""
        self.plan(method, *(Fault() for _ in range(times)))

    def take_fault(self, method: str, body: dict) -> Fault | None:
        """The fault planned for this call of `method`, if any (the hook is asked first)."""
        if self.fault_hook is not None:
            fault = self.fault_hook(method, body)
            if fault is not None:
                return fault
        with self._cond:
            planned = self.faults.get(method)
            return planned.pop(0) if planned else None

    # -- what was called ---------------------------------------------------------------------

    def record(self, call: Call) -> None:
        with self._cond:
            self.calls.append(call)
            self._cond.notify_all()

    def of(self, method: str) -> list[Call]:
        """Every call of `method` so far."""
        with self._cond:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """The first `count` calls of `method`, waiting up to `timeout` seconds for them."""
        with self._cond:
            ok = self._cond.wait_for(
                lambda: len([c for c in self.calls if c.method == method]) >= count, timeout
            )
            found = [c for c in self.calls if c.method == method]
        assert ok, f"expected {count} {method} call(s), got {len(found)}: {[c.method for c in self.calls]}"
        return found[:count]

    def clear(self) -> None:
        with self._cond:
            self.calls.clear()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _make_handler(slack: SlackStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = dict(self.headers)
            if self.path.startswith("/upload/"):  # files.getUploadURLExternal's URL: raw bytes
                slack.uploads[self.path.removeprefix("/upload/")] = data
                self._answer(
                    Call("upload", {"bytes": len(data)}, headers, self.path), "OK - " + str(len(data))
                )
                return
            body = _parse_body(data.decode(), self.headers.get("Content-Type") or "")
            if self.path.startswith("/response/"):
                method, checked = "response_url", None
            else:
                method, checked = self.path.removeprefix("/api/").split("?")[0], headers
            reply = slack.reply(method, body, checked)
            self._answer(Call(method, body, headers, self.path), reply)

        def do_GET(self) -> None:  # noqa: N802
            file_id = self.path.removeprefix("/files/")
            call = Call("download", {"file": file_id}, dict(self.headers), self.path)
            if slack.authorized(call.headers) is not None:
                self._answer(call, "not authorised", 403)
            elif file_id not in slack.shared_files:
                self._answer(call, "no such file", 404)
            else:
                self._answer(call, slack.shared_files[file_id][1])

        def _answer(self, call: Call, reply: dict | str | bytes, status: int = 200) -> None:
            headers: dict[str, str] = {}
            fault = slack.take_fault(call.method, call.body)
            if fault is not None:
                if fault.delay:
                    time.sleep(fault.delay)
                reply, status, headers = fault.body, fault.status, fault.headers
            call.status = status
            slack.record(call)
            if slack.on_call is not None and not isinstance(reply, bytes):
                slack.on_call(call, reply)
            if isinstance(reply, bytes):
                data, kind = reply, "application/octet-stream"
            elif isinstance(reply, str):
                data, kind = reply.encode(), "text/plain"
            else:
                data, kind = json.dumps(reply).encode(), "application/json"
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _parse_body(raw: str, content_type: str) -> dict[str, Any]:
    body: dict[str, Any] = (
        json.loads(raw or "{}") if "json" in content_type else dict(urllib.parse.parse_qsl(raw))
    )
    for key in ("blocks", "view"):  # form-encoded calls send these as JSON text
        if isinstance(body.get(key), str) and body[key][:1] in ("[", "{"):
            body[key] = json.loads(body[key])
    return body


# ---------------------------------------------------------------------------------------------
# the other side: requests as Slack signs and shapes them, and what a reader sees of a message


def signature(body: str, timestamp: str, secret: str) -> str:
    """Slack's v0 request signature, computed independently of slack_sdk."""
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return f"v0={digest}"


def signed_headers(
    body: str,
    *,
    content_type: str,
    secret: str,
    timestamp: int | None = None,
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    """The headers Slack puts on a request it sends the bot, signed with `secret`."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature(body, ts, secret),
    }
    headers.update(extra or {})
    return headers


def slash(
    command: str,
    text: str,
    *,
    user: str = "UALICE",
    response_url: str = "",
    channel: str = "CGENERAL",
    team: str = TEAM,
) -> str:
    """A slash command request body (form-encoded)."""
    return urllib.parse.urlencode(
        {
            "token": "legacy",
            "team_id": team,
            "team_domain": "test",
            "channel_id": channel,
            "channel_name": "general",
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": text,
            "api_app_id": "AFACTBOT",
            "response_url": response_url,
            "trigger_id": "1.2.3",
        }
    )


def all_text(message: dict) -> str:
    """Every piece of text in a message or view, joined: what a reader would see."""
    parts = [message.get("text") or ""]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            # mrkdwn/plain_text objects, rich_text runs and links, table cells
            if node.get("type") in ("mrkdwn", "plain_text", "text", "raw_text", "link"):
                parts.append(node.get("text") or node.get("url", ""))
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(message.get("blocks", []))
    return "\n".join(parts)
