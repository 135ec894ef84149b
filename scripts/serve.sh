#!/usr/bin/env bash
# Serve the app as in production: gunicorn (the web tier, DEBUG off, static files collected
# and served by WhiteNoise) and N background workers (`manage.py db_worker`) for exports.
#
#   SECRET_KEY=… SITE_URL=https://jx.example.gov.cn ALLOWED_HOSTS=jx.example.gov.cn \
#   DATABASE_URL=postgres://… bash scripts/serve.sh
#
# Environment (see README, "Deploying on an intranet"):
#   BIND (127.0.0.1:8000)   WEB_WORKERS (2 × cores + 1)   TASK_WORKERS (1)
#   MIGRATE (1: run migrations first)   PYTHON (.venv/bin/python)   WEB_TIMEOUT (60 s)
#   ACCESS_LOG (- = stdout; each line ends with the time the request took, e.g. 41ms)
#   FORWARDED_ALLOW_IPS (gunicorn's: addresses whose X-Forwarded-Proto gunicorn trusts)
# Stops the workers when gunicorn stops (Ctrl+C or SIGTERM).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
export DEBUG=0
# gunicorn's fixed set of workers reuses connections (see README, CONN_MAX_AGE).
export CONN_MAX_AGE="${CONN_MAX_AGE:-60}"
: "${SECRET_KEY:?SECRET_KEY must be set (a long random string)}"
: "${SITE_URL:?SITE_URL must be set (the address users open, e.g. https://jx.example.gov.cn)}"
BIND="${BIND:-127.0.0.1:8000}"
WEB_WORKERS="${WEB_WORKERS:-$(( $(nproc) * 2 + 1 ))}"
TASK_WORKERS="${TASK_WORKERS:-1}"

if [ "${MIGRATE:-1}" = 1 ]; then
  "$PYTHON" manage.py migrate --noinput
fi
"$PYTHON" manage.py collectstatic --noinput --verbosity 0

pids=()
stop() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait || true
}
trap stop EXIT
trap 'exit 0' INT TERM

for _ in $(seq 1 "$TASK_WORKERS"); do
  "$PYTHON" manage.py db_worker --no-reload &
  pids+=("$!")
done

# --timeout: a worker silent for 60 s is killed and replaced (a single PDF is cut off
# at PDF_TIMEOUT, 20 s, before that). --max-requests recycles workers to bound memory.
"$PYTHON" -m gunicorn config.wsgi:application \
  --bind "$BIND" \
  --workers "$WEB_WORKERS" \
  --timeout "${WEB_TIMEOUT:-60}" \
  --graceful-timeout 30 \
  --max-requests 2000 --max-requests-jitter 200 \
  --access-logfile "${ACCESS_LOG:--}" \
  --access-logformat '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms' \
  --error-logfile - &
pids+=("$!")
wait "${pids[-1]}"
