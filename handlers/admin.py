"""/factadmin: reload the fact store and see its status. Admins only, checked in `require_admin`."""

from __future__ import annotations

import logging
import re
import urllib.parse
import urllib.request

from slack_bolt import Ack, App, BoltResponse, Respond
from slack_sdk.errors import SlackApiError

from store import StoreError
from store.sources import decode_source

from . import render
from .deps import ArticleAdded, Deps
from .errors import FactbotError

log = logging.getLogger(__name__)


def require_admin(ack: Ack, command: dict, deps: Deps, next) -> BoltResponse | None:
    """Listener middleware, the one place admin rights are checked: non-admins get a polite no,
    and the attempt is logged and written to the audit log."""
    user = command.get("user_id", "")
    if user in deps.admins:
        next()
        return None
    action = f"{command.get('command', '/factadmin')} {command.get('text', '')}".strip()
    log.warning("refused %r from non-admin user %s", action[:200], user)
    deps.state.audit(user=user, action=action[:500], allowed=False, detail="not an admin")
    return ack(**render.refusal_message(), response_type="ephemeral")


def factadmin_command(ack: Ack, respond: Respond, command: dict, deps: Deps) -> None:
    """/factadmin reload | status (admins only)."""
    verb = (command.get("text") or "").strip().lower()
    user = command.get("user_id", "")
    if verb == "status":
        ack(
            **render.status_message(deps.stores.current.stats(), uptime=deps.uptime()),
            response_type="ephemeral",
        )
        deps.state.audit(user=user, action="/factadmin status", allowed=True)
        return
    if verb in ("reload", "reload --force"):
        reload_command(ack, respond, command, deps, force=verb.endswith("--force"))
        return
    if verb == "add" or verb.startswith(("add ", "add\n")):
        add_command(ack, respond, command, deps)
        return
    # Every /factadmin an admin runs is audited, a verb we do not know too.
    deps.state.audit(
        user=user, action=f"/factadmin {verb}".strip()[:500], allowed=True, detail="unknown verb"
    )
    ack(**render.admin_usage_message(), response_type="ephemeral")


def reload_command(ack: Ack, respond: Respond, command: dict, deps: Deps, *, force: bool = False) -> None:
    """/factadmin reload [--force]: rebuild the store from sources and swap it in; the old one serves
    meanwhile. The audit row is written as the reload starts and completed when it ends, so one that
    was interrupted still shows."""
    user = command.get("user_id", "")
    action = "/factadmin reload --force" if force else "/factadmin reload"
    ack(
        **render.text_message(
            "Rebuilding the fact store from the sources… answers keep coming from the current one."
        ),
        response_type="ephemeral",
    )
    log.info("reload requested by %s", user)
    audit_id = deps.state.begin_audit(user=user, action=action, detail="started, not finished")
    try:
        report = deps.stores.reload(force=force)
    except (FactbotError, StoreError) as e:
        log.warning("reload by %s failed: %s", user, e)
        deps.state.end_audit(audit_id, f"failed: {e}"[:500])
        respond(**render.reload_failed_message(str(e)), response_type="ephemeral", replace_original=False)
        return
    deps.state.end_audit(
        audit_id, f"generation {report.generation}: {report.facts} facts, +{report.added}/-{report.removed}"
    )
    respond(**render.reload_message(report), response_type="ephemeral", replace_original=False)


_META_LINE = re.compile(r"^\s*(title|outlet|url|published|date)\s*[:：]\s*(.+?)\s*$", re.IGNORECASE)
ADD_USAGE = (
    "Usage: `/factadmin add` followed by the article's text; optional first lines "
    "`title: …`, `outlet: …`, `url: …`, `published: 2025-05-01`."
)


def parse_add(text: str) -> tuple[dict[str, str], str]:
    """Split `/factadmin add` text into its metadata lines (title/outlet/url/published) and the article."""
    body = re.sub(r"^\s*add\b", "", text, count=1, flags=re.IGNORECASE)
    lines = body.strip("\n").splitlines()
    meta: dict[str, str] = {}
    while lines:
        m = _META_LINE.match(lines[0])
        if not m:
            break
        key = m.group(1).lower()
        meta["published" if key == "date" else key] = m.group(2)
        lines.pop(0)
    return meta, "\n".join(lines).strip()


