"""Making a store file the live one, for every reader: the one function `factbot build` and the
bot's reloads both call.

    generation = next_generation(db, state)              # from the state: never handed out twice
    build_store(sources, target, generation=generation)
    publish(db, target, generation, state)

`publish` moves the pointer on this disk (`facts.db.live`, read by `factbot ask`, `factbot build`
and a bot starting here) and writes the state's record of the live store, which every running
bot and the console poll (bot.holder); with PostgreSQL it first puts the file itself into the
state, under its SHA-256, for replicas that share no disk.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from store import generations

from .replication import chunks, file_sha256
from .state import StateStore


def next_generation(db: Path, state: StateStore) -> int:
    """The number of the next generation of `db`: one the state never handed out, above every
    generation on this disk."""
    return state.next_generation(generations.generation_of(generations.live_path(db)) + 1)


def publish(
    db: Path,
    path: Path,
    generation: int,
    state: StateStore,
    *,
    sha256: str | None = None,
    upload: bool = True,
    keep: Iterable[str] = (),
) -> str | None:
    """Make `path` (generation `generation`) the live store of `db` for every reader; return its
    SHA-256 when the state carries store files (PostgreSQL), else None. `upload` false: the file
    is already in the state (fetched from it). `keep`: other published files not to prune."""
    if path.parent.resolve() == Path(db).parent.resolve():
        generations.set_live(db, path)
    sha = None
    if state.shares_store_files:
        sha = sha256 or file_sha256(path)
        if upload:
            state.publish_store_file(sha, generation, chunks(path))
            state.prune_store_files({sha, *keep})
    state.set_current_store(str(path), generation, sha)
    return sha
