import os
import uuid

import pytest

from tests.services import NGINX, NginxProxy, PostgresServer, postgres_bindir, unavailable

# --- Services: real PostgreSQL and nginx on loopback (tests/services.py) ---------------------------


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL cluster started from Debian's binaries for the whole run."""
    if postgres_bindir() is None:
        unavailable("PostgreSQL is not installed (apt-get install postgresql)")
    server = PostgresServer.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres(postgres_server):
    """DSN of a `factbot` database on the session's PostgreSQL: postgresql://postgres@127.0.0.1:PORT/factbot."""
    return postgres_server.create_database("factbot")


@pytest.fixture
def postgres_db(postgres_server):
    """DSN of a fresh, empty database for one test, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    dsn = postgres_server.create_database(name)
    yield dsn
    postgres_server.drop_database(name)


@pytest.fixture
def nginx():
    """Start nginx round-robin in front of loopback ports: `proxy = nginx([port1, port2])`."""
    if not os.access(NGINX, os.X_OK):
        unavailable("nginx is not installed (apt-get install nginx)")
    started = []

    def start(backend_ports):
        proxy = NginxProxy.start(list(backend_ports))
        started.append(proxy)
        return proxy

    yield start
    for proxy in started:
        proxy.stop()
