"""The likeness guard in the remixer: refused requests (API and page), renders held, and remixes
withdrawn and requeued as a person's likeness consent changes."""

from __future__ import annotations

import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from consent.scopes import ALL_SCOPES
from creatorhub.accounts.tests.factories import make_user
from creatorhub.videos.media import encode_jpeg
from likeness import preferences
from likeness.enrolment import enrolment_delete
from likeness.models import FrameScan, LikenessMatch, RefusedAttempt
from likeness.scanning import video_scan
from likeness.tests import photos
from likeness.tests.factories import enrol, matched, video_showing
from remixer import pipeline, services, sync
from remixer.likeness_sync import (
    LIKENESS_HELD_REASON,
    remixes_requeue_likeness_allowed,
)
from remixer.models import Notification, Remix
from remixer.tests.factories import CAPTION, allow, deny, make_postered_video, make_voiced_video

pytestmark = pytest.mark.django_db

EVERY_TEMPLATE = [
    ("caption", CAPTION),
    ("background", {"backdrop": "gradient"}),
    ("face", {"effect": "pixelate"}),
    ("voice", {"effect": "pitch_up", "start": 0.5, "length": 1.0}),
]


@pytest.fixture
def person(db):
    return make_user("jordan_lee")


@pytest.fixture
def video(creator):
    allow(creator, scopes=ALL_SCOPES)
    return make_voiced_video(creator, title="Re-upload")


def api_post(client, video, template, inputs):
    return client.post(
        f"/api/v1/videos/{video.public_id}/remixes",
        data=json.dumps({"template": template, "inputs": inputs}),
        content_type="application/json",
    )


def consent(person, others: str, own: bool = True) -> None:
    preferences.likeness_consent_set(
        person=person, actor=person, others_videos=others, own_videos=own
    )


def status_of(remix: Remix) -> str:
    remix.refresh_from_db()
    return remix.status


def test_every_template_is_refused_with_403_naming_no_one(viewer_client, person, video):
    matched(person, video)
    for template, inputs in EVERY_TEMPLATE:
        response = api_post(viewer_client, video, template, inputs)
        assert response.status_code == 403, template
        body = response.json()
        assert body["error"] == "likeness_not_allowed"
        assert "face" in body["detail"] and person.username not in json.dumps(body)
    assert not Remix.objects.exists()
    attempt = RefusedAttempt.objects.get(person=person, video=video)
    assert attempt.count == len(EVERY_TEMPLATE)
    # Told once (a day), with no requester named.
    [notice] = Notification.objects.filter(recipient=person)
    assert notice.kind == Notification.Kind.LIKENESS and "viewer" not in notice.message
    assert "Re-upload" in notice.message
    assert not Notification.objects.exclude(recipient=person).exists()


def test_the_same_template_works_once_the_person_allows_it(viewer_client, person, video):
    matched(person, video)
    consent(person, "ask")
    assert api_post(viewer_client, video, "face", {"effect": "pixelate"}).status_code == 403
    preferences.allowance_set(person=person, actor=person, video=video, allowed=True)
    assert api_post(viewer_client, video, "face", {"effect": "pixelate"}).status_code == 201


def test_the_page_shows_a_clear_error_and_creates_nothing(viewer_client, person, video):
    matched(person, video)
    response = viewer_client.post(
        reverse("remixer:request", args=[video.public_id]),
        {"template": "caption", "top": "Hello", "bottom": ""},
        follow=True,
    )
    assert response.status_code == 200
    assert "Someone whose face is in this video has not allowed AI remixes" in response.text
    assert person.username not in response.text.split("<main", 1)[1]
    assert not Remix.objects.exists()
    assert RefusedAttempt.objects.get(person=person, video=video).count == 1


def test_other_refusals_come_first_and_count_nothing(viewer_client, creator, person):
    deny(creator)
    video = make_postered_video(creator)
    matched(person, video)
    response = api_post(viewer_client, video, "caption", CAPTION)
    assert response.json()["error"] == "remix_not_allowed"
    assert not RefusedAttempt.objects.exists()


def test_a_video_with_no_enrolled_face_is_unaffected(viewer_client, person, video, creator):
    plain = make_postered_video(creator)
    matched(person, video)
    assert api_post(viewer_client, plain, "caption", CAPTION).status_code == 201


def test_the_owners_own_video_follows_their_video_consent(viewer_client, creator, video):
    matched(creator, video)
    assert api_post(viewer_client, video, "caption", CAPTION).status_code == 201
    consent(creator, "never", own=False)
    response = api_post(viewer_client, video, "caption", CAPTION)
    assert response.status_code == 403 and response.json()["error"] == "likeness_not_allowed"


def test_the_render_scans_an_unscanned_poster_and_holds_the_remix(creator, viewer):
    allow(creator)
    person = make_user("collins")
    enrol(person)
    video = video_showing(creator, photos.astronaut())
    # Not scanned yet, so the request passes; the render scans it first.
    remix = services.remix_request(
        requester=viewer, video=video, template="caption", inputs=CAPTION
    )
    assert pipeline.remix_render(remix_id=remix.id) == "held"
    assert FrameScan.objects.filter(video=video, poster=video.poster.name).exists()
    assert LikenessMatch.objects.filter(video=video, person=person).exists()
    remix.refresh_from_db()
    assert remix.reason == LIKENESS_HELD_REASON and not remix.output


def test_a_render_of_a_face_nobody_enrolled_publishes(creator, viewer):
    allow(creator)
    enrol(make_user("hopper"), "grace_hopper")
    video = video_showing(creator, photos.astronaut())
    remix = services.remix_request(
        requester=viewer, video=video, template="caption", inputs=CAPTION
    )
    assert pipeline.remix_render(remix_id=remix.id) == "published"
    assert FrameScan.objects.filter(video=video).exists()


