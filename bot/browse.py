"""`factbot browse`: the live store, read-only, in a browser (Datasette, the `factbot[browse]` extra).

    factbot browse [--db PATH] [--host 127.0.0.1] [--port 8001]

Datasette serves the live generation (the file `facts.db.live` names) immutable, with metadata
that describes every table and column (one click away, under each table's description), facets
by entity, metric and period on the facts, and two canned queries, dated figures first: one
company's figures over time, and what the last reload added.

What a reader wants first — each fact's quote, entity, metric, headline figure and period, and a
search over the quotes — lives in a companion file built on first use per generation,
`.browse/<generation>.quotes.db` beside the store: its `facts` table leads with those columns,
and its full-text index holds the tokens the store's own search uses (character bigrams of the
quote folded to Simplified, and Latin words), so a two-character word (微软, 营收, AI) is found,
in either script. A Datasette plugin (written beside it) turns the search box's words into those
tokens. In the browser they are `/archive` (the store as built) and `/quotes` (`/quotes/facts`).
"""

from __future__ import annotations

import html
import json
import os
import re
import sqlite3
import sys
import tempfile
from pathlib import Path

from store import fold, generations, open_store

COLUMNS = {
    "facts": {
        "rowid": "row id: the article's number (a hash of its file name) and the fact's index in it",
        "rid": "id in the search index: the fact's recency above the row id, so newest sorts last",
        "id": "stable fact id: the same text always gives the same id",
        "file": "the article (documents.file) the quote is cut from",
        "start": "first character of the quote in the article (code points)",
        "end": "one past the quote's last character",
        "quote": "the sentence, verbatim",
        "key": "the quote folded for matching (Simplified, half width, lower case; same length)",
        "entity": "the first entity the sentence names (or carries over from the one before)",
        "entities": "every entity named, with the companies they belong to (JSON)",
        "context": "entities carried over from the sentence before (JSON)",
        "context_weight": "how surely the carried-over subject is this sentence's subject",
        "metric": "the metric the sentence states most strongly",
        "metrics": "every metric whose keyword it uses, strongest first (JSON)",
        "metric_distance": "characters from each metric's keyword to its figure (JSON)",
        "period": "the period the figure is for (2024, fiscal Q3, 2023 H1, a date)",
        "period_sort": "the period as a fractional year, for sorting",
        "recency": "how recent the figure is: its period, else the article's date",
        "published": "the article's date, from its text or file name",
        "value_list": "every quantity parsed: text, amount, unit, currency, kind, change (JSON)",
        "text_key": "reprint key: the folded sentence",
        "figure_key": "reprint key: entity, metric, period and headline figure",
        "reprint_of": "the fact this one is a reprint of (empty: the fact answers shows)",
        "extra": "the quote's span in the file as stored, the year the article implies, "
        "whether the subject is the article's own (JSON)",
    },
    "documents": {
        "file": "the article's file name in the sources folder",
        "doc_number": "the article's number in row ids (a hash of the file name)",
        "sha256": "SHA-256 of the text: an unchanged article is reused by the next build",
        "published": "publication date: metadata, else the date its text or file name gives",
        "chars": "characters of text",
        "facts": "facts extracted from it",
        "text": "the article text quotes are cut from (front matter blanked)",
        "title": "title: metadata, else its first headline line",
        "outlet": "who published it (metadata)",
        "url": "where it was published (metadata)",
        "names": "names it mentions that the lexicon does not list (JSON)",
        "latin_words": "Latin-script words of its facts (JSON)",
        "entity_counts": "entity -> how many of its facts name it (JSON)",
        "dated": "the date its text or file name gives",
        "headline": "its first headline line (the title without metadata)",
        "aliases": "names it introduces (摩尔线程（Moore Threads）, 智谱华章科技股份有限公司…), how each was found and their lexicon links (JSON)",
    },
    "entities": {
        "name": "canonical name",
        "zh": "Chinese name",
        "kind": "company, product, model, chip, person, org, or name (found in the text)",
        "parent": "the company it belongs to",
        "facts": "facts that name it",
        "how": "how the builder found it: lexicon, ticker, company word, role, owner, bracket, latin, dictionary, title (JSON)",
        "variants": "the names its facts were filed under, merged into this entity (JSON)",
    },
    "aliases": {"alias": "a folded spelling the search recognises", "name": "the entity it stands for"},
    "latin_words": {"word": "a Latin-script word some fact holds (for typo correction)"},
    "meta": {"key": "what", "value": "its value (generation, build time, lexicon, sources' hashes …)"},
    "term_df": {"term": "an index token", "df": "how many indexed facts hold it"},
    "english": {
        "word": "an English word or phrase (a CC-CEDICT gloss)",
        "zh": "a Chinese word for it that the articles can contain",
        "rank": "how precise the gloss is (0: the whole definition)",
    },
    "english_words": {"word": "an ordinary English word: in a question it is never read as a typo of a name"},
}
TABLES = {
    "facts": "One row per quotable statement: the quote, where it is, what it is about, its figures.",
    "documents": "One row per article, with its metadata and text.",
    "entities": "Companies, products, models, chips and people the store knows, with their fact counts.",
    "aliases": "Every spelling the search maps to an entity.",
    "latin_words": "Latin-script words of the facts.",
    "meta": "How and when this generation was built.",
    "term_df": "Document frequencies of the search index's tokens.",
    "english": "English words to the Chinese words of this store, from CC-CEDICT.",
    "english_words": "Ordinary English words (CC-CEDICT's glosses), so a question word is not taken for a name.",
}
HIDDEN = {"facts_fts", "facts_fts_data", "facts_fts_idx", "facts_fts_docsize", "facts_fts_config"}


