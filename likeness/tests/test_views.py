"""The "My likeness" page, with and without htmx, and its admin."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from consent.models import LedgerEntry
from creatorhub.accounts.tests.factories import make_user
from likeness import enrolment
from likeness.models import EnrolmentPhoto, FaceEmbedding, LikenessProfile
from likeness.tests import photos
from likeness.tests.test_enrolment import BAD_PHOTOS, staged_files
from tests.fixtures.personas import logged_in

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
ASTRONAUT = photos.png_bytes(photos.astronaut())


def files(*payloads: bytes) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(f"photo{n}.png", data) for n, data in enumerate(payloads)]


def checked_choice(page: str) -> str:
    """The likeness consent radio that is checked."""
    [choice] = re.findall(r'name="choice" value="(\w+)"[^>]* checked', page)
    return choice


def test_the_page_needs_a_login(anon_client):
    response = anon_client.get(reverse("likeness:page"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for name in ("biometric", "photos_upload", "consent", "delete"):
        assert anon_client.post(reverse(f"likeness:{name}")).status_code == 302
    assert not LedgerEntry.objects.exists()


def test_the_empty_page_explains_and_asks_for_consent(creator_client):
    response = creator_client.get(reverse("likeness:page"))
    assert response.status_code == 200
    text = response.text
    assert "What is stored, and what is not" in text
    assert "128 numbers" in text and "then deleted" in text
    assert "Give consent" in text
    assert 'name="photos"' not in text  # no upload before consent
    assert "No face is enrolled yet." in text and "No photos yet." in text
    assert checked_choice(text) == "own"
    assert 'href="/likeness/"' in text and "My likeness" in text  # the nav link


def test_biometric_consent_must_be_ticked(creator, creator_client):
    url = reverse("likeness:biometric")
    refused = creator_client.post(url, {}, **HTMX)
    assert refused.status_code == 422
    assert "Tick the box" in refused.text
    assert not LedgerEntry.objects.exists()
    given = creator_client.post(url, {"agree": "on"}, **HTMX)
    assert given.status_code == 200
    assert 'name="photos"' in given.text and "recorded" in given.text
    assert LikenessProfile.objects.get(user=creator).biometric_consent_at is not None
    creator_client.post(url, {"agree": "on"})
    assert LedgerEntry.objects.filter(creator=creator).count() == 1


def test_upload_several_photos_each_with_its_outcome(creator, creator_client, settings):
    enrolment.biometric_consent_give(person=creator, actor=creator)
    url = reverse("likeness:photos_upload")
    response = creator_client.post(
        url, {"photos": files(ASTRONAUT, BAD_PHOTOS["several_faces"], ASTRONAUT)}, **HTMX
    )
    assert response.status_code == 200
    assert "2 photos received; processing." in response.text
    assert "photo1.png" in response.text and "faces" in response.text  # the refused one
    assert EnrolmentPhoto.objects.filter(user=creator).count() == 2
    assert len(staged_files(settings)) == 2
    # While processing, the list polls; once processed, it stops.
    assert 'hx-trigger="every 2s"' in response.text
    for photo in EnrolmentPhoto.objects.all():
        enrolment.photo_process(photo_id=photo.id)
    status = creator_client.get(reverse("likeness:photos_status"), **HTMX)
    assert "every 2s" not in status.text
    assert "Your face is enrolled" in status.text
    assert status.text.count('data-status="ready"') == 2


def test_upload_refused_entirely_is_422_and_stores_nothing(creator, creator_client, settings):
    url = reverse("likeness:photos_upload")
    no_consent = creator_client.post(url, {"photos": files(ASTRONAUT)}, **HTMX)
    assert no_consent.status_code == 422 and "consent to biometric" in no_consent.text
    enrolment.biometric_consent_give(person=creator, actor=creator)
    nothing = creator_client.post(url, {}, **HTMX)
    assert nothing.status_code == 422 and "Choose one or more photos" in nothing.text
    bad = creator_client.post(url, {"photos": files(BAD_PHOTOS["no_face"])}, **HTMX)
    assert bad.status_code == 422 and "No face was found" in bad.text
    plain = creator_client.post(url, {"photos": files(BAD_PHOTOS["not_an_image"])})
    assert plain.status_code == 302
    assert "could not be read" in creator_client.get(plain["Location"]).text
    assert not EnrolmentPhoto.objects.exists() and not staged_files(settings)


def test_a_failed_photo_shows_its_error_in_words(creator, creator_client):
    enrolment.biometric_consent_give(person=creator, actor=creator)
    EnrolmentPhoto.objects.create(user=creator, status="failed", error="several_faces")
    text = creator_client.get(reverse("likeness:page")).text
    assert "Failed" in text and "More than one face is in this photo." in text


@pytest.mark.parametrize(
    ("choice", "pair"),
    [("ask", ("ask", True)), ("allow", ("allow", True)), ("none", ("never", False))],
)
def test_consent_saved_then_nothing_changed(creator, creator_client, choice, pair):
    url = reverse("likeness:consent")
    saved = creator_client.post(url, {"choice": choice}, **HTMX)
    assert saved.status_code == 200
    assert "Saved as change #1" in saved.text
    profile = LikenessProfile.objects.get(user=creator)
    assert (profile.others_videos, profile.own_videos) == pair
    again = creator_client.post(url, {"choice": choice}, **HTMX)
    assert "Nothing changed" in again.text
    assert LedgerEntry.objects.filter(creator=creator).count() == 1
    page = creator_client.get(reverse("likeness:page")).text
    assert checked_choice(page) == choice


@pytest.mark.parametrize("data", [{}, {"choice": "sometimes"}, {"choice": ""}])
def test_bad_consent_changes_nothing(creator, creator_client, data):
    creator_client.post(reverse("likeness:consent"), {"choice": "ask"}, **HTMX)
    response = creator_client.post(reverse("likeness:consent"), data, **HTMX)
    assert response.status_code == 422
    assert "nothing was changed" in response.text
    assert LikenessProfile.objects.get(user=creator).others_videos == "ask"
    assert LedgerEntry.objects.filter(creator=creator).count() == 1
    plain = creator_client.post(reverse("likeness:consent"), data)
    assert plain.status_code == 302


def test_delete_asks_first_then_deletes(creator, creator_client):
    enrolment.biometric_consent_give(person=creator, actor=creator)
    photo = enrolment._photo_stage(person=creator, data=ASTRONAUT)
    enrolment.photo_process(photo_id=photo.id)
    url = reverse("likeness:delete")
    confirm = creator_client.get(url)
    assert confirm.status_code == 200 and "Delete your enrolment?" in confirm.text
    assert FaceEmbedding.objects.exists()
    done = creator_client.post(url, follow=True)
    assert "Your enrolment is deleted" in done.text
    assert not FaceEmbedding.objects.exists() and not EnrolmentPhoto.objects.exists()
    assert "Give consent" in done.text
    again = creator_client.post(url, follow=True)
    assert "There was no enrolment to delete." in again.text


def test_the_page_query_count_does_not_grow_with_photos(
    creator, creator_client, django_assert_num_queries
):
    enrolment.biometric_consent_give(person=creator, actor=creator)
    EnrolmentPhoto.objects.bulk_create(
        [EnrolmentPhoto(user=creator, status="failed", error="no_face") for _ in range(40)]
    )
    # Session, user, photos, "enrolled?", profile: the same for 1 photo or 40.
    with django_assert_num_queries(5):
        creator_client.get(reverse("likeness:photos_status"))
    with django_assert_num_queries(5):
        assert creator_client.get(reverse("likeness:page")).status_code == 200


def test_admin_is_for_superusers_and_shows_no_face(creator, moderator):
    admin = make_user("root", is_staff=True, is_superuser=True)
    enrolment.biometric_consent_give(person=creator, actor=creator)
    photo = enrolment._photo_stage(person=creator, data=ASTRONAUT)
    root = logged_in(admin)
    for model in ("likenessprofile", "enrolmentphoto"):
        changelist = root.get(reverse(f"admin:likeness_{model}_changelist"))
        assert changelist.status_code == 200
        assert "creator" in changelist.text
        assert logged_in(moderator).get(
            reverse(f"admin:likeness_{model}_changelist")
        ).status_code in (302, 403)
    detail = root.get(reverse("admin:likeness_enrolmentphoto_change", args=[photo.id]))
    assert detail.status_code == 200
    assert photo.staged_path not in detail.text and "vector" not in detail.text
    assert (
        root.post(reverse("admin:likeness_enrolmentphoto_delete", args=[photo.id])).status_code
        == 403
    )


def test_the_consent_history_tells_likeness_changes_in_words(
    creator, creator_client, other_creator
):
    from consent.ledger import ledger_verify
    from creatorhub.videos.tests.factories import make_video
    from likeness import preferences

    enrolment.biometric_consent_give(person=creator, actor=creator)
    preferences.likeness_consent_set(
        person=creator, actor=creator, others_videos="ask", own_videos=True
    )
    video = make_video(other_creator)
    preferences.allowance_set(person=creator, actor=creator, video=video, allowed=True)
    enrolment.enrolment_delete(person=creator, actor=creator)
    page = creator_client.get(reverse("consent:history")).text
    assert page.count("Likeness consent") == 4
    for words in (
        "Consent to biometric processing of my face given",
        "Remixes showing my face: only in my own videos → also in others&#x27; videos when I "
        "allow it",
        "Remixes showing my face allowed in one video of someone else",
        "Face enrolment deleted",
    ):
        assert words in page
    export = b"".join(creator_client.get(reverse("consent:export_csv")).streaming_content)
    assert export.decode().count("Face enrolment deleted") == 1
    assert ledger_verify().ok


@pytest.mark.parametrize("model", ["likenessprofile", "enrolmentphoto"])
def test_admin_changelists_query_count_does_not_grow(model, django_assert_num_queries):
    people = [make_user(f"person{n}") for n in range(30)]
    LikenessProfile.objects.bulk_create([LikenessProfile(user=person) for person in people])
    EnrolmentPhoto.objects.bulk_create(
        [EnrolmentPhoto(user=person, status="failed", error="no_face") for person in people]
    )
    root = logged_in(make_user("root", is_staff=True, is_superuser=True))
    # Session, user, the two counts and the page of rows with their users.
    with django_assert_num_queries(5):
        response = root.get(reverse(f"admin:likeness_{model}_changelist"))
    assert response.status_code == 200 and "person29" in response.text
