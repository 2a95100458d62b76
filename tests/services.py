"""Real PostgreSQL and nginx on loopback for the tests, from Debian's packages.

    server = PostgresServer.start()      # initdb + pg_ctl start on a free 127.0.0.1 port
    dsn = server.create_database("factbot")
    ...
    server.stop()

    proxy = NginxProxy.start([8001, 8002])   # round-robin to 127.0.0.1:8001 and :8002
    urllib.request.urlopen(proxy.url + "/healthz")
    proxy.stop()

Every server binds 127.0.0.1 only, keeps all of its files in its own temporary directory, and every
wait is bounded. When a binary is missing the fixtures skip, unless FACTBOT_REQUIRE_SERVICES=1 (as
in CI), where a skip would hide exactly what CI is there to prove, so they fail instead.
"""

from __future__ import annotations

import contextlib
import glob
import grp
import http.client
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

NGINX = "/usr/sbin/nginx"
PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"
START_TIMEOUT = 30.0


class ServiceError(RuntimeError):
    """A test service could not be started or stopped."""


def services_required() -> bool:
    """True when missing services must fail the run rather than skip (FACTBOT_REQUIRE_SERVICES=1)."""
    return os.environ.get("FACTBOT_REQUIRE_SERVICES", "").strip().lower() in {"1", "true", "yes"}


def unavailable(reason: str) -> None:
    """Skip the test with `reason`, or fail it when services are required."""
    if services_required():
        pytest.fail(f"{reason} (FACTBOT_REQUIRE_SERVICES=1, so this is a failure, not a skip)")
    pytest.skip(reason)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = START_TIMEOUT, alive=lambda: True) -> None:
    """Return once 127.0.0.1:`port` accepts connections; raise ServiceError after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive():
            raise ServiceError(f"process exited before listening on 127.0.0.1:{port}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.05)
    raise ServiceError(f"nothing listened on 127.0.0.1:{port} within {timeout:.0f}s")


@dataclass(frozen=True)
class RunAs:
    """Who a service's processes run as: the current user, or an unprivileged one when we are root."""

    user: str | None = None
    group: str | None = None

    @classmethod
    def unprivileged(cls, preferred: str) -> RunAs:
        # PostgreSQL refuses to run as root, and nginx workers should not: when root, drop to
        # `preferred` (Debian's postgresql package creates the `postgres` user) or `nobody`.
        if os.geteuid() != 0:
            return cls()
        for name in (preferred, "nobody"):
            try:
                entry = pwd.getpwnam(name)
            except KeyError:
                continue
            return cls(name, grp.getgrgid(entry.pw_gid).gr_name)
        raise ServiceError(f"running as root and neither {preferred!r} nor 'nobody' exists")

    def popen_kwargs(self) -> dict:
        if self.user is None:
            return {}
        # extra_groups=[] drops root's supplementary groups too.
        return {"user": self.user, "group": self.group, "extra_groups": []}

    def own(self, path: Path) -> None:
        if self.user is not None:
            shutil.chown(path, self.user, self.group)


def service_dir(prefix: str, owner: RunAs) -> Path:
    """A fresh private directory under the system temp dir, owned by whoever runs the service.

    Not pytest's tmp_path: that lives under a root-only 0700 directory when the tests run as
    root, which the unprivileged service user could not traverse.
    """
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o755)
    owner.own(path)
    return path


def _run(cmd: list[str], owner: RunAs, cwd: Path, timeout: float = 60) -> None:
    result = subprocess.run(
        cmd,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        **owner.popen_kwargs(),
    )
    if result.returncode != 0:
        raise ServiceError(f"{' '.join(cmd)} exited {result.returncode}:\n{result.stdout}{result.stderr}")


def postgres_bindir() -> Path | None:
    """The newest /usr/lib/postgresql/N/bin with initdb and pg_ctl, or None."""
    candidates = []
    for bindir in glob.glob(PG_BIN_GLOB):
        path = Path(bindir)
        version = path.parent.name
        if (path / "initdb").is_file() and (path / "pg_ctl").is_file() and version.isdigit():
            candidates.append((int(version), path))
    return max(candidates)[1] if candidates else None


