from __future__ import annotations

import pytest
from django.core.management import call_command

from creatorhub.accounts.models import User
from creatorhub.videos.models import Video

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
    video = Video.objects.filter(owner=demo).first()
    assert video.poster.name.startswith("seed/posters/")
    assert video.poster.storage.exists(video.poster.name)
    assert video.tags.exists()
