"""The live fact store and its reload.

    holder = StoreHolder.open(db=Path("data/facts.db"), sources=Path("seeds"), state=state)
    holder.current.search("Microsoft capex")
    report = holder.reload()     # ReloadReport, or ReloadFailed with the reason

A reload never touches the live file: it builds the next generation into a new file beside it —
incrementally, in a separate process at lower CPU priority, so lookups keep the cores — opens and
validates that, then swaps one reference and moves the pointer `factbot build` and `factbot ask`
read too (store.generations). Lookups that already hold the old store finish on it; the file of
the generation before last is deleted. On start, half-written builds and generations nobody
serves are removed.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from handlers.deps import ArticleAdded, ReloadReport
from handlers.errors import ReloadFailed, ReloadInProgress
from store import (
    BuildReport,
    FactStore,
    Lexicon,
    StoreError,
    build_store,
    extract_facts,
    generations,
    open_store,
)
from store.sources import ArticleMeta, decode_source, front_matter, parse_article

from .progress import ProgressLine
from .state import StateStore, StoreRecord

log = logging.getLogger(__name__)

# How often each replica asks the state store which generation is live (issue 4: within seconds).
FOLLOW_INTERVAL = 2.0
# A reload that would keep less than this share of the live store's facts needs --force: a sources
# folder emptied by mistake must not wipe the archive.
MAX_LOSS = 0.5
# How much lower the build process's CPU priority is than the server's (os.nice in the child).
BUILD_NICENESS = 19  # the lowest: the build takes only what serving leaves idle


CHUNK_BYTES = 4 * 1024 * 1024  # a published store file travels in rows of this size


def file_sha256(path: Path) -> str:
    """Return the SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK_BYTES), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _chunks(path: Path):
    with open(path, "rb") as f:
        yield from iter(lambda: f.read(CHUNK_BYTES), b"")


def published_name(db: Path, generation: int, sha256: str) -> Path:
    """The file name every replica gives a published generation: the same on every disk."""
    return db.with_name(f"{db.stem}.g{generation}-{sha256[:6]}{db.suffix}")


def fetch_store_file(db: Path, state: StateStore, record: StoreRecord) -> Path:
    """Download the published store file ``record`` names into this replica's store folder (beside
    ``db``), verifying its SHA-256, and return its path (a local file with that hash is reused)."""
    assert record.sha256
    target = published_name(db, record.generation, record.sha256)
    if target.is_file() and file_sha256(target) == record.sha256:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.building")
    digest = hashlib.sha256()
    try:
        with open(tmp, "wb") as out:
            for chunk in state.store_file_chunks(record.sha256):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != record.sha256:
            raise StoreError(f"the published store {record.sha256[:12]}… arrived damaged (hash differs)")
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    log.info("fetched store generation %s (%s…) from the shared state", record.generation, record.sha256[:12])
    return target


class ReloadRefused(ReloadFailed):
    """The new store would lose too many facts; the admin may confirm with --force."""


class ArticleRejected(ReloadFailed):
    """An article offered from Slack cannot be added (not text, too big, no facts, already there)."""


def _build_child(conn, nice: int, sources: str, target: str, previous: str, lexicon: tuple[str, ...]) -> None:
    # In the child process: lower priority first, so the extraction workers it starts inherit it.
    try:
        if nice:
            os.nice(nice)
        report = build_store(
            Path(sources), Path(target), previous=Path(previous), lexicon=Lexicon.load(lexicon),
            workers=os.cpu_count() or 1,
        )  # fmt: skip
        conn.send(("ok", report))
    except StoreError as e:
        conn.send(("store", str(e)))
    except OSError as e:
        conn.send(("os", e.strerror or str(e)))
    except BaseException as e:  # anything else still ends the reload with a reason, not a hang
        conn.send(("error", f"{type(e).__name__}: {e}"))
    finally:
        conn.close()


