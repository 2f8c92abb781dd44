#!/usr/bin/env bash
# Start PostgreSQL and Redis on this machine when they are not running (as CI's machines do).
# Prints what it did; exits non-zero only when a service is still unreachable and REQUIRE_SERVICES=1.
set -u
pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

if ! pg_up && command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "services: starting PostgreSQL"
  for version in $(ls /etc/postgresql 2>/dev/null); do
    pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>&1 || true
  done
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
fi
if ! redis_up && command -v redis-server >/dev/null 2>&1; then
  echo "services: starting Redis"
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
  for _ in $(seq 1 30); do redis_up && break; sleep 1; done
fi

# The likeness guard searches faces with pgvector (a no-op once installed).
pg_up && { bash "$(dirname "$0")/install-pgvector.sh" || echo "services: pgvector is NOT installed"; }

status=0
if pg_up; then echo "services: PostgreSQL is up"; else echo "services: PostgreSQL is NOT reachable on 127.0.0.1:5432"; status=1; fi
if redis_up; then echo "services: Redis is up"; else echo "services: Redis is NOT reachable on 127.0.0.1:6379"; status=1; fi
if [ "${REQUIRE_SERVICES:-0}" = "1" ]; then exit $status; fi
exit 0
