"""Likeness consent and per-video allowances: ledger entries, announced inside the transaction."""

from __future__ import annotations

import pytest
from django.db import connection

from consent.errors import ConsentError
from consent.history import describe_entry
from consent.ledger import ledger_verify
from consent.models import LedgerEntry
from creatorhub.videos.tests.factories import make_video
from likeness import preferences
from likeness.models import LikenessProfile, VideoAllowance
from likeness.signals import likeness_changing

pytestmark = pytest.mark.django_db


@pytest.fixture
def announced():
    """What likeness_changing carried, and whether a transaction was open when it was sent."""
    heard: list[dict] = []

    def receiver(sender, person_id, entry, **kwargs):
        heard.append({"person_id": person_id, "entry": entry, "atomic": connection.in_atomic_block})

    likeness_changing.connect(receiver, weak=False)
    yield heard
    likeness_changing.disconnect(receiver)


def entries(person) -> list[LedgerEntry]:
    return list(LedgerEntry.objects.filter(creator=person).order_by("seq"))


def test_the_default_is_the_safest(creator):
    profile = preferences.profile_of(creator)
    assert (profile.others_videos, profile.own_videos) == ("never", True)
    assert profile.biometric_consent_at is None
    assert not LikenessProfile.objects.exists()  # reading saves nothing


def test_consent_set_then_set_again_records_one_entry(creator, announced):
    entry = preferences.likeness_consent_set(
        person=creator, actor=creator, others_videos="ask", own_videos=True
    )
    assert entry is not None
    assert entry.action == LedgerEntry.Action.LIKENESS
    assert entry.payload == {
        "likeness": {
            "consent": {
                "before": {"others_videos": "never", "own_videos": True},
                "after": {"others_videos": "ask", "own_videos": True},
            }
        }
    }
    profile = LikenessProfile.objects.get(user=creator)
    assert (profile.others_videos, profile.own_videos) == ("ask", True)
    again = preferences.likeness_consent_set(
        person=creator, actor=creator, others_videos="ask", own_videos=True
    )
    assert again is None
    assert entries(creator) == [entry]
    assert [(h["person_id"], h["entry"].seq) for h in announced] == [(creator.id, entry.seq)]
    assert describe_entry(entry) == (
        "Remixes showing my face: only in my own videos → also in others' videos when I allow it"
    )
    assert ledger_verify().ok


def test_never_even_my_own_videos(creator):
    preferences.likeness_consent_set(
        person=creator, actor=creator, others_videos="never", own_videos=False
    )
    [entry] = entries(creator)
    assert describe_entry(entry).endswith("→ never, not even in my own videos")


@pytest.mark.parametrize(
    ("others_videos", "own_videos"),
    [("sometimes", True), ("", True), ("NEVER", True), ("ask", "yes"), ("ask", 1), ("ask", None)],
)
def test_invalid_values_change_nothing(creator, announced, others_videos, own_videos):
    with pytest.raises(ConsentError):
        preferences.likeness_consent_set(
            person=creator, actor=creator, others_videos=others_videos, own_videos=own_videos
        )
    assert not entries(creator)
    assert not LikenessProfile.objects.exists()
    assert not announced


def test_announced_inside_the_transaction(creator, announced):
    preferences.likeness_consent_set(
        person=creator, actor=creator, others_videos="allow", own_videos=True
    )
    [heard] = announced
    assert heard["atomic"]


def test_a_receiver_that_fails_rolls_the_change_back(creator):
    """Sent inside the transaction: a receiver's failure (the remixer's withdrawal) undoes the
    consent change with it, so the two never disagree."""

    def broken(**kwargs):
        raise RuntimeError("withdrawal failed")

    likeness_changing.connect(broken, weak=False)
    try:
        with pytest.raises(RuntimeError):
            preferences.likeness_consent_set(
                person=creator, actor=creator, others_videos="allow", own_videos=True
            )
    finally:
        likeness_changing.disconnect(broken)
    assert not entries(creator)
    assert preferences.profile_of(creator).others_videos == "never"


def test_allowance_set_and_unset(creator, other_creator, announced):
    video = make_video(other_creator)
    allowed = preferences.allowance_set(person=creator, actor=creator, video=video, allowed=True)
    assert VideoAllowance.objects.filter(person=creator, video=video).exists()
    assert allowed.payload == {"likeness": {"allowance": {"video": video.id, "allowed": True}}}
    again = preferences.allowance_set(person=creator, actor=creator, video=video, allowed=True)
    assert again is None
    withdrawn = preferences.allowance_set(person=creator, actor=creator, video=video, allowed=False)
    assert not VideoAllowance.objects.exists()
    assert (
        preferences.allowance_set(person=creator, actor=creator, video=video, allowed=False) is None
    )
    assert entries(creator) == [allowed, withdrawn]
    assert [h["entry"] for h in announced] == [allowed, withdrawn]
    assert describe_entry(allowed) == (
        "Remixes showing my face allowed in one video of someone else"
    )
    assert "no longer allowed" in describe_entry(withdrawn)
    assert not entries(other_creator)  # the video's creator's chain is not touched
    assert ledger_verify().ok


def test_an_allowance_on_my_own_video_is_refused(creator, announced):
    video = make_video(creator)
    with pytest.raises(ConsentError) as refused:
        preferences.allowance_set(person=creator, actor=creator, video=video, allowed=True)
    assert refused.value.code == "own_video"
    assert not VideoAllowance.objects.exists()
    assert not entries(creator)
    assert not announced
