"""Building the fact store with extraction spread over worker processes.

    from store.parallel import build_store_parallel
    report = build_store_parallel("archive/", "data/facts.db", workers=2)

Same result as ``store.build.build_store`` (same documents in the same order, so the same
fact ids *and* row ids, the same file written atomically, the same ``BuildReport``), but
articles are read and extracted in ``workers`` processes while this one writes SQLite.
Extraction is pure and CPU-bound, so it is what parallelises; the write stays single-threaded
because SQLite has one writer.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import time
from collections.abc import Iterator
from pathlib import Path

from .build import (
    BuildReport,
    SourceProblem,
    _previous_state,
    iter_sources,
    read_source,
    write_store,
)
from .errors import BuildError
from .extract import Document, extract_facts
from .lexicon import Lexicon, default_lexicon

# Files per task: big enough that pickling a task costs nothing next to extracting it,
# small enough that the workers stay evenly loaded and results stream to the writer.
CHUNK_FILES = 8
NO_FACTS = "no facts found (is it an article of this genre?)"

_worker_lexicon: Lexicon | None = None


def _init_worker(lexicon: Lexicon) -> None:
    global _worker_lexicon
    _worker_lexicon = lexicon


def _extract_chunk(paths: list[str]) -> list[Document | SourceProblem]:
    assert _worker_lexicon is not None
    return _extract_with(_worker_lexicon, paths)


def _extract_with(lexicon: Lexicon, paths: list[str]) -> list[Document | SourceProblem]:
    out: list[Document | SourceProblem] = []
    for name in paths:
        path = Path(name)
        try:
            raw = read_source(path)
        except (OSError, ValueError) as e:
            out.append(SourceProblem(path.name, str(e)))
            continue
        out.append(extract_facts(raw, path.name, lexicon))
    return out


def build_store_parallel(
    sources: Path | str,
    db_path: Path | str,
    workers: int = 2,
    *,
    lexicon: Lexicon | None = None,
    previous: Path | str | None = None,
) -> BuildReport:
    """Build the fact store for every article in ``sources``, extracting in ``workers`` processes.

    Returns the ``BuildReport`` ``build_store`` would, and writes the same store: unreadable
    sources are reported in ``errors`` and the rest still build; if no article has a fact,
    ``BuildError`` is raised and any existing store stays. ``workers=1`` (or a folder of one
    file) extracts in this process.
    """
    started = time.perf_counter()
    sources = Path(sources)
    db_path = Path(db_path)
    lexicon = lexicon or default_lexicon()
    previous = Path(previous) if previous else db_path
    paths = [str(p) for p in iter_sources(sources)]
    errors: list[SourceProblem] = []
    new_ids: set[str] = set()
    workers = max(1, min(workers, os.cpu_count() or 1, len(paths) or 1))
    chunks = [paths[i : i + CHUNK_FILES] for i in range(0, len(paths), CHUNK_FILES)]

    def documents(results: Iterator[list[Document | SourceProblem]]) -> Iterator[Document]:
        for batch in results:
            for item in batch:
                if isinstance(item, SourceProblem):
                    errors.append(item)
                    continue
                if not item.facts:
                    errors.append(SourceProblem(item.file, NO_FACTS))
                new_ids.update(f.id for f in item.facts)
                yield item

    # Read the previous store before writing the new one over it.
    generation, old_ids = _previous_state(previous)
    if workers == 1:
        extract = functools.partial(_extract_with, lexicon)
        report = _write_checked(
            documents(map(extract, chunks)), sources, db_path, lexicon, generation, errors
        )
    else:
        # spawn, not fork: the bot may call this from a listener thread, and a forked child of a
        # threaded process can inherit a held lock.
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(workers, initializer=_init_worker, initargs=(lexicon,)) as pool:
            results = pool.imap(_extract_chunk, chunks)
            report = _write_checked(documents(results), sources, db_path, lexicon, generation, errors)
    report.errors = errors
    report.added = len(new_ids - old_ids)
    report.removed = len(old_ids - new_ids)
    report.seconds = time.perf_counter() - started
    return report


def _write_checked(
    docs: Iterator[Document],
    sources: Path,
    db_path: Path,
    lexicon: Lexicon,
    generation: int,
    errors: list[SourceProblem],
) -> BuildReport:
    # Hold documents back until one has a fact, so that a folder with nothing to build raises
    # before write_store replaces the existing store (as build_store does).
    held: list[Document] = []
    for doc in docs:
        held.append(doc)
        if doc.facts:
            break
    if not any(d.facts for d in held):
        reasons = "; ".join(f"{e.file}: {e.reason}" for e in errors) or "the folder holds no articles"
        raise BuildError(f"nothing to build from {sources}: {reasons}")

    def chained() -> Iterator[Document]:
        yield from held
        held.clear()
        yield from docs

    return write_store(chained(), db_path, lexicon=lexicon, generation=generation + 1)
