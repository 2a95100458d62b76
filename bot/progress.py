"""A progress line while a store builds: articles done, rate and time left.

    build_store(sources, db, progress=ProgressLine(sys.stderr))

    building the store: 1,200/5,000 articles · 85 articles/s · about 45 s left
    building the store: 5,000/5,000 articles · 85 articles/s · read in 59 s; writing the store…

Only builds of more than a few hundred articles say anything (the five seed articles build in a
blink). On a terminal the line is redrawn in place; in a log (systemd, docker) a line is written
every `every` seconds, and once at the end.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

MIN_ARTICLES = 300  # a build of fewer articles is over before a progress line would help


class ProgressLine:
    """A `progress(done, total)` callback for build_store that writes a line to `stream`."""

    def __init__(
        self,
        stream: TextIO,
        *,
        min_articles: int = MIN_ARTICLES,
        every: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.min_articles = min_articles
        self.every = every
        self.clock = clock
        self.started: float | None = None
        self.last = float("-inf")
        self.tty = bool(getattr(stream, "isatty", lambda: False)())

    def __call__(self, done: int, total: int) -> None:
        if total < self.min_articles:
            return
        now = self.clock()
        if self.started is None:  # the first line once `every` has passed: a quick build says only "done"
            self.started = self.last = now
        if done < total and now - self.last < self.every:
            return
        self.last = now
        line = progress_text(done, total, now - self.started)
        if self.tty:
            self.stream.write("\r" + line + ("\n" if done >= total else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def progress_text(done: int, total: int, seconds: float) -> str:
    """'building the store: 1,200/5,000 articles · 85 articles/s · about 45 s left'."""
    rate = done / seconds if seconds > 0 else 0.0
    parts = [f"building the store: {done:,}/{total:,} articles"]
    if rate:
        parts.append(f"{rate:,.0f} articles/s")
    if done >= total:
        parts.append(f"read in {_duration(seconds)}; writing the store…")
    elif rate:
        parts.append(f"about {_duration((total - done) / rate)} left")
    return " · ".join(parts)


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 90:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes} min {seconds:02d} s" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"
