"""The ``factbot`` command: build the store, ask it questions, or run the bot.

factbot                      run the bot (Socket Mode, HTTP or local console, from settings)
factbot build [--sources DIR] [--db PATH] [--lexicon DIR] [--workers N] [--full] [--no-entity-lexicon]
factbot entities [--db PATH] [--kind KIND] [--json] [NAME]
factbot ask [--db PATH] [--json] QUESTION
factbot ask [--db PATH] --json -      one question per line in, one JSON object per line out
factbot ask --explain QUESTION       what was understood, and how each rule scored the top candidates
factbot console                       the local console, ignoring any Slack settings
factbot bench [...]                   the scale benchmark (see README, Performance)
factbot browse [--db PATH] [--port N]  the live store in a browser (Datasette, factbot[browse])
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path

from bot.progress import ProgressLine
from store import BuildError, QueryError, StoreError, build_store, generations, open_store
from store.lexicon import Lexicon

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCES = PROJECT_ROOT / "seeds"
DEFAULT_DB = PROJECT_ROOT / "data" / "facts.db"


def _defaults() -> tuple[Path, Path, list[str]]:
    """Return the sources folder, store path and lexicon folders the settings name."""
    try:
        from bot.settings import load_paths
    except ImportError:
        return DEFAULT_SOURCES, DEFAULT_DB, []
    return load_paths(DEFAULT_SOURCES, DEFAULT_DB)


def ensure_store(db: Path, sources: Path, lexicon_dirs: list[str] | None = None, *, quiet: bool = False):
    """Open the live store of ``db`` (see store.generations), building it from ``sources`` first if
    there is none."""
    db = generations.live_path(db)
    if not db.exists():
        report = build_store(
            sources,
            db,
            lexicon=Lexicon.load(lexicon_dirs or []),
            workers=os.cpu_count() or 1,
            progress=None if quiet else ProgressLine(sys.stderr),
        )
        if not quiet:
            print(
                f"built {db} from {sources}: {report.articles} articles, {report.facts} facts",
                file=sys.stderr,
            )
    return open_store(db)


def _render_terminal(result) -> None:
    from rich.console import Console
    from rich.panel import Panel
    from rich.text import Text

    console = Console()
    if not result.answers:
        console.print(f"[bold]Not found.[/bold] Understood: {result.understood.describe()}")
        for a in result.related:
            console.print(Text(f"  related · {a.entity or '?'} · {a.metric}: {a.quote[:120]}", style="dim"))
        return
    from handlers.messages import language_of
    from handlers.render import headline

    lang = language_of(result.query)
    for a in result.answers:
        head = headline(a, lang)  # in the question's language, a forecast marked as one
        body = Text(a.quote)
        body.append(f"\n— {a.file} [{a.start}:{a.end}]", style="dim")
        console.print(Panel(body, title=Text(head), title_align="left"))


def cmd_build(args: argparse.Namespace) -> int:
    sources, db, lex = _defaults()
    sources = Path(args.sources) if args.sources else sources
    db = Path(args.db) if args.db else db
    lexicon = Lexicon.load((args.lexicon or []) + lex, entities=not args.no_entity_lexicon)
    live = generations.live_path(db)
    from bot.publish import next_generation, publish
    from bot.settings import state_settings
    from bot.state import StateUnavailable, open_state

    try:
        state = open_state(state_settings(db))
    except StateUnavailable as e:
        print(f"factbot build: {e}", file=sys.stderr)
        return 1
    try:
        # The first build writes FACTBOT_DB itself; later ones a new generation beside it, numbered
        # by the state as the bot's reloads are, then published the way a reload publishes: the
        # pointer `factbot ask` reads and the record every running bot and console follow.
        generation = next_generation(db, state)
        target = db if not live.exists() else generations.next_path(db, generation)
        report = build_store(
            sources,
            target,
            lexicon=lexicon,
            previous=live,
            workers=args.workers,
            incremental=not args.full,
            progress=ProgressLine(sys.stderr),
            generation=generation,
        )
        publish(db, target, report.generation, state)
    finally:
        state.close()
    generations.clean(db)
    for n in report.notes:
        print(f"{n.file}: {n.reason}", file=sys.stderr)
    for e in report.errors:
        print(f"skipped {e.file}: {e.reason}", file=sys.stderr)
    how = f"incremental, {report.extracted} extracted" if report.incremental else "full"
    print(
        f"generation {report.generation}: {report.articles} articles, {report.facts} facts "
        f"(+{report.added} −{report.removed}; {how}) in {report.seconds:.2f}s -> {report.path}"
    )
    return 0


def cmd_entities(args: argparse.Namespace) -> int:
    """List the store's entities: how each was found, its spellings and fact count."""
    sources, db, lex = _defaults()
    db = Path(args.db) if args.db else db
    store = ensure_store(db, sources, lex, quiet=True)
    rows = store.entities(" ".join(args.name) if args.name else None)
    if args.kind:
        rows = [r for r in rows if r.kind == args.kind]
    if args.json:
        for r in rows:
            print(json.dumps(asdict(r), ensure_ascii=False))
        return 0
    if not rows:
        print("no entity matches" + (f" {' '.join(args.name)!r}" if args.name else ""))
        return 1
    for r in rows[: args.limit]:
        zh = f" ({r.zh})" if r.zh and r.zh != r.name else ""
        print(f"{r.name}{zh} · {r.kind} · {r.facts} facts · found by {', '.join(r.how) or '-'}")
        merged = [v for v in r.variants if v != r.name]
        if merged:
            print(f"    merged from: {', '.join(merged)}")
        print(f"    spellings: {', '.join(r.aliases[:12])}{' …' if len(r.aliases) > 12 else ''}")
    if len(rows) > args.limit:
        print(f"… and {len(rows) - args.limit} more (--limit N)")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    sources, db, lex = _defaults()
    db = Path(args.db) if args.db else db
    if args.question != ["-"] and not " ".join(args.question).strip():
        print(
            "factbot ask: the question is empty (give one, or - to read questions from stdin)",
            file=sys.stderr,
        )
        return 2
    store = ensure_store(db, sources, lex, quiet=args.json)
    questions = sys.stdin if args.question == ["-"] else [" ".join(args.question)]
    for line in questions:
        line = line.rstrip("\n")
        if args.explain:
            try:
                print(store.explain(line), flush=True)
            except QueryError as e:
                print(f"cannot search that: {e}")
            continue
        try:
            result = store.search(line, limit=args.limit)
        except QueryError as e:
            if args.json:
                print(
                    json.dumps(
                        {"query": line, "answers": [], "related": [], "error": str(e)}, ensure_ascii=False
                    ),
                    flush=True,
                )
            else:
                print(f"cannot search that: {e}")
            continue
        if args.json:
            print(json.dumps(result.to_dict(), ensure_ascii=False), flush=True)
        else:
            _render_terminal(result)
    return 0


