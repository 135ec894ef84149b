"""A database that hangs fails requests fast, with the Chinese error page: connect and
statement timeouts come from the environment (DB_CONNECT_TIMEOUT, DB_STATEMENT_TIMEOUT)."""

import socket
import time

import pytest
from django.db import OperationalError, connection, connections

from config.settings import database_timeouts
from tests.production.server import Browser, production_server


@pytest.fixture
def black_hole():
    """A port that accepts connections (the kernel completes the handshake) and never
    answers, like a database host whose server hangs."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        yield sock.getsockname()[1]


def wrapper(**changes):
    settings_dict = {**connection.settings_dict, **changes}
    return connections["default"].__class__(settings_dict)


def test_timeouts_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("DB_CONNECT_TIMEOUT", "3")
    monkeypatch.setenv("DB_STATEMENT_TIMEOUT", "1500")
    options = database_timeouts()
    assert options["connect_timeout"] == 3
    assert options["options"] == "-c statement_timeout=1500"
    monkeypatch.setenv("DB_CONNECT_TIMEOUT", "soon")
    with pytest.raises(Exception, match="not an integer"):
        database_timeouts()


def test_the_test_database_runs_with_the_timeouts(db):
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "30s"


def test_connecting_to_a_hung_server_gives_up_after_connect_timeout(db, black_hole):
    probe = wrapper(
        PORT=str(black_hole), OPTIONS={**connection.settings_dict["OPTIONS"], "connect_timeout": 2}
    )
    started = time.monotonic()
    with pytest.raises(OperationalError):
        probe.ensure_connection()
    assert time.monotonic() - started < 6


def test_a_hung_statement_is_cancelled_by_statement_timeout(db, monkeypatch):
    monkeypatch.setenv("DB_STATEMENT_TIMEOUT", "500")
    probe = wrapper(OPTIONS=database_timeouts())
    started = time.monotonic()
    try:
        with pytest.raises(OperationalError, match="statement timeout"):
            with probe.cursor() as cursor:
                cursor.execute("SELECT pg_sleep(10)")
    finally:
        probe.close()
    assert time.monotonic() - started < 4


@pytest.mark.django_db(transaction=True)
def test_the_production_server_answers_a_hung_database_fast_in_chinese(tmp_path, black_hole):
    url = f"postgres://postgres@127.0.0.1:{black_hole}/hung"
    with production_server(
        tmp_path, DATABASE_URL=url, DB_CONNECT_TIMEOUT="2", TASK_WORKERS="0"
    ) as port:
        browser = Browser(port)
        browser.cookies["sessionid"] = "a" * 32  # a logged-in browser: the session is read
        started = time.monotonic()
        response = browser.get("/projects/")
        elapsed = time.monotonic() - started
    assert response.status == 500
    html = response.body.decode()
    assert "服务器出错" in html and "数据库" in html
    assert elapsed < 8, elapsed
