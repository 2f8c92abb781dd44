"""/api/v1/me/likeness: the issue's contract, auth, and other people's videos as 404."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from consent.models import LedgerEntry
from creatorhub.accounts.tokens import api_token_create
from creatorhub.videos.models import Video
from creatorhub.videos.tests.factories import make_video
from likeness import enrolment
from likeness.models import EnrolmentPhoto, FaceEmbedding, LikenessProfile, VideoAllowance
from likeness.tests import photos
from likeness.tests.test_enrolment import BAD_PHOTOS, staged_files

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/likeness"
ASTRONAUT = photos.png_bytes(photos.astronaut())
FIELDS = {"enrolled", "photos", "consent", "own_videos", "biometric_consent"}


def put_consent(client: Client, body: dict):
    return client.put(f"{URL}/consent", data=json.dumps(body), content_type="application/json")


def post_photo(client: Client, data: bytes, field: str = "photo"):
    return client.post(f"{URL}/photos", {field: SimpleUploadedFile("me.png", data)})


def test_everything_needs_a_caller(anon_client, creator, other_creator):
    video = make_video(other_creator)
    calls = [
        anon_client.get(URL),
        anon_client.delete(URL),
        post_photo(anon_client, ASTRONAUT),
        put_consent(anon_client, {"consent": {"others_videos": "ask"}, "own_videos": True}),
        anon_client.post(f"{URL}/allowances/{video.public_id}"),
        anon_client.delete(f"{URL}/allowances/{video.public_id}"),
    ]
    assert [response.status_code for response in calls] == [401] * len(calls)
    assert {response.json()["error"] for response in calls} == {"unauthorized"}
    assert not LikenessProfile.objects.exists()


def test_the_defaults(creator_client):
    body = creator_client.get(URL).json()
    assert body == {
        "enrolled": False,
        "photos": [],
        "consent": {"others_videos": "never"},
        "own_videos": True,
        "biometric_consent": False,
    }


def test_consent_then_photo_then_delete(creator, creator_client, settings):
    refused = post_photo(creator_client, ASTRONAUT)
    assert refused.status_code == 403
    assert refused.json()["error"] == "biometric_consent_required"
    assert not EnrolmentPhoto.objects.exists()

    body = {"consent": {"others_videos": "ask"}, "own_videos": True, "biometric_consent": True}
    saved = put_consent(creator_client, body)
    assert saved.status_code == 200, saved.json()
    assert saved.json()["changed"] is True
    assert saved.json()["biometric_consent"] is True
    assert saved.json()["consent"] == {"others_videos": "ask"}
    assert LedgerEntry.objects.filter(creator=creator).count() == 2  # biometric, then consent
    again = put_consent(creator_client, body)
    assert again.json()["changed"] is False
    assert LedgerEntry.objects.filter(creator=creator).count() == 2

    accepted = post_photo(creator_client, ASTRONAUT)
    assert accepted.status_code == 202
    photo = EnrolmentPhoto.objects.get(user=creator)
    assert accepted.json() == {"id": photo.id, "status": "processing"}
    enrolment.photo_process(photo_id=photo.id)  # the worker's part (tested with one elsewhere)
    state = creator_client.get(URL).json()
    assert state["enrolled"] is True
    assert state["photos"] == [{"id": photo.id, "status": "ready", "error": None}]

    deleted = creator_client.delete(URL)
    assert deleted.status_code == 204 and deleted.content == b""
    assert not FaceEmbedding.objects.exists() and not EnrolmentPhoto.objects.exists()
    state = creator_client.get(URL).json()
    assert (state["enrolled"], state["biometric_consent"], state["photos"]) == (False, False, [])
    assert state["consent"] == {"others_videos": "ask"}  # the likeness consent stays
    assert creator_client.delete(URL).status_code == 204  # nothing left: still 204


@pytest.mark.parametrize("code", BAD_PHOTOS)
def test_a_bad_photo_is_400_with_its_code_and_nothing_stored(
    creator, creator_client, settings, code
):
    enrolment.biometric_consent_give(person=creator, actor=creator)
    response = post_photo(creator_client, BAD_PHOTOS[code])
    assert response.status_code == 400
    assert response.json()["error"] == code
    assert set(response.json()) == {"error", "detail"}
    assert not EnrolmentPhoto.objects.exists() and not staged_files(settings)


def test_missing_too_large_and_too_many(creator, creator_client, settings):
    enrolment.biometric_consent_give(person=creator, actor=creator)
    missing = post_photo(creator_client, ASTRONAUT, field="picture")
    assert (missing.status_code, missing.json()["error"]) == (400, "invalid_request")
    settings.LIKENESS_MAX_PHOTO_BYTES = 1000
    large = post_photo(creator_client, ASTRONAUT)
    assert (large.status_code, large.json()["error"]) == (413, "too_large")
    assert not EnrolmentPhoto.objects.exists()
    settings.LIKENESS_MAX_PHOTO_BYTES = 10 * 1024 * 1024
    for _ in range(enrolment.MAX_PHOTOS):
        assert post_photo(creator_client, ASTRONAUT).status_code == 202
    many = post_photo(creator_client, ASTRONAUT)
    assert (many.status_code, many.json()["error"]) == (400, "too_many_photos")
    assert EnrolmentPhoto.objects.count() == enrolment.MAX_PHOTOS


@pytest.mark.parametrize(
    "body",
    [
        {"consent": {"others_videos": "sometimes"}, "own_videos": True},
        {"consent": {"others_videos": "ask"}, "own_videos": "yes"},
        {"consent": {"others_videos": "ask"}},
        {"own_videos": True},
        {"consent": {"others_videos": "ask"}, "own_videos": True, "biometric_consent": False},
        {"consent": {"others_videos": "ask", "extra": 1}, "own_videos": True},
    ],
)
def test_invalid_consent_changes_nothing(creator, creator_client, body):
    response = put_consent(creator_client, body)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert not LedgerEntry.objects.exists() and not LikenessProfile.objects.exists()


def test_allowances(creator, creator_client, other_creator):
    theirs = make_video(other_creator)
    private = make_video(other_creator, visibility=Video.Visibility.PRIVATE)
    mine = make_video(creator)
    url = f"{URL}/allowances/{theirs.public_id}"
    allowed = creator_client.post(url)
    assert allowed.status_code == 200
    assert allowed.json() == {"video": theirs.public_id, "allowed": True, "changed": True}
    assert VideoAllowance.objects.filter(person=creator, video=theirs).exists()
    assert creator_client.post(url).json()["changed"] is False
    for public_id in (private.public_id, "nosuchvideo"):
        response = creator_client.post(f"{URL}/allowances/{public_id}")
        assert (response.status_code, response.json()["error"]) == (404, "not_found")
    own = creator_client.post(f"{URL}/allowances/{mine.public_id}")
    assert (own.status_code, own.json()["error"]) == (400, "own_video")
    withdrawn = creator_client.delete(url)
    assert withdrawn.json() == {"video": theirs.public_id, "allowed": False, "changed": True}
    assert not VideoAllowance.objects.exists()
    assert LedgerEntry.objects.filter(creator=creator).count() == 2
    assert not LedgerEntry.objects.filter(creator=other_creator).exists()


def test_a_token_reads_only_its_owners_enrolment(creator, other_creator):
    enrolment.biometric_consent_give(person=creator, actor=creator)
    token = api_token_create(user=other_creator, name="t")[1]
    client = Client(headers={"Authorization": f"Bearer {token}"})
    assert client.get(URL).json()["biometric_consent"] is False
    read_only = api_token_create(user=creator, name="r", scopes=["read"])[1]
    reader = Client(headers={"Authorization": f"Bearer {read_only}"})
    assert reader.get(URL).json()["biometric_consent"] is True
    refused = reader.delete(URL)
    assert (refused.status_code, refused.json()["error"]) == (403, "insufficient_scope")
    assert LikenessProfile.objects.get(user=creator).biometric_consent_at is not None


def test_the_state_query_count_does_not_grow_with_photos(
    creator, creator_client, django_assert_num_queries
):
    EnrolmentPhoto.objects.bulk_create(
        [EnrolmentPhoto(user=creator, status="failed", error="no_face") for _ in range(40)]
    )
    # Session, user, photos, "enrolled?", profile.
    with django_assert_num_queries(5):
        assert len(creator_client.get(URL).json()["photos"]) == 40
