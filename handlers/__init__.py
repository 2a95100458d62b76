"""Slack surfaces, one module each, every one with `register(app, deps)`.

Listeners are plain functions (`fact_command`, `app_mention`, `share_action`, …): ack, parse, one
store call, render (handlers.render), reply. They take what Bolt passes plus `deps` (handlers.deps).
"""

from . import actions, admin, commands, context, home, mentions, shortcuts

# admin before mentions: Bolt runs the first listener that matches, and mentions ends with a
# catch-all for message events that a DM carrying an article file must not fall into.
SURFACES = (commands, admin, mentions, actions, context, shortcuts, home)

__all__ = ["SURFACES", "actions", "admin", "commands", "context", "home", "mentions", "shortcuts"]
