from __future__ import annotations

import json

import pytest
from django.urls import reverse

from consent import services
from consent.idsets import VideoState
from consent.models import CreatorPolicy, LedgerEntry, VideoOverride
from consent.tests.factories import DENY, policy
from creatorhub.videos.models import Video
from creatorhub.videos.tests.factories import make_video, make_videos

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


def test_consent_page_shows_reach_and_exceptions(creator_client, creator):
    make_videos(creator, 12)
    first_two = list(Video.objects.filter(owner=creator).values_list("id", flat=True)[:2])
    services.consent_set_videos(
        creator=creator,
        actor=creator,
        videos=Video.objects.filter(id__in=first_two),
        state=VideoState("deny"),
    )
    page = creator_client.get(reverse("consent:page"))
    assert "Applies to <strong>10</strong> videos" in page.text
    assert "Also clear the 2 per-video exceptions" in page.text
    assert "Save for all 12 videos" in page.text


def test_account_switch_by_htmx_answers_status_and_event(creator_client, creator):
    make_videos(creator, 5)
    response = creator_client.post(
        reverse("consent:page"),
        {
            "remix_allowed": "1",
            "scopes": ["caption"],
            "audience": "everyone",
            "training_allowed": "0",
        },
        headers=HX,
    )
    assert response.status_code == 200
    assert (
        "Saved as change #1. Remixes: not allowed → allowed (caption; everyone). "
        "It applies to 5 videos that follow your account default."
    ) in response.text
    assert json.loads(response.headers["HX-Trigger"]) == {"consentChanged": {"seq": 1}}
    assert CreatorPolicy.objects.get(creator=creator).remix_allowed
    # The form comes back fresh with the answer, out of band: nothing refetches it.
    assert '<section id="policy" class="card" hx-swap-oob="true"' in response.text


def test_saving_the_switch_unchanged_says_so_and_records_nothing(creator_client, creator):
    data = {"remix_allowed": "1", "scopes": ["caption"], "audience": "everyone"}
    data["training_allowed"] = "0"
    creator_client.post(reverse("consent:page"), data, headers=HX)
    response = creator_client.post(reverse("consent:page"), data, headers=HX)
    assert "Nothing changed: these are already your settings." in response.text
    assert "HX-Trigger" not in response.headers
    assert LedgerEntry.objects.filter(creator=creator).count() == 1


def test_undo_offers_the_change_before_it(creator_client, creator):
    make_videos(creator, 2)
    first = services.consent_set_policy(creator=creator, actor=creator, change=policy())
    second = services.consent_set_videos(
        creator=creator, actor=creator, videos=Video.objects.filter(owner=creator), state=DENY
    )
    response = creator_client.post(reverse("consent:undo", args=[second.entry.seq]), headers=HX)
    assert f"Undone: change #{second.entry.seq} was reverted for 2 videos." in response.text
    assert f"Undo change #{first.entry.seq} too" in response.text
    assert json.loads(response.headers["HX-Trigger"]) == {
        "consentChanged": {"seq": 3},
        "consentUndone": {"seq": 3},
    }


def test_account_switch_bad_input_changes_nothing(creator_client, creator):
    response = creator_client.post(
        reverse("consent:page"),
        {"remix_allowed": "1", "scopes": [], "audience": "martians", "training_allowed": "2"},
        headers=HX,
    )
    assert response.status_code == 422
    assert "Choose at least one kind" in response.text
    assert not LedgerEntry.objects.exists()


def test_bulk_all_matching_filter(creator_client, creator):
    make_videos(creator, 30, tag="travel")
    make_videos(creator, 5, tag="food")
    response = creator_client.post(
        reverse("consent:bulk"),
        {"select_all_matching": "1", "filter_tag": "travel", "remix": "deny"},
        headers=HX,
    )
    assert "AI remixes not allowed for 30 videos" in response.text
    assert VideoOverride.objects.filter(remix="deny").count() == 30
    assert "consentChanged" in response.headers["HX-Trigger"]


def test_bulk_ids_of_someone_else_changes_nothing(creator_client, creator, other_creator):
    mine, theirs = make_video(creator), make_video(other_creator)
    response = creator_client.post(
        reverse("consent:bulk"),
        {"ids": [mine.public_id, theirs.public_id], "remix": "deny"},
        headers=HX,
    )
    assert response.status_code == 422
    assert "nothing was changed" in response.text
    assert not VideoOverride.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"remix": "deny"},
        {"ids": ["x"], "remix": "explode"},
        {"select_all_matching": "1", "remix": "deny", "filter_after": "nope"},
    ],
)
def test_bulk_bad_input(creator_client, creator, data):
    make_video(creator)
    response = creator_client.post(reverse("consent:bulk"), data, headers=HX)
    assert response.status_code == 422
    assert not LedgerEntry.objects.exists()


def test_bulk_without_htmx_redirects_back_with_a_message(creator_client, creator):
    make_videos(creator, 3)
    response = creator_client.post(
        reverse("consent:bulk"), {"select_all_matching": "1", "remix": "deny"}, follow=True
    )
    assert "AI remixes not allowed for 3 videos" in response.text


