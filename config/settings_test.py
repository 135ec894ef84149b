"""Test settings: always PostgreSQL, decided here (a pytest hook is too late).

Order: DATABASE_URL if set; else a server on 127.0.0.1:5432 if one answers; else a
throwaway cluster started now and stopped at exit (see ../shared/ENVIRONMENT.md).
"""

import atexit
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("SITE_URL", "http://testserver")

from config.settings import *  # noqa: E402,F403
from config.settings import DATABASE_URL, database_timeouts  # noqa: E402

PG_BIN_CANDIDATES = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_throwaway_cluster() -> str:
    if not PG_BIN_CANDIDATES:
        raise RuntimeError(
            "No PostgreSQL server answers on 127.0.0.1:5432, DATABASE_URL is unset and no "
            "PostgreSQL binaries were found in /usr/lib/postgresql: tests need PostgreSQL."
        )
    bin_dir = PG_BIN_CANDIDATES[0]
    data_dir = Path(tempfile.mkdtemp(prefix="pgtest-"))
    port = _free_port()
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(data_dir, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    subprocess.run(
        [
            *as_user,
            str(bin_dir / "initdb"),
            "-D",
            str(data_dir),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ],
        check=True,
        capture_output=True,
    )
    opts = f"-c fsync=off -c listen_addresses=127.0.0.1 -c port={port} -k {data_dir}"
    subprocess.run(
        [
            *as_user,
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data_dir),
            "-o",
            opts,
            "-w",
            "-l",
            str(data_dir / "log"),
            "start",
        ],
        check=True,
        capture_output=True,
    )

    def _stop() -> None:
        subprocess.run(
            [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(data_dir, ignore_errors=True)

    atexit.register(_stop)
    return f"postgres://postgres@127.0.0.1:{port}/postgres"


if not DATABASE_URL:
    if _answers("127.0.0.1", 5432):
        _url = "postgres://postgres@127.0.0.1:5432/postgres"
    else:
        _url = _start_throwaway_cluster()
    import dj_database_url

    DATABASES = {"default": dj_database_url.parse(_url)}
    DATABASES["default"]["OPTIONS"] = database_timeouts()

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
