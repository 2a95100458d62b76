"""The HTTP-mode load run (issue 4 item 3): signed slash commands at 50 concurrent against factbot as
production serves it, with an admin reload in the middle.

    .venv/bin/python -m benchmarks.load [--requests 3000] [--concurrency 50] [--seconds 120] [--json PATH]
    .venv/bin/python -m benchmarks.load --store-facts 100000     # a synthetic archive, rebuilt in full mid-run

It builds a store from seeds/ into a temporary folder, starts `factbot` in HTTP mode in a child
process (bot.serve.serve — settings, state, StoreHolder, build_app, auth.test, Bolt's ASGI adapter
under uvicorn — with only the bind address pinned to 127.0.0.1), points it at a local stand-in for
Slack's Web API (bot.slack_standin, as the console and the tests use), and fires correctly signed `/fact`, `/spend` and
`/bench` requests from a fixed mix of questions (English, Chinese, typos, unanswerable) with
`--concurrency` clients. Half-way through, an admin sends `/factadmin reload`.

With `--store-facts N` the store is an archive of about N facts (the scale benchmark's synthetic
articles plus the seeds), and just before the reload a lexicon file is added to the bot's
FACTBOT_LEXICON folder, so the reload is a *full* rebuild of every article — the heaviest reload
there is — while the load goes on until it is done. The rebuild runs in a separate process at
lower CPU priority (bot/holder.py); the report compares the ack p99 of the requests in flight
during the reload with the p99 of the others, in the same run (target: at most 1.5×).

It prints acknowledgements per second, p50/p99/max acknowledgement latency, and every request that
failed: not 200, slower than Slack's 3 s, or answered differently from the same question asked
alone before the run. It stops after `--requests` requests or `--seconds`, whichever comes first,
and exits non-zero if any request failed or was slow, if the reload did not reach the next
generation, or if the server logged an error.

The load generator and the server are separate processes, as Slack and the bot would be; on a
2-core machine they share the cores, so the figures are a floor for one replica, not a ceiling.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from bot.slack_standin import SlackStandIn, all_text, signed_headers, slash

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
ADMIN = "UADMIN1"
# the run's own credentials: the bot and the stand-in are both local, nothing reaches Slack
BOT_TOKEN = "xoxb-load-benchmark"
SIGNING_SECRET = "load-benchmark-signing-secret"
FORM = "application/x-www-form-urlencoded"
SLOW = 3.0  # seconds: Slack shows the user an error when an acknowledgement takes longer
REQUEST_TIMEOUT = 10.0  # a request still unanswered after this counts as failed
RELOAD_TIMEOUT = 600.0  # the admin's reply must arrive within this (a full rebuild of 100k facts included)
TARGET_RELOAD_P99_RATIO = 1.5  # ack p99 while a reload builds, against p99 without one (issue 10 item 5)
# Added to the bot's lexicon folder before a big store's reload: a new lexicon fingerprint, so the
# reload re-extracts every article instead of reusing them.
RELOAD_LEXICON = """entity = [
  { name = "Loadtest Robotics", zh = "负载测试机器人", kind = "company", aliases = ["Loadtest"] },
]
"""
LOOKING = "Looking that up"  # the ack of a lookup that missed the answer budget (handlers/commands.py)

# A fixed mix, cycled in order: answerable English and Chinese (simplified and traditional), Latin
# and pinyin-input typos, and questions the seed articles cannot answer.
QUERIES: tuple[tuple[str, str], ...] = (
    ("/fact", "Microsoft capex"),
    ("/fact", "微軟 資本支出"),
    ("/spend", "Meta 2024"),
    ("/fact", "Microsfot capex"),
    ("/bench", "GPT-4"),
    ("/fact", "what did OpenAI lose in 2022?"),
    ("/fact", "英为达 数据中心"),
    ("/spend", "微软"),
    ("/fact", "Tesla capex"),
    ("/bench", "日日新"),
    ("/fact", "腾迅 营收"),
    ("/fact", "Bytedacne revenue"),
    ("/spend", "Gooogle 2024"),
    ("/fact", "weather in Paris"),
    ("/bench", "文心一言"),
    ("/fact", "輝達 資料中心 營收"),
    ("/spend", "Foobar"),
    ("/fact", "商汤 亏损 2022"),
)


@dataclass
class Sample:
    """One slash command as the load generator saw it; times in seconds from the start of the run."""

    index: int
    command: str
    text: str
    started: float
    latency: float
    status: int  # 0: no HTTP response (connection error or timeout)
    problem: str = ""  # why it failed: empty when the ack was the expected answer
    deferred: bool = False  # acked with "Looking that up…", answer sent to response_url


@dataclass
class ReloadOutcome:
    """What the admin's `/factadmin reload` in the middle of the run did."""

    sent_at: float | None = None  # seconds from the start of the run
    after_requests: int = 0
    ack_status: int = 0
    ack_latency: float | None = None
    ack_text: str = ""
    old_generation: int | None = None
    new_generation: int | None = None
    reply_after: float | None = None  # seconds from sending it to the admin's reply reaching Slack
    reply_text: str = ""
    overlapping: int = 0  # load requests in flight at some point between the reload and its reply
    overlapping_p99: float | None = None
    overlapping_max: float | None = None
    outside_p99: float | None = None  # the requests of the same run that did not overlap it
    build_seconds: float | None = None  # as the reload's reply states it

    @property
    def p99_ratio(self) -> float | None:
        """Ack p99 during the reload / p99 outside it (1.0: the reload costs lookups nothing)."""
        if self.overlapping_p99 is None or not self.outside_p99:
            return None
        return self.overlapping_p99 / self.outside_p99

    @property
    def ok(self) -> bool:
        return (
            self.ack_status == 200
            and self.ack_latency is not None
            and self.ack_latency <= SLOW
            and self.old_generation is not None
            and self.new_generation == self.old_generation + 1
            and self.reply_after is not None
            and f"generation {self.old_generation} → {self.new_generation}" in self.reply_text
        )


