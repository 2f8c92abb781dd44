"""Who refuses a remix because of their face: stored matches and likeness consent only."""

from __future__ import annotations

import datetime as dt

import pytest

from creatorhub.accounts.tests.factories import make_user
from creatorhub.videos.models import Video
from creatorhub.videos.tests.factories import make_video
from likeness import guard, preferences
from likeness.models import FaceEmbedding, RefusedAttempt
from likeness.tests.factories import matched

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(db):
    return make_user("jordan_lee")


@pytest.fixture
def video(other_creator):
    return make_video(other_creator, title="A re-upload")


def consent(person, others: str, own: bool = True) -> None:
    preferences.likeness_consent_set(
        person=person, actor=person, others_videos=others, own_videos=own
    )


def refused_ids_in_sql() -> set[int]:
    return set(Video.objects.filter(guard.likeness_refused("id")).values_list("id", flat=True))


def test_someone_else_never_saved_a_choice_refuses_by_default(person, video):
    matched(person, video)
    assert guard.refusing_people(video=video) == [person.id]
    assert refused_ids_in_sql() == {video.id}


@pytest.mark.parametrize(
    ("others", "allowance", "refused"),
    [
        ("never", False, True),
        ("never", True, True),
        ("ask", False, True),
        ("ask", True, False),
        ("allow", False, False),
    ],
)
def test_the_consent_cases_in_someone_elses_video(person, video, others, allowance, refused):
    matched(person, video)
    consent(person, others)
    if allowance:
        preferences.allowance_set(person=person, actor=person, video=video, allowed=True)
    assert guard.refusing_people(video=video) == ([person.id] if refused else [])
    assert refused_ids_in_sql() == ({video.id} if refused else set())


def test_an_allowance_taken_back_refuses_again(person, video):
    matched(person, video)
    consent(person, "ask")
    preferences.allowance_set(person=person, actor=person, video=video, allowed=True)
    assert guard.refusing_people(video=video) == []
    preferences.allowance_set(person=person, actor=person, video=video, allowed=False)
    assert guard.refusing_people(video=video) == [person.id]


def test_an_allowance_counts_for_its_own_video_only(person, video, other_creator):
    second = make_video(other_creator)
    matched(person, video)
    matched(person, second)
    consent(person, "ask")
    preferences.allowance_set(person=person, actor=person, video=video, allowed=True)
    assert refused_ids_in_sql() == {second.id}


def test_the_owner_follows_their_video_consent_unless_not_even_their_own(creator):
    own = make_video(creator)
    matched(creator, own)
    consent(creator, "never", own=True)  # "never" is about other people's videos
    assert guard.refusing_people(video=own) == []
    consent(creator, "allow", own=False)
    assert guard.refusing_people(video=own) == [creator.id]
    assert refused_ids_in_sql() == {own.id}


def test_a_video_with_no_enrolled_face_is_unaffected(person, video, other_creator):
    plain = make_video(other_creator)
    matched(person, video)
    assert guard.refusing_people(video=plain) == []
    assert plain.id not in refused_ids_in_sql()


def test_a_deleted_enrolment_refuses_nothing(person, video):
    matched(person, video)
    FaceEmbedding.objects.filter(user=person).delete()
    assert guard.refusing_people(video=video) == []
    assert refused_ids_in_sql() == set()


def test_every_refusing_person_is_listed_and_the_allowing_one_is_not(person, video):
    second, third = make_user("second"), make_user("third")
    for someone in (person, second, third):
        matched(someone, video)
    consent(third, "allow")
    assert guard.refusing_people(video=video) == sorted([person.id, second.id])


def test_refusing_people_is_one_query(person, video, django_assert_num_queries):
    for index in range(5):
        matched(make_user(f"p{index}"), video)
    with django_assert_num_queries(1):
        assert len(guard.refusing_people(video=video)) == 5


def test_refused_attempts_are_counted_and_told_once_a_day(person, video):
    second = make_user("second")
    assert guard.refused_attempts_record(video=video, person_ids=[person.id]) == [person.id]
    assert guard.refused_attempts_record(video=video, person_ids=[person.id, second.id]) == [
        second.id
    ]
    counts = dict(RefusedAttempt.objects.values_list("person_id", "count"))
    assert counts == {person.id: 2, second.id: 1}
    RefusedAttempt.objects.filter(person=person).update(
        notified_at=RefusedAttempt.objects.get(person=person).notified_at - dt.timedelta(days=1)
    )
    assert guard.refused_attempts_record(video=video, person_ids=[person.id, second.id]) == [
        person.id
    ]
    assert RefusedAttempt.objects.get(person=person).count == 3
    assert guard.refused_attempts_record(video=video, person_ids=[]) == []