def cmd_console() -> int:
    """The local console — the same one plain ``factbot`` opens without Slack settings — even
    when Slack settings are present: the Bolt app and listeners, driven from the terminal."""
    from bot.serve import serve
    from bot.settings import SettingsError, load_settings

    try:
        settings = load_settings(SLACK_BOT_TOKEN="", SLACK_APP_TOKEN="", SLACK_SIGNING_SECRET="")
    except SettingsError as e:
        print(e, file=sys.stderr)
        return 2
    return serve(settings)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``factbot`` command."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["bench"]:
        return _bench(argv[1:])
    parser = argparse.ArgumentParser(
        prog="factbot", description="Answers about the AI industry, quoted from news articles."
    )
    sub = parser.add_subparsers(dest="command")
    b = sub.add_parser("build", help="build the fact store from a folder of articles")
    b.add_argument("--sources", help="folder of articles (default: the configured sources)")
    b.add_argument("--db", help="store file to write (default: the configured store)")
    b.add_argument("--lexicon", action="append", help="extra lexicon folder of *.toml files (repeatable)")
    b.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="extraction processes (default: every core)"
    )
    b.add_argument("--full", action="store_true", help="extract every article again, reusing nothing")
    b.add_argument(
        "--no-entity-lexicon",
        action="store_true",
        help="evaluation switch: build as if the lexicon listed no company, product, model, chip or "
        "person, to measure how well the store finds names in the articles themselves",
    )
    e = sub.add_parser(
        "entities", help="list the store's entities: spellings, kind, how each was found, fact counts"
    )
    e.add_argument("--db", help="store file (default: the configured store)")
    e.add_argument("--kind", help="only this kind (company, product, model, chip, person, org, name)")
    e.add_argument("--limit", type=int, default=50, help="entities shown (default 50)")
    e.add_argument("--json", action="store_true", help="one JSON object per entity")
    e.add_argument(
        "name", nargs="*", help="only the entity this spells (any alias), else those containing it"
    )
    a = sub.add_parser("ask", help="ask the store a question")
    a.add_argument("--db", help="store file (built on first use if missing)")
    a.add_argument("--json", action="store_true", help="one JSON object per question")
    a.add_argument("--limit", type=int, default=3, help="answers per question (default 3)")
    a.add_argument(
        "--explain",
        action="store_true",
        help="show what was understood and the points each ranking rule gave the top candidates",
    )
    a.add_argument("question", nargs="+", help="the question, or - to read one per line from stdin")
    sub.add_parser("bench", help="run the scale benchmark (factbot bench --help)", add_help=False)
    w = sub.add_parser("browse", help="browse the live store in a browser (Datasette, factbot[browse])")
    w.add_argument("--db", help="store file (default: the configured store)")
    w.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    w.add_argument("--port", type=int, default=8001, help="port (default 8001)")
    sub.add_parser("console", help="the local console (what `factbot` opens without Slack settings)")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            return cmd_build(args)
        if args.command == "ask":
            return cmd_ask(args)
        if args.command == "entities":
            return cmd_entities(args)
        if args.command == "browse":
            from bot.browse import serve as browse

            _, default_db, _ = _defaults()
            return browse(Path(args.db) if args.db else default_db, host=args.host, port=args.port)
        if args.command == "console":
            return cmd_console()
        return _serve()
    except BrokenPipeError:
        # the reader stopped reading (`factbot ask --explain … | head`): nothing of ours failed;
        # point stdout at nothing so the interpreter's final flush does not fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except BuildError as e:
        print(f"build failed: {e}", file=sys.stderr)
        return 1
    except StoreError as e:
        print(f"factbot: {e}", file=sys.stderr)
        return 1


def _bench(args: list[str]) -> int:
    """Run the scale benchmark (the ``benchmarks`` package, shipped with factbot)."""
    from benchmarks.scale import main as bench_main

    return bench_main(args)


def _serve() -> int:
    from bot.serve import serve

    return serve()


if __name__ == "__main__":
    sys.exit(main())