@dataclass
class PostgresServer:
    """A throwaway PostgreSQL cluster listening on 127.0.0.1:`port`, superuser `postgres`, trust auth."""

    bindir: Path
    root: Path
    port: int
    owner: RunAs

    @property
    def datadir(self) -> Path:
        return self.root / "data"

    @property
    def logfile(self) -> Path:
        return self.root / "postgres.log"

    @classmethod
    def start(cls, bindir: Path | None = None, attempts: int = 3) -> PostgresServer:
        """initdb a new cluster in a temp dir and start it on a free loopback port."""
        bindir = bindir or postgres_bindir()
        if bindir is None:
            raise ServiceError(f"no PostgreSQL binaries under {PG_BIN_GLOB}")
        owner = RunAs.unprivileged("postgres")
        root = service_dir("factbot-pg-", owner)
        server = cls(bindir, root, 0, owner)
        try:
            _run(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(server.datadir),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--locale=C",
                    "--no-sync",
                ],
                owner,
                root,
            )
            # A free port can be taken between probing and binding: try a few.
            for attempt in range(attempts):
                server.port = free_port()
                try:
                    server._pg_ctl_start()
                    return server
                except ServiceError:
                    if attempt == attempts - 1:
                        raise
        except BaseException:
            server.stop()
            raise
        raise AssertionError("unreachable")

    def _pg_ctl_start(self) -> None:
        options = " ".join(
            [
                "-c listen_addresses=127.0.0.1",
                f"-c port={self.port}",
                f"-c unix_socket_directories={self.root}",
                # Durability is worthless for a throwaway test cluster; speed is not.
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
            ]
        )
        try:
            _run(
                [
                    str(self.bindir / "pg_ctl"),
                    "-D",
                    str(self.datadir),
                    "-l",
                    str(self.logfile),
                    "-o",
                    options,
                    "-w",
                    "-t",
                    str(int(START_TIMEOUT)),
                    "start",
                ],
                self.owner,
                self.root,
                timeout=START_TIMEOUT + 10,
            )
        except (ServiceError, subprocess.TimeoutExpired) as exc:
            log = self.logfile.read_text(errors="replace")[-2000:] if self.logfile.exists() else ""
            raise ServiceError(f"PostgreSQL did not start on port {self.port}: {exc}\n{log}") from exc

    def dsn(self, dbname: str = "postgres") -> str:
        """A libpq URL for `dbname` on this server."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, name: str) -> str:
        """CREATE DATABASE `name` and return its DSN."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.dsn(), autocommit=True, connect_timeout=10) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.dsn(name)

    def drop_database(self, name: str) -> None:
        """DROP DATABASE `name`, disconnecting anyone still using it."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.dsn(), autocommit=True, connect_timeout=10) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def _postmaster_pid(self) -> int | None:
        with contextlib.suppress(OSError, ValueError, IndexError):
            return int((self.datadir / "postmaster.pid").read_text().splitlines()[0])
        return None

    def pause(self) -> None:
        """Stop the server (fast shutdown: clients are cut off) and keep its files for resume()."""
        _run(
            [str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", "fast", "-w", "-t", "30", "stop"],
            self.owner,
            self.root,
            timeout=40,
        )

    def resume(self) -> None:
        """Start a paused server again, on the same port."""
        self._pg_ctl_start()

    def stop(self) -> None:
        """Stop the server (fast shutdown) and delete its files."""
        try:
            if (self.datadir / "postmaster.pid").exists():
                try:
                    _run(
                        [
                            str(self.bindir / "pg_ctl"),
                            "-D",
                            str(self.datadir),
                            "-m",
                            "fast",
                            "-w",
                            "-t",
                            "30",
                            "stop",
                        ],
                        self.owner,
                        self.root,
                        timeout=40,
                    )
                except (ServiceError, subprocess.TimeoutExpired):
                    # Only ever the postmaster this object started, found by its own pid file.
                    pid = self._postmaster_pid()
                    if pid:
                        with contextlib.suppress(ProcessLookupError):
                            os.kill(pid, signal.SIGKILL)
                    raise
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


NGINX_MAIN = """\
daemon off;
master_process on;
worker_processes 1;
{user}
pid {root}/nginx.pid;
error_log {root}/error.log info;

events {{
    worker_connections 256;
}}

http {{
    access_log {root}/access.log;
    client_body_temp_path {root}/client_body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;

{site}
}}
"""

ROUND_ROBIN_SITE = """\
    # No balancing directive: round-robin is nginx's default for an upstream.
    upstream backends {{
{servers}
    }}

    server {{
        listen 127.0.0.1:{port};

        # Answered by nginx itself, so nginx can be seen up before any backend is.
        location = /__nginx_up {{
            return 204;
        }}

        location / {{
            proxy_pass http://backends;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_connect_timeout 2s;
            proxy_read_timeout 10s;
        }}
    }}
