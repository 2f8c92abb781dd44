"""“Ask me first” with a real worker: the races between a request's render, the creator's
decision and a consent change never leave anything public that should not be."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage

from consent import services as consent_services
from consent.ledger import ledger_verify
from consent.services import PolicyChange
from consent.tests.factories import CAPTION, policy
from remixer import approvals, services
from remixer.models import Remix
from remixer.signing import unsigned_read
from remixer.tests.factories import make_postered_video

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def asking(creator):
    consent_services.consent_set_policy(
        creator=creator,
        actor=creator,
        change=PolicyChange(False, CAPTION, "everyone", False, [], remix_ask=True),
    )
    return make_postered_video(creator, title="Source")


def status_of(remix: Remix) -> str:
    remix.refresh_from_db()
    return remix.status


def decide(creator, remix, *, approve: bool) -> approvals.Decision:
    return approvals.requests_decide(
        creator=creator, actor=creator, public_ids=[remix.public_id], approve=approve
    )


def ask(viewer, video) -> Remix:
    return services.remix_request(
        requester=viewer, video=video, template="caption", inputs={"top": "please?"}
    )


def test_a_decline_racing_the_render_leaves_nothing_public(
    celery_worker_process, asking, creator, viewer
):
    remix = ask(viewer, asking)
    early = decide(creator, remix, approve=False)  # the worker has not made the preview yet
    if early.declined == 0:
        assert early.refused and early.refused[0]["id"] == remix.public_id
        celery_worker_process.wait_until(lambda: status_of(remix) == "pending_approval")
        assert not remix.output
        assert decide(creator, remix, approve=False).declined == 1
    assert status_of(remix) == Remix.Status.DECLINED
    celery_worker_process.wait_until(lambda: unsigned_read(public_id=remix.public_id) is None)
    assert not remix.output
    assert not default_storage.exists(f"remixes/{remix.public_id}")
    assert ledger_verify().ok


def test_approval_then_revocation_before_the_worker_publishes_nothing(
    celery_worker_process, asking, creator, viewer
):
    remix = ask(viewer, asking)
    celery_worker_process.wait_until(lambda: status_of(remix) == "pending_approval")
    assert decide(creator, remix, approve=True).approved == 1
    consent_services.consent_set_policy(creator=creator, actor=creator, change=policy(False))
    celery_worker_process.wait_until(lambda: status_of(remix) == "held")
    assert not remix.output
    # Whichever came first, render or revocation: no signed file is left behind.
    celery_worker_process.wait_until(
        lambda: (
            not default_storage.exists(f"remixes/{remix.public_id}")
            or not default_storage.listdir(f"remixes/{remix.public_id}")[1]
        )
    )
    # Asking again (consent back as "ask me"): the approved remix returns without asking.
    consent_services.consent_set_policy(
        creator=creator,
        actor=creator,
        change=PolicyChange(False, CAPTION, "everyone", False, [], remix_ask=True),
    )
    celery_worker_process.wait_until(lambda: status_of(remix) == "published")
    assert ledger_verify().ok


def test_an_approval_after_consent_ended_is_refused(celery_worker_process, asking, creator, viewer):
    remix = ask(viewer, asking)
    celery_worker_process.wait_until(lambda: status_of(remix) == "pending_approval")
    consent_services.consent_set_policy(creator=creator, actor=creator, change=policy(False))
    assert status_of(remix) == Remix.Status.HELD  # at once, in the consent change
    result = decide(creator, remix, approve=True)
    assert result.approved == 0
    assert "held" in result.refused[0]["reason"]
    assert status_of(remix) == Remix.Status.HELD
    assert not remix.output
    celery_worker_process.wait_until(lambda: unsigned_read(public_id=remix.public_id) is None)