@dataclass
class LoadReport:
    """The figures of one load run, and everything that went wrong in it."""

    requests: int
    concurrency: int
    seconds: float
    acks_per_second: float
    p50: float | None
    p99: float | None
    max: float | None
    non_200: int
    slow: int
    wrong: int
    deferred: int
    deferred_unanswered: int
    server_errors: list[str]
    reload: ReloadOutcome
    store_facts: int = 0
    store_build_seconds: float = 0.0
    client_cpu_seconds: float = 0.0  # the load generator, during the run
    server_cpu_seconds: float = 0.0  # the bot's process, start-up and shutdown included
    server_exit: int | None = None  # the bot's exit code if it ended by itself during the run
    failures: list[str] = field(default_factory=list)  # a few examples, for the reader

    @property
    def ok(self) -> bool:
        """No failed, wrong or slow request, the reload reached the next generation, no server error."""
        return (
            self.requests > 0
            and self.non_200 == 0
            and self.slow == 0
            and self.wrong == 0
            and self.deferred_unanswered == 0
            and not self.server_errors
            and self.server_exit is None
            and self.reload.ok
        )

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok, "reload": {**asdict(self.reload), "ok": self.reload.ok}}


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..1) of `values`; None for none."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def summarize(
    samples: list[Sample],
    *,
    concurrency: int,
    seconds: float,
    reload: ReloadOutcome,
    server_errors: list[str],
    deferred_unanswered: int = 0,
) -> LoadReport:
    """The report for a finished run: rates, latency percentiles and the count of each failure."""
    latencies = [s.latency for s in samples if s.status]
    if reload.sent_at is not None and reload.reply_after is not None:
        start, end = reload.sent_at, reload.sent_at + reload.reply_after
        overlaps = [s.started < end and s.started + s.latency > start for s in samples]
        during = [s.latency for s, o in zip(samples, overlaps, strict=True) if o and s.status]
        outside = [s.latency for s, o in zip(samples, overlaps, strict=True) if not o and s.status]
        reload.overlapping = len(during)
        reload.overlapping_p99 = percentile(during, 0.99)
        reload.overlapping_max = max(during, default=None)
        reload.outside_p99 = percentile(outside, 0.99)
    answered = [s for s in samples if s.status == 200]
    return LoadReport(
        requests=len(samples),
        concurrency=concurrency,
        seconds=seconds,
        acks_per_second=len(answered) / seconds if seconds > 0 else 0.0,
        p50=percentile(latencies, 0.50),
        p99=percentile(latencies, 0.99),
        max=max(latencies, default=None),
        non_200=sum(1 for s in samples if s.status != 200),
        slow=sum(1 for s in samples if s.latency > SLOW),
        wrong=sum(1 for s in samples if s.status == 200 and s.problem),
        deferred=sum(1 for s in samples if s.deferred),
        deferred_unanswered=deferred_unanswered,
        server_errors=server_errors,
        reload=reload,
        failures=[
            f"#{s.index} {s.command} {s.text!r}: {s.problem or f'HTTP {s.status}'} after {s.latency:.2f} s"
            for s in samples
            if s.status != 200 or s.problem or s.latency > SLOW
        ][:10],
    )


