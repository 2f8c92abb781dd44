from __future__ import annotations

from django.db import transaction

from consent.models import LedgerEntry
from remixer.likeness_sync import (
    remixes_hold_likeness_refused,
    remixes_hold_video_likeness_refused,
    remixes_requeue_likeness_allowed,
    videos_showing,
)
from remixer.notifications import likeness_notice_send
from remixer.sync import (
    remixes_hold_revoked,
    remixes_sync_with_consent,
    remixes_withdraw_approved,
)


def on_consent_changing(sender, entry: LedgerEntry, creator_id: int, **kwargs) -> None:
    """Inside the consent change's transaction: what it forbids stops being served now,
    whether or not the broker is up; and when the creator removed people from their approved
    list asking to withdraw what they made, that is taken down too."""
    remixes_hold_revoked(creator_id=creator_id)
    people = entry.payload.get("people") or {}
    if people.get("withdraw"):
        remixes_withdraw_approved(creator_id=creator_id, requester_ids=people["removed"])


def on_consent_changed(sender, entry_id: int, **kwargs) -> None:
    """A committed consent change: withdraw what it forbids (already done in its transaction;
    this catches up with anything else), regenerate what it allows again."""
    entry = LedgerEntry.objects.filter(id=entry_id).values("creator_id", "seq").first()
    if entry is not None:
        remixes_sync_with_consent(creator_id=entry["creator_id"], ledger_seq=entry["seq"])


def on_follow_ended(sender, follower_id: int, followed_id: int, **kwargs) -> None:
    """Inside the unfollow's transaction: remixes a followers-only grant allowed the former
    follower stop being served now. Not a consent change, so the ledger-driven reconciler
    would never look at them."""
    remixes_hold_revoked(creator_id=followed_id)


def on_likeness_changing(sender, person_id: int, **kwargs) -> None:
    """Inside a likeness consent change's transaction: the remixes it now refuses (their videos
    show the person) stop being served at once; on commit, held remixes of those videos that
    the video consent and every face in them allow go back on the queue."""
    remixes_hold_likeness_refused(person_id=person_id)
    # Read now: a deleted enrolment takes the person's matches with it before the commit.
    videos = videos_showing(person_id=person_id)
    transaction.on_commit(lambda: remixes_requeue_likeness_allowed(video_ids=videos))


def on_match_found_hold(sender, video_id: int, **kwargs) -> None:
    """A scan (sent on its commit) found an enrolled person in a video someone else made: the
    remixes of it already published or on their way stop being served if that person has not
    allowed them, as if they had withdrawn their consent."""
    remixes_hold_video_likeness_refused(video_id=video_id)


def on_match_found(sender, person_id: int, video_id: int, **kwargs) -> None:
    """A scan found the person in another creator's video (on commit): tell them, at most once
    a day whatever the number of videos, pointing to "Where my face appears"."""
    likeness_notice_send(person_id=person_id)
