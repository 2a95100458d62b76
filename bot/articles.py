"""Articles offered from Slack (`/factadmin add`, a file DM'd to the bot): checked, saved into the
sources folder, and added by an incremental reload.

    added = add_article(holder, text, title="…", outlet="…")
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING

from handlers.deps import ArticleAdded
from handlers.errors import ReloadFailed
from store import Lexicon, extract_facts
from store.sources import ArticleMeta, decode_source, front_matter, parse_article

if TYPE_CHECKING:
    from .holder import StoreHolder


class ArticleRejected(ReloadFailed):
    """An article offered from Slack cannot be added (not text, too big, no facts, already there)."""


def add_article(
    holder: StoreHolder,
    text: str,
    *,
    title: str | None = None,
    outlet: str | None = None,
    url: str | None = None,
    published: str | None = None,
) -> ArticleAdded:
    """Check an article given as text, save it with its metadata into the sources folder, and
    add it with an incremental reload.

    Checked like any source: text of at most the source size limit, not boilerplate alone,
    at least one fact. Raises ArticleRejected with the reason (nothing is saved), or what
    reload raises (the saved file is removed again)."""
    try:
        decode_source(text.encode("utf-8", "surrogatepass"))
    except ValueError as e:
        raise ArticleRejected(f"that article cannot be used: {e}") from e
    meta = ArticleMeta(title=title, outlet=outlet, url=url, published=published)
    content = (front_matter(meta) if any(meta.to_dict().values()) else "") + text.strip() + "\n"
    probe = parse_article("new.txt", content)
    name = f"slack-{time.strftime('%Y%m%d-%H%M%S')}-{probe.sha256[:8]}.txt"
    article = parse_article(name, content)
    doc = extract_facts(article.text, name, Lexicon.load(holder.lexicon))
    if not doc.facts:
        raise ArticleRejected(
            "that article yields no facts (no company, figure or metric the store can quote), "
            "so it was not added"
        )
    for file, sha in holder.current.stats().sources.items():
        if sha == article.sha256 or file == name:
            raise ArticleRejected(f"that article is already in the archive, as {file}")
    path = holder.sources / name
    tmp = path.with_name("." + name + ".saving")
    tmp.write_text(content, encoding="utf-8")
    os.replace(tmp, path)
    try:
        report = holder.reload()
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    examples = [a.quote for a in (holder.current.fact(i) for i in report.added_facts) if a and a.file == name]
    facts = sum(1 for a in (holder.current.fact(f.id) for f in doc.facts) if a is not None)
    return ArticleAdded(
        file=name, title=article.meta.title, facts=facts, examples=examples[:3], reload=report
    )