def format_report(r: LoadReport) -> str:
    """The report as a reader wants it in a terminal."""

    def ms(v: float | None) -> str:
        return "-" if v is None else f"{v * 1000:.0f} ms"

    rl = r.reload
    lines = [
        f"factbot load run: HTTP mode (uvicorn on 127.0.0.1), {r.concurrency} concurrent clients, "
        f"{len(QUERIES)} questions cycled over /fact, /spend and /bench",
        f"  store         {r.store_facts} facts (built in {r.store_build_seconds:.2f} s)",
        f"  requests      {r.requests} in {r.seconds:.1f} s: {r.acks_per_second:.0f} acknowledgements/s",
        f"  ack latency   p50 {ms(r.p50)} · p99 {ms(r.p99)} · max {ms(r.max)}",
        f"  cpu           bot process {r.server_cpu_seconds:.1f} s · load generator {r.client_cpu_seconds:.1f} s"
        f" (of {os.cpu_count()} cores × {r.seconds:.1f} s)",
        f"  failed        {r.non_200} not 200 · {r.slow} slower than {SLOW:.0f} s · {r.wrong} wrong answers"
        f" · {r.deferred} deferred to response_url ({r.deferred_unanswered} never answered)"
        f" · {len(r.server_errors)} server errors logged",
    ]
    if rl.sent_at is None:
        lines.append("  reload        never sent")
    else:
        reply = (
            "no reply"
            if rl.reply_after is None
            else f"the admin's reply arrived after {rl.reply_after:.2f} s"
        )
        lines.append(
            f"  reload        sent after {rl.after_requests} requests ({rl.sent_at:.1f} s): ack {rl.ack_status}"
            f" in {ms(rl.ack_latency)}; generation {rl.old_generation} → {rl.new_generation}; {reply}"
        )
        lines.append(
            f"                {rl.overlapping} requests in flight during it: p99 {ms(rl.overlapping_p99)}"
            f" · max {ms(rl.overlapping_max)}; the others: p99 {ms(rl.outside_p99)}"
        )
        if rl.p99_ratio is not None:
            verdict = "met" if rl.p99_ratio <= TARGET_RELOAD_P99_RATIO else "MISSED"
            lines.append(
                f"                ack p99 during the reload / without: {rl.p99_ratio:.2f}x "
                f"(target <= {TARGET_RELOAD_P99_RATIO}x: {verdict})"
            )
    if r.server_exit is not None:
        lines.append(f"  ! the bot's process ended by itself during the run, exit code {r.server_exit}")
    lines += [f"  ! {f}" for f in r.failures]
    lines += [f"  ! server: {e}" for e in r.server_errors[:10]]
    lines.append("OK" if r.ok else "FAILED")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# the bot, in a child process


