"""Events acknowledged and not yet answered: kept in the state database until their answer is
posted, answered by a few worker threads of their own — never by the thread that acknowledged.

    outbox = Outbox(state, answer, executor=ThreadPoolExecutor(4))
    outbox.start()                       # also answers what a process that died left unanswered
    outbox.submit("Ev123", event)        # returns at once; the event is claimed, answered, settled

Bolt acknowledges an event before any listener runs; the listener hands the event here, which
claims it in the state database *with the event itself* (the outbox row) on the listener's
thread, and a worker answers and settles it. If answering fails, the claim is deferred (a few seconds, longer each time) and
the sweep, which looks for claims whose owner died or whose lease or deferral ran out every
`sweep_interval` seconds, tries again — at most `max_attempts` times. A process killed mid-answer
leaves its claims to whoever runs the sweep next, here after a restart or on another replica, at
once when the dead owner was on this host, else once its heartbeat is 10 s old.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor

from .state import Claim, StateStore, StateUnavailable

log = logging.getLogger("factbot.outbox")

MAX_ATTEMPTS = 5
SWEEP_INTERVAL = 2.0
RETRY_AFTER = 5.0  # seconds before the second attempt; doubled for each further one


class Outbox:
    """The events this process took in, answered off the acknowledging thread, each exactly once."""

    def __init__(
        self,
        state: StateStore,
        answer: Callable[[dict, str, int], None],
        *,
        executor: Executor | None = None,
        max_attempts: int = MAX_ATTEMPTS,
        sweep_interval: float = SWEEP_INTERVAL,
        retry_after: float = RETRY_AFTER,
    ) -> None:
        self._state = state
        self._answer = answer  # (event, event_id, attempt); raises if the answer was not posted
        self._executor = executor or ThreadPoolExecutor(4, thread_name_prefix="outbox")
        self.max_attempts = max_attempts
        self.sweep_interval = sweep_interval
        self.retry_after = retry_after
        self._stop = threading.Event()
        self._sweeper: threading.Thread | None = None

    def submit(self, event_id: str, event: dict) -> None:
        """Record `event` in the outbox (claimed by this process) and have a worker answer it.

        Called after the ack (Bolt acknowledges an event before its listener runs), on the
        listener's thread: the row is written before this returns, so a process killed from now
        on leaves the event to the sweep of the next one."""
        key, payload = f"event:{event_id}", json.dumps(event, ensure_ascii=False)
        try:
            claim = self._state.claim(key, payload=payload)
        except StateUnavailable:
            # Acknowledged already, so Slack will not send it again: answer it unrecorded (the
            # state database's outage is logged once, by the state store).
            self._executor.submit(self._answer_once, Claim(key, 1, payload), recorded=False)
            return
        self._take(key, claim)

    def _deliver(self, key: str) -> None:
        try:
            claim = self._state.claim(key)
        except StateUnavailable:
            return  # still in the outbox: the next sweep
        if claim is not None and claim.payload:
            self._answer_once(claim, recorded=True)
        elif claim is not None:  # a claim from before the outbox: nothing to answer with
            self._state.settle(key)

    def _take(self, key: str, claim: Claim | None) -> None:
        if claim is None:
            log.info("skipping a delivery of %s: answered, or being answered", key[:60])
            return
        if claim.payload is None:  # a claim from before the outbox: nothing to answer with
            self._state.settle(key)
            return
        self._executor.submit(self._answer_once, claim, recorded=True)

    def _answer_once(self, claim: Claim, *, recorded: bool) -> None:
        event = json.loads(claim.payload or "{}")
        event_id = claim.key.removeprefix("event:")
        try:
            self._answer(event, event_id, claim.attempt)
        except Exception as e:
            if not recorded:
                log.error(
                    "could not answer event %s while the state database is down", event_id[:40], exc_info=e
                )
                return
            if claim.attempt >= self.max_attempts:
                log.error("gave up on event %s after %d attempts", event_id[:40], claim.attempt, exc_info=e)
                self._settle(claim.key)
                return
            wait = self.retry_after * 2 ** (claim.attempt - 1)
            log.warning(
                "could not answer event %s (attempt %d of %d): %s; trying again in %.0fs",
                event_id[:40], claim.attempt, self.max_attempts, str(e)[:200], wait,
            )  # fmt: skip
            try:
                self._state.defer(claim.key, wait)
            except StateUnavailable:
                pass  # the lease runs out by itself
            return
        if recorded:
            self._settle(claim.key)

    def _settle(self, key: str) -> None:
        try:
            self._state.settle(key)
        except StateUnavailable:
            # The answer is posted and carries the event id: whoever claims it next finds it there.
            pass

    def sweep(self) -> int:
        """Claim and answer (on the workers) what is pending in the state database; how many."""
        keys = self._state.pending()
        for key in keys:
            if key.startswith("event:"):
                self._executor.submit(self._deliver, key)
        return len(keys)

    def start(self) -> Outbox:
        """Sweep now and then every `sweep_interval` seconds, on a daemon thread, until close()."""
        if self._sweeper is None:
            self._sweeper = threading.Thread(target=self._sweep_loop, name="outbox-sweep", daemon=True)
            self._sweeper.start()
        return self

    def _sweep_loop(self) -> None:
        while True:
            try:
                self.sweep()
            except StateUnavailable:
                pass  # logged once by the state store's outage log
            except Exception:
                log.exception("the outbox sweep failed")
            if self._stop.wait(self.sweep_interval):
                return

    def close(self) -> None:
        """Stop sweeping (workers already running finish)."""
        self._stop.set()
        if self._sweeper is not None:
            self._sweeper.join(timeout=10)
