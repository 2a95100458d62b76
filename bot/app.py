"""The Bolt app, built from settings, the store holder and the state store — never at import time.

app = build_app(settings, holder, state)                 # talks to settings.slack_api_url
app = build_app(settings, holder, state, client=client)  # e.g. the local console's client
"""

from __future__ import annotations

import logging
from concurrent.futures import Executor
from urllib.parse import urlsplit

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

import handlers
from handlers.deps import Deps, Lease, Stores

from .settings import Settings
from .state import StateStore

log = logging.getLogger("factbot")


class _QuietBolt(logging.Filter):
    """Bolt logs the whole body of a request whose signature fails, at INFO: anyone could fill the
    disk with it, and a rotated secret would put users' messages in the log. bot.serve rejects
    such requests before Bolt sees them (one rate-limited line); for any other adapter the line is
    kept, without the body. Bolt's notice that SLACK_BOT_TOKEN is unused beside our own client is
    dropped: the client carries that token."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not isinstance(record.msg, str):
            return True
        if record.msg.startswith("Invalid request signature detected"):
            record.msg, record.args = "Invalid request signature detected (body not logged)", None
        return not record.msg.startswith("As you gave `client` as well, `token` will be unused")


SLACK_HOOKS_HOST = "hooks.slack.com"


def response_url_hosts(api_url: str) -> frozenset[tuple[str, str]]:
    """(scheme, host[:port]) pairs a response_url may point at: Slack's hooks host, the configured
    Web API's host (a test stand-in, the console) and its hooks host (GovSlack's API at
    slack-gov.com sends hooks.slack-gov.com response_urls)."""
    api = urlsplit(api_url)
    host = api.netloc.lower()
    return frozenset(
        {("https", SLACK_HOOKS_HOST), (api.scheme, host), ("https", "hooks." + host.removeprefix("api."))}
    )


def is_slack_url(url: object, allowed: frozenset[tuple[str, str]]) -> bool:
    """True when `url` is an http(s) URL on one of the `allowed` hosts, with no user info."""
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        return False
    return "@" not in parts.netloc and (parts.scheme, parts.netloc.lower()) in allowed


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or "none"
    except ValueError:
        return "malformed"


def build_app(
    settings: Settings,
    holder: Stores,
    state: StateStore,
    client: WebClient | None = None,
    *,
    answer_budget: float = 2.0,
    listener_executor: Executor | None = None,
) -> App:
    """A Bolt App with every factbot listener registered, ready for any adapter or App.dispatch."""
    if client is None:
        token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
        client = WebClient(token=token, base_url=settings.slack_api_url)
    if not any(isinstance(h, RateLimitErrorRetryHandler) for h in client.retry_handlers):
        client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))
    bolt_log = logging.getLogger("factbot.bolt")
    for name in ("factbot.bolt", "slack_bolt.RequestVerification"):  # the second logs the failures
        if not any(isinstance(f, _QuietBolt) for f in logging.getLogger(name).filters):
            logging.getLogger(name).addFilter(_QuietBolt())
    signing_secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    app = App(
        client=client,
        signing_secret=signing_secret,
        # Socket Mode requests are not signed; HTTP ones always are.
        request_verification_enabled=bool(signing_secret),
        # auth.test happens on the first request instead (and in `serve`, with a readable error).
        token_verification_enabled=False,
        logger=bolt_log,
        listener_executor=listener_executor,
    )
    deps = Deps(stores=holder, state=state, admins=settings.admins, answer_budget=answer_budget)

    @app.middleware
    def provide_deps(context, next):
        """Every listener can take `deps`."""
        context["deps"] = deps
        next()

    @app.middleware
    def claim_each_event(body, context, next):
        """Slack redelivers an event it thinks we missed (X-Slack-Retry-Num), to any replica. One
        delivery at a time holds the event's lease; it is settled once the answer is posted
        (handlers.deps.posting) and released if the post fails, so a retry can answer instead."""
        event_id = body.get("event_id") if isinstance(body, dict) else None
        if isinstance(event_id, str) and event_id:
            key = f"event:{event_id}"
            if not state.claim(key):
                log.info("skipping a delivery of event %s: answered, or being answered", event_id[:40])
                return BoltResponse(status=200, body="")
            context["event_lease"] = Lease(state, key)
        next()
        return None

    # The Web API the client really talks to: FACTBOT_SLACK_API_URL, or the console's loopback Slack.
    allowed_hosts = response_url_hosts(client.base_url)

    @app.middleware
    def only_slack_response_urls(body, next):
        """response_url is where the bot posts replies: only ever Slack's own hosts."""
        urls = [body.get("response_url")] if isinstance(body, dict) else []
        urls += [u.get("response_url") for u in (body.get("response_urls") or []) if isinstance(u, dict)]
        for url in urls:
            if url and not is_slack_url(url, allowed_hosts):
                log.warning("refused a request whose response_url is not Slack's (host %s)", _host(url)[:100])
                return BoltResponse(status=400, body="response_url is not Slack's")
        next()
        return None

    for surface in handlers.SURFACES:
        surface.register(app, deps)

    @app.error
    def log_unexpected(error, body):
        """Anything that is not one of our expected failures: log it with its traceback."""
        kind = body.get("type") or body.get("command") if isinstance(body, dict) else None
        log.error("unhandled error while handling %s", kind or "a request", exc_info=error)

    return app
