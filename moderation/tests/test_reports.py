"""Reporting a remix: from its page (HTMX or a plain form) and from "Remixes of my work"."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from moderation import services
from moderation.models import Report
from moderation.tests.factories import make_report, published_remix
from remixer.models import Remix

pytestmark = pytest.mark.django_db


def report_url(remix) -> str:
    return reverse("moderation:report", args=[remix.public_id])


def test_the_remix_page_links_to_the_report_panel_without_extra_queries(
    viewer_client, remix, django_assert_num_queries
):
    # The panel loads after the page (hx-get on load), so the page's pinned count holds
    # (remixer/tests/test_views.py: session, user, AI usage, the remix).
    with django_assert_num_queries(4):
        page = viewer_client.get(remix.get_absolute_url()).text
    assert f'hx-get="{report_url(remix)}"' in page
    assert f'href="{report_url(remix)}"' in page  # works without JavaScript too


def test_visitors_are_asked_to_log_in_and_requesters_see_no_link(anon_client, other_creator, remix):
    assert "Log in to report this remix" in anon_client.get(remix.get_absolute_url()).text
    anon = anon_client.get(report_url(remix))
    assert anon.status_code == 302 and anon["Location"].startswith(reverse("login"))
    from django.test import Client

    requester = Client()
    requester.force_login(other_creator)
    assert report_url(remix) not in requester.get(remix.get_absolute_url()).text


def test_report_with_htmx_swaps_the_panel(viewer_client, viewer, remix):
    panel = viewer_client.get(report_url(remix), headers={"HX-Request": "true"})
    assert panel.status_code == 200
    assert "<html" not in panel.text and 'id="report-panel"' in panel.text
    response = viewer_client.post(
        report_url(remix),
        {"reason": "deepfake", "details": "That is not me"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Thank you: your report was sent" in response.text
    assert "Status: <strong>Open</strong>" in response.text
    report = Report.objects.get()
    assert (report.reporter, report.remix, report.reason, report.details) == (
        viewer,
        remix,
        "deepfake",
        "That is not me",
    )


def test_report_without_javascript_redirects_to_its_status(viewer_client, remix):
    response = viewer_client.post(report_url(remix), {"reason": "misleading"})
    assert response.status_code == 302 and response["Location"] == report_url(remix)
    page = viewer_client.get(report_url(remix)).text
    assert "your report was sent to moderators" in page
    assert "Status: <strong>Open</strong>" in page


def test_a_second_report_is_refused_clearly(viewer_client, viewer, remix):
    make_report(viewer, remix)
    response = viewer_client.post(
        report_url(remix), {"reason": "other"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 409
    assert "You have already reported this remix" in response.text
    assert Report.objects.count() == 1


def test_the_database_refuses_two_unresolved_reports(viewer, remix):
    make_report(viewer, remix)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_report(viewer, remix, status=Report.Status.ESCALATED)
    # Once resolved, the same person may report again.
    Report.objects.update(status=Report.Status.DISMISSED)
    assert services.report_create(reporter=viewer, remix=remix, reason="other")


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"reason": "spam"},
        {"reason": "other", "details": "x" * (Report.DETAILS_MAX + 1)},
        {"reason": ["other", "deepfake"], "details": "\x00"},
    ],
)
def test_bad_input_is_refused_with_the_form_again(viewer_client, remix, data):
    response = viewer_client.post(report_url(remix), data, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert 'role="alert"' in response.text
    assert not Report.objects.exists()


def test_own_unpublished_and_unknown_remixes(viewer_client, viewer, other_creator, creator):
    mine = published_remix(creator, viewer, title="Mine")
    with pytest.raises(services.ModerationError, match="You made this remix"):
        services.report_create(reporter=viewer, remix=mine, reason="other")
    Remix.objects.filter(id=mine.id).update(status=Remix.Status.WITHDRAWN)
    from django.test import Client

    stranger = Client()
    stranger.force_login(other_creator)
    assert stranger.get(report_url(mine)).status_code == 404
    assert stranger.post(report_url(mine), {"reason": "other"}).status_code == 404
    assert viewer_client.get("/remixes/nope/report/").status_code == 404
    assert not Report.objects.exists()


def test_the_source_creator_reports_from_remixes_of_my_work(creator_client, creator, remix):
    page = creator_client.get(reverse("remixer:of_my_work")).text
    assert f'href="{report_url(remix)}"' in page
    response = creator_client.post(report_url(remix), {"reason": "harassment"})
    assert response.status_code == 302
    assert Report.objects.get().reporter == creator


def test_my_reports_shows_the_outcome(viewer_client, viewer, remix, django_assert_num_queries):
    make_report(viewer, remix, status=Report.Status.ACTIONED)
    others = [published_remix(remix.video.owner, remix.requester, video=remix.video)]
    for other in others:
        make_report(viewer, other)
    for index in range(40):
        make_report(viewer, remix, status=Report.Status.DISMISSED, details=f"r{index}")
    # session, user, count, the page of reports with their remixes, videos and owners
    with django_assert_num_queries(4):
        page = viewer_client.get(reverse("moderation:mine"))
    assert page.status_code == 200
    assert len(page.context["page"].object_list) == 30
    assert "Page 1 of 2" in page.text
    assert "Remix taken down" in viewer_client.get(reverse("moderation:mine") + "?page=2").text
