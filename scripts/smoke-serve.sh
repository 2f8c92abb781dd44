#!/usr/bin/env bash
# Smoke-test the production start (`make serve`): DEBUG=0 on SQLite and the filesystem broker in
# a throwaway folder, plain HTTP on loopback (SECURE_SSL_REDIRECT=0). Checks that a page without
# collected static files refuses to start, then that `serve.sh` serves the login page and its
# hashed CSS, that the worker and beat start, and that SIGTERM stops every process.
set -euo pipefail
cd "$(dirname "$0")/.."
var_dir=$(mktemp -d)
port=${SERVE_SMOKE_PORT:-8767}
log="$var_dir/serve.log"
export VAR_DIR="$var_dir" DEBUG=0 HOST=127.0.0.1 PORT="$port" SECURE_SSL_REDIRECT=0 \
  SECRET_KEY="smoke-$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')" \
  ALLOWED_HOSTS=127.0.0.1,localhost WEB_CONCURRENCY=2 WORKER_CONCURRENCY=1
unset DATABASE_URL REDIS_URL
fail() { echo "smoke-serve: FAILED: $*" >&2; [ -f "$log" ] && tail -n 60 "$log" >&2; exit 1; }

# Without collectstatic the app must refuse to start, saying what to run.
if out=$(.venv/bin/python -c 'import creatorhub.wsgi' 2>&1); then
  fail "the WSGI app started without a static files manifest"
fi
grep -q "collectstatic" <<<"$out" || fail "no collectstatic hint in: $out"

setsid bash scripts/serve.sh >"$log" 2>&1 &
runner=$!
stop() {
  kill -TERM "$runner" 2>/dev/null || true  # serve.sh stops gunicorn, worker and beat itself
  for _ in $(seq 1 60); do kill -0 -- "-$runner" 2>/dev/null || break; sleep 0.5; done
  if kill -0 -- "-$runner" 2>/dev/null; then
    echo "smoke-serve: processes left after SIGTERM:" >&2
    ps -o pid,args -g "$runner" >&2 || true
    kill -KILL -- "-$runner" 2>/dev/null || true
    stopped=no
  fi
  wait "$runner" 2>/dev/null || true
}
cleanup() { stop; rm -rf "$var_dir"; }
trap cleanup EXIT

base="http://127.0.0.1:$port"
page=""
for _ in $(seq 1 90); do
  kill -0 "$runner" 2>/dev/null || fail "serve.sh exited"
  page=$(curl -fsS "$base/accounts/login/" 2>/dev/null) && grep -q 'name="username"' <<<"$page" \
    && grep -q "celery@.* ready" "$log" && grep -q "beat: Starting" "$log" && break
  page=""
  sleep 1
done
[ -n "$page" ] || fail "no login page, or worker/beat not started, within 90 s"
css=$(grep -o '/static/css/app\.[0-9a-f]\{12\}\.css' <<<"$page" | head -n1)
[ -n "$css" ] || fail "the login page does not link the hashed app.css"
headers=$(curl -fsS -D - -o "$var_dir/app.css" "$base$css") || fail "$css did not load"
grep -qi '^content-type: text/css' <<<"$headers" || fail "$css is not served as text/css"
cmp -s "$var_dir/app.css" static/css/app.css || fail "$css is not static/css/app.css"
# Behind the TLS proxy (X-Forwarded-Proto: https) production hardening answers with HSTS.
proxied=$(curl -fsS -D - -o /dev/null -H 'X-Forwarded-Proto: https' "$base/accounts/login/")
grep -qi '^strict-transport-security:' <<<"$proxied" || fail "no HSTS: is DEBUG=0 in effect?"

stopped=yes
stop
[ "$stopped" = yes ] || fail "serve.sh left processes running after SIGTERM"
echo "smoke-serve: DEBUG=0 login page and $css served by gunicorn; worker and beat started;" \
  "all stopped on SIGTERM"