def companion(live: Path) -> Path:
    """Return the companion file (quote search, what this generation added) of a store file."""
    return live.parent / ".browse" / f"{live.stem}.quotes.db"


_CJK_RUN = re.compile(r"[\u3400-\u9fff]+|[0-9a-z]+")


def quote_tokens(key: str) -> str:
    """The tokens a quote is found by, in order: character bigrams of its Chinese runs (a lone
    character is its own token) and its Latin/digit words — of its match key (folded to
    Simplified, half width, lower case), as the store's own search index holds them."""
    tokens: list[str] = []
    for run in _CJK_RUN.finditer(key):
        s = run.group(0)
        if s[0].isascii() or len(s) == 1:
            tokens.append(s)
        else:
            tokens.extend(s[i : i + 2] for i in range(len(s) - 1))
    return " ".join(tokens)


def fts_query(search: str | None) -> str:
    """What the search box's words mean to the quotes' index (an FTS5 query): each Chinese word
    the phrase of its bigrams (资本支出 -> "资本 本支 支出"; a lone character any bigram it
    starts), each Latin word itself; all of them required. Traditional and Simplified, full and
    half width, upper and lower case search alike."""
    terms = []
    for run in _CJK_RUN.finditer(fold(search or "")):
        s = run.group(0)
        if s[0].isascii():
            terms.append(f'"{s}"')
        elif len(s) == 1:
            terms.append(f'"{s}"*')
        else:
            terms.append('"' + " ".join(s[i : i + 2] for i in range(len(s) - 1)) + '"')
    return " ".join(terms) or '""'


READABLE = ("quote", "entity", "metric", "headline", "period", "published", "title", "outlet", "file")


