from __future__ import annotations

import pytest
from django.core.management import call_command

from consent.ledger import ledger_verify
from consent.selectors import video_consent
from remixer.models import Remix
from remixer.signing import unsigned_read

pytestmark = pytest.mark.django_db


def test_seed_demo_leaves_one_request_waiting_once():
    call_command("seed_demo", videos=5, creators=0, stdout=None)
    (request,) = Remix.objects.filter(requester__username="viewer")
    assert request.status == Remix.Status.PENDING_APPROVAL
    assert video_consent(video=request.video).mode == "ask"
    assert unsigned_read(public_id=request.public_id) is not None
    call_command("seed_demo", videos=5, creators=0, stdout=None)
    assert Remix.objects.filter(requester__username="viewer").count() == 1
    assert ledger_verify().ok
