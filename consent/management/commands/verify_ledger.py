from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from consent.ledger import ledger_verify


class Command(BaseCommand):
    help = "Check every creator's consent ledger chain; exit non-zero naming the first bad entry."

    def handle(self, *args, **options):
        result = ledger_verify()
        if not result.ok:
            raise CommandError(
                f"Ledger check FAILED after {result.checked} good entries: {result.problem}"
            )
        self.stdout.write(self.style.SUCCESS(f"Ledger intact: {result.checked} entries verified."))
