"""Likeness reports: a person reports, from "Where my face appears", another creator's video
that shows their face; moderators see it in the queue with the video and take its remixes
down, or resolve it."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from creatorhub.accounts.models import User
from creatorhub.accounts.tests.factories import make_user
from creatorhub.videos.models import Video
from creatorhub.videos.tests.factories import make_video
from likeness.models import FrameScan, LikenessProfile
from likeness.tests.factories import enrol_vector, match, unit_vectors
from moderation.likeness_reports import likeness_report_create
from moderation.models import ModerationAction, Report
from moderation.services import ModerationError, report_create
from moderation.tests.factories import make_report, published_remix
from remixer.models import Notification, Remix
from remixer.tests.factories import make_postered_video

pytestmark = pytest.mark.django_db
PAGE = "/likeness/matches/"
REPORTS = reverse("admin:moderation_report_changelist")


def run_action(client, url, action, ids, note):
    """The changelist POST, then the intermediate page's POST with the note."""
    assert client.post(url, {"action": action, "_selected_action": ids}).status_code == 200
    data = {"action": action, "_selected_action": ids, "apply": "yes", "note": note}
    return client.post(url, data)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


def report_url(video) -> str:
    return reverse("moderation:likeness_report", args=[video.public_id])


@pytest.fixture
def shown(viewer, creator):
    """The viewer's face in the creator's public video."""
    enrol_vector(viewer, unit_vectors(1)[0])
    video = make_postered_video(creator, title="Beach day")
    match(viewer, video, 0.32)
    return video


def test_report_from_the_matches_page(viewer_client, viewer, shown):
    page = viewer_client.get(PAGE).content.decode()
    assert f'action="{report_url(shown)}"' in page
    answer = viewer_client.post(report_url(shown), headers={"HX-Request": "true"})
    assert answer.status_code == 200
    assert 'data-testid="reported"' in answer.content.decode()
    report = Report.objects.get()
    assert (report.reporter, report.video, report.remix) == (viewer, shown, None)
    assert report.reason == Report.Reason.LIKENESS and report.status == Report.Status.OPEN
    # The page now shows it reported, and a second report is refused.
    assert 'data-testid="reported"' in viewer_client.get(PAGE).content.decode()
    again = viewer_client.post(report_url(shown), headers={"HX-Request": "true"})
    assert again.status_code == 409 and "already reported" in again.content.decode()
    assert Report.objects.count() == 1


def test_report_without_javascript_goes_back_to_the_page(viewer_client, shown):
    response = viewer_client.post(report_url(shown))
    assert response.status_code == 302 and response["Location"] == PAGE
    assert Report.objects.filter(video=shown).count() == 1


@pytest.mark.parametrize("which", ["unmatched", "private", "own", "unknown"])
def test_only_a_matched_public_video_of_someone_else_can_be_reported(
    viewer_client, viewer, creator, shown, which
):
    if which == "unmatched":
        video = make_video(creator, title="Not me")
    elif which == "private":
        video = make_video(creator, visibility=Video.Visibility.PRIVATE)
        match(viewer, video)
    elif which == "own":
        video = make_video(viewer)
        match(viewer, video)
    else:
        video = Video(public_id="nope")
    assert viewer_client.post(report_url(video)).status_code == 404
    assert not Report.objects.exists()


def test_report_is_post_and_login_only(viewer_client, anon_client, shown):
    assert viewer_client.get(report_url(shown)).status_code == 405
    assert anon_client.post(report_url(shown)).status_code == 302
    assert not Report.objects.exists()


def test_the_service_refuses_what_the_page_never_offers(viewer, creator, shown):
    with pytest.raises(ModerationError) as own:
        likeness_report_create(reporter=creator, video=shown)
    assert own.value.code == "own_video"
    with pytest.raises(ModerationError) as unmatched:
        likeness_report_create(reporter=make_user("someone"), video=shown)
    assert unmatched.value.code == "no_match"
    with pytest.raises(ModerationError) as long:
        likeness_report_create(reporter=viewer, video=shown, details="x" * 1001)
    assert long.value.code == "too_long"
    assert not Report.objects.exists()


def test_the_database_keeps_one_open_likeness_report_and_exactly_one_subject(
    viewer, shown, creator, other_creator
):
    likeness_report_create(reporter=viewer, video=shown)
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(reporter=viewer, video=shown, reason=Report.Reason.LIKENESS)
    remix = published_remix(creator, other_creator, video=make_postered_video(creator))
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(reporter=viewer, video=shown, remix=remix, reason="likeness")
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(reporter=viewer, reason="likeness")
    # Resolved, it can be reported again.
    Report.objects.update(status=Report.Status.DISMISSED)
    likeness_report_create(reporter=viewer, video=shown)


def test_a_remix_cannot_be_reported_with_the_likeness_reason(viewer, creator, other_creator):
    remix = published_remix(creator, other_creator)
    with pytest.raises(ModerationError) as refused:
        report_create(reporter=viewer, remix=remix, reason=Report.Reason.LIKENESS)
    assert refused.value.code == "invalid_reason"


