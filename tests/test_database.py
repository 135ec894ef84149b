from django.db import connection


def test_tests_run_on_postgresql(db):
    # A silent fall-back to SQLite must not pass CI.
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("select version()")
        assert cursor.fetchone()[0].startswith("PostgreSQL")
