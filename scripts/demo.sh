#!/usr/bin/env bash
# Run the app with the demo data: the eight projects of the seed forms and demo users.
# Uses DATABASE_URL if set, else an embedded SQLite file (demo.sqlite3).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export DEBUG="${DEBUG:-1}"
# runserver serves each browser socket on its own thread: persistent database
# connections would pile up, one per thread (see CONN_MAX_AGE in the README).
export CONN_MAX_AGE=0
.venv/bin/python manage.py demo
# The background worker of long exports (Django's tasks framework, database backend).
.venv/bin/python manage.py db_worker --interval 1 &
worker=$!
trap 'kill "$worker" 2>/dev/null' EXIT
echo "打开 http://127.0.0.1:${PORT:-8000}/ 并用上面的账号登录。"
.venv/bin/python manage.py runserver "127.0.0.1:${PORT:-8000}"
