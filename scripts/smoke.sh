#!/usr/bin/env bash
# Smoke-test the embedded default: `make run`'s stack on SQLite and the filesystem broker in a
# throwaway folder; fetch the login page; stop everything.
set -euo pipefail
cd "$(dirname "$0")/.."
var_dir=$(mktemp -d)
port=${SMOKE_PORT:-8765}
log="$var_dir/run.log"
export VAR_DIR="$var_dir" DEBUG=1 PORT="$port"
unset DATABASE_URL REDIS_URL
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py provenance_init >/dev/null
.venv/bin/python manage.py seed_demo --videos 20 --creators 1 >/dev/null
setsid bash scripts/run.sh >"$log" 2>&1 &
runner=$!
# run.sh stops its three processes; whatever of the group is left after 20 s is killed, so a
# task arriving mid-shutdown cannot hang the run.
stop() {
  kill -TERM "$runner" 2>/dev/null || true  # run.sh stops web, worker and beat itself
  for _ in $(seq 1 40); do kill -0 -- "-$runner" 2>/dev/null || break; sleep 0.5; done
  kill -KILL -- "-$runner" 2>/dev/null || true
  wait "$runner" 2>/dev/null || true
  rm -rf "$var_dir"
}
trap stop EXIT
for _ in $(seq 1 60); do
  if page=$(curl -fsS "http://127.0.0.1:$port/accounts/login/" 2>/dev/null); then
    if grep -q 'name="username"' <<<"$page" && grep -q "celery@.* ready" "$log"; then
      echo "smoke: login page served on SQLite; worker started"
      exit 0
    fi
  fi
  sleep 1
done
echo "smoke: FAILED; run.sh log follows" >&2
cat "$log" >&2
exit 1
