"""/factadmin: reload the fact store and see its status. Admins only, checked in `require_admin`."""

from __future__ import annotations

import logging

from slack_bolt import Ack, App, BoltResponse, Respond

from store import StoreError

from . import render
from .deps import Deps
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
    if verb == "reload":
        reload_command(ack, respond, command, deps)
        return
    ack(**render.admin_usage_message(), response_type="ephemeral")


def reload_command(ack: Ack, respond: Respond, command: dict, deps: Deps) -> None:
    """/factadmin reload: rebuild the store from sources and swap it in; the old one serves meanwhile."""
    user = command.get("user_id", "")
    ack(
        **render.text_message(
            "Rebuilding the fact store from the sources… answers keep coming from the current one."
        ),
        response_type="ephemeral",
    )
    log.info("reload requested by %s", user)
    try:
        report = deps.stores.reload()
    except (FactbotError, StoreError) as e:
        log.warning("reload by %s failed: %s", user, e)
        deps.state.audit(user=user, action="/factadmin reload", allowed=True, detail=f"failed: {e}"[:500])
        respond(**render.reload_failed_message(str(e)), response_type="ephemeral", replace_original=False)
        return
    deps.state.audit(
        user=user,
        action="/factadmin reload",
        allowed=True,
        detail=f"generation {report.generation}: {report.facts} facts, +{report.added}/-{report.removed}",
    )
    respond(**render.reload_message(report), response_type="ephemeral", replace_original=False)


def register(app: App, deps: Deps) -> None:
    """Attach /factadmin, guarded by `require_admin`."""
    app.command("/factadmin", middleware=[require_admin])(factadmin_command)
