"""One million videos on PostgreSQL (`make bench BENCH=scale`; not part of `make test`).

The data lives in the configured database itself (SCALE_DATABASE_URL in the Makefile), seeded
with set-based SQL once and reused while its counts are right, so a rerun takes minutes:

- 10,000 creators: one with a 1M-video library (every video tagged "travel"), one with 1k,
  and 9,998 with 10 videos each that allow remixes through the account switch (one ledger
  entry each), every one of their videos remixed 10 times (999,800 published remixes)
- the account switch and the library page at 1M vs 1k, and a bulk action over the 1M-row
  filter vs a raw UPDATE of the same rows, with the bulk request's time split by statement
- the public consent-check API vs a trivial view under load: gunicorn (gthread) on loopback,
  and `bench.load` in a second process, for a fixed time each
- `verify_ledger` (entries/s) and one reconciler run over the 1M remixes
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator

from django.core.management import call_command
from django.db import connection
from django.test import Client

from bench.consent import account_switch, bulk_vs_raw_sql
from bench.harness import analyze, count_queries
from bench.library_page import measure as library_page

# BENCH_SCALE_VIDEOS / BENCH_SCALE_CREATORS make a smaller run while developing.
LARGE, SMALL = int(os.environ.get("BENCH_SCALE_VIDEOS", 1_000_000)), 1_000
CREATORS, VIDEOS_EACH, REMIXES_EACH = int(os.environ.get("BENCH_SCALE_CREATORS", 10_000)), 10, 10
OTHERS = CREATORS - 2
SEED_USERS = ("scale_large", "scale_small", "scale_requester")


def _ensure_database() -> None:
    """Create the configured database if it is missing (as `migrate` cannot)."""
    name = connection.settings_dict["NAME"]
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")


def _sql(statement: str, params: tuple = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _expected() -> dict:
    return {
        "creators": CREATORS,
        "videos": LARGE + SMALL + OTHERS * VIDEOS_EACH,
        "remixes": OTHERS * VIDEOS_EACH * REMIXES_EACH,
    }


def _counts() -> dict:
    from creatorhub.accounts.models import User
    from creatorhub.videos.models import Video
    from remixer.models import Remix

    return {
        "creators": User.objects.filter(username__startswith="scale_c").count() + 2,
        "videos": Video.objects.count(),
        "remixes": Remix.objects.count(),
    }


def _seed() -> None:
    """Users, videos, tags, library counters and remixes in a few INSERT ... SELECT statements;
    the 9,998 policies through the real service, so each has its ledger entry."""
    from django.db.models import Max

    from consent.models import LedgerEntry
    from consent.scopes import scopes_to_mask
    from consent.services import PolicyChange, consent_set_policy
    from creatorhub.accounts.models import User
    from creatorhub.accounts.tests.factories import make_user
    from remixer.models import SyncMark

    call_command("flush", interactive=False, verbosity=0)
    large, small, _ = (make_user(name) for name in SEED_USERS)
    password = large.password
    _sql(
        """
        INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name,
            email, is_staff, is_active, date_joined, display_name, bio, email_notifications)
        SELECT %s, false, 'scale_c' || g, '', '', 'scale_c' || g || '@example.com', false, true,
            now(), '', '', false
        FROM generate_series(1, %s) g
        """,
        (password, OTHERS),
    )
    _sql(
        """
        INSERT INTO videos_video (public_id, title, description, visibility, created_at,
            added_at, original, poster, thumbnail, status, processing_error, owner_id)
        SELECT 'L' || g, 'Clip ' || g, '', 'public', now() - g * interval '1 minute', now(),
            '', '', '', 'ready', '', %s
        FROM generate_series(1, %s) g
        """,
        (large.id, LARGE),
    )
    _sql(
        """
        INSERT INTO videos_video (public_id, title, description, visibility, created_at,
            added_at, original, poster, thumbnail, status, processing_error, owner_id)
        SELECT 'S' || g, 'Clip ' || g, '', 'public', now() - g * interval '1 minute', now(),
            '', '', '', 'ready', '', %s
        FROM generate_series(1, %s) g
        """,
        (small.id, SMALL),
    )
    _sql(
        """
        INSERT INTO videos_video (public_id, title, description, visibility, created_at,
            added_at, original, poster, thumbnail, status, processing_error, owner_id)
        SELECT 'C' || u.id || '-' || g, 'Clip ' || g, '', 'public',
            now() - g * interval '1 minute', now(), '', '', '', 'ready', '', u.id
        FROM accounts_user u CROSS JOIN generate_series(1, %s) g
        WHERE u.username LIKE 'scale\\_c%%'
        """,
        (VIDEOS_EACH,),
    )
    for owner in (large, small):
        _sql("INSERT INTO videos_tag (name, owner_id) VALUES ('travel', %s)", (owner.id,))
        _sql(
            """
            INSERT INTO videos_video_tags (video_id, tag_id)
            SELECT v.id, t.id FROM videos_video v JOIN videos_tag t ON t.owner_id = v.owner_id
            WHERE v.owner_id = %s
            """,
            (owner.id,),
        )
    _sql(
        """
        INSERT INTO videos_librarystats (owner_id, video_count)
        SELECT owner_id, COUNT(*) FROM videos_video GROUP BY owner_id
        """
    )
    caption = PolicyChange(
        remix_allowed=True,
        remix_scopes=scopes_to_mask(["caption"]),
        audience="everyone",
        training_allowed=False,
        training_companies=[],
    )
    for creator in User.objects.filter(username__startswith="scale_c").iterator(chunk_size=500):
        consent_set_policy(creator=creator, actor=creator, change=caption)
    _sql(
        """
        INSERT INTO remixer_remix (public_id, template, inputs, scopes, status, reason,
            version, attempts, output, consent_seq, created_at, updated_at, published_at,
            requester_id, video_id, creator_id, resign, signed_companies, signed_training)
        SELECT 'R' || v.id || '-' || g, 'caption', '{}', %s, 'published', '', 1, 1, '', 1,
            now(), now(), now(), %s, v.id, v.owner_id, false, '[]', false
        FROM videos_video v CROSS JOIN generate_series(1, %s) g
        WHERE v.owner_id NOT IN (%s, %s)
        """,
        (
            scopes_to_mask(["caption"]),
            User.objects.get(username="scale_requester").id,
            REMIXES_EACH,
            large.id,
            small.id,
        ),
    )
    # The remixes were made after the policies that allow them, so the reconciler has nothing
    # to catch up with: its mark starts past the seed's entries, as after the beat's last run
    # (from 0, its first run would sync 9,998 creators one by one).
    SyncMark.objects.update_or_create(
        name="reconcile",
        defaults={"ledger_entry_id": LedgerEntry.objects.aggregate(last=Max("id"))["last"]},
    )
    analyze()


def seed() -> dict:
    """Seed unless the database already holds exactly the expected counts."""
    start = time.perf_counter()
    if _counts() == _expected():
        return {"seeded": "reused", "seed_s": round(time.perf_counter() - start, 1)}
    _seed()
    if (counts := _counts()) != _expected():
        raise SystemExit(f"Seeding produced {counts}, expected {_expected()}.")
    return {"seeded": "fresh", "seed_s": round(time.perf_counter() - start, 1)}


@contextlib.contextmanager
def timed_statements() -> Iterator[list[tuple[str, float]]]:
    """(sql, ms) of every statement on the default connection inside the block."""
    timings: list[tuple[str, float]] = []

    def record(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append((sql, (time.perf_counter() - start) * 1000))

    with connection.execute_wrapper(record):
        yield timings


def _phase(sql: str) -> str:
    if "islands" in sql:
        return "snapshot_ms"
    if "consent_videooverride" in sql.split("WHERE")[0] and sql.lstrip().startswith(
        ("UPDATE", "INSERT", "DELETE")
    ):
        return "apply_ms"
    if "consent_ledgerentry" in sql and sql.lstrip().startswith("INSERT"):
        return "ledger_ms"
    if "remixer_remix" in sql:
        return "remix_hold_ms"
    return "other_sql_ms"


def bulk_profile(owner) -> dict:
    """One bulk request over the 1M-row filter, its time split by statement; the rest (Python,
    the template, the response) is what no statement accounts for."""
    client = Client()
    client.force_login(owner)
    data = {"select_all_matching": "1", "filter_tag": "travel", "remix": "deny"}
    client.post("/consent/bulk/", data | {"remix": "allow", "scopes": ["caption"]})
    with timed_statements() as timings:
        start = time.perf_counter()
        response = client.post("/consent/bulk/", data, headers={"HX-Request": "true"})
        total = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, response.status_code
    phases = dict.fromkeys(
        ("snapshot_ms", "apply_ms", "ledger_ms", "remix_hold_ms", "other_sql_ms"), 0.0
    )
    for sql, ms in timings:
        phases[_phase(sql)] += ms
    profile = {f"bulk_profile_{k}": round(v, 1) for k, v in phases.items()}
    profile["bulk_profile_total_ms"] = round(total, 1)
    profile["bulk_profile_python_and_response_ms"] = round(total - sum(phases.values()), 1)
    return profile


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def app_server(conn_max_age: int, workers: int = 2, threads: int = 4) -> Iterator[int]:
    """gunicorn with the bench URLconf against this database, DEBUG=0, on a loopback port."""
    port = _free_port()
    env = os.environ | {
        "DB_CONN_MAX_AGE": str(conn_max_age),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
    }
    server = subprocess.Popen(
        [
            os.path.join(os.path.dirname(sys.executable), "gunicorn"),
            "creatorhub.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--keep-alive",
            "30",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port)):
                break
            time.sleep(0.1)
        else:
            raise SystemExit("The bench app server did not start.")
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def _load(port: int, paths: list[str], seconds: float, connections: int) -> dict:
    output = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.load",
            "127.0.0.1",
            str(port),
            str(seconds),
            str(connections),
            *paths,
        ],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    return json.loads(output)


# Production on PostgreSQL keeps its connections (.env.example: DB_CONN_MAX_AGE=60); the
# settings' default, 0, opens one per request and is measured too, as the cost of leaving it.
KEPT_CONNECTIONS_S = 60


def load_test(*, seconds: float, connections: int) -> dict:
    """Requests/s of the public consent check (over 1,000 videos of as many creators) and of
    the trivial view, each after a short warm-up, on the same server with connections kept as
    in production; and the consent check again with a database connection per request."""
    from creatorhub.videos.models import Video

    public_ids = Video.objects.filter(owner__username__startswith="scale_c").values_list(
        "public_id", flat=True
    )[:1000]
    consent = [f"/api/v1/videos/{public_id}/consent" for public_id in public_ids]
    figures = {"load_seconds": seconds, "load_connections": connections}
    for conn_max_age, runs in (
        (KEPT_CONNECTIONS_S, {"consent_api": consent, "trivial": ["/bench/trivial/"]}),
        (0, {"consent_api_conn_per_request": consent}),
    ):
        with app_server(conn_max_age) as port:
            for name, urls in runs.items():
                _load(port, urls, 2, connections)
                result = _load(port, urls, seconds, connections)
                figures[f"{name}_rps"] = result["rps"]
                figures[f"{name}_errors"] = result["errors"]
    for name in ("consent_api", "consent_api_conn_per_request"):
        figures[f"{name}_vs_trivial_ratio"] = round(
            figures[f"{name}_rps"] / figures["trivial_rps"], 3
        )
    return figures


def verify_ledger() -> dict:
    from consent.models import LedgerEntry

    entries = LedgerEntry.objects.count()
    start = time.perf_counter()
    call_command("verify_ledger", stdout=open(os.devnull, "w"))  # noqa: SIM115
    seconds = time.perf_counter() - start
    return {
        "verify_ledger_entries": entries,
        "verify_ledger_s": round(seconds, 2),
        "verify_ledger_entries_per_s": round(entries / seconds, 1),
    }


def reconcile(repeat: int) -> dict:
    """The beat reconciler over the 1M published remixes, all allowed: the steady state."""
    from remixer.tasks import reconcile as reconcile_task

    result = reconcile_task()  # warm-up, and proof it has nothing to put right
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        reconcile_task()
        samples.append((time.perf_counter() - start) * 1000)
    with count_queries() as queries:
        reconcile_task()
    return {
        "reconcile_remixes": _counts()["remixes"],
        "reconcile_ms": round(statistics.median(samples), 1),
        "reconcile_queries": len(queries),
        "reconcile_result": result,
    }


def _reset(large) -> None:
    """A rerun starts where a fresh seed does: the large library with no per-video exceptions
    (an earlier run's bulk actions left one per video), cleared through the service."""
    from consent.services import PolicyChange, consent_set_policy

    change = PolicyChange(False, 0, "everyone", False, [])
    consent_set_policy(creator=large, actor=large, change=change, clear_exceptions=True)
    analyze()


def run(*, repeat: int = 5, load_seconds: float = 10, connections: int = 8) -> dict:
    from creatorhub.accounts.models import User

    if connection.vendor != "postgresql":
        raise SystemExit("The scale bench needs PostgreSQL (make bench sets SCALE_DATABASE_URL).")
    _ensure_database()
    call_command("migrate", interactive=False, verbosity=0)
    figures = seed() | _counts()
    large = User.objects.get(username="scale_large")
    small = User.objects.get(username="scale_small")
    _reset(large)
    figures |= account_switch(small, large, repeat, label="1M")
    figures |= bulk_vs_raw_sql(large, repeat, label="1M")
    figures |= bulk_profile(large)
    analyze()
    figures |= {
        f"library_{key}": value
        for key, value in library_page({"1k": small, "1M": large}, repeat=repeat * 3).items()
        if key != "target"
    }
    figures |= load_test(seconds=load_seconds, connections=connections)
    figures |= verify_ledger()
    figures |= reconcile(repeat)
    figures["targets"] = (
        "switch ratio <= 1.2; bulk vs raw <= 1.3x; library page ratio reported (<= 1.3 at "
        "100k); consent API vs trivial view >= 0.8"
    )
    return figures
