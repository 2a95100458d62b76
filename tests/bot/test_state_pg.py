"""PostgresState against a real PostgreSQL: the StateStore contract, shared by several replicas."""

import logging
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest

from bot.holder import StoreHolder
from bot.settings import Settings, SettingsError, load_settings
from bot.state import SqliteState, StateUnavailable, StoreRecord, open_state
from bot.state.postgres import PostgresState
from tests.slack_fakes import eventually

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["sqlite", "postgres"])
def state(request, tmp_path):
    """Each contract test runs on both backends: PostgreSQL must mean what SQLite means."""
    if request.param == "sqlite":
        backend = SqliteState(tmp_path / "state.db")
    else:
        backend = PostgresState(request.getfixturevalue("postgres_db"))
    yield backend
    backend.close()


@pytest.fixture
def replicas(postgres_db):
    """Three PostgresState instances on one database, as three replicas would have."""
    started = [PostgresState(postgres_db) for _ in range(3)]
    yield started
    for replica in started:
        replica.close()


# --- the contract, on both backends -------------------------------------------------------------


def test_a_claim_is_held_by_one_caller_until_its_lease_ends(state):
    assert state.claim("Ev1", lease=60) is not None
    assert state.claim("Ev1", lease=60) is None
    assert state.claim("Ev1", lease=60) is None
    assert state.claim("Ev2", lease=60) is not None
    assert state.claim("Ev3", lease=0.3) is not None
    assert state.claim("Ev3", lease=0.3) is None
    # the delivery holding Ev3 never settled it (it crashed, or hung): after its lease, a retry may
    assert eventually(lambda: state.claim("Ev3", lease=60), timeout=5) is not None
    assert state.claim("Ev3", lease=60) is None


def test_a_settled_claim_is_refused_even_after_its_lease(state):
    assert state.claim("Ev1", lease=0.2) is not None
    state.settle("Ev1")
    time.sleep(0.4)  # past the lease: only the settled mark can refuse the next claim
    assert state.claim("Ev1", lease=60) is None
    state.release("Ev1")  # releasing settled work does not reopen it
    assert state.claim("Ev1", lease=60) is None


def _claim_in_a_process_then_kill_it(state, key: str) -> None:
    """Another process claims `key` with a payload (a bot that took an event in) and is killed -9."""
    if isinstance(state, SqliteState):
        opener = f"from bot.state import SqliteState; s = SqliteState({str(state.path)!r})"
    else:
        opener = f"from bot.state.postgres import PostgresState; s = PostgresState({state._pool._dsn!r})"
    code = f"{opener}\nassert s.claim({key!r}, lease=600, payload='{{\"text\": \"hi\"}}')\nprint('claimed', flush=True)\nimport time; time.sleep(60)"
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "claimed"
    finally:
        proc.kill()
        proc.wait(timeout=10)
        proc.stdout.close()


def test_the_claim_of_a_process_that_died_is_taken_at_once_with_its_event(state):
    _claim_in_a_process_then_kill_it(state, "event:EvDead")
    # its lease (600 s) has not run out, but its owner is gone: the outbox lists it, and a claim
    # takes it over at once, with the event and as a second attempt
    assert state.pending() == ["event:EvDead"]
    claim = state.claim("event:EvDead")
    assert claim is not None and claim.attempt == 2 and claim.payload == '{"text": "hi"}'
    assert state.pending() == [] and state.claim("event:EvDead") is None
    state.settle("event:EvDead")
    assert state.pending() == [] and state.claim("event:EvDead") is None


def test_a_deferred_claim_waits_its_turn_then_is_pending_again(state):
    claim = state.claim("event:EvLater", payload="{}")
    assert claim is not None and claim.attempt == 1
    state.defer("event:EvLater", 0.3)
    assert state.pending() == [] and state.claim("event:EvLater") is None
    assert eventually(lambda: state.pending() == ["event:EvLater"], timeout=5)
    assert state.claim("event:EvLater").attempt == 2


