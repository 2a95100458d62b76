"""Slack surfaces, one module each, every one with `register(app, deps)`.

Listeners are plain functions (`fact_command`, `app_mention`, `share_action`, …): ack, parse, one
store call, render (handlers.render), reply. They take what Bolt passes plus `deps` (handlers.deps).
"""

from . import actions, admin, commands, context, home, mentions, shortcuts

SURFACES = (commands, mentions, actions, context, shortcuts, admin, home)

__all__ = ["SURFACES", "actions", "admin", "commands", "context", "home", "mentions", "shortcuts"]
