"""Run the benchmarks and print their figures as JSON: `python -m bench [name ...]`."""

from __future__ import annotations

import json
import sys

from bench.harness import bench_database, setup_django, test_environment

BENCHMARKS = [
    "library_page",
    "consent",
    "provenance",
    "remix_render",
    "regeneration",
    "signals",
    "resign",
    "reconciler",
    "approvals",
    "voice",
    "likeness_guard",
    "enrolment",
    "likeness",
]
# Run only when named, on the configured database itself: they keep their data between runs.
ON_CONFIGURED_DATABASE = ["scale"]


def main(names: list[str]) -> None:
    setup_django()
    import importlib

    from django.db import connection

    results = {"database": connection.vendor}
    known = BENCHMARKS + ON_CONFIGURED_DATABASE
    for name in names or BENCHMARKS:
        if name not in known:
            raise SystemExit(f"Unknown benchmark {name!r}; choose from {', '.join(known)}.")
        database = test_environment() if name in ON_CONFIGURED_DATABASE else bench_database()
        with database:
            results[name] = importlib.import_module(f"bench.{name}").run()
        print(json.dumps({name: results[name]}), file=sys.stderr)
    _purge_enqueued_tasks()
    print(json.dumps(results, indent=2))


def _purge_enqueued_tasks() -> None:
    """The requests above enqueued tasks with no worker running; drop them from our queue."""
    from creatorhub.celery import app

    app.control.purge()


if __name__ == "__main__":
    main(sys.argv[1:])