def add_command(ack: Ack, respond: Respond, command: dict, deps: Deps) -> None:
    """/factadmin add <article>: check it, save it into the sources with its metadata, add it with an
    incremental reload, and reply with what it added (+N facts, three of them). Audited."""
    user = command.get("user_id", "")
    meta, body = parse_add(command.get("text") or "")
    if not body:
        ack(**render.text_message(ADD_USAGE), response_type="ephemeral")
        return
    ack(**render.text_message("Checking and adding the article…"), response_type="ephemeral")
    audit_id = deps.state.begin_audit(user=user, action="/factadmin add", detail="started, not finished")
    try:
        added = deps.stores.add_article(body, **meta)
    except (FactbotError, StoreError) as e:
        log.warning("article from %s not added: %s", user, e)
        deps.state.end_audit(audit_id, f"refused: {e}"[:500])
        respond(**render.text_message(f"Not added: {e}"), response_type="ephemeral", replace_original=False)
        return
    respond(
        **render.text_message(_added(deps, audit_id, added)),
        response_type="ephemeral",
        replace_original=False,
    )


MAX_FILE_BYTES = 20 * 1024 * 1024  # the sources' own limit (store.sources.MAX_SOURCE_BYTES)
TEXT_FILE = re.compile(r"\.(txt|md|text)$", re.IGNORECASE)


def is_shared_file(event: dict) -> bool:
    """A direct message that carries a file (Slack's `file_share` message)."""
    return (
        event.get("type") == "message"
        and event.get("subtype") == "file_share"
        and event.get("channel_type") == "im"
        and bool(event.get("files"))
    )


def _download(client, url: str) -> bytes:
    # only from Slack: files.slack.com, or the host the Web API is configured on (a stand-in)
    api_host = urllib.parse.urlsplit(client.base_url).hostname
    host = urllib.parse.urlsplit(url).hostname
    if host not in {"files.slack.com", api_host}:
        raise ValueError("the file is not on Slack's servers")
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {client.token}"})
    with urllib.request.urlopen(request, timeout=30) as r:  # noqa: S310 - host checked above
        data = r.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ValueError(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
    return data


def shared_file(event: dict, client, say, deps: Deps) -> None:
    """A text file sent to the bot in a DM: an admin's becomes an article (checked, saved with its
    front matter, added by an incremental reload, audited); anyone else is told no."""
    user = event.get("user", "")
    file_id = str((event.get("files") or [{}])[0].get("id", ""))[:40]
    if user not in deps.admins:
        log.warning("refused an article file from non-admin user %s", user)
        deps.state.audit(user=user, action="add article file", allowed=False, detail="not an admin")
        say(**render.text_message("Only admins can add articles to the archive."))
        return
    audit_id = deps.state.begin_audit(
        user=user, action=f"add article file {file_id}", detail="started, not finished"
    )
    try:
        info = client.files_info(file=file_id)["file"]
        name = str(info.get("name") or "")
        if not TEXT_FILE.search(name) and not str(info.get("mimetype", "")).startswith("text/"):
            raise ValueError(f"{name or 'the file'} is not a text file (.txt or .md)")
        if int(info.get("size") or 0) > MAX_FILE_BYTES:
            raise ValueError(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
        data = _download(client, str(info.get("url_private_download") or ""))
        text = decode_source(data)  # UTF-8, or GB18030/Big5 detected with confidence
        added = deps.stores.add_article(text)
    except (ValueError, OSError, SlackApiError) as e:
        _refuse(say, deps, audit_id, f"that file cannot be read: {e}")
        return
    except (FactbotError, StoreError) as e:
        _refuse(say, deps, audit_id, str(e))
        return
    say(**render.text_message(_added(deps, audit_id, added)))


def _added(deps: Deps, audit_id: int, added: ArticleAdded) -> str:
    """Close the audit of an added article and return the reply: +N facts, three of them."""
    generation = added.reload.generation
    deps.state.end_audit(audit_id, f"added {added.file}: +{added.facts} facts, generation {generation}"[:500])
    lines = [f"Added {added.title or added.file}: +{added.facts} facts (generation {generation})."]
    return "\n".join(lines + [f"• {q}" for q in added.examples])


def _refuse(say, deps: Deps, audit_id: int, reason: str) -> None:
    log.warning("article file not added: %s", reason)
    deps.state.end_audit(audit_id, f"refused: {reason}"[:500])
    say(**render.text_message(f"Not added: {reason}"))


def register(app: App, deps: Deps) -> None:
    """Attach /factadmin, guarded by `require_admin`, and articles sent as files in a DM."""
    app.command("/factadmin", middleware=[require_admin])(factadmin_command)
    app.event("message", matchers=[is_shared_file])(shared_file)
