"""Which store file is live: one pointer beside the configured store that every reader follows.

    live_path(Path("data/facts.db"))          # data/facts.g3-1a2b3c.db once a reload or build made it
    target = next_path(Path("data/facts.db"), 4)
    set_live(Path("data/facts.db"), target)   # what `factbot ask` and the running bot read next

``FACTBOT_DB`` (``data/facts.db``) names the store; builds after the first write *generations*
beside it (``facts.g4-1a2b3c.db``) and then replace the pointer ``facts.db.live`` (a small JSON
file, written atomically) that names the live one and the one before it. ``factbot build``,
``factbot ask`` and the bot all resolve the store through it, so they always agree; without a
pointer the live store is ``FACTBOT_DB`` itself.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
import time
from pathlib import Path

POINTER_SUFFIX = ".live"
STALE_AFTER = 300.0  # seconds without a write: a half-written build no process is still writing


def pointer_path(db: Path) -> Path:
    """Return the pointer file of the store ``db``."""
    return db.with_name(db.name + POINTER_SUFFIX)


def _read_pointer(db: Path) -> dict[str, str]:
    try:
        data = json.loads(pointer_path(db).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return (
        {k: v for k, v in data.items() if isinstance(v, str) and "/" not in v}
        if isinstance(data, dict)
        else {}
    )


def live_path(db: Path | str) -> Path:
    """Return the live store file: the one the pointer names if it exists, else ``db``."""
    db = Path(db)
    name = _read_pointer(db).get("live")
    if name and (db.parent / name).is_file():
        return db.parent / name
    return db


def previous_path(db: Path | str) -> Path | None:
    """Return the store that was live before the current one, if the pointer names one."""
    db = Path(db)
    name = _read_pointer(db).get("previous")
    return db.parent / name if name else None


def set_live(db: Path | str, path: Path | str) -> None:
    """Point readers of ``db`` at ``path`` (a file in the same folder); the old live one becomes previous."""
    db, path = Path(db), Path(path)
    if path.parent.resolve() != db.parent.resolve():
        raise ValueError(f"{path} is not beside {db}")
    current = live_path(db)
    data = {"live": path.name}
    if current.name != path.name and current.is_file():
        data["previous"] = current.name
    elif (prev := _read_pointer(db).get("previous")) and prev != path.name:
        data["previous"] = prev
    fd, tmp = tempfile.mkstemp(prefix=f".{db.name}.", suffix=".live-tmp", dir=db.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f)
    os.replace(tmp, pointer_path(db))


def next_path(db: Path | str, generation: int) -> Path:
    """Return a new file name for generation ``generation`` of the store ``db``."""
    db = Path(db)
    return db.with_name(f"{db.stem}.g{generation}-{secrets.token_hex(3)}{db.suffix}")


def is_generation_file(path: Path, db: Path) -> bool:
    """Tell whether ``path`` is a generation file of the store ``db``."""
    return path.parent == db.parent and bool(
        re.fullmatch(re.escape(db.stem) + r"\.g\d+-[0-9a-f]{6}" + re.escape(db.suffix), path.name)
    )


def remove_store_file(path: Path) -> None:
    """Delete a store file and any SQLite side files."""
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            p.unlink()
        except FileNotFoundError:
            pass


def clean(db: Path | str, keep: set[Path] | None = None) -> list[Path]:
    """Remove half-written builds and generation files nobody serves; return what was removed.

    Kept: ``db`` itself (the operator's file), the live generation, the one before it, and
    ``keep`` (e.g. what another replica still serves)."""
    db = Path(db)
    if not db.parent.is_dir():
        return []
    kept = {live_path(db).name, db.name}
    prev = previous_path(db)
    if prev is not None:
        kept.add(prev.name)
    kept.update(p.name for p in keep or set())
    removed: list[Path] = []
    now = time.time()
    for p in db.parent.iterdir():
        stale_build = (
            p.name.startswith(f".{db.stem}")
            and p.name.endswith((".building", ".live-tmp"))
            and now - _mtime(p) > STALE_AFTER
        )
        if stale_build or (is_generation_file(p, db) and p.name not in kept):
            remove_store_file(p)
            removed.append(p)
    return removed


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return time.time()


def generation_of(path: Path | str) -> int:
    """Return the generation a store file records (0 if it is missing or not a store)."""
    import sqlite3

    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = con.execute("select value from meta where key = 'generation'").fetchone()
        finally:
            con.close()
        return int(row[0]) if row else 0
    except (sqlite3.Error, ValueError):
        return 0
