"""Scan every poster no scan has seen (after installing the guard, or to catch up)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from likeness import scanning


class Command(BaseCommand):
    help = "Look for faces in every video poster not scanned yet (or scanned from an older file)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--batch", type=int, default=scanning.BACKFILL_BATCH, help="videos per batch"
        )

    def handle(self, *args, batch: int, **options) -> None:
        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        started = time.monotonic()
        total = 0
        while scanned := scanning.backfill_batch(size=batch):
            total += scanned
            self.stdout.write(f"{total:,} videos scanned…")
        seconds = time.monotonic() - started
        rate = total / seconds if seconds else 0.0
        self.stdout.write(
            self.style.SUCCESS(f"Scanned {total:,} videos in {seconds:.1f} s ({rate:.1f}/s).")
        )
