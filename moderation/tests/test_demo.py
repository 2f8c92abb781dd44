from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from creatorhub.accounts.models import User
from moderation.models import Report
from remixer.models import Remix

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_a_working_moderator_and_open_reports_once(client):
    call_command("seed_demo", videos=5, creators=0, stdout=None)
    moderator = User.objects.get(username="moderator")
    assert moderator.is_staff and moderator.groups.filter(name="Moderators").exists()
    assert moderator.has_perm("moderation.change_report")
    open_reports = Report.objects.filter(status__in=Report.UNRESOLVED)
    assert open_reports.count() == 2
    assert set(Remix.objects.values_list("status", flat=True)) == {"published"}

    call_command("seed_demo", videos=5, creators=0, stdout=None)
    assert open_reports.count() == 2 and Remix.objects.count() == 2

    # Through the login page: django-axes needs the request that Client.login() does not pass.
    login = client.post(reverse("login"), {"username": "moderator", "password": "moderator"})
    assert login.status_code == 302
    page = client.get(reverse("admin:moderation_dashboard"))
    assert page.status_code == 200 and page.context["figures"].open_total == 2
