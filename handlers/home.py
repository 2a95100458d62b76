"""App Home: the Home tab (what the bot knows, how to ask) and the Messages tab of Slack's agent
messaging experience, where suggested prompts drawn from the store wait above the composer."""

from __future__ import annotations

from slack_bolt import App
from slack_sdk import WebClient

from store import FactStore, QueryError

from . import render
from .deps import Deps
from .messages import METRICS, Lang, language_of, metric_label, text

PROMPTS = 4  # Slack shows at most four


def app_home_opened(event: dict, client: WebClient, deps: Deps, set_suggested_prompts=None) -> None:
    """Home tab: publish the view, so it shows the current generation. Messages tab (the agent
    DM): set suggested prompts from the companies and metrics the store covers most."""
    tab = event.get("tab", "home")
    lang: Lang = deps.languages.get(event.get("user", ""), "en")
    store = deps.stores.current
    if tab == "messages":
        prompts = render.suggested_prompts(store_prompts(store))
        if not prompts:
            return
        title = text(lang, "prompts_title")
        if set_suggested_prompts is not None:
            set_suggested_prompts(prompts=prompts, title=title)
        else:  # no thread_ts: under agent_view the prompts pin to the top of the Messages tab
            client.assistant_threads_setSuggestedPrompts(
                channel_id=event["channel"], prompts=prompts, title=title
            )
        return
    if tab != "home":
        return
    admin = event["user"] in deps.admins
    client.views_publish(user_id=event["user"], view=render.home_view(store.stats(), lang, admin=admin))


_cache: dict[tuple[str, int], tuple[tuple[str, str], ...]] = {}  # by store file and generation


def store_prompts(store: FactStore) -> list[tuple[str, str]]:
    """Up to four (title, question) pairs the store answers: its most-covered companies, each with
    the metric of its best fact, the last one asked in Chinese. Worked out once per generation."""
    stats = store.stats()
    key = (stats.path, stats.generation)
    if key not in _cache:
        if len(_cache) > 8:
            _cache.clear()
        _cache[key] = _prompts(store)
    return list(_cache[key])


def _prompts(store: FactStore) -> tuple[tuple[str, str], ...]:
    found: list[tuple[str, str, str | None, str]] = []  # (entity, metric, entity_zh, question)
    for name, _ in store.stats().top_entities:
        try:
            result = store.search(name, limit=5)
        except QueryError:
            continue
        best = next(
            (
                a
                for a in result.answers
                if a.metric in METRICS and a.metric not in ("other", "growth") and a.values
            ),
            None,
        )
        if best is None or any(f[0] == name for f in found):
            continue
        question = f"{name} {metric_label(best.metric)}"
        if not store.search(question).answers:
            continue
        found.append((name, best.metric, best.entity_zh, question))
        if len(found) == PROMPTS:
            break
    prompts = [(q, q) for _, _, _, q in found[: PROMPTS - 1]]
    # one in Chinese: the best-covered company that has a Chinese name, asked the Chinese way
    for _name, metric, zh, _ in found:
        if not zh or language_of(zh) == "en":  # "OpenAI" is its own Chinese name: not a Chinese prompt
            continue
        question = f"{zh} {metric_label(metric, 'zh-Hans')}"
        if store.search(question).answers:
            prompts.append((question, question))
            break
    return tuple(prompts[:PROMPTS])


def register(app: App, deps: Deps) -> None:
    """Attach the App Home listener (both tabs)."""
    app.event("app_home_opened")(app_home_opened)