def test_generation_numbers_are_handed_out_once(state):
    state.set_current_store("/x/facts.g4-abcdef.db", 4)
    assert state.next_generation(2) == 5  # never a number already live
    assert state.next_generation(2) == 6
    assert state.next_generation(9) == 9


def test_a_released_claim_may_be_claimed_again_at_once(state):
    assert state.claim("Ev1", lease=60) is not None
    state.release("Ev1")
    assert state.claim("Ev1", lease=60) is not None
    assert state.claim("Ev1", lease=60) is None


def test_one_vote_per_user_per_fact(state):
    def press(user, fact, vote, ts):
        return state.vote(user=user, fact_id=fact, vote=vote, press=ts, query="Meta capex", generation=1)

    assert (press("U1", "f1", 1, "t1").change, state.feedback_totals()) == ("recorded", {"f1": (1, 0)})
    for _ in range(4):  # the same press replayed
        assert press("U1", "f1", 1, "t1").change == "unchanged"
    assert state.feedback_totals() == {"f1": (1, 0)}
    outcome = press("U1", "f1", -1, "t2")
    assert (outcome.change, outcome.vote) == ("changed", -1)
    assert state.feedback_totals() == {"f1": (0, 1)}
    assert press("U1", "f1", -1, "t3").change == "withdrawn"
    assert state.feedback_totals() == {}
    assert press("U1", "f1", -5, "t4").change == "recorded"
    press("U2", "f1", 1, "t5")
    press("U3", "f2", -1, "t6")
    assert state.feedback_totals() == {"f1": (1, 1), "f2": (0, 1)}


def test_concurrent_presses_of_one_user_count_once(state):
    start = threading.Barrier(8)

    def press(i):
        start.wait(timeout=10)
        return state.vote(user="U1", fact_id="f1", vote=1, press="same", query="q", generation=1).change

    with ThreadPoolExecutor(8) as pool:
        changes = list(pool.map(press, range(8)))
    assert sorted(changes) == ["recorded"] + ["unchanged"] * 7
    assert state.feedback_totals() == {"f1": (1, 0)}


def test_shares_oldest_first(state):
    state.record_share(user="U1", channel="C1", fact_id="f1", generation=1)
    state.record_share(user="U2", channel="C2", fact_id="f2", generation=1)
    assert state.shares() == [("U1", "C1", "f1"), ("U2", "C2", "f2")]


def test_audit_log_newest_first_with_limit(state):
    before = time.time()
    state.audit(user="U1", action="reload", allowed=True, detail="generation 2")
    state.audit(user="U9", action="reload", allowed=False)
    state.audit(user="U1", action="status", allowed=True)
    log = state.audit_log()
    assert [(e.user, e.action, e.allowed, e.detail) for e in log] == [
        ("U1", "status", True, ""),
        ("U9", "reload", False, ""),
        ("U1", "reload", True, "generation 2"),
    ]
    assert all(isinstance(e.allowed, bool) for e in log)
    assert all(before - 5 <= e.at <= time.time() + 5 for e in log)
    assert [e.action for e in state.audit_log(limit=1)] == ["status"]


def test_current_store_published_and_replaced(state):
    assert state.current_store() is None
    state.set_current_store("/srv/store/facts.db", 1)
    first = state.current_store()
    assert (first.path, first.generation) == ("/srv/store/facts.db", 1)
    assert isinstance(first, StoreRecord) and abs(first.at - time.time()) < 5
    state.set_current_store("/srv/store/facts.g2-a1b2c3.db", 2)
    second = state.current_store()
    assert (second.path, second.generation) == ("/srv/store/facts.g2-a1b2c3.db", 2)


def test_odd_text_round_trips(state):
    odd = "“引号” \U0001f44d 🇨🇳 \\ ' \" ; DROP TABLE feedback; --" + "字" * 4000
    state.vote(user="U1", fact_id="f1", vote=1, press="1.2", query=odd, generation=1)
    state.audit(user="U1", action="reload", allowed=True, detail=odd)
    assert state.audit_log()[0].detail == odd
    assert state.feedback_totals() == {"f1": (1, 0)}


