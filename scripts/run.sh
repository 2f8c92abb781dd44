#!/usr/bin/env bash
# Web server, Celery worker and Celery beat in one terminal; Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

pids=()
cleanup() {
  trap - INT TERM EXIT
  echo; echo "Stopping web, worker and beat..."
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap cleanup INT TERM EXIT

$PY -m celery -A creatorhub worker --loglevel=INFO --concurrency=2 &
pids+=($!)
$PY -m celery -A creatorhub beat --loglevel=INFO &
pids+=($!)
$PY manage.py runserver "$HOST:$PORT" --noreload &
pids+=($!)

cat <<TXT

  Creator Hub is running at http://$HOST:$PORT/

  Logins:  creator   demo / demo
           viewer    viewer / viewer
           moderator moderator / moderator   (admin at http://$HOST:$PORT/admin/)

  Press Ctrl-C to stop the web server, worker and beat.

TXT
wait -n "${pids[@]}"
