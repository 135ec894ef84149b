"""What the benchmark scripts share: Django set up on the test settings, and the helpers
of their printed tables (CJK-aware padding, the machine's CPU)."""

import os
import platform
import sys
import unicodedata
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    """Set Django up as the test suite does (a script cannot use pytest's plugin)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    # WhiteNoise warns that staticfiles/ was never collected; irrelevant here (as in pytest).
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    import django

    django.setup()


def analyze(vacuum: bool = False) -> None:
    """Planner statistics (and with ``vacuum`` the visibility map, which index-only scans
    read), as autovacuum would have them on a live database."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")


def progress(message: str) -> None:
    print(f"  … {message}", file=sys.stderr, flush=True)


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, size: int, right: bool = False) -> str:
    fill = " " * max(0, size - width(text))
    return fill + text if right else text + fill


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() in ("model name", "Model", "Hardware"):
                return value.strip()
    except OSError:
        pass
    return platform.processor() or "unknown"
