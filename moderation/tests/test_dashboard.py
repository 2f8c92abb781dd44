from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from moderation import selectors
from moderation.models import ModerationAction, Report
from moderation.tests.factories import make_report

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("admin:moderation_dashboard")


def test_figures_by_reason_age_and_day(remix, viewer, creator, moderator):
    now = timezone.now()
    make_report(viewer, remix, reason="deepfake", created_at=now - dt.timedelta(minutes=5))
    make_report(creator, remix, reason="deepfake", created_at=now - dt.timedelta(days=3))
    make_report(
        moderator,
        remix,
        reason="other",
        status=Report.Status.ESCALATED,
        created_at=now - dt.timedelta(days=9),
    )
    make_report(remix.requester, remix, reason="other", status=Report.Status.DISMISSED)
    for days_ago in (0, 0, 2, 20):
        ModerationAction.objects.create(
            moderator=moderator,
            action="takedown",
            note="n",
            target="t",
            created_at=now - dt.timedelta(days=days_ago),
        )
    figures = selectors.dashboard(days=14, now=now)
    assert figures.open_total == 3 and figures.escalated == 1
    assert {bar.label: bar.count for bar in figures.by_reason}["Deepfake or impersonation"] == 2
    assert [bar.count for bar in figures.by_age] == [1, 0, 1, 1]
    assert len(figures.takedowns) == 14 and figures.takedown_total == 3
    assert figures.takedowns[-1] == (timezone.localdate(now), 2)
    assert selectors.dashboard(days=30, now=now).takedown_total == 4


def test_the_page_draws_without_inline_styles_or_scripts(moderator_client, remix, viewer):
    make_report(viewer, remix)
    response = moderator_client.get(DASHBOARD)
    page = response.text
    assert response.status_code == 200
    assert 'data-testid="open-total">1<' in page and "<svg" in page and "<rect" in page
    assert "style=" not in page.split("<body", 1)[1]
    assert "<script>" not in page  # every script in admin is a file
    assert "style-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.parametrize("days", ["30", "14", "-1", "9999", "x", ""])
def test_any_days_parameter_is_fine(moderator_client, days):
    response = moderator_client.get(DASHBOARD, {"days": days})
    assert response.status_code == 200
    assert response.context["figures"].days == (30 if days == "30" else 14)
