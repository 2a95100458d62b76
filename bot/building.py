"""Building the next store generation in a child process that dies with its parent.

    report = build_in_child(sources, target, previous, lexicon, generation=7)

Extraction is CPU-bound Python: in the serving process it would hold the GIL against every
lookup, so it runs in a separate process at the lowest CPU priority (its extraction workers
inherit it). The child asks the kernel to kill it when its parent dies (Linux's
PR_SET_PDEATHSIG), so a bot killed mid-reload leaves no build behind to write files after the
next process has started; its extraction workers end when it does (their pipe closes).
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from store import BuildReport, Lexicon, StoreError, build_store

# How much lower the build process's CPU priority is than the server's (os.nice in the child).
BUILD_NICENESS = 19  # the lowest: the build takes only what serving leaves idle
_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Have the kernel SIGKILL this process when `parent` (its parent) ends; exit now if it has."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # it died before the request took effect
        os._exit(1)


def _build_child(
    conn, parent: int, nice: int, sources: str, target: str, previous: str | None,
    lexicon: tuple[str, ...], generation: int | None,
) -> None:  # fmt: skip
    # In the child process: tied to the parent, then lower priority, so the workers inherit it.
    die_with_parent(parent)
    try:
        if nice:
            os.nice(nice)
        report = build_store(
            Path(sources), Path(target), previous=Path(previous) if previous else None,
            lexicon=Lexicon.load(lexicon), workers=os.cpu_count() or 1, generation=generation,
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
    sources: Path,
    target: Path,
    previous: Path | None,
    lexicon: Sequence[Path] = (),
    nice: int = BUILD_NICENESS,
    *,
    generation: int | None = None,
) -> BuildReport:
    """Run build_store in a separate process at lower CPU priority and return its report.

    Raises StoreError (or OSError) with the child's reason."""
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(
        target=_build_child,
        args=(
            child,
            os.getpid(),
            nice,
            str(sources),
            str(target),
            str(previous) if previous else None,
            tuple(str(p) for p in lexicon),
            generation,
        ),  # fmt: skip
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
