from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from remixer.provenance_keys import ProvenanceKeysError, key_paths, provenance_keys_create


class Command(BaseCommand):
    help = (
        "Make the local provenance CA and remix signing certificate in PROVENANCE_DIR, "
        "unless they exist (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Replace existing keys with a new CA and signer."
        )

    def handle(self, *args, force: bool = False, **options):
        directory = Path(settings.PROVENANCE_DIR)
        try:
            result = provenance_keys_create(directory=directory, force=force)
        except (ProvenanceKeysError, OSError) as error:
            raise CommandError(str(error)) from None
        paths = key_paths(settings)
        if result.created:
            self.stdout.write(
                self.style.SUCCESS(f"Made a provenance CA and remix signer in {directory}.")
            )
        else:
            self.stdout.write(f"Provenance keys already exist in {directory}; kept them.")
        self.stdout.write(
            f"Signing with {paths.cert_chain} and {paths.key}; "
            f"verifying against {paths.trust_anchor}."
        )
