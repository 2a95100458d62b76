"""`factbot browse`: the live store, read-only, in a browser (Datasette, the `factbot[browse]` extra).

    factbot browse [--db PATH] [--host 127.0.0.1] [--port 8001]

Datasette serves the live generation (the file `facts.db.live` names) immutable, with metadata
that describes every table and column, facets by entity, metric and period on the facts, and two
canned queries: one company's figures over time, and what the last reload added. Full-text search
over the quotes needs an index the store does not carry (its own index holds match tokens, not
text, and Chinese needs trigrams): it lives in a companion file built on first use per generation,
`.browse/<generation>.quotes.db` beside the store, which also lists the facts the generation added
to the one before it. In the browser they are `/archive` (the store) and `/quotes`.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import tempfile
from pathlib import Path

from store import generations

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
}
HIDDEN = {"facts_fts", "facts_fts_data", "facts_fts_idx", "facts_fts_docsize", "facts_fts_config"}


def companion(live: Path) -> Path:
    """Return the companion file (quote search, what this generation added) of a store file."""
    return live.parent / ".browse" / f"{live.stem}.quotes.db"


def build_companion(live: Path, previous: Path | None) -> Path:
    """Write the companion of ``live`` once (atomically); return its path."""
    target = companion(live)
    if target.exists():
        return target
    target.parent.mkdir(exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".", suffix=".building", dir=target.parent)
    os.close(fd)
    con = sqlite3.connect(tmp)
    try:
        con.execute("attach database ? as live", (f"file:{live}?mode=ro",))
        con.executescript(
            """
            create table quotes (rowid integer primary key, fact_id text, entity text, metric text,
                period text, published text, file text, title text, outlet text, quote text);
            insert into quotes
                select f.rowid, f.id, f.entity, f.metric, f.period, d.published, f.file, d.title, d.outlet, f.quote
                from live.facts f join live.documents d on d.file = f.file where f.reprint_of is null;
            create virtual table quotes_fts using fts5(quote, content='quotes', content_rowid='rowid',
                tokenize='trigram');
            insert into quotes_fts (quotes_fts) values ('rebuild');
            create table added (fact_id text primary key, entity text, metric text, period text,
                file text, quote text);
            """
        )
        if previous is not None and previous.is_file():
            con.execute("attach database ? as prev", (f"file:{previous}?mode=ro",))
            con.execute(
                "insert into added select id, entity, metric, period, file, quote from live.facts "
                "where id not in (select id from prev.facts)"
            )
        con.commit()
    finally:
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


def metadata(live: Path, quotes: Path, live_name: str = ARCHIVE_NAME, quotes_name: str = QUOTES_NAME) -> dict:
    """Return Datasette metadata: every table and column described, facets, FTS, canned queries."""
    tables: dict[str, dict] = {
        name: {"description": TABLES[name], "columns": cols} for name, cols in COLUMNS.items()
    }
    tables["facts"].update(facets=["entity", "metric", "period"], sort_desc="recency", label_column="quote")
    tables["documents"].update(facets=["outlet", "published"], label_column="title")
    tables.update({name: {"hidden": True} for name in HIDDEN})
    return {
        "title": "factbot archive",
        "description": "The live fact store, read-only. Every fact is a verbatim quote from an article.",
        "databases": {
            live_name: {
                "description": f"Store generation {generations.generation_of(live)} ({live.name}).",
                "tables": tables,
                "queries": {
                    "company_figures": {
                        "title": "One company's figures over time",
                        "description": "Every fact about one entity (e.g. Microsoft), oldest figure first.",
                        "sql": "select period, metric, quote, file from facts "
                        "where (entity = :entity or entities like '%\"' || :entity || '\"%') "
                        "and reprint_of is null order by recency, rowid",
                    },
                },
            },
            quotes_name: {
                "description": "Search over the quotes, and what this generation added.",
                "tables": {
                    "quotes": {
                        "description": "The quotes the search can answer with (reprints folded), searchable.",
                        "fts_table": "quotes_fts",
                        "fts_pk": "rowid",
                        "facets": ["entity", "metric", "period"],
                        "columns": {
                            "fact_id": "facts.id",
                            "quote": "the sentence, verbatim",
                            **{c: COLUMNS["facts"][c] for c in ("entity", "metric", "period", "file")},
                            "published": COLUMNS["documents"]["published"],
                            "title": COLUMNS["documents"]["title"],
                            "outlet": COLUMNS["documents"]["outlet"],
                        },
                    },
                    "added": {
                        "description": "Facts of this generation that the generation before did not have.",
                        "columns": {
                            c: COLUMNS["facts"].get(c, "")
                            for c in ("entity", "metric", "period", "file", "quote")
                        }
                        | {"fact_id": "facts.id"},
                    },
                    **{
                        f"quotes_fts{s}": {"hidden": True}
                        for s in ("", "_data", "_idx", "_docsize", "_config")
                    },
                },
                "queries": {
                    "reload_added": {
                        "title": "What a reload added",
                        "description": "The facts the last build or reload added, by entity.",
                        "sql": "select entity, metric, period, quote, file from added order by entity, period",
                    }
                },
            },
        },
    }


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
    cmd = [
        sys.executable, "-m", "datasette", "serve", "-i", str(archive_link), "-i", str(quotes_link),
        "--metadata", str(meta_path), "--host", host, "--port", str(port),
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