"""


def round_robin_site(port: int, backend_ports: list[int]) -> str:
    """The http-level config: 127.0.0.1:`port` round-robin over 127.0.0.1:`backend_ports`."""
    if not backend_ports:
        raise ValueError("nginx needs at least one backend port")
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in backend_ports)
    return ROUND_ROBIN_SITE.format(port=port, servers=servers)


def nginx_conf(root: Path, site: str, owner: RunAs) -> str:
    """A whole nginx.conf around `site` (http-level directives) that keeps every file under `root`."""
    user = f"user {owner.user} {owner.group};" if owner.user else ""
    return NGINX_MAIN.format(root=root, site=site, user=user)


EXAMPLE_SITE = Path(__file__).resolve().parent.parent / "deploy" / "nginx.conf"


def example_site(port: int, backend_ports: list[int]) -> str:
    """deploy/nginx.conf as shipped, with its listen and upstream servers moved to loopback test ports."""
    text = EXAMPLE_SITE.read_text()
    text, listens = re.subn(r"(?m)^(\s*)listen 80;", rf"\g<1>listen 127.0.0.1:{port};", text)
    ports = iter(backend_ports)
    text, servers = re.subn(r"server 127\.0\.0\.1:\d+", lambda m: f"server 127.0.0.1:{next(ports)}", text)
    if listens != 1 or servers != len(backend_ports):
        raise ValueError(
            f"deploy/nginx.conf has {listens} 'listen 80;' and {servers} upstream servers; "
            f"expected 1 and {len(backend_ports)}"
        )
    return text


@dataclass
class NginxProxy:
    """nginx in the foreground on 127.0.0.1:`port`, round-robin over loopback backends."""

    root: Path
    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def error_log(self) -> Path:
        return self.root / "error.log"

    @classmethod
    def start(cls, backend_ports: list[int], attempts: int = 3) -> NginxProxy:
        """Start nginx round-robin over `backend_ports`; return once it answers HTTP."""
        backend_ports = list(backend_ports)
        return cls.start_site(lambda port: round_robin_site(port, backend_ports), attempts)

    @classmethod
    def start_site(cls, site_for_port: Callable[[int], str], attempts: int = 3) -> NginxProxy:
        """Start nginx with the http-level config `site_for_port(port)`, which must listen on
        127.0.0.1:port; return once it answers HTTP there."""
        if not os.access(NGINX, os.X_OK):
            raise ServiceError(f"{NGINX} is not installed")
        owner = RunAs.unprivileged("www-data")
        root = service_dir("factbot-nginx-", owner)
        proxy = cls(root, 0)
        try:
            for attempt in range(attempts):
                proxy.port = free_port()
                conf = root / "nginx.conf"
                conf.write_text(nginx_conf(root, site_for_port(proxy.port), owner))
                _run(
                    [NGINX, "-t", "-q", "-p", str(root), "-e", str(proxy.error_log), "-c", str(conf)],
                    RunAs(),
                    root,
                )
                try:
                    proxy._launch(conf)
                    return proxy
                except ServiceError:
                    proxy._terminate()
                    if attempt == attempts - 1:
                        raise
        except BaseException:
            proxy.stop()
            raise
        raise AssertionError("unreachable")

    def _launch(self, conf: Path) -> None:
        # The master stays with us (it binds and reads the config); workers drop to `user`.
        self.process = subprocess.Popen(
            [NGINX, "-p", str(self.root), "-e", str(self.error_log), "-c", str(conf)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=self.root,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServiceError(f"nginx exited {self.process.returncode}:\n{self._log_tail()}")
            if self._answers():
                return
            time.sleep(0.05)
        raise ServiceError(
            f"nginx did not answer on {self.url} within {START_TIMEOUT:.0f}s:\n{self._log_tail()}"
        )

    def _answers(self) -> bool:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
        try:
            # Any answer will do: it comes from nginx, whether or not a backend is up yet.
            conn.request("GET", "/__nginx_up")
            conn.getresponse().read()
            return True
        except OSError:
            return False
        finally:
            conn.close()

    def _log_tail(self) -> str:
        return self.error_log.read_text(errors="replace")[-2000:] if self.error_log.exists() else ""

    def _terminate(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            # SIGQUIT: graceful shutdown, so workers exit with the master.
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        """Stop nginx and delete its files."""
        try:
            self._terminate()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


@dataclass
class RecordingBackend:
    """A tiny HTTP server on 127.0.0.1 that answers GET and POST with its own `name`.

    `requests` records (method, path, body) in arrival order.
    """

    name: str
    requests: list[tuple[str, str, bytes]] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None
    thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        assert self.server is not None
        return self.server.server_address[1]

    @property
    def paths(self) -> list[str]:
        return [path for _, path, _ in self.requests]

    def start(self) -> RecordingBackend:
        backend = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                backend.requests.append((self.command, self.path, body))
                reply = backend.name.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            do_GET = do_POST = _answer  # http.server dispatches on do_<METHOD>

            def log_message(self, format: str, *args) -> None:  # keep test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, name=f"backend-{self.name}", daemon=True
        )
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
        if self.thread is not None:
            self.thread.join(timeout=10)
