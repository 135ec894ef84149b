"""A threaded server does not keep a database connection per thread (issue 16, item 3).

`manage.py runserver` (what scripts/demo.sh runs) serves each client socket on a new
thread. With persistent connections (CONN_MAX_AGE > 0) every such thread kept its own
PostgreSQL connection for as long as the browser kept the socket open: one runserver held
65–99 idle connections and logins answered 500 once the server's limit was reached.
"""

import http.client
import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

REQUESTS = 50


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_connections() -> int:
    """Connections to the test database other than this process's own."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def _database_url() -> str:
    db = settings.DATABASES["default"]
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def runserver(transactional_db):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "CONN_MAX_AGE"}
    env.update(
        DATABASE_URL=_database_url(),
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="1",
        SECRET_KEY=settings.SECRET_KEY,  # the session cookie made here must hold there
    )
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(proc.stderr.read().decode()) from None
            time.sleep(0.2)
    yield port
    proc.terminate()
    proc.wait(timeout=20)


def test_fifty_concurrent_sessions_leave_no_connection_behind(runserver, alice):
    client = Client()
    client.force_login(alice)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    # Each "browser" keeps its socket open after the page arrived (HTTP keep-alive), as
    # browsers do: the server thread serving it stays alive meanwhile.
    sockets = [
        http.client.HTTPConnection("127.0.0.1", runserver, timeout=60) for _ in range(REQUESTS)
    ]

    def visit(conn):
        conn.request("GET", "/reviews/notifications/", headers={"Cookie": cookie})
        response = conn.getresponse()
        response.read()
        return response.status

    with ThreadPoolExecutor(REQUESTS) as pool:
        statuses = list(pool.map(visit, sockets))
    assert statuses == [200] * REQUESTS
    try:
        time.sleep(0.5)  # let each thread finish its request
        held = _server_connections()
        assert held <= 2, f"{held} connections held by idle server threads"
    finally:
        for conn in sockets:
            conn.close()


def _settings_in_subprocess(**env) -> subprocess.CompletedProcess:
    code = "import config.settings as s; print(s.DATABASES['default']['CONN_MAX_AGE'])"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={
            **{k: v for k, v in os.environ.items() if k != "CONN_MAX_AGE"},
            "DATABASE_URL": "postgres://u@h/db",
            "DEBUG": "1",
            **env,
        },
        capture_output=True,
        text=True,
    )


def test_conn_max_age_is_read_strictly():
    assert _settings_in_subprocess().stdout.strip() == "0"
    assert _settings_in_subprocess(CONN_MAX_AGE="60").stdout.strip() == "60"
    for bad in ("-1", "sixty"):
        result = _settings_in_subprocess(CONN_MAX_AGE=bad)
        assert result.returncode != 0 and "CONN_MAX_AGE" in result.stderr
