"""Who reaches moderation: the Moderators group, exactly; nobody else."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from consent.models import LedgerEntry
from creatorhub.accounts.tests.factories import make_user
from moderation.models import ModerationAction, Report
from moderation.roles import MODERATOR_PERMISSIONS, MODERATORS
from moderation.tests.factories import make_report

pytestmark = pytest.mark.django_db

MODERATION_PAGES = [
    "admin:moderation_report_changelist",
    "admin:moderation_dashboard",
    "admin:moderation_moderationaction_changelist",
    "admin:remixer_remix_changelist",
    "admin:consent_ledgerentry_changelist",
    "admin:consent_creatorpolicy_changelist",
    "admin:consent_videooverride_changelist",
    "admin:videos_video_changelist",
    "admin:accounts_user_changelist",
]


def test_the_group_has_exactly_the_moderation_permissions():
    group = Group.objects.get(name=MODERATORS)
    granted = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert granted == set(MODERATOR_PERMISSIONS)
    # Nothing that adds or deletes (except clearing a login lockout, which is how axes unlocks),
    # and no write to consent or the ledger.
    deletes = {perm for perm in granted if perm[1].startswith(("add_", "delete_"))}
    assert deletes == {("axes", "delete_accessattempt")}
    assert not {("consent", "change_ledgerentry"), ("consent", "change_creatorpolicy")} & granted


@pytest.mark.parametrize("page", MODERATION_PAGES)
def test_a_moderator_reaches_every_moderation_page(moderator_client, page):
    response = moderator_client.get(reverse(page))
    assert response.status_code == 200


def test_a_moderator_sees_moderation_on_the_admin_index(moderator_client):
    page = moderator_client.get(reverse("admin:index")).text
    assert "Moderation dashboard" in page and "Reports" in page


@pytest.mark.parametrize("page", MODERATION_PAGES)
def test_staff_outside_the_group_get_403(db, page):
    client = Client()
    client.force_login(make_user("staffer", is_staff=True))
    assert client.get(reverse(page)).status_code == 403


def test_staff_outside_the_group_see_nothing_of_moderation_on_the_index(db):
    client = Client()
    client.force_login(make_user("staffer", is_staff=True))
    page = client.get(reverse("admin:index")).text
    assert "have permission to view or edit anything" in page
    for text in ("Moderation", "/admin/moderation/", "/admin/remixer/", "/admin/consent/"):
        assert text not in page


@pytest.mark.parametrize("page", MODERATION_PAGES)
def test_creators_and_visitors_are_sent_to_the_admin_login(creator_client, anon_client, page):
    for client in (creator_client, anon_client):
        response = client.get(reverse(page))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_actions_are_refused_without_the_permission(db, remix, viewer):
    report = make_report(viewer, remix)
    # Staff who may look at the queue, but not change it: the action is refused.
    staffer = make_user("staffer", is_staff=True)
    staffer.user_permissions.add(Permission.objects.get(codename="view_report"))
    client = Client()
    client.force_login(staffer)
    assert client.get(reverse("admin:moderation_report_changelist")).status_code == 200
    client.post(
        reverse("admin:moderation_report_changelist"),
        {
            "action": "take_down",
            "_selected_action": [report.pk],
            "index": 0,
            "apply": "yes",
            "note": "Harassment.",
        },
    )
    assert Report.objects.get().status == Report.Status.OPEN
    assert not ModerationAction.objects.exists()


def test_superusers_cannot_add_change_or_delete_ledger_entries(db, creator):
    admin_user = make_user("root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin_user)
    entry = LedgerEntry.objects.filter(creator=creator).first() or _entry(creator)
    change_url = reverse("admin:consent_ledgerentry_change", args=[entry.pk])
    page = client.get(change_url)
    assert page.status_code == 200  # a view-only page
    assert 'name="_save"' not in page.text
    before = entry.hash
    assert client.post(change_url, {"reason": "rewritten"}).status_code == 403
    assert client.get(reverse("admin:consent_ledgerentry_add")).status_code == 403
    delete_url = reverse("admin:consent_ledgerentry_delete", args=[entry.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    response = client.post(
        reverse("admin:consent_ledgerentry_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert response.status_code == 302  # no such action: back to the list, nothing done
    entry.refresh_from_db()
    assert entry.hash == before and entry.reason == ""
    model_admin = client.get(reverse("admin:consent_ledgerentry_changelist")).context["cl"]
    admin_class = model_admin.model_admin
    request = page.wsgi_request
    assert not admin_class.has_add_permission(request)
    assert not admin_class.has_change_permission(request, entry)
    assert not admin_class.has_delete_permission(request, entry)
    assert "delete_selected" not in admin_class.get_actions(request)


def _entry(creator) -> LedgerEntry:
    from consent import services
    from consent.tests.factories import policy

    return services.consent_set_policy(creator=creator, actor=creator, change=policy()).entry
