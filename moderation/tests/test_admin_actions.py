"""A moderator's actions in admin: each asks for a note, goes through the services, leaves an
audit record and tells the people involved."""

from __future__ import annotations

import pytest
from django.urls import reverse

from consent import services as consent_services
from consent.models import CreatorPolicy, LedgerEntry, VideoOverride
from consent.tests.factories import ALLOW, policy
from moderation.models import ModerationAction, Report
from moderation.tests.factories import make_report
from remixer.models import Notification, Remix
from remixer.tests.factories import make_postered_video

pytestmark = pytest.mark.django_db

REPORTS = reverse("admin:moderation_report_changelist")
REMIXES = reverse("admin:remixer_remix_changelist")


def run_action(client, url, action, ids, note=None, **extra):
    """The changelist POST, then (with a note) the intermediate page's POST."""
    first = client.post(url, {"action": action, "_selected_action": ids, "index": 0})
    assert first.status_code == 200, first
    assert "admin/moderation/action_note.html" in [t.name for t in first.templates]
    if note is None:
        return first
    return client.post(
        url,
        {
            "action": action,
            "_selected_action": ids,
            "index": 0,
            "apply": "yes",
            "note": note,
            **extra,
        },
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


def test_take_down_a_reported_remix(
    moderator_client, moderator, viewer, remix, anon_client, django_capture_on_commit_callbacks
):
    report = make_report(viewer, remix)
    second = make_report(remix.video.owner, remix, reason=Report.Reason.DEEPFAKE)
    media_url = remix.output.url
    assert anon_client.get(media_url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(
            moderator_client, REPORTS, "take_down", [report.pk], note="Targets a private person."
        )
    assert response.status_code == 302
    assert any("Took down 1 remix" in text for text in messages_of(response))
    remix.refresh_from_db()
    assert remix.status == Remix.Status.WITHDRAWN and not remix.output
    assert anon_client.get(media_url).status_code == 404
    assert anon_client.get(remix.get_absolute_url()).status_code == 404
    record = ModerationAction.objects.get()
    assert (record.moderator, record.action, record.note, record.remix, record.report) == (
        moderator,
        ModerationAction.Kind.TAKEDOWN,
        "Targets a private person.",
        remix,
        report,
    )
    assert record.created_at is not None and remix.public_id in record.target
    # Every open report on the remix is resolved, and everyone involved is told.
    assert set(Report.objects.values_list("status", flat=True)) == {Report.Status.ACTIONED}
    second.refresh_from_db()
    assert second.resolved_by == moderator
    kinds = set(Notification.objects.values_list("recipient__username", "kind"))
    assert ("viewer", "moderation") in kinds
    assert ("creator", "moderation") in kinds
    assert ("other", "taken_down") in kinds


def test_an_action_needs_a_note(moderator_client, viewer, remix):
    report = make_report(viewer, remix)
    page = run_action(moderator_client, REPORTS, "take_down", [report.pk])
    assert "Take down the reported remixes" in page.text and f"Report #{report.pk}" in page.text
    again = run_action(moderator_client, REPORTS, "take_down", [report.pk], note="   ")
    assert again.status_code == 200 and "This field is required" in again.text
    too_long = run_action(moderator_client, REPORTS, "take_down", [report.pk], note="x" * 1001)
    assert too_long.status_code == 200 and "errorlist" in too_long.text
    assert Remix.objects.get().status == Remix.Status.PUBLISHED
    assert not ModerationAction.objects.exists()


def test_dismiss_and_escalate(moderator_client, moderator, viewer, remix):
    report = make_report(viewer, remix)
    response = run_action(moderator_client, REPORTS, "escalate", [report.pk], note="Unsure.")
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Report.Status.ESCALATED and report.resolved_at is None
    # Escalating again skips it and says why.
    again = run_action(moderator_client, REPORTS, "escalate", [report.pk], note="Again.")
    assert any("skipped" in text for text in messages_of(again))
    response = run_action(moderator_client, REPORTS, "dismiss", [report.pk], note="Satire.")
    report.refresh_from_db()
    assert report.status == Report.Status.DISMISSED and report.resolved_by == moderator
    assert Remix.objects.get().status == Remix.Status.PUBLISHED
    assert list(ModerationAction.objects.order_by("id").values_list("action", "note")) == [
        ("escalate", "Unsure."),
        ("dismiss", "Satire."),
    ]
    reporter_notes = Notification.objects.filter(recipient=viewer, kind="moderation")
    assert reporter_notes.count() == 2
    assert reporter_notes.filter(message__contains="left it up").exists()


def test_the_queue_filters_and_searches(moderator_client, viewer, remix, creator):
    make_report(viewer, remix, reason=Report.Reason.DEEPFAKE)
    make_report(creator, remix, reason=Report.Reason.SEXUAL, status=Report.Status.DISMISSED)
    for query, expected in [
        ("?status__exact=open", 1),
        ("?status__exact=dismissed", 1),
        ("?reason__exact=sexual", 1),
        ("?reporter=viewer", 1),
        ("?creator=creator", 2),
        ("?creator=nobody", 0),
        (f"?q={remix.public_id}", 2),
        ("?q=Source", 2),
        ("?status__exact=bogus", 0),
        ("?creator=" + "x" * 5000, 0),
    ]:
        response = moderator_client.get(REPORTS + query)
        assert response.status_code in (200, 302), query
        if response.status_code == 200:
            assert response.context["cl"].result_count == expected, query


def test_remix_admin_takedown_and_restore(
    moderator_client, moderator, remix, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(moderator_client, REMIXES, "take_down", [remix.pk], note="Spam.")
    assert response.status_code == 302
    remix.refresh_from_db()
    assert remix.status == Remix.Status.WITHDRAWN
    with django_capture_on_commit_callbacks() as callbacks:
        response = run_action(moderator_client, REMIXES, "restore", [remix.pk], note="Appeal ok.")
    assert any("Restored 1 remix" in text for text in messages_of(response))
    remix.refresh_from_db()
    assert remix.status == Remix.Status.QUEUED  # re-rendered, never published directly
    assert len(callbacks) == 1  # the render is enqueued on commit
    assert list(ModerationAction.objects.order_by("id").values_list("action", flat=True)) == [
        "takedown",
        "restore",
    ]


def test_restore_against_denied_consent_is_refused_and_changes_nothing(
    moderator_client, creator, remix
):
    run_action(moderator_client, REMIXES, "take_down", [remix.pk], note="Spam.")
    consent_services.consent_set_policy(creator=creator, actor=creator, change=policy(False))
    Remix.objects.filter(id=remix.id).update(status=Remix.Status.WITHDRAWN)  # sync may hold it
    before = Remix.objects.values().get(id=remix.id)
    response = run_action(moderator_client, REMIXES, "restore", [remix.pk], note="Appeal.")
    assert any("has not allowed AI remixes" in text for text in messages_of(response))
    assert Remix.objects.values().get(id=remix.id) == before
    assert not ModerationAction.objects.filter(action="restore").exists()


def test_a_remix_its_creator_took_down_is_not_restored(moderator_client, creator, remix):
    from remixer.services import remix_takedown

    remix_takedown(remix=remix, actor=creator)
    response = run_action(moderator_client, REMIXES, "restore", [remix.pk], note="Appeal.")
    assert any("not taken down by moderators" in text for text in messages_of(response))
    assert Remix.objects.get().status == Remix.Status.WITHDRAWN


def test_a_moderator_switches_a_creators_consent_off_on_the_record(
    moderator_client, moderator, creator
):
    video = make_postered_video(creator, title="Allowed one")
    consent_services.consent_set_policy(creator=creator, actor=creator, change=policy())
    consent_services.consent_set_videos(
        creator=creator, actor=creator, videos=creator.videos.all(), state=ALLOW
    )
    users = reverse("admin:accounts_user_changelist")
    response = run_action(
        moderator_client,
        users,
        "consent_off",
        [creator.pk],
        note="Account compromised; remixes used for harassment.",
        clear_exceptions="on",
    )
    assert response.status_code == 302
    policy_row = CreatorPolicy.objects.get(creator=creator)
    assert policy_row.remix_allowed is False
    assert not VideoOverride.objects.filter(video=video).exists()
    entry = LedgerEntry.objects.filter(creator=creator).order_by("-seq").first()
    assert (entry.action, entry.actor, entry.reason) == (
        LedgerEntry.Action.MODERATOR,
        moderator,
        "Account compromised; remixes used for harassment.",
    )
    record = ModerationAction.objects.get()
    assert record.ledger_entry == entry and record.creator == creator
    assert Notification.objects.filter(recipient=creator, kind="moderation").exists()
    from consent.ledger import ledger_verify

    assert ledger_verify().ok


def test_a_moderator_denies_remixes_of_videos(moderator_client, moderator, creator, other_creator):
    ours = make_postered_video(creator, title="Ours")
    theirs = make_postered_video(other_creator, title="Theirs")
    videos = reverse("admin:videos_video_changelist")
    response = run_action(
        moderator_client, videos, "consent_off", [ours.pk, theirs.pk], note="Deepfake wave."
    )
    assert response.status_code == 302
    assert set(VideoOverride.objects.values_list("video_id", "remix")) == {
        (ours.pk, "deny"),
        (theirs.pk, "deny"),
    }
    entries = LedgerEntry.objects.filter(action=LedgerEntry.Action.MODERATOR)
    assert {(e.creator_id, e.actor_id, e.reason) for e in entries} == {
        (creator.pk, moderator.pk, "Deepfake wave."),
        (other_creator.pk, moderator.pk, "Deepfake wave."),
    }
    page = moderator_client.get(videos + "?remix_consent=denied").text
    assert "Not allowed (this video)" in page and "?creator=creator" in page


def test_consent_actions_need_the_moderation_permission(db, creator):
    from django.test import Client

    from creatorhub.accounts.tests.factories import make_user

    staffer = make_user("staffer", is_staff=True)
    from django.contrib.auth.models import Permission

    staffer.user_permissions.add(Permission.objects.get(codename="view_user"))
    client = Client()
    client.force_login(staffer)
    users = reverse("admin:accounts_user_changelist")
    page = client.get(users)
    assert page.status_code == 200 and "consent_off" not in page.text
    # Everything a moderator would send, note included: the action is not theirs to run.
    client.post(
        users,
        {
            "action": "consent_off",
            "_selected_action": [creator.pk],
            "index": 0,
            "apply": "yes",
            "note": "Deepfake wave.",
        },
    )
    assert not LedgerEntry.objects.filter(action=LedgerEntry.Action.MODERATOR).exists()


def test_verify_chain_reports_as_an_admin_message(moderator_client, creator):
    consent_services.consent_set_policy(creator=creator, actor=creator, change=policy())
    ledger = reverse("admin:consent_ledgerentry_changelist")
    response = moderator_client.post(reverse("admin:consent_ledgerentry_verify"), follow=True)
    assert "The consent ledger is intact: 1 entries checked" in response.text
    entry = LedgerEntry.objects.get()
    response = moderator_client.post(
        ledger, {"action": "verify_chain", "_selected_action": [entry.pk], "index": 0}, follow=True
    )
    assert "The consent ledger is intact" in response.text
    # A tampered policy row is named.
    CreatorPolicy.objects.filter(creator=creator).update(remix_allowed=False)
    response = moderator_client.post(reverse("admin:consent_ledgerentry_verify"), follow=True)
    assert "does NOT verify" in response.text and f"creator {creator.pk}" in response.text
    assert moderator_client.get(reverse("admin:consent_ledgerentry_verify")).status_code == 405


def test_ledger_filters(moderator_client, creator, other_creator):
    consent_services.consent_set_policy(creator=creator, actor=creator, change=policy())
    consent_services.consent_set_policy(creator=other_creator, actor=other_creator, change=policy())
    ledger = reverse("admin:consent_ledgerentry_changelist")
    for query, expected in [
        ("", 2),
        ("?creator=creator", 1),
        ("?creator=@other", 1),
        ("?action__exact=account", 2),
        ("?action__exact=moderator", 0),
        ("?created_at__gte=2000-01-01+00:00:00%2B00:00", 2),
    ]:
        response = moderator_client.get(ledger + query)
        assert response.context["cl"].result_count == expected, query


def test_published_remix_admin_pages(moderator_client, remix, viewer):
    report = make_report(viewer, remix)
    assert (
        moderator_client.get(reverse("admin:remixer_remix_change", args=[remix.pk])).status_code
        == 200
    )
    page = moderator_client.get(reverse("admin:moderation_report_change", args=[report.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.text
    assert moderator_client.get(REMIXES + "?reported=yes").context["cl"].result_count == 1
    assert moderator_client.get(REMIXES + "?reported=no").context["cl"].result_count == 0
    assert moderator_client.get(REMIXES + "?creator=creator").context["cl"].result_count == 1


def test_upholding_a_report_on_a_remix_its_creator_took_down_does_not_make_it_restorable(
    moderator, viewer, creator, remix
):
    from moderation import services as moderation_services
    from remixer.services import remix_takedown

    make_report(viewer, remix)
    remix_takedown(remix=remix, actor=creator)
    reports = Report.objects.all()
    outcome = moderation_services.reports_take_down(moderator=moderator, reports=reports, note="Ok")
    assert outcome.done == 0 and Report.objects.get().status == Report.Status.ACTIONED
    restored = moderation_services.remixes_restore(
        moderator=moderator, remixes=Remix.objects.all(), note="Appeal."
    )
    assert restored.done == 0 and Remix.objects.get().status == Remix.Status.WITHDRAWN


def test_consent_off_for_videos_counts_creators_not_videos(
    moderator, creator, other_creator, monkeypatch
):
    from creatorhub.videos.models import Video
    from moderation import services as moderation_services

    monkeypatch.setattr(moderation_services, "MAX_REMIXES_PER_ACTION", 2)
    for owner in (creator, creator, other_creator):
        make_postered_video(owner, title="Clip")
    outcome = moderation_services.videos_consent_off(
        moderator=moderator, videos=Video.objects.all(), reason="Wave."
    )
    assert outcome.done == 3 and VideoOverride.objects.filter(remix="deny").count() == 3


def test_dismissing_reports_costs_the_same_queries_for_5_or_30(moderator, remix):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from creatorhub.accounts.tests.factories import make_user
    from moderation import services as moderation_services

    def dismiss(count: int) -> int:
        Report.objects.all().delete()
        for _ in range(count):
            make_report(make_user(), remix)
        with CaptureQueriesContext(connection) as queries:
            moderation_services.reports_dismiss(
                moderator=moderator, reports=Report.objects.all(), note="Satire."
            )
        assert Report.objects.filter(status=Report.Status.DISMISSED).count() == count
        return len(queries)

    assert dismiss(5) == dismiss(30)