def serve_on_loopback() -> int:
    """`factbot` in HTTP mode exactly as bot.serve.serve runs it, but bound to 127.0.0.1 only.

    serve() binds every interface; it takes its uvicorn settings from bot.serve.uvicorn_config, so
    that one function is wrapped to pin the host — everything else is production's code path. The
    process ends on SIGTERM, when its stdin closes (the load run is gone) or after
    FACTBOT_LOAD_LIFETIME seconds, whichever comes first."""
    import bot.serve

    production_config = bot.serve.uvicorn_config

    def loopback_config(asgi, *, host: str, port: int):
        return production_config(asgi, host="127.0.0.1", port=port)

    bot.serve.uvicorn_config = loopback_config

    def stop() -> None:
        os.kill(os.getpid(), signal.SIGTERM)  # uvicorn turns it into a graceful shutdown

    def stop_when_orphaned() -> None:
        sys.stdin.read()
        stop()

    threading.Thread(target=stop_when_orphaned, daemon=True).start()
    lifetime = threading.Timer(float(os.environ.get("FACTBOT_LOAD_LIFETIME", "300")), stop)
    lifetime.daemon = True
    lifetime.start()
    return bot.serve.serve()


def _free_loopback_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """`python -m benchmarks.load --serve-loopback` with the settings of one load run."""

    def __init__(
        self,
        *,
        workdir: Path,
        db: Path,
        sources: Path,
        slack: SlackStandIn,
        lifetime: float,
        lexicon: Path | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        from bot.settings import ENV_NAMES

        self.port = _free_loopback_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "server.log"
        env = {k: v for k, v in os.environ.items() if k not in ENV_NAMES}
        env |= {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "FACTBOT_ADMINS": ADMIN,
            "FACTBOT_DB": str(db),
            "FACTBOT_SOURCES": str(sources),
            "FACTBOT_STATE": str(workdir / "state.db"),
            "FACTBOT_PORT": str(self.port),
            "FACTBOT_SLACK_API_URL": slack.api_url,
            "FACTBOT_LOAD_LIFETIME": str(lifetime),
            **({"FACTBOT_LEXICON": str(lexicon)} if lexicon else {}),
            "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p),
        }
        env |= extra_env or {}
        self._log = open(self.log_path, "wb")  # closed in stop()
        # cwd is the scratch folder, so a developer's .env is not read.
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.load", "--serve-loopback"],
            cwd=workdir,
            env=env,
            stdin=subprocess.PIPE,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the bot exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"the bot did not answer /healthz within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def errors(self) -> list[str]:
        """ERROR and CRITICAL lines the server logged (production's format, or uvicorn's own)."""
        pattern = re.compile(r"(^|\s)(ERROR|CRITICAL)(:|\s)")
        return [
            line for line in self.log_path.read_text(errors="replace").splitlines() if pattern.search(line)
        ]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)
        self._log.close()


# ---------------------------------------------------------------------------------------------
# the load


def _signed(
    command: str, text: str, *, user: str = "UALICE", response_url: str = "", secret: str
) -> tuple[bytes, dict[str, str]]:
    body = slash(command, text, user=user, response_url=response_url)
    return body.encode(), signed_headers(body, content_type=FORM, secret=secret)


async def _post(session, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str, float]:
    t0 = time.perf_counter()
    try:
        async with session.post(url, data=body, headers=headers) as r:
            text = await r.text()
            return r.status, text, time.perf_counter() - t0
    except (TimeoutError, aiohttp.ClientError) as e:
        return 0, f"{type(e).__name__}: {e}", time.perf_counter() - t0


async def _generation(session, base: str) -> int | None:
    try:
        async with session.get(f"{base}/healthz") as r:
            return (await r.json()).get("generation") if r.status == 200 else None
    except (TimeoutError, aiohttp.ClientError, ValueError):
        return None


def _message(body: str) -> dict | None:
    try:
        message = json.loads(body)
    except ValueError:
        return None
    return message if isinstance(message, dict) else None


