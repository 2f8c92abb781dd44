from __future__ import annotations

import pytest
from django.core.files.storage import default_storage

from consent.selectors import video_consent
from creatorhub.accounts.services import follow_set
from remixer import pipeline, services, sync
from remixer.models import Notification, Remix
from remixer.provenance import provenance_read
from remixer.tests.factories import CAPTION, allow, deny, make_postered_video

pytestmark = pytest.mark.django_db


@pytest.fixture
def video(creator):
    return make_postered_video(creator, title="Source")


def test_refused_requests_queue_nothing(viewer, video, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(services.RemixRefused) as refusal,
    ):
        services.remix_request(requester=viewer, video=video, template="caption", inputs=CAPTION)
    assert refusal.value.code == "remix_not_allowed"
    assert "not allowed" in str(refusal.value)
    assert not Remix.objects.exists() and callbacks == []


def test_scope_and_audience_rules(viewer, creator, video):
    allow(creator, scopes=1)  # caption only
    with pytest.raises(services.RemixRefused, match="face"):
        services.remix_request(
            requester=viewer, video=video, template="face", inputs={"effect": "pixelate"}
        )
    allow(creator, audience="followers")
    with pytest.raises(services.RemixRefused, match="followers"):
        services.remix_request(requester=viewer, video=video, template="caption", inputs=CAPTION)
    follow_set(follower=viewer, followed=creator, following=True)
    assert services.remix_request(requester=viewer, video=video, template="caption", inputs=CAPTION)


def test_bad_inputs_are_400(viewer, creator, video):
    allow(creator)
    for template, inputs in [
        ("caption", {"top": "", "bottom": ""}),
        ("caption", {"x": 1}),
        ("dance", {}),
    ]:
        with pytest.raises(services.RemixRefused) as refusal:
            services.remix_request(requester=viewer, video=video, template=template, inputs=inputs)
        assert refusal.value.status == 400
    assert not Remix.objects.exists()


def test_rate_limit(viewer, creator, video, settings):
    settings.REMIX_RATE_PER_MINUTE = 2
    allow(creator)
    for _ in range(2):
        services.remix_request(requester=viewer, video=video, template="caption", inputs=CAPTION)
    with pytest.raises(services.RemixRefused) as refusal:
        services.remix_request(requester=viewer, video=video, template="caption", inputs=CAPTION)
    assert refusal.value.status == 429


def test_render_publishes_with_one_file_and_notifies(viewer, creator, video):
    allow(creator)
    remix = services.remix_request(
        requester=viewer, video=video, template="caption", inputs=CAPTION
    )
    assert Notification.objects.filter(recipient=creator, kind="new_remix").exists()
    assert pipeline.remix_render(remix_id=remix.id) == "published"
    remix.refresh_from_db()
    assert remix.status == "published" and remix.output.name == f"remixes/{remix.public_id}/v1.jpg"
    assert default_storage.listdir(f"remixes/{remix.public_id}")[1] == ["v1.jpg"]
    assert remix.consent_seq == 1
    assert Notification.objects.filter(recipient=viewer, kind="published").exists()
    assert pipeline.remix_render(remix_id=remix.id) == "not-claimed"


def test_published_remixes_carry_trusted_credentials_matching_the_database(viewer, creator, video):
    allow(creator)
    remix = services.remix_request(
        requester=viewer, video=video, template="caption", inputs=CAPTION
    )
    pipeline.remix_render(remix_id=remix.id)
    remix.refresh_from_db()
    with remix.output.open("rb") as handle:
        credentials = provenance_read(data=handle.read())
    assert credentials.state == "trusted", credentials.failures
    assert (credentials.remix_id, credentials.video_id, credentials.creator) == (
        remix.public_id,
        video.public_id,
        creator.username,
    )
    assert credentials.consent_seq == remix.consent_seq and credentials.scopes == ("caption",)
    assert credentials.training["cawg.ai_training"] == "notAllowed"


def test_signing_failures_are_retried_then_fail_with_the_reason(viewer, creator, video, settings):
    from remixer import tasks

    allow(creator)
    remix = services.remix_request(
        requester=viewer, video=video, template="caption", inputs=CAPTION
    )
    settings.PROVENANCE_KEY = str(settings.PROVENANCE_DIR / "missing-key.pem")
    for _ in range(pipeline.MAX_ATTEMPTS):
        tasks.render_remixes([remix.id])
    remix.refresh_from_db()
    assert remix.status == "failed" and remix.reason.startswith("Rendering failed")
    assert not default_storage.exists(pipeline.output_name(remix))


