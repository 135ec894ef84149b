#!/usr/bin/env bash
# Create .venv with Python >= 3.12 and install the pinned dependencies. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

find_python() {
  # 3.12 first: measured a little faster than 3.13 on the sheet pages (scripts/bench.py).
  for candidate in python3.12 python3.13; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; assert sys.version_info >= (3, 12)' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    for candidate in "$(pyenv root)"/versions/3.12*/bin/python3.12 "$(pyenv root)"/versions/3.13*/bin/python3.13; do
      [ -x "$candidate" ] && { echo "$candidate"; return 0; }
    done
  fi
  return 1
}

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; assert sys.version_info >= (3, 12)' 2>/dev/null; then
  PYTHON=$(find_python) || { echo "Python 3.12 or newer is needed (Django 6). Install python3.12 or python3.13." >&2; exit 1; }
  rm -rf .venv
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"
