"""The live fact store: which file is served, swapped on reload, followed when another process
publishes one, and watched for damage.

    holder = StoreHolder.open(db=Path("data/facts.db"), sources=Path("seeds"), state=state)
    holder.current.search("Microsoft capex")
    report = holder.reload()     # ReloadReport, or ReloadFailed with the reason
    holder.start_following()     # other replicas' reloads, `factbot build`, a damaged live file

One record says which store is live: the state's (bot.publish writes it, with the pointer on this
disk, for `factbot build` and for every reload). The holder serves that file, or — while it is
damaged — the generation before it. A reload never touches the live file: it builds the next
generation into a new file beside it in a child process (bot.building), validates it, swaps one
reference and publishes it. Lookups that already hold the old store finish on it.

A store file is immutable, so a live file whose size, inode or modification time changes is
damaged (truncated, overwritten) — or restored: the follower checks it (`PRAGMA quick_check`),
and so does a lookup that meets a SQLite error. While it is damaged the previous generation
serves if it checks out, else lookups are told the store is being repaired; `health()` says why
(GET /healthz answers 503), `on_damage` tells the admins once, and a restored file or a newly
published generation ends it without a restart.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from handlers.deps import ArticleAdded, ReloadReport
from handlers.errors import ReloadFailed, ReloadInProgress
from store import BuildReport, FactStore, Lexicon, StoreError, build_store, generations, open_store

from . import articles
from .building import build_in_child
from .progress import ProgressLine
from .publish import next_generation, publish
from .replication import fetch_store_file, file_sha256, published_name
from .state import StateStore, StateUnavailable

log = logging.getLogger(__name__)

# How often each process asks the state store which generation is live (issue 4: within seconds),
# and looks at the live file.
FOLLOW_INTERVAL = 2.0
# A reload that would keep less than this share of the live store's facts needs --force: a sources
# folder emptied by mistake must not wipe the archive.
MAX_LOSS = 0.5


class ReloadRefused(ReloadFailed):
    """The new store would lose too many facts; the admin may confirm with --force."""


ArticleRejected = articles.ArticleRejected


class StoreDamaged(StoreError):
    """The live store file is damaged and no earlier generation can stand in for it."""

    def __init__(self) -> None:
        super().__init__("The fact store is being repaired; please ask again in a few minutes.")


def check_store_file(path: Path) -> str | None:
    """None when `path` is a sound store file (SQLite's quick_check, then the store's own checks),
    else what is wrong with it."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = con.execute("PRAGMA quick_check").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError as e:
        return str(e)
    if not row or row[0] != "ok":
        return str(row[0] if row else "quick_check returned nothing")[:300]
    try:
        open_store(path).close()
    except StoreError as e:
        return str(e)
    return None


