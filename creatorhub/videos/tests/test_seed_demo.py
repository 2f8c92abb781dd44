from __future__ import annotations

import pytest
from django.core.management import call_command

from creatorhub.accounts.models import User
from creatorhub.videos.demo import DEMO_SPEECH, speech_available
from creatorhub.videos.models import Video

SPOKEN = [title for title, _ in DEMO_SPEECH]

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_tops_up():
    call_command("seed_demo", videos=30, creators=2, stdout=None)
    demo = User.objects.get(username="demo")
    assert demo.check_password("demo")
    assert Video.objects.filter(owner=demo).count() == 30
    assert User.objects.get(username="viewer").check_password("viewer")
    moderator = User.objects.get(username="moderator")
    assert moderator.is_staff and moderator.groups.filter(name="Moderators").exists()
    total = Video.objects.count()

    call_command("seed_demo", videos=30, creators=2)
    assert Video.objects.count() == total

    call_command("seed_demo", videos=45, creators=2)
    assert Video.objects.filter(owner=demo).count() == 45
    video = Video.objects.filter(owner=demo).exclude(title__in=SPOKEN).first()
    assert video.poster.name.startswith("seed/posters/")
    assert video.poster.storage.exists(video.poster.name)
    assert video.tags.exists()


@pytest.mark.skipif(not speech_available(), reason="espeak-ng is not installed")
def test_seed_demo_makes_spoken_videos_with_their_sound():
    call_command("seed_demo", videos=5, creators=0, stdout=None)
    spoken = Video.objects.filter(owner__username="demo", title__in=SPOKEN)
    assert spoken.count() == len(SPOKEN)
    for video in spoken:
        assert video.status == Video.Status.READY and video.poster and video.original
        assert video.has_audio and video.audio_seconds > 1
    assert Video.objects.filter(owner__username="demo").count() == 5
