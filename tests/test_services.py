"""The service fixtures really start PostgreSQL and nginx on loopback, and really stop them."""

import socket
import urllib.request
from collections import Counter

import psycopg
import pytest

from tests.services import (
    PostgresServer,
    RecordingBackend,
    RunAs,
    nginx_conf,
    round_robin_site,
    unavailable,
)


def refuses(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return True
    return False


def test_postgres_answers_select_1(postgres):
    assert postgres.startswith("postgresql://postgres@127.0.0.1:")
    assert postgres.endswith("/factbot")
    with psycopg.connect(postgres, connect_timeout=10) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
        assert conn.execute("SELECT current_database()").fetchone() == ("factbot",)
        assert conn.execute("SHOW listen_addresses").fetchone() == ("127.0.0.1",)


def test_postgres_db_is_fresh_per_test(postgres_db, postgres):
    assert postgres_db != postgres
    with psycopg.connect(postgres_db, connect_timeout=10) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()
        assert tables == (0,)


def test_postgres_stop_frees_port_and_files(postgres_server):
    # A second cluster of its own, so stopping it does not disturb the session's.
    server = PostgresServer.start()
    assert server.port != postgres_server.port
    with psycopg.connect(server.dsn(), connect_timeout=10) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
    server.stop()
    assert refuses(server.port)
    assert not server.root.exists()


@pytest.fixture
def backends():
    started = [RecordingBackend("a").start(), RecordingBackend("b").start()]
    yield started
    for backend in started:
        backend.stop()


def test_nginx_round_robins_between_two_backends(nginx, backends):
    proxy = nginx([b.port for b in backends])
    answers = []
    for i in range(10):
        with urllib.request.urlopen(f"{proxy.url}/healthz?i={i}", timeout=5) as response:
            assert response.status == 200
            answers.append(response.read().decode())
    assert Counter(answers) == {"a": 5, "b": 5}
    assert len(backends[0].requests) == 5
    assert len(backends[1].requests) == 5
    assert all(path.startswith("/healthz?i=") for b in backends for path in b.paths)


def test_nginx_stop_frees_port_and_files(nginx, backends):
    proxy = nginx([backends[0].port])
    proxy.stop()  # the fixture stops it again at teardown: stop() is idempotent
    assert refuses(proxy.port)
    assert not proxy.root.exists()


def test_nginx_conf_keeps_everything_in_its_directory(tmp_path):
    conf = nginx_conf(tmp_path, round_robin_site(8080, [9001, 9002]), RunAs())
    assert "listen 127.0.0.1:8080;" in conf
    assert "server 127.0.0.1:9001;" in conf and "server 127.0.0.1:9002;" in conf
    assert "daemon off;" in conf
    for directive in ("pid", "error_log", "access_log", "client_body_temp_path", "proxy_temp_path"):
        line = next(line for line in conf.splitlines() if line.strip().startswith(directive + " "))
        assert str(tmp_path) in line, line
    assert "user " not in conf


def test_missing_service_skips_or_fails(monkeypatch):
    monkeypatch.delenv("FACTBOT_REQUIRE_SERVICES", raising=False)
    with pytest.raises(pytest.skip.Exception):
        unavailable("nginx is not installed")
    monkeypatch.setenv("FACTBOT_REQUIRE_SERVICES", "1")
    with pytest.raises(pytest.fail.Exception, match="nginx is not installed"):
        unavailable("nginx is not installed")
