from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from consent import services
from consent.ledger import ledger_verify
from consent.models import LedgerEntry
from consent.tests.factories import DENY, policy
from creatorhub.videos.models import Video
from creatorhub.videos.tests.factories import make_videos

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(creator, other_creator):
    make_videos(creator, 20)
    services.consent_set_policy(creator=creator, actor=creator, change=policy())
    services.consent_set_videos(
        creator=creator, actor=creator, videos=Video.objects.filter(owner=creator), state=DENY
    )
    services.consent_set_policy(creator=creator, actor=creator, change=policy(allowed=False))
    services.consent_set_policy(creator=other_creator, actor=other_creator, change=policy())
    return list(LedgerEntry.objects.filter(creator=creator).order_by("seq"))


def behind_the_orms_back(sql: str, params: tuple = ()) -> None:
    """Tamper as someone with database access would: triggers off, raw SQL."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def test_intact_chain_verifies(chain, capsys):
    assert ledger_verify().ok
    call_command("verify_ledger")
    assert "Ledger intact: 4 entries verified" in capsys.readouterr().out


@pytest.mark.parametrize(
    "tamper",
    [
        "update_reason",
        "update_count",
        "update_payload",
        "delete_middle",
        "delete_last",
        "swap",
    ],
)
def test_any_single_tampering_is_detected_and_named(chain, tamper):
    first, second, third = chain
    if tamper == "update_reason":
        behind_the_orms_back(
            "UPDATE consent_ledgerentry SET reason = 'nothing happened' WHERE id = %s", (second.id,)
        )
        bad = second
    elif tamper == "update_count":
        behind_the_orms_back(
            "UPDATE consent_ledgerentry SET affected = 12345 WHERE id = %s", (first.id,)
        )
        bad = first
    elif tamper == "update_payload":
        behind_the_orms_back(
            "UPDATE consent_ledgerentry SET payload = %s WHERE id = %s",
            ('{"policy": null, "changes": []}', third.id),
        )
        bad = third
    elif tamper == "delete_middle":
        behind_the_orms_back("DELETE FROM consent_ledgerentry WHERE id = %s", (second.id,))
        bad = third
    elif tamper == "delete_last":
        behind_the_orms_back("DELETE FROM consent_ledgerentry WHERE id = %s", (third.id,))
        bad = None
    else:  # swap the contents of two entries by swapping their sequence numbers
        behind_the_orms_back(
            "UPDATE consent_ledgerentry SET seq = CASE WHEN id = %s THEN %s ELSE %s END "
            "WHERE id IN (%s, %s)",
            (first.id, 999, 998, first.id, second.id),
        )
        behind_the_orms_back(
            "UPDATE consent_ledgerentry SET seq = CASE WHEN seq = 999 THEN 2 ELSE 1 END "
            "WHERE id IN (%s, %s)",
            (first.id, second.id),
        )
        bad = second
    result = ledger_verify()
    assert not result.ok
    if bad is not None:
        assert f"entry id={bad.id}" in result.problem
    else:
        assert "entries were removed" in result.problem
    with pytest.raises(CommandError, match="Ledger check FAILED"):
        call_command("verify_ledger")


def test_orm_refuses_changes_and_deletes(chain):
    entry = chain[0]
    entry.reason = "edited"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        LedgerEntry.objects.filter(id=entry.id).update(reason="x")
    with pytest.raises(PermissionError):
        LedgerEntry.objects.filter(id=entry.id).delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_database_refuses_changes_and_deletes(chain):
    for sql in (
        "UPDATE consent_ledgerentry SET reason = 'x' WHERE id = %s",
        "DELETE FROM consent_ledgerentry WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, (chain[0].id,))
    assert ledger_verify().ok


def test_creator_with_history_cannot_be_hard_deleted(chain, creator):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        creator.delete()


@pytest.mark.parametrize("target", ["override", "policy", "extra_override"])
def test_live_state_that_differs_from_the_ledger_is_detected(chain, creator, target):
    video = Video.objects.filter(owner=creator).order_by("id").first()
    if target == "override":
        behind_the_orms_back(
            "UPDATE consent_videooverride SET remix = 'allow', scopes = 1 WHERE video_id = %s",
            (video.id,),
        )
    elif target == "policy":
        behind_the_orms_back(
            "UPDATE consent_creatorpolicy SET remix_allowed = TRUE WHERE creator_id = %s",
            (creator.id,),
        )
    else:
        behind_the_orms_back("DELETE FROM consent_videooverride WHERE video_id = %s", (video.id,))
    result = ledger_verify()
    assert not result.ok
    assert f"creator {creator.id}" in result.problem
    assert "differs from its ledger" in result.problem


@pytest.mark.parametrize("target", ["policy", "extra_override"])
def test_live_state_is_checked_for_every_creator_not_only_the_first(
    chain, creator, other_creator, target
):
    make_videos(other_creator, 3)
    video = Video.objects.filter(owner=other_creator).first()
    assert ledger_verify().ok
    if target == "policy":
        behind_the_orms_back(
            "UPDATE consent_creatorpolicy SET remix_allowed = FALSE WHERE creator_id = %s",
            (other_creator.id,),
        )
    else:
        behind_the_orms_back(
            "INSERT INTO consent_videooverride"
            " (video_id, creator_id, remix, scopes, audience, ledger_seq, updated_at)"
            " VALUES (%s, %s, 'deny', NULL, NULL, 1, CURRENT_TIMESTAMP)",
            (video.id, other_creator.id),
        )
    result = ledger_verify()
    assert not result.ok
    assert result.problem.startswith(f"creator {other_creator.id}: ")
    assert "differs from its ledger" in result.problem