# --- several replicas on one database ---------------------------------------------------------


def test_a_retried_delivery_is_answered_once_across_replicas(replicas):
    # Slack retries an event up to three times; each retry may land on any replica, and two
    # deliveries may arrive at the same moment.
    start = threading.Barrier(12)

    def deliver(i):
        start.wait(timeout=10)
        return replicas[i % 3].claim("Ev-retried")

    with ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(deliver, range(12)))
    assert sum(1 for a in answers if a) == 1


def test_many_events_many_replicas_each_answered_exactly_once(replicas):
    events = [f"Ev{i}" for i in range(200)]

    def deliver(args):
        replica, event_id = args
        return event_id, replica.claim(event_id)

    jobs = [(replica, event_id) for event_id in events for replica in replicas]
    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(deliver, jobs))
    firsts = [event_id for event_id, first in results if first]
    assert sorted(firsts) == sorted(events)


def test_a_reload_on_one_replica_is_seen_by_the_others(replicas):
    a, b, c = replicas
    a.set_current_store("/srv/store/facts.db", 1)
    assert b.current_store().generation == 1
    c.set_current_store("/srv/store/facts.g2-0f0f0f.db", 2)
    for replica in (a, b):
        record = replica.current_store()
        assert (record.path, record.generation) == ("/srv/store/facts.g2-0f0f0f.db", 2)


def test_feedback_from_every_replica_adds_up(replicas):
    for i, replica in enumerate(replicas):
        replica.vote(user=f"U{i}", fact_id="f1", vote=1, press=f"t{i}", query="q", generation=1)
        replica.record_share(user=f"U{i}", channel="C1", fact_id="f1", generation=1)
    assert replicas[0].feedback_totals() == {"f1": (3, 0)}
    assert len(replicas[2].shares()) == 3


def test_replicas_starting_together_create_the_schema_once(postgres_db):
    start = threading.Barrier(4)

    def boot(_):
        start.wait(timeout=10)
        return PostgresState(postgres_db)

    with ThreadPoolExecutor(4) as pool:
        states = list(pool.map(boot, range(4)))
    try:
        assert states[0].claim("Ev-boot") is not None
        assert states[3].claim("Ev-boot") is None
    finally:
        for s in states:
            s.close()


# --- connections --------------------------------------------------------------------------------


def test_many_threads_share_a_few_connections(postgres_db, postgres_server):
    state = PostgresState(postgres_db, max_connections=3)
    try:
        with ThreadPoolExecutor(20) as pool:
            list(pool.map(lambda i: state.claim(f"Ev{i}"), range(300)))
        with psycopg.connect(postgres_server.dsn(), autocommit=True) as admin:
            (count,) = admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'factbot' AND datname = %s",
                (postgres_db.rsplit("/", 1)[1],),
            ).fetchone()
        assert 1 <= count <= 3
    finally:
        state.close()


def test_survives_the_server_cutting_its_connections(postgres_db, postgres_server):
    state = PostgresState(postgres_db, check_idle_after=0)
    try:
        assert state.claim("Ev-before") is not None
        with psycopg.connect(postgres_server.dsn(), autocommit=True) as admin:
            cut = admin.execute(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = 'factbot' AND datname = %s",
                (postgres_db.rsplit("/", 1)[1],),
            ).fetchone()[0]
        assert cut >= 1
        # The idle connection is found dead on checkout and replaced before the insert runs.
        assert state.claim("Ev-after") is not None
        assert state.claim("Ev-before") is None
    finally:
        state.close()


def test_unreachable_database_is_one_clear_error(postgres_server):
    from tests.services import free_port

    with pytest.raises(StateUnavailable, match="cannot connect to the state database"):
        PostgresState(f"postgresql://postgres@127.0.0.1:{free_port()}/factbot")


