#!/usr/bin/env bash
# Run the whole test suite on PostgreSQL (DATABASE_URL, else 127.0.0.1:5432, else a
# throwaway cluster) with the browser tests in Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Debian packages the tests need: Chromium for the browser tests, a CJK font for the PDFs
# (without one WeasyPrint prints empty boxes), harfbuzz's subsetter (else 16 s a page).
missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
for pkg in fonts-noto-cjk libharfbuzz-subset0; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    # shellcheck disable=SC2086
    apt-get install -y -qq $missing >/dev/null || { apt-get update -qq && apt-get install -y -qq $missing >/dev/null; }
  else
    echo "Needed Debian packages:$missing (apt-get install$missing)" >&2; exit 1
  fi
fi
exec .venv/bin/python -m pytest "$@"
