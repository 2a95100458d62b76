"""The App Home tab: what the bot knows, how to ask, which store generation is loaded."""

from __future__ import annotations

from slack_bolt import App
from slack_sdk import WebClient

from . import render
from .deps import Deps


def app_home_opened(event: dict, client: WebClient, deps: Deps) -> None:
    """Publishes the Home tab each time someone opens it, so it shows the current generation."""
    if event.get("tab", "home") != "home":
        return
    client.views_publish(user_id=event["user"], view=render.home_view(deps.stores.current.stats()))


def register(app: App, deps: Deps) -> None:
    """Attach the App Home listener."""
    app.event("app_home_opened")(app_home_opened)