def _file_id(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


class _Guarded:
    """The served FactStore as lookups see it: a SQLite error from a damaged file goes to the
    holder, which checks the file; the call then runs once more on the store the holder serves
    after that (the previous generation), or raises StoreDamaged."""

    __slots__ = ("_holder", "_store")

    def __init__(self, holder: StoreHolder, store: FactStore | None) -> None:
        self._holder = holder
        self._store = store

    def __getattr__(self, name: str) -> Any:
        if self._store is None:  # nothing sound to serve
            raise StoreDamaged()
        value = getattr(self._store, name)
        if not callable(value):
            return value

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return value(*args, **kwargs)
            except sqlite3.DatabaseError as e:
                store = self._holder.report_damage(self._store, e)
                return getattr(store, name)(*args, **kwargs)

        return call


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
        self._store: FactStore | None = store  # what lookups get (None: being repaired)
        self._live = Path(store.path)  # what is published as live
        self._live_id = _file_id(self._live)
        self._generation = store.stats().generation
        self._db = Path(db)
        self.sources = Path(sources)
        self.lexicon = tuple(lexicon)
        self._state = state
        # A reload refuses a second one (ReloadInProgress), but waits for a follow() poll: the
        # poll runs every fraction of a second and must not turn an admin's reload away.
        self._reload_running = threading.Lock()
        self._changing_live = threading.Lock()  # one changer of the live store: a reload or a follow()
        self._swap_lock = threading.RLock()
        self._retired: list[FactStore] = []
        self.started_at = time.time()
        self._stop_following = threading.Event()
        self._follower: threading.Thread | None = None
        self._unfollowable: str | None = None
        self.max_loss = max_loss
        self.separate_process = separate_process
        self._sha256: str | None = None  # of the live file, when the state carries store files
        self._published: list[str] = []  # hashes this holder published or follows (the last two)
        self._damage: str | None = None
        # Called once per damaged live file with a sentence for the admins (bot.serve DMs them).
        self.on_damage: Callable[[str], None] | None = None

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
        """The holder for the live store: the one the state names (published by another replica or
        by `factbot build`), else the one FACTBOT_DB's pointer names — built from the sources first
        if there is none yet. Half-written builds and unserved generations beside it are removed."""
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
        holder._publish(path, upload=not fetched, sha=record.sha256 if fetched and record else None)
        removed = generations.clean(db, keep={path})
        if removed:
            log.info("removed %d stale store files: %s", len(removed), ", ".join(p.name for p in removed))
        return holder

    def _publish(self, path: Path, *, upload: bool = True, sha: str | None = None) -> None:
        sha = publish(
            self._db,
            path,
            self._generation,
            self._state,
            sha256=sha,
            upload=upload,
            keep=self._published[-1:],
        )
        if sha is not None:
            self._sha256 = sha
            self._published = [*self._published[-1:], sha]

    # -- what lookups read --------------------------------------------------------------------

    @property
    def current(self) -> FactStore:
        """The store lookups should use right now (the previous generation while the live file is
        damaged; one that raises StoreDamaged when no generation is sound)."""
        return _Guarded(self, self._store)  # type: ignore[return-value]

    @property
    def generation(self) -> int:
        """The live store's generation number."""
        return self._generation

    def health(self) -> tuple[bool, str]:
        """(True, "ok"), or (False, why the live store cannot be trusted right now)."""
        damage = self._damage
        return (False, damage) if damage else (True, "ok")

    # -- damage -------------------------------------------------------------------------------

    def check_live_file(self) -> None:
        """Look at the live file: a change means damage (or a repair); checked, then acted on."""
        with self._swap_lock:
            now = _file_id(self._live)
            if now == self._live_id:
                return
            self._live_id = now
            problem = "the file is gone" if now is None else check_store_file(self._live)
            if problem is None:
                self._recover()
            else:
                self._mark_damaged(problem)

    def report_damage(self, store: FactStore | None, error: Exception) -> FactStore:
        """A lookup on `store` met `error` (a SQLite error): check the live file and return the
        store to ask again, or raise StoreDamaged."""
        with self._swap_lock:
            if store is self._store and self._damage is None:
                problem = check_store_file(self._live)
                self._live_id = _file_id(self._live)
                if problem is None:
                    # the file is sound: fresh connections, and the lookup runs once more (an
                    # error again is no damage, and reaches the app's error handler)
                    self._recover()
                    assert self._store is not None
                    return self._store
                log.warning("a lookup met %s: %s", type(error).__name__, error)
                self._mark_damaged(problem)
            if self._store is None or self._store is store:
                raise StoreDamaged()
            return self._store

    def _mark_damaged(self, problem: str) -> None:
        first = self._damage is None
        standin = None
        previous = generations.previous_path(self._db)
        for candidate in (previous, *(Path(s.path) for s in reversed(self._retired))):
            if candidate is not None and candidate != self._live and candidate.is_file():
                if check_store_file(candidate) is None:
                    standin = candidate
                    break
        old = self._store
        if standin is not None:
            self._store = open_store(standin)
            served = f"serving generation {self._store.stats().generation} meanwhile"
        else:
            self._store = None
            served = "no earlier generation is sound: lookups say the store is being repaired"
        if old is not None:
            self._retire(old)
        self._damage = f"the live store {self._live.name} is damaged ({problem[:200]}); {served}"
        log.error("%s", self._damage)
        if first and self.on_damage is not None:
            message = (
                f":warning: {self._damage}. Restore the file, or run `/factadmin reload` to build a new "
                "generation; factbot recovers by itself either way."
            )
            threading.Thread(target=self._tell, args=(message,), name="damage-notice", daemon=True).start()

    def _tell(self, message: str) -> None:
        try:
            assert self.on_damage is not None
            self.on_damage(message)
        except Exception:  # noqa: BLE001 - a notice that cannot be sent must not end anything
            log.warning("could not tell the admins that the store is damaged", exc_info=True)

    def _recover(self) -> None:
        # sound (restored, or only touched): reopen it, old connections may hold stale pages
        new = open_store(self._live)
        old, self._store = self._store, new
        if old is not None:
            self._retire(old)
        if self._damage is not None:
            log.warning("the live store %s is sound again; serving it", self._live.name)
        self._damage = None

    # -- reloads --------------------------------------------------------------------------------

    def reload(self, *, force: bool = False) -> ReloadReport:
        """Build the next generation from the sources and swap it in.

        Raises ReloadInProgress if another reload is running, ReloadFailed (old store still live) if
        the build or its validation fails, ReloadRefused if the new store would keep less than
        ``1 - max_loss`` of the facts and ``force`` is false."""
        if not self._reload_running.acquire(blocking=False):
            raise ReloadInProgress()
        try:
            with self._changing_live:
                return self._reload(force)
        finally:
            self._reload_running.release()

    def _build(self, target: Path, previous: Path | None, generation: int) -> BuildReport:
        # The lexicon is read afresh: an operator may have added a TOML file before reloading.
        if self.separate_process:
            return build_in_child(self.sources, target, previous, self.lexicon, generation=generation)
        return build_store(
            self.sources, target, previous=previous, lexicon=Lexicon.load(self.lexicon), workers=1,
            generation=generation,
        )  # fmt: skip

    def _reload(self, force: bool) -> ReloadReport:
        with self._swap_lock:
            old = self._store  # the previous generation while the live file is damaged
        old_stats = old.stats() if old is not None else None
        generation = next_generation(self._db, self._state)
        target = generations.next_path(self._db, generation)
        try:
            report = self._build(target, Path(old_stats.path) if old_stats else None, generation)
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
        old_facts = old_stats.facts if old_stats else 0
        if not force and stats.facts < old_facts * (1 - self.max_loss):
            new.close()
            _remove(Path(report.path))
            raise ReloadRefused(
                f"the new store would keep {stats.facts:,} of {old_facts:,} facts "
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
        self._swap(new, Path(report.path), stats.generation)
        self._publish(Path(report.path), sha=sha)
        log.info(
            "store generation %s live: %s facts from %s articles",
            stats.generation,
            stats.facts,
            stats.articles,
        )
        return ReloadReport(
            generation=stats.generation,
            previous_generation=old_stats.generation if old_stats else self._generation,
            articles=stats.articles,
            facts=stats.facts,
            added=report.added,
            removed=report.removed,
            seconds=report.seconds,
            skipped=[f"{e.file}: {e.reason}" for e in report.errors],
            read_as=[f"{n.file}: {n.reason}" for n in report.notes],
            added_facts=report.added_facts,
        )

    def _swap(self, new: FactStore, path: Path, generation: int) -> None:
        # One reference assignment: lookups that already hold the old store finish on it.
        with self._swap_lock:
            old, self._store = self._store, new
            self._live, self._live_id = path, _file_id(path)
            self._generation = generation
            if self._damage is not None:
                log.warning("generation %s replaces the damaged store", generation)
            self._damage = None
            if old is not None:
                self._retire(old)

    def add_article(self, text: str, **meta: str | None) -> ArticleAdded:
        """Check an article given as text, save it into the sources folder and add it with an
        incremental reload (bot.articles.add_article)."""
        return articles.add_article(self, text, **meta)

    # -- following the record ---------------------------------------------------------------------

    def follow(self) -> bool:
        """Serve the store the state's record names if it is not the one this holder serves (another
        replica's reload, `factbot build`); True if this holder swapped stores.

        A reload running here, or a published file this process cannot open, leaves the live store
        as it is until the next call."""
        if not self._changing_live.acquire(blocking=False):
            return False
        try:
            # Read the record under the lock: a record read before one of our own reloads
            # finished would switch us back to the generation that reload replaced.
            record = self._state.current_store()
            if record is None:
                return False
            fetched = False
            if record.sha256 and self._state.shares_store_files:
                if record.sha256 == self._sha256:
                    return False
                try:
                    path = fetch_store_file(self._db, self._state, record)
                    fetched = True
                except (KeyError, StoreError, OSError) as e:
                    if self._unfollowable != record.sha256:
                        log.warning("cannot fetch store generation %s: %s", record.generation, e)
                        self._unfollowable = record.sha256
                    return False
            elif Path(record.path) != self._live and not record.sha256:
                path = Path(record.path)
            else:
                return False
            try:
                new = open_store(path)
            except (StoreError, OSError) as e:
                if self._unfollowable != str(path):  # once per published file, not every poll
                    log.warning("cannot follow the store published at %s: %s", path, e)
                    self._unfollowable = str(path)
                return False
            self._swap(new, path, new.stats().generation)
            if fetched:
                # what the others serve already: point this disk at it, publish nothing new
                if path.parent.resolve() == self._db.parent.resolve():
                    generations.set_live(self._db, path)
                self._sha256 = record.sha256
                self._published = [*self._published[-1:], record.sha256 or ""]
            elif path.parent.resolve() == self._db.parent.resolve():
                generations.set_live(self._db, path)
            log.info("following store generation %s published at %s", self._generation, path)
            return True
        finally:
            self._changing_live.release()

    def start_following(self, interval: float = FOLLOW_INTERVAL) -> None:
        """Every `interval` seconds on a daemon thread, until close(): follow() the state's record
        and check_live_file()."""
        if self._follower is not None:
            return

        def poll() -> None:
            failing = False
            while not self._stop_following.wait(interval):
                try:
                    self.follow()
                    self.check_live_file()
                    failing = False
                except StateUnavailable:
                    pass  # the state store's outage log says so, once
                except Exception:  # a poll must never end the thread: log once per streak
                    if not failing:
                        log.exception("cannot follow the live store generation")
                    failing = True

        self._follower = threading.Thread(target=poll, name="store-follower", daemon=True)
        self._follower.start()

    def _retire(self, old: FactStore) -> None:
        # Keep the previous store open for lookups still running on it; close the one before it,
        # which no lookup has been given since, and delete its file unless it is live or still open.
        self._retired.append(old)
        while len(self._retired) > 1:
            gone = self._retired.pop(0)
            path = Path(gone.path)
            gone.close()
            keep = {self._live, *(Path(s.path) for s in self._retired)}
            if self._store is not None:
                keep.add(Path(self._store.path))
            if path != self._db and path not in keep and generations.is_generation_file(path, self._db):
                _remove(path)

    def close(self) -> None:
        """Close every store this holder opened."""
        self._stop_following.set()
        if self._follower is not None:
            self._follower.join(timeout=10)
        for s in [*self._retired, *([self._store] if self._store is not None else [])]:
            s.close()
        self._retired.clear()


def _remove(path: Path) -> None:
    generations.remove_store_file(path)
