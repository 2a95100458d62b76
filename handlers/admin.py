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
    if verb in ("reload", "reload --force"):
        reload_command(ack, respond, command, deps, force=verb.endswith("--force"))
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


def register(app: App, deps: Deps) -> None:
    """Attach /factadmin, guarded by `require_admin`."""
    app.command("/factadmin", middleware=[require_admin])(factadmin_command)
