"""Revocation is real without a broker: a consent change holds the remixes it forbids in its
own transaction (consent's consent_changing signal, the remixer's receiver), set-based."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.db import transaction

from consent import services as consent_services
from consent.idsets import VideoState
from consent.models import CreatorPolicy, LedgerEntry
from consent.signals import consent_changing
from consent.tests.factories import policy
from creatorhub.accounts.services import follow_set
from creatorhub.videos.models import Video
from remixer import pipeline, services
from remixer.models import Notification, Remix
from remixer.tests.factories import CAPTION, allow, deny, make_postered_video, remix_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def video(creator):
    return make_postered_video(creator, title="Source")


def published(requester, video) -> Remix:
    remix = services.remix_request(
        requester=requester, video=video, template="caption", inputs=CAPTION
    )
    assert pipeline.remix_render(remix_id=remix.id) == "published"
    remix.refresh_from_db()
    return remix


def statuses(*remixes: Remix) -> list[str]:
    by_id = dict(Remix.objects.values_list("id", "status"))
    return [by_id[remix.id] for remix in remixes]


def test_revocation_holds_live_remixes_in_its_own_transaction(
    creator, other_creator, viewer, video, django_capture_on_commit_callbacks
):
    allow(creator)
    allow(other_creator)
    live, taken_down = published(viewer, video), published(viewer, video)
    services.remix_takedown(remix=taken_down, actor=creator)
    queued = services.remix_request(
        requester=viewer, video=video, template="caption", inputs=CAPTION
    )
    rendering = services.remix_request(
        requester=viewer, video=video, template="caption", inputs=CAPTION
    )
    pipeline.remixes_claim(remix_ids=[rendering.id])
    elsewhere = published(viewer, make_postered_video(other_creator))
    name = live.output.name

    with django_capture_on_commit_callbacks() as callbacks:
        deny(creator)
    # Committed, and no task has run: the remixes are held already, the file still on disk
    # until the commit callbacks run, but not served.
    assert statuses(live, queued, rendering) == ["held"] * 3
    assert statuses(taken_down, elsewhere) == ["withdrawn", "published"]
    assert Remix.objects.get(id=live.id).output == ""
    assert default_storage.exists(name)
    assert Notification.objects.filter(recipient=viewer, kind="held").count() == 1
    for callback in callbacks:
        callback()
    assert not default_storage.exists(name)


def test_a_file_left_on_disk_is_not_served_once_held(creator, viewer, video, anon_client):
    allow(creator)
    remix = published(viewer, video)
    url = remix.output.url
    assert anon_client.get(url).status_code == 200
    deny(creator)  # commit callbacks (the deletion) never run in this test
    assert default_storage.exists(remix.output.name)
    assert anon_client.get(url).status_code == 404


def test_a_video_override_holds_only_that_videos_remixes(creator, viewer, video):
    allow(creator)
    other = make_postered_video(creator, title="Other")
    on_video, on_other = published(viewer, video), published(viewer, other)
    consent_services.consent_set_videos(
        creator=creator,
        actor=creator,
        videos=Video.objects.filter(id=video.id),
        state=VideoState("deny"),
    )
    assert statuses(on_video, on_other) == ["held", "published"]


def test_narrowing_the_audience_holds_remixes_of_non_followers(creator, viewer, video):
    allow(creator)
    remix = published(viewer, video)
    allow(creator, audience="followers")
    assert statuses(remix) == ["held"]


def test_unfollowing_holds_what_a_followers_only_grant_allowed(creator, viewer, video):
    follow_set(follower=viewer, followed=creator, following=True)
    allow(creator, audience="followers")
    remix = published(viewer, video)
    follow_set(follower=viewer, followed=creator, following=False)
    assert statuses(remix) == ["held"]
    follow_set(follower=viewer, followed=creator, following=False)  # twice: nothing more
    assert statuses(remix) == ["held"]


def test_undo_of_a_grant_holds_again(creator, viewer, video):
    allow(creator)
    remix = published(viewer, video)
    consent_services.consent_undo(creator=creator, actor=creator, seq=1)
    assert statuses(remix) == ["held"]


def test_the_hold_costs_the_same_queries_for_one_or_many_remixes(
    creator, viewer, video, django_assert_max_num_queries
):
    allow(creator)
    one = published(viewer, video)
    with django_assert_max_num_queries(99) as few:
        deny(creator)
    allow(creator)
    Remix.objects.filter(id=one.id).update(status="published", output="remixes/x/v1.jpg")
    Remix.objects.bulk_create(
        remix_row(
            viewer,
            video,
            status=status,
            output=f"remixes/{n}/v1.jpg" if status == "published" else "",
        )
        for n in range(60)
        for status in ("published", "queued")
    )
    with django_assert_max_num_queries(99) as many:
        deny(creator)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert Remix.objects.filter(status="held").count() == 121


def test_a_failing_subscriber_rolls_the_change_back(creator, viewer, video):
    allow(creator)
    remix = published(viewer, video)

    def broken(**kwargs):
        raise RuntimeError("subscriber failed")

    consent_changing.connect(broken, dispatch_uid="test-broken")
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            deny(creator)
    finally:
        consent_changing.disconnect(dispatch_uid="test-broken")
    assert statuses(remix) == ["published"]
    assert CreatorPolicy.objects.get(creator=creator).remix_allowed
    assert LedgerEntry.objects.filter(creator=creator).count() == 1


def test_a_consent_change_does_not_revive_anything(creator, viewer, video):
    """Allowing again never touches held or taken-down remixes in the transaction; the
    regeneration after commit requeues held ones only."""
    allow(creator)
    held, taken_down = published(viewer, video), published(viewer, video)
    services.remix_takedown(remix=taken_down, actor=creator)
    deny(creator)
    consent_services.consent_set_policy(creator=creator, actor=creator, change=policy())
    assert statuses(held, taken_down) == ["held", "withdrawn"]