async def _load(
    *,
    base: str,
    slack: SlackStandIn,
    requests: int,
    concurrency: int,
    seconds: float,
    secret: str,
    alive: Callable[[], bool],
    before_reload: Callable[[], None] | None = None,
) -> tuple[list[Sample], float, ReloadOutcome]:
    url = f"{base}/slack/events"
    samples: list[Sample] = []
    reload = ReloadOutcome()
    connector = aiohttp.TCPConnector(limit=concurrency + 2)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        # Each question alone first: what it must be answered with under load, and a warm cache.
        expected: dict[tuple[str, str], dict | None] = {}
        for command, text in QUERIES:
            status, body, _ = await _post(session, url, *_signed(command, text, secret=secret))
            expected[(command, text)] = _message(body) if status == 200 else None

        half = asyncio.Event()
        reloaded = asyncio.Event()
        issued = 0
        t_start = time.monotonic()
        deadline = t_start + seconds

        async def client() -> None:
            nonlocal issued
            # until the request count is reached and the reload has ended (its window must be
            # under load from start to end), or the time is up
            while (issued < requests or not reloaded.is_set()) and time.monotonic() < deadline:
                i = issued
                issued += 1
                if issued >= requests // 2:
                    half.set()
                command, text = QUERIES[i % len(QUERIES)]
                started = time.monotonic() - t_start
                status, body, latency = await _post(
                    session,
                    url,
                    *_signed(command, text, response_url=slack.response_url(f"q{i}"), secret=secret),
                )
                sample = Sample(i, command, text, started, latency, status)
                if status != 200:
                    sample.problem = body[:200]
                else:
                    message = _message(body)
                    if message is not None and LOOKING in all_text(message):
                        sample.deferred = True
                    elif message is None or message != expected[(command, text)]:
                        sample.problem = f"answered differently than alone: {body[:200]!r}"
                samples.append(sample)

        async def admin_reload() -> None:
            try:
                await _reload(session)
            finally:
                reloaded.set()

        async def _reload(session) -> None:
            try:
                await asyncio.wait_for(half.wait(), timeout=seconds / 2)
            except TimeoutError:
                pass  # a slow run: reload at half the time instead of half the requests
            if time.monotonic() >= deadline:
                return
            if before_reload is not None:
                before_reload()
            reload.old_generation = await _generation(session, base)
            reload.after_requests = issued
            reload.sent_at = time.monotonic() - t_start
            status, body, latency = await _post(
                session,
                url,
                *_signed(
                    "/factadmin",
                    "reload",
                    user=ADMIN,
                    response_url=slack.response_url("reload"),
                    secret=secret,
                ),
            )
            reload.ack_status, reload.ack_latency = status, latency
            message = _message(body)
            reload.ack_text = all_text(message) if message else body[:200]
            sent = time.monotonic()
            while status == 200 and alive() and time.monotonic() - sent < RELOAD_TIMEOUT:
                replies = [c for c in slack.of("response_url") if c.path == "/response/reload"]
                if replies:
                    reload.reply_after = time.monotonic() - t_start - reload.sent_at
                    reload.reply_text = all_text(replies[0].body)
                    break
                await asyncio.sleep(0.01)
            reload.new_generation = await _generation(session, base)

        reloader = asyncio.create_task(admin_reload())
        await asyncio.gather(*(client() for _ in range(concurrency)))
        elapsed = time.monotonic() - t_start
        await reloader
    return sorted(samples, key=lambda s: s.index), elapsed, reload


