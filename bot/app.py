"""The Bolt app, built from settings, the store holder and the state store — never at import time.

app = build_app(settings, holder, state)                 # talks to settings.slack_api_url
app = build_app(settings, holder, state, client=client)  # e.g. the local console's client
"""

from __future__ import annotations

import logging
from concurrent.futures import Executor, ThreadPoolExecutor
from urllib.parse import urlsplit

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

import handlers
from handlers.deps import Deps, Stores
from handlers.mentions import answer_event

from .outbox import Outbox
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


# Seconds one Web API call may take before it fails (a stalled Slack must not hold a thread for
# good). A call that timed out is not retried by the client — Slack may have taken it; an event's
# answer is retried by the outbox, which first looks for it in the thread.
WEB_API_TIMEOUT = 10.0
# Threads Bolt runs listeners on. A listener holds one for its lookup (at most the answer budget)
# or one short Web API call; mentions and DMs are answered on the outbox's own threads. Slack's
# 3 s acknowledgement waits only for a free one of these.
LISTENER_THREADS = 64
OUTBOX_THREADS = 4


def configure_client(client: WebClient) -> WebClient:
    """Give `client` slack_sdk's retry handlers — connection errors, HTTP 500/503 and 429 with its
    Retry-After, twice each — and a bounded timeout per call; return it."""
    client.timeout = min(client.timeout or WEB_API_TIMEOUT, WEB_API_TIMEOUT)
    wanted = (ConnectionErrorRetryHandler, ServerErrorRetryHandler, RateLimitErrorRetryHandler)
    for kind in wanted:
        if not any(type(h) is kind for h in client.retry_handlers):
            client.retry_handlers.append(kind(max_retry_count=2))
    return client


def slack_client(token: str | None, base_url: str) -> WebClient:
    """A Web API client with the retries and timeout of configure_client."""
    return configure_client(WebClient(token=token, base_url=base_url, timeout=WEB_API_TIMEOUT))


def remember_identity(app: App, auth_test) -> None:
    """Give Bolt the bot's identity that start-up's auth.test found, so that no request waits on
    an auth.test call of its own before its ack (Bolt's single-team authorization makes one on
    the first request otherwise — behind a slow Web API, an ack seconds late)."""
    from slack_bolt.middleware.authorization import SingleTeamAuthorization

    for middleware in app._middleware_list:
        if isinstance(middleware, SingleTeamAuthorization):
            middleware.auth_test_result = auth_test


def tell_admins(client: WebClient, admins: frozenset[str], message: str) -> None:
    """DM every admin `message` (one that cannot be reached is logged; the others still get it)."""
    for admin in sorted(admins):
        try:
            client.chat_postMessage(channel=admin, text=message)
        except (SlackApiError, SlackClientError, OSError) as e:
            log.warning("could not tell admin %s: %s", admin, e)


def build_app(
    settings: Settings,
    holder: Stores,
    state: StateStore,
    client: WebClient | None = None,
    *,
    answer_budget: float = 2.0,
    listener_executor: Executor | None = None,
    outbox_executor: Executor | None = None,
) -> App:
    """A Bolt App with every factbot listener registered, ready for any adapter or App.dispatch.

    Its outbox (`app.outbox`, started here) answers mentions and DMs, and what a process that
    died left unanswered; `outbox.close()` stops it."""
    if client is None:
        token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
        client = slack_client(token, settings.slack_api_url)
    configure_client(client)
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
        listener_executor=listener_executor
        or ThreadPoolExecutor(LISTENER_THREADS, thread_name_prefix="listener"),
    )
    deps = Deps(stores=holder, state=state, admins=settings.admins, answer_budget=answer_budget)
    outbox = Outbox(
        state,
        lambda event, event_id, attempt: answer_event(event, event_id, attempt, deps=deps, client=client),
        executor=outbox_executor or ThreadPoolExecutor(OUTBOX_THREADS, thread_name_prefix="outbox"),
    )
    deps.outbox = outbox
    if hasattr(holder, "on_damage"):  # a StoreHolder: a damaged live store is the admins' to know
        holder.on_damage = lambda message: tell_admins(client, settings.admins, message)

    @app.middleware
    def provide_deps(context, next):
        """Every listener can take `deps`."""
        context["deps"] = deps
        next()

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

    app.outbox = outbox.start()  # type: ignore[attr-defined]
    return app
