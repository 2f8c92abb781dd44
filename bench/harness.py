"""Shared benchmark plumbing: a throwaway database, Django's test environment, timing."""

from __future__ import annotations

import contextlib
import os
import statistics
import time
from collections.abc import Callable, Iterator

import django


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "creatorhub.settings")
    django.setup()


@contextlib.contextmanager
def test_environment() -> Iterator[None]:
    """Django's test environment (the test client's host allowed, email kept in memory)."""
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    try:
        yield
    finally:
        teardown_test_environment()


@contextlib.contextmanager
def bench_database() -> Iterator[None]:
    """Create the test database (test_<NAME>), migrate it, and drop it afterwards."""
    from django.test.utils import setup_databases, teardown_databases

    with test_environment():
        config = setup_databases(verbosity=0, interactive=False)
        try:
            yield
        finally:
            teardown_databases(config, verbosity=0)


def median_ms(fn: Callable[[], object], *, repeat: int, warmup: int = 3) -> float:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(samples), 3)


@contextlib.contextmanager
def count_queries() -> Iterator[list[str]]:
    """Collect every SQL statement run on the default connection inside the block."""
    from django.db import connection

    statements: list[str] = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield statements


def analyze() -> None:
    """Fresh planner statistics, as a production database would have."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