def test_the_queue_shows_likeness_reports_with_their_video(moderator_client, viewer, shown):
    likeness_report_create(reporter=viewer, video=shown)
    queue = moderator_client.get(REPORTS + "?reason=likeness")
    html = queue.content.decode()
    assert queue.status_code == 200
    assert "Beach day" in html and "@creator" in html and "@viewer" in html
    assert "My face, without my consent" in html
    assert reverse("admin:videos_video_change", args=[shown.id]) in html
    report = Report.objects.get()
    page = moderator_client.get(reverse("admin:moderation_report_change", args=[report.pk]))
    assert page.status_code == 200 and "Beach day" in page.content.decode()


def test_taking_down_a_likeness_report_takes_down_the_videos_remixes(
    moderator_client,
    moderator,
    viewer,
    creator,
    other_creator,
    shown,
    django_capture_on_commit_callbacks,
):
    # Remixes made while the viewer allowed any creator's video (the guard refuses them now).
    LikenessProfile.objects.update_or_create(user=viewer, defaults={"others_videos": "allow"})
    FrameScan.objects.create(video=shown, poster=shown.poster.name, faces=1)  # no rescan
    remixes = [published_remix(creator, other_creator, video=shown) for _ in range(2)]
    untouched = published_remix(
        creator, other_creator, video=make_postered_video(creator, title="Other")
    )
    report = likeness_report_create(reporter=viewer, video=shown)
    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(
            moderator_client, REPORTS, "take_down", [report.pk], note="Her face, no consent."
        )
    assert response.status_code == 302
    assert any("Took down 2 remix" in text for text in messages_of(response))
    for remix in remixes:
        remix.refresh_from_db()
        assert remix.status == Remix.Status.WITHDRAWN
    untouched.refresh_from_db()
    assert untouched.status == Remix.Status.PUBLISHED
    report.refresh_from_db()
    assert report.status == Report.Status.ACTIONED and report.resolved_by == moderator
    audit = ModerationAction.objects.filter(report=report).get()
    assert audit.action == ModerationAction.Kind.TAKEDOWN and "Beach day" in audit.target
    assert ModerationAction.objects.filter(action="takedown", remix__in=remixes).count() == 2
    thanks = Notification.objects.get(recipient=viewer, kind=Notification.Kind.MODERATION)
    assert "shows your face" in thanks.message


def test_a_likeness_report_on_a_video_without_remixes_is_resolved(moderator_client, viewer, shown):
    report = likeness_report_create(reporter=viewer, video=shown)
    response = run_action(moderator_client, REPORTS, "take_down", [report.pk], note="Upheld.")
    assert any("had no published remix" in text for text in messages_of(response))
    report.refresh_from_db()
    assert report.status == Report.Status.ACTIONED


def test_dismiss_and_escalate_a_likeness_report_tell_only_the_reporter(
    moderator_client, viewer, creator, shown
):
    report = likeness_report_create(reporter=viewer, video=shown)
    run_action(moderator_client, REPORTS, "escalate", [report.pk], note="Look closer.")
    report.refresh_from_db()
    assert report.status == Report.Status.ESCALATED
    run_action(moderator_client, REPORTS, "dismiss", [report.pk], note="Not her.")
    report.refresh_from_db()
    assert report.status == Report.Status.DISMISSED
    notes = Notification.objects.filter(kind=Notification.Kind.MODERATION)
    assert set(notes.values_list("recipient", flat=True)) == {viewer.id}
    assert all("report of the video “Beach day”" in note.message for note in notes)
    assert ModerationAction.objects.filter(report=report).count() == 2


def test_mixed_takedown_of_remix_and_likeness_reports(
    moderator_client, viewer, creator, other_creator, shown
):
    remix = published_remix(
        creator, other_creator, video=make_postered_video(creator, title="Other")
    )
    remix_report = make_report(viewer, remix)
    likeness = likeness_report_create(reporter=viewer, video=shown)
    run_action(moderator_client, REPORTS, "take_down", [remix_report.pk, likeness.pk], note="Both.")
    assert set(Report.objects.values_list("status", flat=True)) == {Report.Status.ACTIONED}
    remix.refresh_from_db()
    assert remix.status == Remix.Status.WITHDRAWN


def test_my_reports_lists_likeness_reports(viewer_client, viewer, shown):
    likeness_report_create(reporter=viewer, video=shown)
    html = viewer_client.get(reverse("moderation:mine")).content.decode()
    assert "Beach day" in html and "My face, without my consent" in html


def test_the_likeness_queue_costs_the_same_queries_for_many_reports(
    moderator_client, creator, django_assert_num_queries
):
    from creatorhub.videos.tests.factories import make_videos

    make_videos(creator, 120, title="Clip")
    people = User.objects.bulk_create(
        [User(username=f"face{n}", email=f"face{n}@example.com") for n in range(120)]
    )
    videos = list(Video.objects.filter(owner=creator).order_by("id"))
    Report.objects.bulk_create(
        Report(reporter=person, video=video, reason=Report.Reason.LIKENESS)
        for person, video in zip(people, videos, strict=True)
    )
    # session, user, permissions ×2, the filtered count, the page (as the remix queue)
    with django_assert_num_queries(6):
        response = moderator_client.get(REPORTS + "?reason=likeness")
    assert response.status_code == 200 and response.content.decode().count("Clip ") >= 100