def test_single_video_toggle_and_404_for_others(creator_client, other_client, creator):
    video = make_video(creator)
    url = reverse("consent:video", args=[video.public_id])
    assert other_client.post(url, {"remix": "deny"}).status_code == 404
    response = creator_client.post(url, {"video_remix": "deny"}, headers=HX)
    assert response.status_code == 200
    assert VideoOverride.objects.get(video=video).remix == "deny"
    entry = LedgerEntry.objects.get()
    assert entry.action == "video"


def test_undo_via_view(creator_client, creator):
    make_videos(creator, 4)
    creator_client.post(
        reverse("consent:bulk"), {"select_all_matching": "1", "remix": "deny"}, headers=HX
    )
    response = creator_client.post(reverse("consent:undo", args=[1]), headers=HX)
    assert "Undone" in response.text
    assert not VideoOverride.objects.exists()
    again = creator_client.post(reverse("consent:undo", args=[2]), headers=HX)
    assert again.status_code == 422


def test_summary_counts(creator_client, creator):
    make_videos(creator, 10, tag="a")
    services.consent_set_policy(creator=creator, actor=creator, change=policy())
    services.consent_set_videos(
        creator=creator,
        actor=creator,
        videos=Video.objects.filter(id__in=list(Video.objects.values_list("id", flat=True)[:4])),
        state=VideoState("deny"),
    )
    text = creator_client.get(reverse("consent:summary"), {"tag": "a"}).text
    assert '<strong data-testid="allowed-count">6</strong>' in text
    assert '<strong data-testid="denied-count">4</strong>' in text


def test_history_export_and_video_history(creator_client, other_client, creator):
    video = make_video(creator, title="Tracked")
    services.consent_set_policy(creator=creator, actor=creator, change=policy())
    services.consent_set_videos(
        creator=creator,
        actor=creator,
        videos=Video.objects.filter(id=video.id),
        state=VideoState("deny"),
        action="video",
    )
    assert "Single video" in creator_client.get(reverse("consent:history")).text
    csv_text = b"".join(
        creator_client.get(reverse("consent:export_csv")).streaming_content
    ).decode()
    assert csv_text.splitlines()[0].startswith("seq,created_at,action")
    assert len(csv_text.strip().splitlines()) == 3
    rows = json.loads(
        b"".join(creator_client.get(reverse("consent:export_json")).streaming_content)
    )
    assert [row["seq"] for row in rows] == [1, 2]
    history = creator_client.get(reverse("consent:video_history", args=[video.public_id])).text
    assert "not allowed for this video" in history
    assert "account default — allowed (caption; everyone)" in history
    assert (
        other_client.get(reverse("consent:video_history", args=[video.public_id])).status_code
        == 404
    )
    assert other_client.get(reverse("consent:history")).text.count("<tr>") == 0


def test_library_with_consent_column_keeps_a_fixed_query_count(
    creator_client, creator, django_assert_num_queries
):
    make_videos(creator, 1000, tag="t")
    services.consent_set_videos(
        creator=creator,
        actor=creator,
        videos=Video.objects.filter(owner=creator),
        state=VideoState("deny"),
    )
    # session, user, count (LibraryStats), videos, tags, overrides of the page, policy, tag list
    with django_assert_num_queries(8):
        page = creator_client.get(reverse("videos:library"), {"page": 4})
    assert page.text.count('<span class="badge">Not allowed</span>') == 50
    with django_assert_num_queries(7):
        creator_client.get(reverse("videos:library"), {"page": 4}, headers=HX)


def test_video_detail_has_the_consent_panel(creator_client, creator):
    video = make_video(creator)
    text = creator_client.get(video.get_absolute_url()).text
    assert 'id="video-consent"' in text and "from your account default" in text


def test_policy_form_errors_replace_the_form_region(creator_client):
    response = creator_client.post(
        reverse("consent:page"),
        {"remix_allowed": "1", "scopes": [], "audience": "everyone", "training_allowed": "0"},
        headers=HX,
    )
    assert response.status_code == 422
    assert response.headers["HX-Retarget"] == "#policy"
    assert response.headers["HX-Reswap"] == "outerHTML"
    assert response.text.lstrip().startswith('<section id="policy"')


def test_video_panel_keeps_inherited_details_and_nobody(creator_client, creator):
    video = make_video(creator)
    url = reverse("consent:video", args=[video.public_id])
    creator_client.post(url, {"remix": "allow", "scopes": ["face"], "audience": "nobody"})
    override = VideoOverride.objects.get(video=video)
    assert (override.scopes, override.audience) == (4, "nobody")
    panel = creator_client.get(video.get_absolute_url()).text
    assert '<option value="nobody" selected>' in panel
    assert 'name="inherit_details" value="on" checked' not in panel
    services.consent_set_policy(creator=creator, actor=creator, change=policy())
    creator_client.post(
        url, {"remix": "allow", "inherit_details": "on", "scopes": ["face"], "audience": "nobody"}
    )
    override.refresh_from_db()
    assert (override.scopes, override.audience) == (None, None)
    assert (
        'name="inherit_details" value="on" checked'
        in creator_client.get(video.get_absolute_url()).text
    )
