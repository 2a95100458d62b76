"""Reprints: the same statement in several articles is one fact, its other sources listed.

News is syndicated: one story appears under several outlets' names, and a figure is restated by
every article that reports it. At build time facts that state the same thing are grouped:

* the same sentence once folded (script, width, case and spacing aside), about the same subject
  — anywhere (a sentence that names nobody takes its subject from the sentences before it:
  "他补充道：…降低了60%" in an article about Baseten is not the same fact in one about another
  company), or
* the same entity, metric, period and headline figure — in another article.

A fact is a *reprint* of the earliest fact (articles ordered by published date, then file name;
then position) it shares either key with, and only the facts that are no one's reprint are in the
search index. ``also_sources`` lists every other source of a shown fact.

The rule is local on purpose: whether a fact is a reprint depends only on the facts sharing one
of its keys, so an incremental build re-decides exactly those (``refold``) and reaches the same
result as a full build.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

_SPACE = re.compile(r"\s+")
NO_DATE = "9999-99-99"  # undated articles order after dated ones


def text_key(key: str, subjects: Iterable[str] = ()) -> str:
    """Return the grouping key of a fact's folded sentence and its subjects (the names it holds
    and those it carries from the sentences before it)."""
    named = json.dumps(sorted(set(subjects)), ensure_ascii=False)
    return hashlib.sha1(f"{named}\x00{_SPACE.sub('', key)}".encode()).hexdigest()[:16]


def figure_key(
    entity: str | None, metric: str, period: str | None, values: list[dict], expects: str
) -> str | None:
    """Return the grouping key of "entity, metric, period and headline figure", or None if one is missing.

    The headline figure is the first figure the metric's keyword names (``Value.metric``), else
    the first of the kind the metric is answered by (an amount for capex, a percentage for share)
    that no other metric's keyword names, as the answers headline it.
    """
    if not entity or not metric or metric == "other" or not period or not values:
        return None
    figure = next((v for v in values if v.get("metric") == metric), None) or next(
        (
            v
            for v in values
            if (expects == "any" or v.get("kind") == expects) and v.get("metric") in (None, metric)
        ),
        None,
    )
    if figure is None or figure.get("amount") is None:
        return None
    parts = [
        entity,
        metric,
        period,
        repr(float(figure["amount"])),
        figure.get("unit"),
        figure.get("currency"),
    ]
    return hashlib.sha1(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()[:16]


@dataclass
class _Member:
    id: str
    rowid: int
    rid: int
    file: str
    start: int
    order: tuple[str, str]
    text_key: str
    figure_key: str | None
    reprint_of: str | None


def _load(
    con: sqlite3.Connection, column: str, keys: Iterable[str], published: dict[str, str]
) -> list[_Member]:
    con.execute("create temp table if not exists fold_keys (k text primary key)")
    con.execute("delete from temp.fold_keys")
    con.executemany("insert or ignore into temp.fold_keys values (?)", ((k,) for k in keys if k))
    rows = con.execute(
        "select f.id, f.rowid, f.rid, f.file, f.start, f.text_key, f.figure_key, f.reprint_of "
        f"from facts f where f.{column} in (select k from temp.fold_keys)"
    ).fetchall()
    return [
        _Member(r[0], r[1], r[2], r[3], r[4], (published.get(r[3], NO_DATE), r[3]), r[5], r[6], r[7])
        for r in rows
    ]


def refold(
    con: sqlite3.Connection, text_keys: Iterable[str], figure_keys: Iterable[str], *, complete: bool = False
) -> list[tuple[int, bool]]:
    """Re-decide which facts sharing these keys are reprints; update ``reprint_of``.

    ``complete`` says the keys are every key facts share (a full build's ``repeated_keys``): then
    the groups of the facts loaded are whole already. Returns ``(rid, now_shown)`` for every fact
    whose visibility changed, so the caller can add it to or remove it from the search index.
    """
    published = {
        f: p for f, p in con.execute("select file, coalesce(published, ?) from documents", (NO_DATE,))
    }
    text_keys, figure_keys = set(text_keys), {k for k in figure_keys if k}
    first = {m.id: m for m in _load(con, "text_key", text_keys, published)}
    first.update((m.id, m) for m in _load(con, "figure_key", figure_keys, published))
    members = dict(first)
    if not complete:
        # every fact above needs both of its groups complete to be decided
        more_text = {m.text_key for m in first.values()} - text_keys
        more_figure = {m.figure_key for m in first.values() if m.figure_key} - figure_keys
        members.update((m.id, m) for m in _load(con, "text_key", more_text, published))
        members.update((m.id, m) for m in _load(con, "figure_key", more_figure, published))
    by_text: dict[str, list[_Member]] = {}
    by_figure: dict[str, list[_Member]] = {}
    for m in members.values():
        by_text.setdefault(m.text_key, []).append(m)
        if m.figure_key:
            by_figure.setdefault(m.figure_key, []).append(m)
    for group in (*by_text.values(), *by_figure.values()):
        group.sort(key=lambda m: (m.order, m.start))
    changes: list[tuple[int, bool]] = []
    updates: list[tuple[str | None, int]] = []
    for m in first.values():
        earlier: list[_Member] = []
        head = by_text[m.text_key][0]
        if head.id != m.id:
            earlier.append(head)
        if m.figure_key:
            other = next((g for g in by_figure[m.figure_key] if g.file != m.file and g.order < m.order), None)
            if other is not None:
                earlier.append(other)
        target = min(earlier, key=lambda g: (g.order, g.start)).id if earlier else None
        if target != m.reprint_of:
            updates.append((target, m.rowid))
            if (target is None) != (m.reprint_of is None):
                changes.append((m.rid, target is None))
    # in table order: a million updates touch the table's pages one after another, not at random
    updates.sort(key=lambda u: u[1])
    con.executemany("update facts set reprint_of = ? where rowid = ?", updates)
    return changes


def repeated_keys(con: sqlite3.Connection) -> tuple[list[str], list[str]]:
    """Return every text key and figure key more than one fact shares (what a full build folds)."""
    text = [r[0] for r in con.execute("select text_key from facts group by text_key having count(*) > 1")]
    figure = [
        r[0]
        for r in con.execute(
            "select figure_key from facts where figure_key is not null "
            "group by figure_key having count(distinct file) > 1"
        )
    ]
    return text, figure


def also_sources(con: sqlite3.Connection, fact_id: str, file: str) -> list[dict]:
    """Return the other articles that state the fact ``fact_id`` (reprints of it, and of those), one
    entry per article, earliest first: file, position, title, outlet, url, published."""
    rows = con.execute(
        """with recursive r(id) as (
               select id from facts where reprint_of = ?
               union select f.id from facts f join r on f.reprint_of = r.id)
           select f.file, f.start, f."end", d.title, d.outlet, d.url, d.published
           from facts f join r on f.id = r.id join documents d on d.file = f.file
           order by coalesce(d.published, ?), f.file, f.start""",
        (fact_id, NO_DATE),
    ).fetchall()
    out: list[dict] = []
    seen = {file}
    for f, start, end, title, outlet, url, published in rows:
        if f in seen:
            continue
        seen.add(f)
        out.append(
            {
                "file": f,
                "start": start,
                "end": end,
                "title": title,
                "outlet": outlet,
                "url": url,
                "published": published,
            }
        )
    return out


def source_meta(con: sqlite3.Connection, file: str) -> dict:
    """Return an article's title, url and outlet for an answer's ``source`` (None where unknown)."""
    try:
        row = con.execute("select title, url, outlet from documents where file = ?", (file,)).fetchone()
    except sqlite3.OperationalError:  # a store built before documents had metadata
        row = None
    title, url, outlet = row if row else (None, None, None)
    return {"title": title, "url": url, "outlet": outlet}