def build_companion(live: Path, previous: Path | None) -> Path:
    """Write the companion of ``live`` once (atomically); return its path."""
    from handlers.wording import answer_figure

    target = companion(live)
    if target.exists():
        return target
    target.parent.mkdir(exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".", suffix=".building", dir=target.parent)
    os.close(fd)
    con = sqlite3.connect(tmp)
    store = open_store(live)
    try:
        con.execute("attach database ? as live", (f"file:{live}?mode=ro",))
        con.executescript(
            """
            create table facts (rowid integer primary key, quote text, entity text, metric text,
                headline text, period text, published text, title text, outlet text, file text,
                fact_id text, dated integer);
            create virtual table facts_fts using fts5(tokens, content='', tokenize='unicode61');
            create table added (fact_id text primary key, quote text, entity text, metric text,
                period text, published text, file text, dated integer);
            """
        )
        rows = con.execute(
            "select f.rowid, f.quote, f.entity, f.metric, f.id, f.period, coalesce(d.published, d.dated),"
            " d.title, d.outlet, f.file, f.key from live.facts f join live.documents d on d.file = f.file"
            " where f.reprint_of is null order by f.rowid"
        ).fetchall()
        for rowid, quote, entity, metric, fact_id, period, published, title, outlet, file, key in rows:
            answer = store.fact(fact_id)
            headline = answer_figure(answer, "en") if answer is not None else ""
            con.execute(
                "insert into facts values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (rowid, quote, entity, metric, headline or None, period, published, title, outlet, file,
                 fact_id, int(bool(period or published))),
            )  # fmt: skip
            con.execute("insert into facts_fts (rowid, tokens) values (?, ?)", (rowid, quote_tokens(key)))
        if previous is not None and previous.is_file():
            con.execute("attach database ? as prev", (f"file:{previous}?mode=ro",))
            con.execute(
                "insert into added select f.id, f.quote, f.entity, f.metric, f.period,"
                " coalesce(d.published, d.dated), f.file, (f.period is not null or d.published is not null"
                " or d.dated is not null) from live.facts f join live.documents d on d.file = f.file"
                " where f.id not in (select id from prev.facts)"
            )
        con.commit()
    finally:
        store.close()
        con.close()
    os.replace(tmp, target)
    return target


ARCHIVE_NAME = "archive"  # the database names in the browser's URLs: /archive/facts, /quotes/added
QUOTES_NAME = "quotes"


def _link(target: Path, link: Path) -> Path:
    # Datasette names a database after its file: a stable link gives stable URLs across generations
    # (a generation's own name, facts.g4-1a2b3c, would also read as a format extension)
    tmp = link.with_name(f".{link.name}.{os.getpid()}")
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(target.resolve())
    os.replace(tmp, link)
    return link


READABLE_COLUMNS = {
    "rowid": "the fact's row id in the archive (archive facts.rowid)",
    "quote": "the sentence, verbatim",
    "entity": COLUMNS["facts"]["entity"],
    "metric": COLUMNS["facts"]["metric"],
    "headline": "the figure the fact states for its metric, as the bot shows it ('(forecast)' for guidance)",
    "period": COLUMNS["facts"]["period"],
    "published": COLUMNS["documents"]["published"],
    "title": COLUMNS["documents"]["title"],
    "outlet": COLUMNS["documents"]["outlet"],
    "file": COLUMNS["facts"]["file"],
    "fact_id": "the fact's stable id (archive facts.id)",
    "dated": "1 when the fact has a period or its article a date (dated facts sort first)",
}


def described(description: str, columns: dict[str, str], extra: str = "") -> str:
    """A table's description as HTML: the sentence, then its column notes folded away (one click)."""
    notes = "".join(
        f"<dt><code>{html.escape(c)}</code></dt><dd>{html.escape(d)}</dd>" for c, d in columns.items()
    )
    return (
        f"<p>{html.escape(description)}{extra}</p>"
        f"<details><summary>What each column means</summary><dl>{notes}</dl></details>"
    )


