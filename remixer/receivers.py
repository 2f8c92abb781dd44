from __future__ import annotations

from consent.models import LedgerEntry
from remixer.sync import remixes_sync_with_consent


def on_consent_changed(sender, entry_id: int, **kwargs) -> None:
    """A committed consent change: withdraw what it forbids, regenerate what it allows again."""
    entry = LedgerEntry.objects.filter(id=entry_id).values("creator_id", "seq").first()
    if entry is not None:
        remixes_sync_with_consent(creator_id=entry["creator_id"], ledger_seq=entry["seq"])