def build_in_child(
    sources: Path, target: Path, previous: Path, lexicon: Sequence[Path] = (), nice: int = BUILD_NICENESS
) -> BuildReport:
    """Run build_store in a separate process at lower CPU priority and return its report.

    Raises StoreError (or OSError) with the child's reason. A separate process, because extraction
    is CPU-bound Python: in the serving process it would hold the GIL against every lookup."""
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(
        target=_build_child,
        args=(child, nice, str(sources), str(target), str(previous), tuple(str(p) for p in lexicon)),
        name="factbot-build",
    )
    proc.start()
    child.close()
    try:
        kind, payload = parent.recv()
    except EOFError:
        kind, payload = "store", "the build process ended without a report"
    finally:
        proc.join()
        parent.close()
    if kind == "ok":
        return payload
    if kind == "os":
        raise OSError(payload)
    raise StoreError(payload)


class StoreHolder:
    """Holds the FactStore every lookup reads, and replaces it on reload."""

    def __init__(
        self,
        store: FactStore,
        *,
        db: Path,
        sources: Path,
        state: StateStore,
        lexicon: Sequence[Path] = (),
        max_loss: float = MAX_LOSS,
        separate_process: bool = True,
    ) -> None:
        self._store = store
        self._generation = store.stats().generation
        self._db = Path(db)
        self._sources = Path(sources)
        self._lexicon = tuple(lexicon)
        self._state = state
        self._reload_lock = threading.Lock()
        self._retired: list[FactStore] = []
        self.started_at = time.time()
        self._stop_following = threading.Event()
        self._follower: threading.Thread | None = None
        self._unfollowable: str | None = None
        self.max_loss = max_loss
        self.separate_process = separate_process
        self._sha256: str | None = None  # of the live file, when the state carries store files
        self._published: list[str] = []  # hashes this holder published or follows (the last two)

    @classmethod
    def open(
        cls,
        *,
        db: Path,
        sources: Path,
        state: StateStore,
        lexicon: Sequence[Path] = (),
        max_loss: float = MAX_LOSS,
        separate_process: bool = True,
    ) -> StoreHolder:
        """The holder for the live store: the one FACTBOT_DB's pointer names (or a newer generation
        the state database names, published by another replica) — built from the sources first if
        there is none yet. Half-written builds and unserved generations beside it are removed."""
        db = Path(db)
        path = generations.live_path(db)
        record = state.current_store()
        fetched = False
        if (
            record
            and record.sha256
            and state.shares_store_files
            and record.generation >= generations.generation_of(path)
        ):
            # another replica published it: fetch it into this replica's own folder, unless the
            # file here is that very store (one disk shared after all)
            if not (path.is_file() and file_sha256(path) == record.sha256):
                path = fetch_store_file(db, state, record)
            fetched = True
        elif (
            record
            and Path(record.path).is_file()
            and Path(record.path) != path
            and record.generation > generations.generation_of(path)
        ):
            path = Path(record.path)
        if not path.exists():
            log.info("no fact store at %s yet; building it from %s", path, sources)
            db.parent.mkdir(parents=True, exist_ok=True)
            build_store(
                Path(sources),
                path,
                lexicon=Lexicon.load(lexicon),
                workers=os.cpu_count() or 1,
                progress=ProgressLine(sys.stderr),  # the first start of a big archive takes a while
            )
        store = open_store(path)
        holder = cls(
            store,
            db=db,
            sources=sources,
            state=state,
            lexicon=lexicon,
            max_loss=max_loss,
            separate_process=separate_process,
        )
        holder._publish(path, upload=not fetched)
        removed = generations.clean(db, keep={path})
        if removed:
            log.info("removed %d stale store files: %s", len(removed), ", ".join(p.name for p in removed))
        return holder

    def _publish(self, path: Path, *, upload: bool = True, sha: str | None = None) -> None:
        # the pointer for `factbot ask`/`factbot build` on this disk, the state for other replicas
        if path.parent.resolve() == self._db.parent.resolve():
            generations.set_live(self._db, path)
        sha = None
        if self._state.shares_store_files:
            # replicas may share no disk: the file itself goes into the shared state, once, under
            # its SHA-256, before the record that names it
            sha = self._sha256 = sha or file_sha256(path)
            if upload:
                self._state.publish_store_file(sha, self._generation, _chunks(path))
                self._state.prune_store_files({sha, *self._published[-1:]})
            self._published = [*self._published[-1:], sha]
        self._state.set_current_store(str(path), self._generation, sha)

    def _fetch(self, record: StoreRecord) -> Path:
        return fetch_store_file(self._db, self._state, record)

    @property
    def current(self) -> FactStore:
        """The store lookups should use right now."""
        return self._store

    @property
    def generation(self) -> int:
        """The live store's generation number."""
        return self._generation

    def reload(self, *, force: bool = False) -> ReloadReport:
        """Build the next generation from the sources and swap it in.

        Raises ReloadInProgress if another reload is running, ReloadFailed (old store still live) if
        the build or its validation fails, ReloadRefused if the new store would keep less than
        ``1 - max_loss`` of the facts and ``force`` is false."""
        if not self._reload_lock.acquire(blocking=False):
            raise ReloadInProgress()
        try:
            return self._reload(force)
        finally:
            self._reload_lock.release()

    def _build(self, target: Path, previous: Path) -> BuildReport:
        # The lexicon is read afresh: an operator may have added a TOML file before reloading.
        if self.separate_process:
            return build_in_child(self._sources, target, previous, self._lexicon)
        return build_store(
            self._sources, target, previous=previous, lexicon=Lexicon.load(self._lexicon), workers=1
        )

    def _reload(self, force: bool) -> ReloadReport:
        old = self._store
        old_stats = old.stats()
        target = generations.next_path(self._db, old_stats.generation + 1)
        try:
            report = self._build(target, Path(old_stats.path))
        except StoreError as e:
            _remove(target)
            raise ReloadFailed(f"the build failed: {e}") from e
        except OSError as e:
            _remove(target)
            raise ReloadFailed(f"the build failed: {e.strerror or e}") from e
        try:
            new = open_store(Path(report.path))
            stats = new.stats()
        except StoreError as e:
            _remove(Path(report.path))
            raise ReloadFailed(f"the new store did not validate: {e}") from e
        if stats.facts == 0 or stats.articles == 0:
            new.close()
            _remove(Path(report.path))
            raise ReloadFailed(
                f"the new store has {stats.articles} articles and {stats.facts} facts; keeping the old one"
            )
        if not force and stats.facts < old_stats.facts * (1 - self.max_loss):
            new.close()
            _remove(Path(report.path))
            raise ReloadRefused(
                f"the new store would keep {stats.facts:,} of {old_stats.facts:,} facts "
                f"(more than {self.max_loss:.0%} lost); keeping the old one. "
                "If that is what you want, run `/factadmin reload --force`."
            )
        sha = None
        if self._state.shares_store_files:
            # named by its hash, as every replica that fetches it will name it
            sha = file_sha256(Path(report.path))
            final = published_name(self._db, stats.generation, sha)
            new.close()
            os.replace(report.path, final)
            report.path = final
            new = open_store(final)
        # The swap: one reference assignment. Lookups that already hold `old` finish on it.
        self._store = new
        self._generation = stats.generation
        self._publish(Path(report.path), sha=sha)
        self._retire(old)
        log.info(
            "store generation %s live: %s facts from %s articles",
            stats.generation,
            stats.facts,
            stats.articles,
        )
        return ReloadReport(
            generation=stats.generation,
            previous_generation=old_stats.generation,
            articles=stats.articles,
            facts=stats.facts,
            added=report.added,
            removed=report.removed,
            seconds=report.seconds,
            skipped=[f"{e.file}: {e.reason}" for e in report.errors],
            read_as=[f"{n.file}: {n.reason}" for n in report.notes],
            added_facts=report.added_facts,
        )

    def add_article(
        self,
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
        doc = extract_facts(article.text, name, Lexicon.load(self._lexicon))
        if not doc.facts:
            raise ArticleRejected(
                "that article yields no facts (no company, figure or metric the store can quote), "
                "so it was not added"
            )
        for file, sha in self.current.stats().sources.items():
            if sha == article.sha256 or file == name:
                raise ArticleRejected(f"that article is already in the archive, as {file}")
        path = self._sources / name
        tmp = path.with_name("." + name + ".saving")
        tmp.write_text(content, encoding="utf-8")
        os.replace(tmp, path)
        try:
            report = self.reload()
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        examples = [
            a.quote for a in (self.current.fact(i) for i in report.added_facts) if a and a.file == name
        ]
        facts = sum(1 for a in (self.current.fact(f.id) for f in doc.facts) if a is not None)
        return ArticleAdded(
            file=name, title=article.meta.title, facts=facts, examples=examples[:3], reload=report
        )

    def follow(self) -> bool:
        """Switch to the store the state database names if another replica's reload published a
        different one; True if this holder swapped stores.

        A reload running here, or a published file this replica cannot open, leaves the live store
        as it is until the next call."""
        if not self._reload_lock.acquire(blocking=False):
            return False
        try:
            # Read the record under the lock: a record read before one of our own reloads
            # finished would switch us back to the generation that reload replaced.
            record = self._state.current_store()
            pointed = generations.live_path(self._db)
            fetched = False
            if record is not None and record.sha256 and self._state.shares_store_files:
                if record.sha256 == self._sha256:
                    return False
                try:
                    path = self._fetch(record)
                    fetched = True
                except (KeyError, StoreError, OSError) as e:
                    if self._unfollowable != record.sha256:
                        log.warning("cannot fetch store generation %s: %s", record.generation, e)
                        self._unfollowable = record.sha256
                    return False
            elif record is not None and record.path != str(self._store.path) and not record.sha256:
                path = Path(record.path)
            elif pointed != self._store.path and pointed.is_file():
                path = pointed  # `factbot build` made a new generation here: serve it and tell the others
            else:
                return False
            try:
                new = open_store(path)
            except (StoreError, OSError) as e:
                if self._unfollowable != str(path):  # once per published file, not every poll
                    log.warning("cannot follow the store published at %s: %s", path, e)
                    self._unfollowable = str(path)
                return False
            old = self._store
            self._store = new
            self._generation = new.stats().generation
            if fetched:
                # what the others serve already: point this disk at it, publish nothing new
                generations.set_live(self._db, path)
                self._sha256 = record.sha256 if record else None
                self._published = [*self._published[-1:], self._sha256 or ""]
            else:
                self._publish(path)
            self._retire(old)
            log.info("following store generation %s published at %s", self._generation, path)
            return True
        finally:
            self._reload_lock.release()

    def start_following(self, interval: float = FOLLOW_INTERVAL) -> None:
        """Call follow() every `interval` seconds on a daemon thread until close()."""
        if self._follower is not None:
            return

        def poll() -> None:
            failing = False
            while not self._stop_following.wait(interval):
                try:
                    self.follow()
                    failing = False
                except Exception:  # a poll must never end the thread: log once per outage
                    if not failing:
                        log.exception("cannot read the live store generation from the state database")
                    failing = True

        self._follower = threading.Thread(target=poll, name="store-follower", daemon=True)
        self._follower.start()

    def _retire(self, old: FactStore) -> None:
        # Keep the previous store open for lookups still running on it; close and delete the one
        # before it, which no lookup has been given since the last reload.
        self._retired.append(old)
        while len(self._retired) > 1:
            gone = self._retired.pop(0)
            path = Path(gone.stats().path)
            gone.close()
            if path != self._db and generations.is_generation_file(path, self._db):
                _remove(path)

    def close(self) -> None:
        """Close every store this holder opened."""
        self._stop_following.set()
        if self._follower is not None:
            self._follower.join(timeout=10)
        for s in [*self._retired, self._store]:
            s.close()
        self._retired.clear()


def _remove(path: Path) -> None:
    generations.remove_store_file(path)
