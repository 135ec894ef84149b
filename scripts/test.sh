#!/usr/bin/env bash
# Run the whole test suite on PostgreSQL (DATABASE_URL, else 127.0.0.1:5432, else a
# throwaway cluster) with the browser tests in Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get install -y -qq chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }
  else
    echo "Chromium is needed for the browser tests: apt-get install chromium" >&2; exit 1
  fi
fi
exec .venv/bin/python -m pytest "$@"
