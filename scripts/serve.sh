#!/usr/bin/env bash
# Production start: collectstatic, migrate, then gunicorn, a Celery worker and Celery beat in
# one process group; SIGTERM or Ctrl-C stops all three. Settings come from the environment (or
# .env) exactly as creatorhub/settings.py reads them; DEBUG defaults to 0 here, which needs
# SECRET_KEY and ALLOWED_HOSTS.
#   HOST, PORT          where gunicorn listens (default 127.0.0.1:8000; put a TLS proxy in front)
#   WEB_CONCURRENCY     gunicorn worker processes (default 2 × cores + 1)
#   WORKER_CONCURRENCY  Celery worker processes (default: the number of cores)
#   WORKER_QUEUES       the queues the worker takes from (default render,sync,email,celery)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DEBUG=${DEBUG:-0}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
cores=$(nproc 2>/dev/null || echo 1)
WEB_CONCURRENCY=${WEB_CONCURRENCY:-$((2 * cores + 1))}
WORKER_CONCURRENCY=${WORKER_CONCURRENCY:-$cores}

# settings.py refuses to load without these when DEBUG=0; say so before anything starts.
env_or_dotenv() { [ -n "${!1:-}" ] || grep -Eq "^[[:space:]]*$1=[^[:space:]]" .env 2>/dev/null; }
if [ "$DEBUG" = "0" ]; then
  for name in SECRET_KEY ALLOWED_HOSTS; do
    if ! env_or_dotenv "$name"; then
      echo "serve: set $name (in the environment or .env); DEBUG=0 requires it. See .env.example." >&2
      exit 2
    fi
  done
fi

$PY manage.py collectstatic --noinput -v0
$PY manage.py migrate --noinput
# Local Content Credentials keys, kept across runs, unless production points at its own.
[ -n "${PROVENANCE_KEY:-}" ] || $PY manage.py provenance_init

pids=()
cleanup() {
  trap - INT TERM EXIT
  echo "serve: stopping web, worker and beat..."
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap 'cleanup; exit 0' INT TERM
trap cleanup EXIT

# Every queue (render, sync, email, the default); README, "More machines", splits them.
$PY -m celery -A creatorhub worker -Q "${WORKER_QUEUES:-render,sync,email,celery}" \
  --loglevel=INFO --concurrency="$WORKER_CONCURRENCY" &
pids+=($!)
$PY -m celery -A creatorhub beat --loglevel=INFO &
pids+=($!)
# --preload imports the app once in the master, so a configuration error (or a missing static
# manifest) stops the start with its message instead of failing in every worker.
.venv/bin/gunicorn creatorhub.wsgi:application --preload --bind "$HOST:$PORT" \
  --workers "$WEB_CONCURRENCY" --access-logfile - --graceful-timeout 20 &
pids+=($!)
echo "serve: Creator Hub on http://$HOST:$PORT/ (gunicorn × $WEB_CONCURRENCY, worker, beat)"
# Stop everything when any of the three exits, so a supervisor sees the failure and restarts.
set +e
wait -n "${pids[@]}"
status=$?
echo "serve: a process exited (status $status); stopping the others" >&2
exit "$status"
