"""The live fact store and its reload.

    holder = StoreHolder.open(db=Path("data/facts.db"), sources=Path("seeds"), state=state)
    holder.current.search("Microsoft capex")
    report = holder.reload()     # ReloadReport, or ReloadFailed with the reason

A reload never touches the live file: it builds the next generation into a new file beside it,
opens and validates that, then swaps one reference. Lookups that already hold the old store finish
on it; the file of the generation before last is deleted.
"""

from __future__ import annotations

import logging
import re
import secrets
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from handlers.deps import ReloadReport
from handlers.errors import ReloadFailed, ReloadInProgress
from store import FactStore, Lexicon, StoreError, build_store, open_store

from .state import StateStore

log = logging.getLogger(__name__)

# How often each replica asks the state store which generation is live (issue 4: within seconds).
FOLLOW_INTERVAL = 2.0


class StoreHolder:
    """Holds the FactStore every lookup reads, and replaces it on reload."""

    def __init__(
        self, store: FactStore, *, db: Path, sources: Path, state: StateStore, lexicon: Sequence[Path] = ()
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

    @classmethod
    def open(cls, *, db: Path, sources: Path, state: StateStore, lexicon: Sequence[Path] = ()) -> StoreHolder:
        """The holder for the live store: the generation the state database names if its file still
        exists, else FACTBOT_DB — built from the sources first if there is none yet."""
        db = Path(db)
        record = state.current_store()
        path = Path(record.path) if record and Path(record.path).exists() else db
        if not path.exists():
            log.info("no fact store at %s yet; building it from %s", path, sources)
            db.parent.mkdir(parents=True, exist_ok=True)
            build_store(Path(sources), path, lexicon=Lexicon.load(lexicon))
        store = open_store(path)
        holder = cls(store, db=db, sources=sources, state=state, lexicon=lexicon)
        state.set_current_store(str(path), holder.generation)
        return holder

    @property
    def current(self) -> FactStore:
        """The store lookups should use right now."""
        return self._store

    @property
    def generation(self) -> int:
        """The live store's generation number."""
        return self._generation

    def reload(self) -> ReloadReport:
        """Build the next generation from the sources and swap it in.

        Raises ReloadInProgress if another reload is running, ReloadFailed (old store still live) if
        the build or its validation fails."""
        if not self._reload_lock.acquire(blocking=False):
            raise ReloadInProgress()
        try:
            return self._reload()
        finally:
            self._reload_lock.release()

    def _reload(self) -> ReloadReport:
        old = self._store
        old_stats = old.stats()
        old_ids = old.fact_ids()
        target = self._db.with_name(
            f"{self._db.stem}.g{old_stats.generation + 1}-{secrets.token_hex(3)}{self._db.suffix}"
        )
        try:
            # The lexicon is read afresh: an operator may have added a TOML file before reloading.
            report = build_store(
                self._sources, target, previous=Path(old_stats.path), lexicon=Lexicon.load(self._lexicon)
            )
        except StoreError as e:
            _remove(target)
            raise ReloadFailed(f"the build failed: {e}") from e
        except OSError as e:
            _remove(target)
            raise ReloadFailed(f"the build failed: {e.strerror or e}") from e
        try:
            new = open_store(Path(report.path))
            stats = new.stats()
            new_ids = new.fact_ids()
        except StoreError as e:
            _remove(Path(report.path))
            raise ReloadFailed(f"the new store did not validate: {e}") from e
        if stats.facts == 0 or stats.articles == 0:
            new.close()
            _remove(Path(report.path))
            raise ReloadFailed(
                f"the new store has {stats.articles} articles and {stats.facts} facts; keeping the old one"
            )
        # The swap: one reference assignment. Lookups that already hold `old` finish on it.
        self._store = new
        self._generation = stats.generation
        self._state.set_current_store(str(report.path), stats.generation)
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
            added=len(new_ids - old_ids),
            removed=len(old_ids - new_ids),
            seconds=report.seconds,
            skipped=[f"{e.file}: {e.reason}" for e in report.errors],
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
            if record is None or record.path == str(self._store.path):
                return False
            try:
                new = open_store(Path(record.path))
            except (StoreError, OSError) as e:
                if self._unfollowable != record.path:  # once per published file, not every poll
                    log.warning(
                        "cannot follow store generation %s at %s: %s", record.generation, record.path, e
                    )
                    self._unfollowable = record.path
                return False
            old = self._store
            self._store = new
            self._generation = new.stats().generation
            self._retire(old)
            log.info(
                "following store generation %s published by another replica: %s",
                self._generation,
                record.path,
            )
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
            if path != self._db and _is_generation_file(path, self._db):
                _remove(path)

    def close(self) -> None:
        """Close every store this holder opened."""
        self._stop_following.set()
        if self._follower is not None:
            self._follower.join(timeout=10)
        for s in [*self._retired, self._store]:
            s.close()
        self._retired.clear()


def _is_generation_file(path: Path, db: Path) -> bool:
    return path.parent == db.parent and bool(
        re.fullmatch(re.escape(db.stem) + r"\.g\d+-[0-9a-f]{6}" + re.escape(db.suffix), path.name)
    )


def _remove(path: Path) -> None:
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            p.unlink()
        except FileNotFoundError:
            pass