def metadata(live: Path, quotes: Path, live_name: str = ARCHIVE_NAME, quotes_name: str = QUOTES_NAME) -> dict:
    """Return Datasette metadata: every table and column described (the notes one click away),
    facets, full-text search, canned queries."""
    readable = (
        f' Read them at <a href="/{quotes_name}/facts">/{quotes_name}/facts</a>: quote first, searchable.'
    )
    tables: dict[str, dict] = {
        name: {"description_html": described(TABLES[name], cols, readable if name == "facts" else "")}
        for name, cols in COLUMNS.items()
    }
    tables["facts"].update(facets=["entity", "metric", "period"], sort_desc="recency", label_column="quote")
    tables["documents"].update(facets=["outlet", "published"], label_column="title")
    tables.update({name: {"hidden": True} for name in HIDDEN})
    return {
        "title": "factbot archive",
        "description": "The live fact store, read-only. Every fact is a verbatim quote from an article.",
        "databases": {
            live_name: {
                "description": f"Store generation {generations.generation_of(live)} ({live.name}), as built.",
                "tables": tables,
                "queries": {
                    "company_figures": {
                        "title": "One company's figures over time",
                        "description": "Every fact about one entity (e.g. Microsoft): dated figures first, "
                        "oldest first; facts with no period or date last.",
                        "sql": "select period, published, metric, quote, file from facts "
                        "where (entity = :entity or entities like '%\"' || :entity || '\"%') "
                        "and reprint_of is null "
                        "order by coalesce(period, '') = '' and coalesce(published, '') = '', recency, rowid",
                    },
                },
            },
            quotes_name: {
                "description": "Every fact as a reader wants it — quote, entity, metric, headline, period — "
                "searchable by any word (two characters too, 简体 or 繁體), and what this generation added.",
                "tables": {
                    "facts": {
                        "description_html": described(
                            "The facts the bot answers with (reprints folded). Search finds any word of "
                            "the quote, in either script.",
                            READABLE_COLUMNS,
                        ),
                        "fts_table": "facts_fts",
                        "fts_pk": "rowid",
                        "facets": ["entity", "metric", "period"],
                        "sort_desc": "dated",
                        "label_column": "quote",
                    },
                    "added": {
                        "description_html": described(
                            "Facts of this generation that the generation before did not have.",
                            {
                                c: READABLE_COLUMNS.get(c, "")
                                for c in (
                                    "quote",
                                    "entity",
                                    "metric",
                                    "period",
                                    "published",
                                    "file",
                                    "fact_id",
                                    "dated",
                                )
                            },
                        ),
                    },
                    **{
                        f"facts_fts{s}": {"hidden": True}
                        for s in ("", "_data", "_idx", "_docsize", "_config")
                    },
                },
                "queries": {
                    "reload_added": {
                        "title": "What a reload added",
                        "description": "The facts the last build or reload added: dated ones first, by entity.",
                        "sql": "select entity, metric, period, published, quote, file from added "
                        "order by dated desc, entity, period",
                    }
                },
            },
        },
    }


PLUGIN = """# Written by factbot browse: the quotes database's search box speaks the store's tokens.
from datasette import hookimpl

from bot.browse import QUOTES_NAME, fts_query


@hookimpl(trylast=True)  # after Datasette's own escape_fts, which it replaces for this database
def prepare_connection(conn, database):
    if database == QUOTES_NAME:
        conn.create_function("escape_fts", 1, fts_query)
"""


def command(db: Path, *, host: str, port: int) -> tuple[list[str], Path]:
    """Return the Datasette command line that serves ``db``'s live store, and its metadata file."""
    live = generations.live_path(db)
    if not live.is_file():
        raise FileNotFoundError(f"no fact store at {live} (run factbot build first)")
    quotes = build_companion(live, generations.previous_path(db))
    meta_path = quotes.with_suffix(".metadata.json")
    meta_path.write_text(json.dumps(metadata(live, quotes), ensure_ascii=False, indent=1), encoding="utf-8")
    archive_link = _link(live, quotes.parent / f"{ARCHIVE_NAME}.db")
    quotes_link = _link(quotes, quotes.parent / f"{QUOTES_NAME}.db")
    plugins = quotes.parent / "plugins"
    plugins.mkdir(exist_ok=True)
    (plugins / "factbot_browse.py").write_text(PLUGIN, encoding="utf-8")
    cmd = [
        sys.executable, "-m", "datasette", "serve", "-i", str(archive_link), "-i", str(quotes_link),
        "--metadata", str(meta_path), "--plugins-dir", str(plugins), "--host", host, "--port", str(port),
        "--setting", "default_page_size", "50", "--setting", "sql_time_limit_ms", "3000",
    ]  # fmt: skip
    return cmd, meta_path


def serve(db: Path, *, host: str = "127.0.0.1", port: int = 8001) -> int:
    """Serve the live store with Datasette until interrupted; 2 if Datasette is not installed."""
    try:
        import datasette  # noqa: F401
    except ImportError:
        print("factbot browse needs Datasette: pip install 'factbot[browse]'", file=sys.stderr)
        return 2
    try:
        cmd, _ = command(db, host=host, port=port)
    except FileNotFoundError as e:
        print(f"factbot browse: {e}", file=sys.stderr)
        return 1
    print(f"factbot browse: http://{host}:{port}/ (Ctrl-C to stop)", file=sys.stderr, flush=True)
    # Datasette takes this process's place: a signal that stops `factbot browse` (Ctrl-C, kill, a
    # service manager) reaches the server itself, where a child would have been left running
    os.execv(cmd[0], cmd)
    return 0  # not reached
