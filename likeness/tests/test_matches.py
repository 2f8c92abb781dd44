"""The page "Where my face appears": only other creators' public videos, confidence in words,
refused counts, allowances, empty states, pagination, and its query count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from consent.models import LedgerEntry
from creatorhub.accounts.tests.factories import make_user
from creatorhub.videos.models import Video
from creatorhub.videos.tests.factories import make_video
from likeness import matches
from likeness.models import LikenessProfile, RefusedAttempt, VideoAllowance
from likeness.preferences import likeness_consent_set
from likeness.tests.factories import enrol_vector, match, unit_vectors

pytestmark = pytest.mark.django_db
URL = "/likeness/matches/"


@pytest.fixture
def person(viewer):
    enrol_vector(viewer, unit_vectors(1)[0])
    return viewer


@pytest.fixture
def shown(person, creator, other_creator):
    """The person in two of the creator's public videos, plus in places the page must hide:
    a private video, and their own video."""
    strong = make_video(creator, title="Strong one")
    possible = make_video(other_creator, title="Possible one")
    private = make_video(creator, title="Private one", visibility=Video.Visibility.PRIVATE)
    own = make_video(person, title="My own")
    now = timezone.now()
    match(person, strong, 0.31, found_at=now - dt.timedelta(hours=1))
    match(person, possible, 0.55, found_at=now)
    match(person, private, 0.2)
    match(person, own, 0.1)
    return {"strong": strong, "possible": possible, "private": private, "own": own}


def ask(person) -> None:
    likeness_consent_set(person=person, actor=person, others_videos="ask", own_videos=True)


def test_matches_for_lists_only_other_creators_public_videos_newest_first(person, shown):
    rows = list(matches.matches_for(person=person))
    assert [row.video for row in rows] == [shown["possible"], shown["strong"]]
    assert [row.refused for row in rows] == [0, 0]
    assert [row.allowed for row in rows] == [False, False]


def test_someone_elses_matches_are_not_mine(person, shown, other_creator):
    stranger = make_user("stranger")
    match(stranger, make_video(other_creator, title="Theirs"), 0.2)
    assert {row.video.title for row in matches.matches_for(person=person)} == {
        "Strong one",
        "Possible one",
    }
    assert [row.video.title for row in matches.matches_for(person=stranger)] == ["Theirs"]


@pytest.mark.parametrize(
    ("distance", "word"),
    [(0.0, "Strong"), (0.499, "Strong"), (0.5, "Possible"), (0.59, "Possible")],
)
def test_confidence_in_words(distance, word):
    assert matches.match_confidence(distance).word == word


def test_the_page_shows_each_match_with_words_distance_and_refusals(viewer_client, person, shown):
    RefusedAttempt.objects.create(
        person=person, video=shown["strong"], count=3, last_at=timezone.now()
    )
    page = viewer_client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Strong one" in html and "Possible one" in html
    assert "Private one" not in html and "My own" not in html
    assert html.index("Possible one") < html.index("Strong one")
    assert "0.31" in html and "0.55" in html
    assert ">Strong<" in html and ">Possible<" in html
    assert "3 remix requests refused because of your face." in html
    assert "@creator" in html and "@other" in html
    assert "Report" in html  # moderation's slot
    assert "Allow remixes of this video" not in html  # their setting is not "ask"


def test_not_enrolled_points_to_enrolment(viewer_client):
    html = viewer_client.get(URL).content.decode()
    assert 'data-testid="not-enrolled"' in html
    assert 'href="/likeness/"' in html


def test_enrolled_with_no_match(viewer_client, person):
    html = viewer_client.get(URL).content.decode()
    assert 'data-testid="no-matches"' in html
    assert 'data-testid="not-enrolled"' not in html


def test_login_required(anon_client):
    response = anon_client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_pagination(viewer_client, person, creator):
    videos = [make_video(creator, title=f"Clip {n:02d}") for n in range(matches.MATCHES_PAGE + 3)]
    for video in videos:
        match(person, video)
    first = viewer_client.get(URL).content.decode()
    second = viewer_client.get(URL + "?page=2").content.decode()
    assert first.count('data-testid="match"') == matches.MATCHES_PAGE
    assert second.count('data-testid="match"') == 3
    assert "Page 2 of 2" in second


def test_the_page_costs_the_same_queries_for_many_matches(
    viewer_client, person, creator, django_assert_num_queries
):
    for n in range(matches.MATCHES_PAGE):
        match(person, make_video(creator, title=f"Clip {n}"))
    RefusedAttempt.objects.bulk_create(
        RefusedAttempt(person=person, video=row.video, count=1, last_at=timezone.now())
        for row in matches.matches_for(person=person)[:5]
    )
    # session, user, count, page of matches, profile, moderation's open reports
    with django_assert_num_queries(6):
        assert viewer_client.get(URL).status_code == 200


def test_allow_and_stop_allowing_change_the_database(viewer_client, person, shown):
    ask(person)
    video = shown["strong"]
    url = f"{URL}{video.public_id}/allowance/"
    assert "Allow remixes of this video" in viewer_client.get(URL).content.decode()
    allowed = viewer_client.post(url, {"allowed": "1"}, headers={"HX-Request": "true"})
    assert allowed.status_code == 200
    assert 'data-testid="stop-allowing"' in allowed.content.decode()
    assert VideoAllowance.objects.filter(person=person, video=video).exists()
    entry = LedgerEntry.objects.filter(creator=person).order_by("-seq").first()
    assert entry.payload["likeness"] == {"allowance": {"video": video.id, "allowed": True}}
    stopped = viewer_client.post(url, {"allowed": "0"}, headers={"HX-Request": "true"})
    assert 'data-testid="allow"' in stopped.content.decode()
    assert not VideoAllowance.objects.filter(person=person, video=video).exists()
    # Without JavaScript: back to the page.
    plain = viewer_client.post(url, {"allowed": "1"})
    assert plain.status_code == 302 and plain["Location"] == URL
    assert VideoAllowance.objects.filter(person=person, video=video).count() == 1


def test_allowance_needs_the_ask_setting_and_a_clear_choice(viewer_client, person, shown):
    url = f"{URL}{shown['strong'].public_id}/allowance/"
    refused = viewer_client.post(url, {"allowed": "1"}, headers={"HX-Request": "true"})
    assert refused.status_code == 409
    assert "when I allow it" in refused.content.decode()
    ask(person)
    assert viewer_client.post(url, {"allowed": "yes"}).status_code == 302  # message, no change
    assert (
        viewer_client.post(url, {"allowed": "x"}, headers={"HX-Request": "true"}).status_code == 400
    )
    assert not VideoAllowance.objects.exists()
    assert LikenessProfile.objects.get(user=person).others_videos == "ask"


@pytest.mark.parametrize("which", ["private", "own", "unknown", "someone_elses"])
def test_other_videos_are_404_for_allowance(viewer_client, person, shown, other_creator, which):
    ask(person)
    if which == "unknown":
        public_id = "nope"
    elif which == "someone_elses":
        stranger = make_user("stranger")
        video = make_video(other_creator, title="Theirs")
        match(stranger, video)
        public_id = video.public_id
    else:
        public_id = shown[which].public_id
    response = viewer_client.post(f"{URL}{public_id}/allowance/", {"allowed": "1"})
    assert response.status_code == 404
    assert not VideoAllowance.objects.exists()


def test_allowance_is_post_only(viewer_client, person, shown):
    assert viewer_client.get(f"{URL}{shown['strong'].public_id}/allowance/").status_code == 405