def test_closed_state_refuses_calls(postgres_db):
    state = PostgresState(postgres_db)
    state.close()
    with pytest.raises(StateUnavailable, match="closed"):
        state.claim("Ev1")


# --- replicas following a reload ---------------------------------------------------------------

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture
def fleet(postgres_db, tmp_path):
    """Three StoreHolders, each with its own PostgresState, over one store directory: replicas."""
    sources = tmp_path / "sources"
    shutil.copytree(SEEDS, sources)
    db = tmp_path / "store" / "facts.db"
    states = [PostgresState(postgres_db) for _ in range(3)]
    holders = [StoreHolder.open(db=db, sources=sources, state=state) for state in states]
    yield holders
    for holder in holders:
        holder.close()
    for state in states:
        state.close()


def test_replicas_start_on_the_published_generation(fleet):
    paths = {str(h.current.path) for h in fleet}
    assert len(paths) == 1
    assert {h.generation for h in fleet} == {fleet[0].generation}


def test_a_reload_on_one_replica_is_followed_by_the_others_without_restart(fleet):
    first, *others = fleet
    before = first.generation
    report = first.reload()
    assert report.generation == before + 1
    assert all(h.generation == before for h in others)  # nobody has polled yet
    for holder in others:
        holder.start_following(interval=0.1)
    assert eventually(lambda: all(h.generation == report.generation for h in others), timeout=5)
    assert {str(h.current.path) for h in fleet} == {str(first.current.path)}
    for holder in fleet:
        assert holder.current.search("Microsoft capex") is not None


def test_follow_is_a_no_op_when_nothing_changed(fleet):
    assert [h.follow() for h in fleet] == [False, False, False]


def test_a_published_file_this_replica_cannot_open_keeps_the_live_store(fleet, caplog):
    first, second, _ = fleet
    live = str(second.current.path)
    first._state.set_current_store("/nonexistent/facts.g9-abcdef.db", 9)
    with caplog.at_level(logging.WARNING, logger="bot.holder"):
        assert second.follow() is False
        assert second.follow() is False
    assert str(second.current.path) == live
    assert len([r for r in caplog.records if "cannot follow" in r.getMessage()]) == 1


def test_follow_waits_for_a_reload_running_here(fleet):
    first, second, _ = fleet
    first.reload()
    with second._changing_live:  # a reload changing the live store here
        assert second.follow() is False
    assert second.follow() is True


# --- choosing the backend ----------------------------------------------------------------------


def test_open_state_picks_postgres_with_a_dsn_and_sqlite_without(postgres_db, tmp_path):
    with_dsn = Settings(FACTBOT_DB=str(tmp_path / "facts.db"), FACTBOT_STATE_DSN=postgres_db)
    state = open_state(with_dsn)
    try:
        assert isinstance(state, PostgresState)
    finally:
        state.close()
    without = Settings(FACTBOT_DB=str(tmp_path / "facts.db"), FACTBOT_STATE_DSN="  ")
    assert without.state_dsn is None
    state = open_state(without)
    try:
        assert isinstance(state, SqliteState)
        assert state.path == tmp_path / "state.db"
    finally:
        state.close()


def test_a_malformed_dsn_is_reported_without_its_password(tmp_path):
    with pytest.raises(SettingsError) as refused:
        load_settings(
            FACTBOT_DB=str(tmp_path / "facts.db"), FACTBOT_SOURCES=str(SEEDS), FACTBOT_STATE_DSN="s3cret-pw"
        )
    assert "FACTBOT_STATE_DSN" in str(refused.value)
    assert "s3cret-pw" not in str(refused.value)


def test_the_dsn_never_prints(tmp_path):
    settings = Settings(
        FACTBOT_DB=str(tmp_path / "facts.db"), FACTBOT_STATE_DSN="postgresql://u:hunter2@db/x"
    )
    assert "hunter2" not in repr(settings) and "hunter2" not in str(settings.model_dump())
