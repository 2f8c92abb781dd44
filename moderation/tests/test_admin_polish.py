"""The admin as moderators read it: named for the product, reporters as @handles."""

from __future__ import annotations

import pytest
from django.urls import reverse

from moderation.tests.factories import make_report

pytestmark = pytest.mark.django_db


def test_admin_names_the_product(moderator_client):
    page = moderator_client.get(reverse("admin:index")).text
    assert "Creator Hub moderation" in page
    assert "Django administration" not in page


def test_report_queue_shows_reporters_as_handles(moderator_client, viewer, remix):
    make_report(viewer, remix)
    page = moderator_client.get(reverse("admin:moderation_report_changelist")).text
    assert '<td class="field-reporter_handle">@viewer</td>' in page


def test_report_queue_shows_status_and_age_in_one_column(moderator_client, viewer, remix):
    make_report(viewer, remix)
    page = moderator_client.get(reverse("admin:moderation_report_changelist")).text
    assert '<td class="field-status_and_age">Open<br><small>0\xa0minutes old</small></td>' in page
