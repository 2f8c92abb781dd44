#!/usr/bin/env bash
# Web server, Celery worker and Celery beat in one terminal; Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

pids=()
stop_all() {
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
# Ctrl-C or SIGTERM is the normal way to stop: stop the three and exit 0.
on_signal() {
  trap - INT TERM
  echo; echo "Stopping web, worker and beat..."
  stop_all
  echo "Stopped."
  exit 0
}
trap on_signal INT TERM

# One worker for every queue (render, sync, email and the default); see README, "More machines".
$PY -m celery -A creatorhub worker -Q render,sync,email,celery --loglevel=INFO --concurrency=2 &
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
# One of them ended on its own: that is a failure; stop the others and say so.
status=0
wait -n "${pids[@]}" || status=$?
trap - INT TERM
echo "A process of Creator Hub exited (status $status); stopping the others." >&2
stop_all
exit $(( status == 0 ? 1 : status ))
