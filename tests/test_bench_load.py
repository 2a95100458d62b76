"""The HTTP-mode load run (benchmarks/load.py, issue 4 item 3), smaller: 400 signed slash commands
at 50 concurrent against factbot served by uvicorn on loopback, an admin reload half-way through."""

from __future__ import annotations

import pytest

from benchmarks.load import QUERIES, SLOW, ReloadOutcome, Sample, format_report, run_load, summarize

REQUESTS = 400
CONCURRENCY = 50


@pytest.fixture(scope="module")
def report():
    return run_load(requests=REQUESTS, concurrency=CONCURRENCY, seconds=45)


def test_every_request_under_load_is_acknowledged_in_time_with_its_answer(report):
    # at least the requests asked for: the load goes on until the reload has ended, so that its
    # whole window is under load
    assert report.requests >= REQUESTS, format_report(report)
    assert report.non_200 == 0, format_report(report)
    assert report.slow == 0 and report.max is not None and report.max <= SLOW, format_report(report)
    # each ack equals the answer the same question got alone before the load
    assert report.wrong == 0, format_report(report)
    assert report.deferred_unanswered == 0, format_report(report)
    assert not report.server_errors, format_report(report)
    # lookups take milliseconds here: none should miss the 2 s answer budget even at 50 concurrent
    assert report.deferred == 0, format_report(report)
    assert report.acks_per_second > 0 and report.p50 is not None and report.p50 <= report.p99 <= report.max


def test_an_admin_reload_in_the_middle_reaches_the_next_generation(report):
    reload = report.reload
    assert reload.sent_at is not None, format_report(report)
    assert REQUESTS // 4 <= reload.after_requests <= 3 * REQUESTS // 4  # about half-way, on a busy machine
    assert reload.ack_status == 200 and "Rebuilding" in reload.ack_text
    assert reload.new_generation == reload.old_generation + 1, format_report(report)
    assert f"generation {reload.old_generation} → {reload.new_generation}" in reload.reply_text
    # it really happened under load: the clients busy when it was sent were still answered in time
    assert reload.overlapping >= CONCURRENCY // 2, format_report(report)
    assert reload.overlapping_max is not None and reload.overlapping_max <= SLOW
    # and the run compares it with the requests outside it (the figure, not a timed assertion)
    assert reload.outside_p99 is not None and reload.p99_ratio is not None
    assert "ack p99 during the reload / without" in format_report(report)
    assert report.ok


def test_badly_signed_requests_make_the_run_fail():
    bad = run_load(requests=20, concurrency=5, seconds=20, secret="not-the-signing-secret")
    assert bad.requests >= 20 and bad.non_200 == bad.requests
    assert bad.reload.ack_status == 401 and not bad.reload.ok
    assert not bad.ok and format_report(bad).endswith("FAILED")


def _sample(
    i: int, *, status: int = 200, latency: float = 0.1, problem: str = "", started: float = 0.0
) -> Sample:
    command, text = QUERIES[i % len(QUERIES)]
    return Sample(i, command, text, started, latency, status, problem)


def test_summary_counts_each_kind_of_failure():
    reload = ReloadOutcome(
        sent_at=1.0,
        ack_status=200,
        ack_latency=0.05,
        old_generation=1,
        new_generation=2,
        reply_after=0.5,
        reply_text="Reloaded: generation 1 → 2",
    )
    samples = [
        _sample(0),
        _sample(1, latency=SLOW + 0.5, started=0.2),  # slow, overlaps the reload
        _sample(2, status=500, problem="boom", started=2.0),
        _sample(3, status=0, latency=10.0, problem="TimeoutError", started=3.0),
        _sample(4, problem="answered differently than alone", started=1.2),
    ]
    r = summarize(samples, concurrency=5, seconds=2.0, reload=reload, server_errors=[])
    assert (r.requests, r.non_200, r.slow, r.wrong) == (5, 2, 2, 1)
    assert r.acks_per_second == 1.5
    assert r.max == SLOW + 0.5 and r.p50 == 0.1  # latency of acknowledgements; a timeout is none
    assert reload.ok and reload.overlapping == 2
    assert not r.ok and len(r.failures) == 4
    clean = summarize(
        [_sample(i) for i in range(4)], concurrency=2, seconds=1.0, reload=reload, server_errors=[]
    )
    assert clean.ok
    assert not summarize(
        [_sample(0)], concurrency=1, seconds=1.0, reload=reload, server_errors=["ERROR x"]
    ).ok
    assert not summarize(
        [_sample(0)], concurrency=1, seconds=1.0, reload=ReloadOutcome(), server_errors=[]
    ).ok