def published(requester, video, template="caption", inputs=CAPTION) -> Remix:
    remix = services.remix_request(
        requester=requester, video=video, template=template, inputs=inputs
    )
    assert pipeline.remix_render(remix_id=remix.id) == "published"
    remix.refresh_from_db()
    return remix


def test_withdrawing_likeness_consent_holds_published_and_in_flight_remixes(
    creator, viewer, person, video, django_capture_on_commit_callbacks
):
    elsewhere = make_postered_video(creator)
    matched(person, video)
    consent(person, "allow")
    live = published(viewer, video)
    queued = services.remix_request(
        requester=viewer, video=video, template="caption", inputs=CAPTION
    )
    untouched = published(viewer, elsewhere)
    name = live.output.name

    with django_capture_on_commit_callbacks() as callbacks:
        consent(person, "never")
    assert [status_of(live), status_of(queued), status_of(untouched)] == [
        "held",
        "held",
        "published",
    ]
    assert live.output == "" and live.reason == LIKENESS_HELD_REASON
    assert Notification.objects.filter(recipient=viewer, kind="held").count() == 1
    for callback in callbacks:
        callback()
    assert not default_storage.exists(name)


def test_allowing_again_requeues_what_every_consent_allows(creator, viewer, person, video):
    matched(person, video)
    second = make_user("second")
    matched(second, video)
    consent(person, "allow")
    consent(second, "allow")
    remix = published(viewer, video)
    consent(person, "never")
    assert status_of(remix) == "held"

    consent(second, "never")
    consent(person, "allow")
    # Still refused by the second face: stays held.
    assert remixes_requeue_likeness_allowed(video_ids=[video.id]) == 0
    assert status_of(remix) == "held"
    consent(second, "allow")
    assert remixes_requeue_likeness_allowed(video_ids=[video.id]) == 1
    assert status_of(remix) == "queued"
    assert pipeline.remix_render(remix_id=remix.id) == "published"


def test_deleting_an_enrolment_requeues_what_only_that_face_refused(
    creator, viewer, person, video, django_capture_on_commit_callbacks
):
    matched(person, video)
    consent(person, "allow")
    remix = published(viewer, video)
    consent(person, "never")
    assert status_of(remix) == "held"
    with django_capture_on_commit_callbacks() as callbacks:
        enrolment_delete(person=person, actor=person)
    assert not LikenessMatch.objects.filter(person=person).exists()
    for callback in callbacks:  # as the commit would (what they enqueue is not sent)
        callback()
    assert status_of(remix) == "queued"
    assert pipeline.remix_render(remix_id=remix.id) == "published"


def test_the_video_consent_reconciler_leaves_likeness_held_remixes_held(
    creator, viewer, person, video
):
    matched(person, video)
    consent(person, "allow")
    remix = published(viewer, video)
    deny(creator)
    assert status_of(remix) == "held"
    consent(person, "never")
    allow(creator, scopes=ALL_SCOPES)
    sync.remixes_sync_with_consent(creator_id=creator.id)
    assert status_of(remix) == "held"
    consent(person, "allow")
    assert remixes_requeue_likeness_allowed(video_ids=[video.id]) == 1
    assert status_of(remix) == "queued"


def test_a_held_remix_is_not_restored_while_a_face_refuses(creator, viewer, person, video):
    matched(person, video)
    consent(person, "allow")
    remix = published(viewer, video)
    services.remix_takedown(remix=remix, actor=creator)
    consent(person, "never")
    with pytest.raises(services.RemixRefused) as refused:
        services.remix_restore(remix=remix, actor=creator)
    assert refused.value.code == "likeness_not_allowed"
    assert status_of(remix) == "withdrawn"


def test_a_render_whose_video_became_refused_is_held_not_published(creator, viewer, person, video):
    remix = services.remix_request(
        requester=viewer, video=video, template="caption", inputs=CAPTION
    )
    matched(person, video)  # found by a scan after the request
    assert pipeline.remix_render(remix_id=remix.id) == "held"
    assert status_of(remix) == "held" and not Remix.objects.get(id=remix.id).output


def test_a_face_found_after_publishing_withdraws_what_it_refuses(
    creator, viewer, video, django_capture_on_commit_callbacks
):
    remix = published(viewer, video)
    person = make_user("collins")
    enrol(person)
    # The poster now shows her (a new scan finds her): her default refuses it.
    video.poster.save("face.jpg", ContentFile(encode_jpeg(photos.astronaut())), save=True)
    with django_capture_on_commit_callbacks() as callbacks:
        video_scan(video_id=video.id)
    run(callbacks)
    assert LikenessMatch.objects.filter(person=person, video=video).exists()
    assert status_of(remix) == "held"
    assert Remix.objects.get(id=remix.id).reason == LIKENESS_HELD_REASON


def run(callbacks) -> None:
    """Run what was registered on commit; what those register in turn stays unsent (no task
    reaches the broker from a unit test)."""
    for callback in callbacks:
        callback()


def test_not_even_a_preview_of_a_refusing_face(viewer_client, person, video):
    def preview():
        return viewer_client.post(
            reverse("remixer:preview", args=[video.public_id]),
            {"template": "caption", "top": "Hi", "style": "classic"},
            HTTP_HX_REQUEST="true",
        )

    assert "data:image/jpeg" in preview().text
    matched(person, video)
    refused = preview()
    assert refused.status_code == 200 and "data:image/jpeg" not in refused.text
    assert "Someone whose face is in this video" in refused.text
    assert person.username not in refused.text
