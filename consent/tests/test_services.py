from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from consent import selectors, services
from consent.ledger import ledger_verify
from consent.models import CreatorPolicy, LedgerEntry, VideoOverride
from consent.selection import Selection
from consent.tests.factories import ALLOW, CAPTION, CAPTION_FACE, DENY, INHERIT, policy
from creatorhub.accounts.services import follow_set
from creatorhub.accounts.tests.factories import make_user
from creatorhub.videos.models import Video
from creatorhub.videos.selectors import LibraryFilter
from creatorhub.videos.tests.factories import make_video, make_videos

pytestmark = pytest.mark.django_db


def allowed_count(owner) -> int:
    return selectors.allowed_for(Video.objects.filter(owner=owner), allowed=True).count()


def test_everything_starts_not_allowed(creator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from creatorhub.videos import imports

    make_videos(creator, 30)
    call_command("seed_demo", videos=5, creators=1)
    staged, _ = imports.import_stage(
        owner=creator, file=SimpleUploadedFile("x.csv", b"title\nImported one\n")
    )
    imports.import_commit(staged=staged)
    policy_row = CreatorPolicy.objects.get(creator=creator)
    assert (policy_row.remix_allowed, policy_row.training_allowed, policy_row.remix_scopes) == (
        False,
        False,
        0,
    )
    annotated = selectors.with_effective_consent(Video.objects.all())
    assert annotated.filter(title="Imported one").exists()
    assert annotated.count() > 31
    assert not annotated.filter(consent_allowed=True).exists()
    assert not annotated.filter(consent_training=True).exists()
    assert not VideoOverride.objects.exists()


def test_a_user_without_a_policy_row_is_still_denied(creator):
    video = make_video(creator)
    CreatorPolicy.objects.filter(creator=creator).delete()
    assert selectors.video_consent(video=video).allowed is False
    assert allowed_count(creator) == 0


def test_account_switch_covers_the_library_without_touching_video_rows(creator):
    make_videos(creator, 200)
    result = services.consent_set_policy(creator=creator, actor=creator, change=policy())
    assert allowed_count(creator) == 200
    assert not VideoOverride.objects.exists()
    assert result.entry.action == LedgerEntry.Action.ACCOUNT
    assert result.entry.payload["policy"]["after"]["remix_allowed"] is True
    services.consent_set_policy(creator=creator, actor=creator, change=policy(allowed=False))
    assert allowed_count(creator) == 0


def test_allowing_needs_at_least_one_scope(creator):
    with pytest.raises(services.ConsentError, match="at least one kind"):
        services.consent_set_policy(creator=creator, actor=creator, change=policy(scopes=0))
    assert not LedgerEntry.objects.exists()


def test_exceptions_survive_the_switch_unless_cleared(creator):
    make_videos(creator, 10)
    first_three = (
        Video.objects.filter(owner=creator).order_by("id").values_list("id", flat=True)[:3]
    )
    kept = Video.objects.filter(id__in=list(first_three))
    services.consent_set_videos(creator=creator, actor=creator, videos=kept, state=DENY)
    services.consent_set_policy(creator=creator, actor=creator, change=policy())
    assert allowed_count(creator) == 7
    result = services.consent_set_policy(
        creator=creator, actor=creator, change=policy(), clear_exceptions=True
    )
    assert result.selected == 3
    assert allowed_count(creator) == 10
    assert not VideoOverride.objects.exists()


def test_bulk_over_a_filter_only_touches_matching_videos(creator, other_creator):
    make_videos(creator, 40, tag="travel")
    make_videos(creator, 25, tag="food")
    make_videos(other_creator, 10, tag="travel")
    services.consent_set_policy(creator=creator, actor=creator, change=policy())
    result = services.consent_set_selection(
        creator=creator,
        actor=creator,
        selection=Selection.parse(filters=LibraryFilter(tag="travel")),
        state=DENY,
    )
    assert (result.selected, result.changed) == (40, 40)
    assert allowed_count(creator) == 25
    assert not VideoOverride.objects.filter(creator=other_creator).exists()
    assert result.entry.payload["selection"] == {
        "filter": {"q": "", "tag": "travel", "created_after": None, "created_before": None}
    }


def test_foreign_ids_reject_the_whole_selection(creator, other_creator):
    mine = make_video(creator)
    theirs = make_video(other_creator)
    with pytest.raises(services.ConsentError, match="1 of the selected ids"):
        services.consent_set_selection(
            creator=creator,
            actor=creator,
            selection=Selection.parse(ids=[mine.public_id, theirs.public_id]),
            state=DENY,
        )
    assert not LedgerEntry.objects.exists()
    with pytest.raises(services.ConsentError, match="Select at least one"):
        Selection.parse(ids=[])
    with pytest.raises(services.ConsentError, match="exactly one of"):
        Selection.parse(everything=True, ids=[mine.public_id])


def test_consent_set_videos_ignores_videos_of_others_passed_in(creator, other_creator):
    theirs = make_video(other_creator)
    result = services.consent_set_videos(
        creator=creator, actor=creator, videos=Video.objects.filter(id=theirs.id), state=DENY
    )
    assert result.selected == 0
    assert not VideoOverride.objects.exists()


def test_allow_override_inherits_or_sets_scopes_and_audience(creator, viewer):
    video = make_video(creator)
    with pytest.raises(services.ConsentError, match="Choose at least one kind"):
        services.consent_set_videos(
            creator=creator, actor=creator, videos=Video.objects.filter(id=video.id), state=ALLOW
        )
    services.consent_set_videos(
        creator=creator,
        actor=creator,
        videos=Video.objects.filter(id=video.id),
        state=type(ALLOW)("allow", CAPTION_FACE, "followers"),
    )
    consent = selectors.video_consent(video=video)
    assert (consent.allowed, consent.scope_names, consent.audience, consent.source) == (
        True,
        ["caption", "face"],
        "followers",
        "video",
    )
    assert not selectors.remix_permission(user=viewer, video=video, scopes=CAPTION).allowed
    follow_set(follower=viewer, followed=creator, following=True)
    assert selectors.remix_permission(user=viewer, video=video, scopes=CAPTION).allowed
    background = 2
    decision = selectors.remix_permission(user=viewer, video=video, scopes=background)
    assert not decision.allowed and "background" in decision.reason


def test_remix_permission_rules(creator, viewer, anon_client):
    from django.contrib.auth.models import AnonymousUser

    video = make_video(creator)
    assert not selectors.remix_permission(user=viewer, video=video, scopes=CAPTION).allowed
    assert selectors.remix_permission(user=creator, video=video, scopes=CAPTION).allowed
    services.consent_set_policy(creator=creator, actor=creator, change=policy(audience="nobody"))
    decision = selectors.remix_permission(user=viewer, video=video, scopes=CAPTION)
    assert not decision.allowed and "nobody" in decision.reason
    services.consent_set_policy(creator=creator, actor=creator, change=policy())
    assert selectors.remix_permission(user=viewer, video=video, scopes=CAPTION).allowed
    assert not selectors.remix_permission(user=AnonymousUser(), video=video, scopes=CAPTION).allowed


def test_undo_restores_mixed_previous_states_exactly(creator):
    make_videos(creator, 30, tag="t")
    ids = list(Video.objects.filter(owner=creator).order_by("id").values_list("id", flat=True))
    services.consent_set_policy(creator=creator, actor=creator, change=policy())
    services.consent_set_videos(
        creator=creator, actor=creator, videos=Video.objects.filter(id__in=ids[:5]), state=DENY
    )
    services.consent_set_videos(
        creator=creator,
        actor=creator,
        videos=Video.objects.filter(id__in=ids[10:12]),
        state=type(ALLOW)("allow", CAPTION_FACE, None),
    )
    snapshot = set(VideoOverride.objects.values_list("video_id", "remix", "scopes", "audience"))
    result = services.consent_set_videos(
        creator=creator, actor=creator, videos=Video.objects.filter(owner=creator), state=DENY
    )
    assert VideoOverride.objects.count() == 30
    undo = services.consent_undo(creator=creator, actor=creator, seq=result.entry.seq)
    assert undo.entry.action == LedgerEntry.Action.UNDO
    assert undo.entry.payload["undoes"] == result.entry.seq
    assert set(VideoOverride.objects.values_list("video_id", "remix", "scopes", "audience")) == (
        snapshot
    )
    with pytest.raises(services.ConsentError, match="itself an undo"):
        services.consent_undo(creator=creator, actor=creator, seq=undo.entry.seq)
    with pytest.raises(services.ConsentError, match="Only the newest change that is not undone"):
        services.consent_undo(creator=creator, actor=creator, seq=result.entry.seq)


def test_repeated_undo_walks_back_one_change_at_a_time(creator):
    make_videos(creator, 3)
    first, second, third = Video.objects.filter(owner=creator).order_by("id")
    steps = [
        services.consent_set_policy(creator=creator, actor=creator, change=policy()),
        services.consent_set_videos(
            creator=creator, actor=creator, videos=Video.objects.filter(id=first.id), state=DENY
        ),
        services.consent_set_videos(
            creator=creator, actor=creator, videos=Video.objects.filter(id=second.id), state=DENY
        ),
    ]
    assert services.undo_target(creator=creator) == steps[2].entry
    with pytest.raises(services.ConsentError, match="Only the newest"):
        services.consent_undo(creator=creator, actor=creator, seq=steps[1].entry.seq)
    services.consent_undo(creator=creator, actor=creator, seq=steps[2].entry.seq)
    assert services.undo_target(creator=creator) == steps[1].entry
    services.consent_undo(creator=creator, actor=creator, seq=steps[1].entry.seq)
    assert not VideoOverride.objects.filter(creator=creator).exists()
    assert CreatorPolicy.objects.get(creator=creator).remix_allowed is True
    # A new change goes on top; Undo reverts it first, then the switch.
    fresh = services.consent_set_videos(
        creator=creator, actor=creator, videos=Video.objects.filter(id=third.id), state=DENY
    )
    assert services.undo_target(creator=creator) == fresh.entry
    services.consent_undo(creator=creator, actor=creator, seq=fresh.entry.seq)
    services.consent_undo(creator=creator, actor=creator, seq=steps[0].entry.seq)
    assert CreatorPolicy.objects.get(creator=creator).remix_allowed is False
    assert services.undo_target(creator=creator) is None
    assert ledger_verify().ok


def test_undo_is_written_like_any_change_entry_first_then_the_rows_it_restores(creator):
    make_videos(creator, 6)
    ids = list(Video.objects.filter(owner=creator).order_by("id").values_list("id", flat=True))

    def change(state, chosen):
        return services.consent_set_videos(
            creator=creator, actor=creator, videos=Video.objects.filter(id__in=chosen), state=state
        )

    def undo(result):
        return services.consent_undo(creator=creator, actor=creator, seq=result.entry.seq)

    services.consent_set_policy(creator=creator, actor=creator, change=policy())
    first_undo = undo(change(DENY, ids[:4]))
    everything = change(DENY, ids)
    partial = change(ALLOW, ids[:3])
    second_undo = undo(partial)
    seqs = LedgerEntry.objects.filter(creator=creator).order_by("seq").values_list("seq", flat=True)
    # One sequence, no gaps, undos included; the policy row's head is the newest.
    assert list(seqs) == [1, 2, 3, 4, 5, 6]
    assert (first_undo.entry.seq, everything.entry.seq, second_undo.entry.seq) == (3, 4, 6)
    assert CreatorPolicy.objects.get(creator=creator).ledger_seq == 6
    # The rows an undo restores carry the undo's own seq, as every change's rows carry theirs.
    restored = VideoOverride.objects.filter(video_id__in=ids[:3])
    assert set(restored.values_list("remix", "ledger_seq")) == {(DENY.remix, 6)}
    untouched = VideoOverride.objects.filter(video_id__in=ids[3:])
    assert set(untouched.values_list("ledger_seq", flat=True)) == {4}
    assert ledger_verify().ok


def test_a_change_that_changes_nothing_records_nothing(creator):
    make_videos(creator, 4)
    services.consent_set_policy(creator=creator, actor=creator, change=policy())
    denied = services.consent_set_videos(
        creator=creator, actor=creator, videos=Video.objects.filter(owner=creator), state=DENY
    )
    again = services.consent_set_videos(
        creator=creator, actor=creator, videos=Video.objects.filter(owner=creator), state=DENY
    )
    switch = services.consent_set_policy(
        creator=creator, actor=creator, change=policy(), clear_exceptions=False
    )
    assert (again.entry, again.selected, again.changed) == (None, 4, 0)
    assert switch.entry is None
    head = CreatorPolicy.objects.get(creator=creator)
    assert head.ledger_seq == denied.entry.seq == LedgerEntry.objects.count()
    # Clearing the exceptions is a change, even with the switch as it was.
    cleared = services.consent_set_policy(
        creator=creator, actor=creator, change=policy(), clear_exceptions=True
    )
    assert (cleared.entry.seq, cleared.selected) == (head.ledger_seq + 1, 4)
    assert cleared.entry.payload["inheriting"] == 4


def test_undo_of_the_account_switch_restores_the_policy(creator):
    first = services.consent_set_policy(creator=creator, actor=creator, change=policy())
    services.consent_undo(creator=creator, actor=creator, seq=first.entry.seq)
    assert CreatorPolicy.objects.get(creator=creator).remix_allowed is False


def test_undo_of_someone_elses_seq_is_not_found(creator, other_creator):
    services.consent_set_policy(creator=other_creator, actor=other_creator, change=policy())
    with pytest.raises(services.ConsentError, match="no such change"):
        services.consent_undo(creator=creator, actor=creator, seq=1)


@pytest.mark.parametrize("size", [100, 2000])
def test_query_counts_do_not_depend_on_library_size(creator, size, django_assert_num_queries):
    make_videos(creator, size, tag="all")
    # get policy, lock it, work_mem for the snapshot (PostgreSQL), snapshot groups, ledger
    # insert, insert of the overrides, policy save, plus the savepoint pair of the nested
    # atomic block, and the remixer's in-transaction read of what the change revokes (nothing
    # here); the switch has no snapshot or override write, but counts the videos that follow
    # it (library counter, exceptions) for the ledger.
    videos = Selection.parse(filters=LibraryFilter(tag="all")).videos(owner=creator)
    with django_assert_num_queries(10 if connection.vendor == "postgresql" else 9):
        services.consent_set_videos(creator=creator, actor=creator, videos=videos, state=DENY)
    with django_assert_num_queries(9):
        services.consent_set_policy(creator=creator, actor=creator, change=policy())


def test_state_at_a_past_instant(creator):
    import datetime as dt

    from django.utils import timezone

    video = make_video(creator)
    video.added_at = timezone.now() - dt.timedelta(days=1)
    video.save(update_fields=["added_at"])
    t0 = timezone.now()
    services.consent_set_policy(creator=creator, actor=creator, change=policy())
    t1 = timezone.now()
    services.consent_set_videos(
        creator=creator, actor=creator, videos=Video.objects.filter(id=video.id), state=DENY
    )
    t2 = timezone.now()
    assert selectors.video_consent_at(video=video, at=t0).allowed is False
    assert selectors.video_consent_at(video=video, at=t1).allowed is True
    at_t2 = selectors.video_consent_at(video=video, at=t2)
    assert (at_t2.allowed, at_t2.source, at_t2.ledger_seq) == (False, "video", 2)
    assert selectors.video_consent_at(video=video, at=t0 - dt.timedelta(days=2)) is None


def test_every_change_is_one_chained_entry(creator):
    make_videos(creator, 5)
    services.consent_set_policy(creator=creator, actor=creator, change=policy())
    services.consent_set_videos(
        creator=creator, actor=creator, videos=Video.objects.filter(owner=creator), state=DENY
    )
    entries = list(LedgerEntry.objects.filter(creator=creator).order_by("seq"))
    assert [e.seq for e in entries] == [1, 2]
    assert entries[1].prev_hash == entries[0].hash
    assert entries[0].prev_hash == "0" * 64
    head = CreatorPolicy.objects.get(creator=creator)
    assert (head.ledger_seq, head.ledger_head) == (2, entries[1].hash)


def test_changes_announce_the_entry_on_commit(creator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        services.consent_set_policy(creator=creator, actor=creator, change=policy())
    assert len(callbacks) == 1


def test_a_broker_failure_never_undoes_the_change(
    creator, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    from kombu.exceptions import OperationalError

    from creatorhub.celery import app

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(app, "send_task", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.consent_set_policy(creator=creator, actor=creator, change=policy())
    assert CreatorPolicy.objects.get(creator=creator).remix_allowed
    assert LedgerEntry.objects.filter(id=result.entry.id).exists()
    assert "Could not enqueue consent.tasks.consent_changed" in caplog.text


def test_a_moderator_change_records_the_moderator(creator, moderator):
    result = services.consent_set_policy(
        creator=creator,
        actor=moderator,
        change=policy(allowed=False),
        action=LedgerEntry.Action.MODERATOR,
        reason="Reported impersonation",
    )
    assert (result.entry.actor, result.entry.reason) == (moderator, "Reported impersonation")


def test_new_users_get_a_denying_policy():
    user = make_user("fresh")
    assert CreatorPolicy.objects.filter(creator=user, remix_allowed=False).exists()


def test_fragmented_selections_use_the_bulk_range_path(creator, other_creator):
    from consent.idsets import INLINE_RANGES

    for _ in range(INLINE_RANGES + 20):  # interleave ids: every video is its own range
        make_video(creator)
        make_video(other_creator)
    services.consent_set_policy(creator=other_creator, actor=other_creator, change=policy())
    result = services.consent_set_videos(
        creator=creator, actor=creator, videos=Video.objects.filter(owner=creator), state=DENY
    )
    assert len(result.entry.payload["changes"][0]["ids"]) == INLINE_RANGES + 20
    assert VideoOverride.objects.filter(creator=creator, remix="deny").count() == INLINE_RANGES + 20
    assert not VideoOverride.objects.filter(creator=other_creator).exists()
    services.consent_set_videos(
        creator=creator, actor=creator, videos=Video.objects.filter(owner=creator), state=INHERIT
    )
    assert not VideoOverride.objects.exists()
    services.consent_undo(creator=creator, actor=creator, seq=2)
    assert VideoOverride.objects.filter(remix="deny").count() == INLINE_RANGES + 20