def _unanswered_deferrals(
    samples: list[Sample], slack: SlackStandIn, timeout: float = REQUEST_TIMEOUT
) -> int:
    """How many deferred lookups never posted their answer to their response_url."""
    waiting = {f"/response/q{s.index}" for s in samples if s.deferred}
    deadline = time.monotonic() + timeout
    while waiting and time.monotonic() < deadline:
        waiting -= {c.path for c in slack.of("response_url")}
        time.sleep(0.05)
    return len(waiting)


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def run_load(
    *,
    requests: int = 3000,
    concurrency: int = 50,
    seconds: float = 120.0,
    secret: str = SIGNING_SECRET,
    store_facts: int = 0,
) -> LoadReport:
    """Build a store from seeds/ (or an archive of about `store_facts` facts), serve it in HTTP mode
    on loopback and put it under load.

    `secret` signs the requests (the bot always uses the test signing secret): a wrong one shows
    what failed requests look like in the report."""
    from store import build_store

    scratch = Path(tempfile.mkdtemp(prefix="factbot-load-"))
    server_cpu = _cpu(resource.RUSAGE_CHILDREN)
    slack = SlackStandIn(token=BOT_TOKEN)
    server = None
    try:
        sources = scratch / "sources"
        lexicon = scratch / "lexicon"
        lexicon.mkdir()
        if store_facts:
            from benchmarks.scale import RANDOM_SEED, Generator
            from store import Lexicon

            gen = Generator.from_seeds()
            per_article = gen.facts_per_article(Lexicon.load())
            gen.write_archive(sources, store_facts - 300, per_article, RANDOM_SEED)
        else:
            shutil.copytree(SEEDS, sources)
        db = scratch / "data" / "facts.db"
        db.parent.mkdir()
        built = build_store(sources, db, workers=os.cpu_count() or 1)
        server = ServerProcess(
            workdir=scratch,
            db=db,
            sources=sources,
            slack=slack,
            lifetime=seconds + REQUEST_TIMEOUT + RELOAD_TIMEOUT,
            lexicon=lexicon,
        )

        def before_reload() -> None:
            # a big store's reload re-extracts everything: the heaviest reload there is
            (lexicon / "loadtest.toml").write_text(RELOAD_LEXICON, encoding="utf-8")

        server.wait_ready()
        client_cpu = _cpu(resource.RUSAGE_SELF)
        samples, elapsed, reload = asyncio.run(
            _load(
                base=server.url,
                slack=slack,
                requests=requests,
                concurrency=concurrency,
                seconds=seconds,
                secret=secret,
                alive=lambda: server.proc.poll() is None,
                before_reload=before_reload if store_facts else None,
            )
        )
        client_cpu = _cpu(resource.RUSAGE_SELF) - client_cpu
        unanswered = _unanswered_deferrals(samples, slack)
        died = server.proc.poll()  # None while it runs, as it should until we stop it
        server.stop()
        report = summarize(
            samples,
            concurrency=concurrency,
            seconds=elapsed,
            reload=reload,
            server_errors=server.errors(),
            deferred_unanswered=unanswered,
        )
        report.store_facts, report.store_build_seconds = built.facts, built.seconds
        report.client_cpu_seconds = client_cpu
        report.server_exit = died
        report.server_cpu_seconds = _cpu(resource.RUSAGE_CHILDREN) - server_cpu
        return report
    finally:
        if server is not None:
            server.stop()
        slack.close()
        shutil.rmtree(scratch, ignore_errors=True)


def main(argv: list[str]) -> int:
    """Run the load and print its figures; 0 if no request failed or was slow and the reload worked."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3000, help="stop after this many requests (3000)")
    parser.add_argument("--concurrency", type=int, default=50, help="clients sending at once (50)")
    parser.add_argument("--seconds", type=float, default=120.0, help="stop sending after this long (120)")
    parser.add_argument("--json", type=Path, help="also write the report as JSON to this file")
    parser.add_argument(
        "--store-facts",
        type=int,
        default=0,
        help="serve a synthetic archive of about this many facts (seeds only)",
    )
    parser.add_argument("--serve-loopback", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_loopback:
        return serve_on_loopback()
    if args.requests < 1 or args.concurrency < 1 or args.seconds <= 0:
        parser.error("--requests, --concurrency and --seconds must be positive")
    report = run_load(
        requests=args.requests,
        concurrency=args.concurrency,
        seconds=args.seconds,
        store_facts=args.store_facts,
    )
    print(format_report(report))
    if args.json:
        args.json.write_text(
            json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