def test_consent_lost_before_render_holds(viewer, creator, video):
    allow(creator)
    remix = services.remix_request(
        requester=viewer, video=video, template="caption", inputs=CAPTION
    )
    # Claimed, then revoked before the render starts: the revocation holds it at once, and the
    # render's own check refuses it too.
    [(claimed, _)] = pipeline.remixes_claim(remix_ids=[remix.id])
    deny(creator)
    remix.refresh_from_db()
    assert remix.status == "held" and not remix.output
    consent = video_consent(video=video)
    assert pipeline.remix_render_claimed(remix=claimed, consent=consent) == "held"
    assert pipeline.remix_render(remix_id=remix.id) == "not-claimed"
    remix.refresh_from_db()
    assert remix.status == "held" and not remix.output


def test_consent_lost_during_render_discards_the_file(
    viewer, creator, video, monkeypatch, django_capture_on_commit_callbacks
):
    allow(creator)
    remix = services.remix_request(
        requester=viewer, video=video, template="caption", inputs=CAPTION
    )
    real_render = pipeline.remix_unsigned_render

    def render_then_revoke(remix, poster):
        image = real_render(remix, poster)
        deny(creator)  # the creator revokes while the image is being made
        return image

    monkeypatch.setattr(pipeline, "remix_unsigned_render", render_then_revoke)
    with django_capture_on_commit_callbacks(execute=True):
        # The revocation held the remix in its own transaction; the publish finds it moved on.
        assert pipeline.remix_render(remix_id=remix.id) == "superseded"
    remix.refresh_from_db()
    assert remix.status == "held" and not remix.output
    assert not default_storage.exists(pipeline.output_name(remix))


def test_sync_withdraws_then_regenerates(
    viewer, creator, video, django_capture_on_commit_callbacks
):
    allow(creator)
    remix = services.remix_request(
        requester=viewer, video=video, template="caption", inputs=CAPTION
    )
    pipeline.remix_render(remix_id=remix.id)
    remix.refresh_from_db()
    name = remix.output.name
    with django_capture_on_commit_callbacks(execute=True):
        deny(creator)  # withdraws in its own transaction; the file goes on commit
    remix.refresh_from_db()
    assert remix.status == "held" and not remix.output
    assert not default_storage.exists(name)
    assert sync.remixes_sync_with_consent(creator_id=creator.id) == (0, 0)
    allow(creator)
    with django_capture_on_commit_callbacks() as callbacks:
        assert sync.remixes_sync_with_consent(creator_id=creator.id) == (0, 1)
    assert len(callbacks) == 1
    remix.refresh_from_db()
    assert remix.status == "queued"
    assert pipeline.remix_render(remix_id=remix.id) == "published"
    remix.refresh_from_db()
    assert remix.output.name.endswith("/v2.jpg")


def test_takedown(viewer, creator, video, django_capture_on_commit_callbacks):
    allow(creator)
    remix = services.remix_request(
        requester=viewer, video=video, template="caption", inputs=CAPTION
    )
    pipeline.remix_render(remix_id=remix.id)
    remix.refresh_from_db()
    name = remix.output.name
    with django_capture_on_commit_callbacks(execute=True):
        services.remix_takedown(remix=remix, actor=creator)
    remix.refresh_from_db()
    assert remix.status == "withdrawn" and not default_storage.exists(name)
    assert Notification.objects.filter(recipient=viewer, kind="taken_down").count() == 1
    services.remix_takedown(remix=remix, actor=creator)
    assert Notification.objects.filter(recipient=viewer, kind="taken_down").count() == 1


@pytest.mark.parametrize("consent_now", ["denied", "allowed"])
def test_a_takedown_during_a_render_is_never_overwritten(viewer, creator, video, consent_now):
    """Taken down after the worker claimed it: whatever the render then finds, the remix stays
    taken down, so a later regeneration cannot bring it back."""
    allow(creator)
    remix = services.remix_request(
        requester=viewer, video=video, template="caption", inputs=CAPTION
    )
    [(claimed, consent)] = pipeline.remixes_claim(remix_ids=[remix.id])
    services.remix_takedown(remix=claimed, actor=creator)
    if consent_now == "denied":
        deny(creator)
        consent = video_consent(video=video)
    outcome = pipeline.remix_render_claimed(remix=claimed, consent=consent)
    remix.refresh_from_db()
    assert remix.status == "withdrawn" and not remix.output
    assert outcome == ("held" if consent_now == "denied" else "superseded")
    allow(creator)
    sync.remixes_sync_with_consent(creator_id=creator.id)
    remix.refresh_from_db()
    assert remix.status == "withdrawn"


def test_stuck_renders_are_requeued(viewer, creator, video):
    import datetime as dt

    from django.utils import timezone

    allow(creator)
    remix = services.remix_request(
        requester=viewer, video=video, template="caption", inputs=CAPTION
    )
    Remix.objects.filter(id=remix.id).update(
        status="rendering", claimed_at=timezone.now() - dt.timedelta(minutes=10)
    )
    assert sync.remixes_requeue_stuck(older_than=dt.timedelta(minutes=2)) == 1
    remix.refresh_from_db()
    assert remix.status == "queued"
