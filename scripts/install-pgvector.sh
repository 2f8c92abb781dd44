#!/usr/bin/env bash
# pgvector for the local PostgreSQL server, which the likeness guard searches faces with.
# Debian's bookworm has no postgresql-15-pgvector package, so when apt cannot install one we build
# Debian's own pgvector source (trixie's pool, checked against its SHA-256) against the server's
# pg_config: about ten seconds. Needs root; prints why and exits 1 when it cannot.
set -euo pipefail
VERSION=0.8.0
SHA256=867a2c328d4928a5a9d6f052cd3bc78c7d60228a9b914ad32aa3db88e9de27b0
SOURCE=http://deb.debian.org/debian/pool/main/p/pgvector/pgvector_${VERSION}.orig.tar.gz

pg_config=$(ls /usr/lib/postgresql/*/bin/pg_config 2>/dev/null | sort -V | tail -1 || true)
[ -n "$pg_config" ] || { echo "pgvector: no PostgreSQL server found (pg_config)"; exit 1; }
major=$("$pg_config" --version | sed -E 's/[^0-9]*([0-9]+).*/\1/')
[ -f "$("$pg_config" --sharedir)/extension/vector.control" ] && exit 0
[ "$(id -u)" = "0" ] || { echo "pgvector: missing, and only root can install it"; exit 1; }
export DEBIAN_FRONTEND=noninteractive
if apt-get install -y -qq "postgresql-${major}-pgvector" >/dev/null 2>&1; then
  exit 0
fi
echo "pgvector: building Debian's pgvector ${VERSION} source for PostgreSQL ${major}"
apt-get install -y -qq "postgresql-server-dev-${major}" make gcc >/dev/null
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
curl -fsS -m 120 -o "$build/pgvector.tar.gz" "$SOURCE"
echo "$SHA256  $build/pgvector.tar.gz" | sha256sum --check --quiet
tar -xzf "$build/pgvector.tar.gz" -C "$build"
make -s -C "$build/pgvector-${VERSION}" PG_CONFIG="$pg_config" OPTFLAGS="" >/dev/null
make -s -C "$build/pgvector-${VERSION}" PG_CONFIG="$pg_config" install >/dev/null
