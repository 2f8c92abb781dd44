"""A person's likeness consent and the videos they allow: consent changes like any other, each one
entry on the person's consent ledger (action "likeness", what changed under "likeness"),
announced inside the transaction (likeness_changing) so the remixer withdraws at once what the
person no longer allows, and requeues what they allow again.

Lock order, as in consent: the person's policy row (the ledger head), then their profile row.
"""

from __future__ import annotations

from django.db import transaction

from consent.errors import ConsentError
from consent.ledger import ledger_append
from consent.models import CreatorPolicy, LedgerEntry
from consent.services import policy_lock, policy_update_fields
from creatorhub.accounts.models import User
from creatorhub.videos.models import Video
from likeness.models import LikenessProfile, VideoAllowance
from likeness.signals import likeness_changing


def profile_of(person: User) -> LikenessProfile:
    """The person's profile, or the defaults (not saved) if they never changed anything."""
    return LikenessProfile.objects.filter(user=person).first() or LikenessProfile(user=person)


def profile_lock(person: User) -> LikenessProfile:
    LikenessProfile.objects.get_or_create(user=person)
    return LikenessProfile.objects.select_for_update().get(user=person)


def likeness_record(
    *, policy: CreatorPolicy, actor: User, change: dict, announce: bool = True
) -> LedgerEntry:
    """Append one likeness change to the person's ledger (`policy` locked by the caller) and,
    if it can change which remixes are allowed, announce it inside the transaction."""
    entry = ledger_append(
        policy=policy,
        actor=actor,
        action=LedgerEntry.Action.LIKENESS,
        reason="",
        payload={"likeness": change},
        affected=0,
    )
    policy.save(update_fields=policy_update_fields(None))
    if announce:
        likeness_changing.send(sender=LikenessProfile, person_id=policy.creator_id, entry=entry)
    return entry


@transaction.atomic
def likeness_consent_set(
    *, person: User, actor: User, others_videos: str, own_videos: bool
) -> LedgerEntry | None:
    """Set where remixes may show the person's face; None when nothing changes."""
    if others_videos not in LikenessProfile.OthersVideos.values:
        choices = ", ".join(LikenessProfile.OthersVideos.values)
        raise ConsentError(f"others_videos must be one of {choices}.")
    if not isinstance(own_videos, bool):
        raise ConsentError("own_videos must be true or false.")
    policy = policy_lock(creator=person)
    profile = profile_lock(person)
    before = {"others_videos": profile.others_videos, "own_videos": profile.own_videos}
    after = {"others_videos": others_videos, "own_videos": own_videos}
    if before == after:
        return None
    profile.others_videos, profile.own_videos = others_videos, own_videos
    profile.save(update_fields=["others_videos", "own_videos", "updated_at"])
    return likeness_record(
        policy=policy, actor=actor, change={"consent": {"before": before, "after": after}}
    )


@transaction.atomic
def allowance_set(*, person: User, actor: User, video: Video, allowed: bool) -> LedgerEntry | None:
    """Allow (or stop allowing) remixes of one video of someone else that shows the person's
    face; it counts when their consent is "ask". None when nothing changes."""
    if video.owner_id == person.id:
        raise ConsentError(
            "Your own videos follow your video consent and your likeness settings.",
            code="own_video",
        )
    policy = policy_lock(creator=person)
    allowances = VideoAllowance.objects.filter(person=person, video=video)
    if allowances.exists() == allowed:
        return None
    if allowed:
        VideoAllowance.objects.create(person=person, video=video)
    else:
        allowances.delete()
    return likeness_record(
        policy=policy,
        actor=actor,
        change={"allowance": {"video": video.id, "allowed": allowed}},
    )
