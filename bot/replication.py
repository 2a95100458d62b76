"""Store files between replicas that share no disk: through the state database, by SHA-256.

    sha = file_sha256(path)
    state.publish_store_file(sha, generation, chunks(path))       # bot.publish does this
    local = fetch_store_file(db, state, state.current_store())    # on another replica

A published generation has the same name on every disk (`published_name`: `facts.g5-3fa2c1.db`),
and a download is verified against its hash before it replaces anything.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterator
from pathlib import Path

from store import StoreError

from .state import StateStore, StoreRecord

log = logging.getLogger("bot.holder")

CHUNK_BYTES = 4 * 1024 * 1024  # a published store file travels in rows of this size


def file_sha256(path: Path) -> str:
    """Return the SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK_BYTES), b""):
            digest.update(chunk)
    return digest.hexdigest()


def chunks(path: Path) -> Iterator[bytes]:
    """The bytes of `path` in CHUNK_BYTES pieces."""
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
