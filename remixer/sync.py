"""Keeping remixes in agreement with consent, set-based: hold what a change forbids, put held
remixes it allows again back on the queue as a Regeneration, close regenerations when their
renders are done, and requeue renders a lost message or a dead worker left behind. The
consent_changed receiver and the beat reconciler call these."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from consent.models import CreatorPolicy
from consent.selectors import with_remix_permission
from creatorhub.enqueue import enqueue_on_commit
from creatorhub.videos.services import media_files_delete
from remixer.models import Notification, Regeneration, Remix
from remixer.notifications import notify

LIVE = (Remix.Status.QUEUED, Remix.Status.RENDERING, Remix.Status.PUBLISHED)
PENDING = (Remix.Status.QUEUED, Remix.Status.RENDERING)
RENDER_CHUNK = 50
REVOKED_REASON = (
    "The creator no longer allows this remix; it will come back if they allow it again."
)


def _permitted(remixes: QuerySet[Remix]) -> QuerySet[Remix]:
    return with_remix_permission(
        remixes, video_prefix="video__", requester_field="requester_id", scopes_field="scopes"
    )


def _of_creator(creator_id: int | None) -> QuerySet[Remix]:
    remixes = Remix.objects.all()
    return remixes if creator_id is None else remixes.filter(video__owner_id=creator_id)


def remixes_sync_with_consent(
    *, creator_id: int | None = None, ledger_seq: int | None = None
) -> tuple[int, int]:
    """Make remixes agree with consent now, set-based: live remixes consent no longer allows
    are held and their files removed; held remixes consent allows again are queued as a
    Regeneration per creator. `ledger_seq` is the consent change being synced (recorded even
    when nothing returns, so the creator's page knows it has been looked at).
    Returns (held, requeued)."""
    with transaction.atomic():
        held = remixes_hold_revoked(creator_id=creator_id)
        returning: dict[int, list[int]] = defaultdict(list)
        for remix_id, owner_id in (
            _permitted(_of_creator(creator_id).filter(status=Remix.Status.HELD))
            .filter(consent_permitted=True)
            .values_list("id", "video__owner_id")
        ):
            returning[owner_id].append(remix_id)
        requeued = _regenerate(returning, ledger_seq=ledger_seq)
        if creator_id is not None and ledger_seq is not None and creator_id not in returning:
            Regeneration.objects.get_or_create(
                creator_id=creator_id,
                ledger_seq=ledger_seq,
                defaults={"finished_at": timezone.now()},
            )
    return held, requeued


def remixes_hold_revoked(*, creator_id: int | None = None) -> int:
    """Hold every live (queued, rendering, published) remix consent no longer allows, in one
    UPDATE whose rows the database picks with the effective-consent annotations; files are
    deleted and requesters told on commit. Runs inside each consent change's transaction (the
    consent_changing receiver), so a revocation never waits for the broker; the sync and the
    reconciler call it too. One read when nothing is affected; otherwise proportional to the
    remixes it holds. Returns how many it held."""
    revoked = _permitted(_of_creator(creator_id).filter(status__in=LIVE)).filter(
        consent_permitted=False
    )
    found = list(revoked.values_list("output", "requester_id"))
    if not found:
        return 0
    # Only those still live when the UPDATE reaches them: a takedown stays a takedown.
    held = Remix.objects.filter(id__in=revoked.values("id"), status__in=LIVE).update(
        status=Remix.Status.HELD, reason=REVOKED_REASON, output="", updated_at=timezone.now()
    )
    files = [output for output, _ in found if output]
    if files:
        transaction.on_commit(lambda: media_files_delete(names=files))
    notify(
        recipients={(requester_id, None) for _, requester_id in found},
        kind=Notification.Kind.HELD,
        message="Remixes of yours were withdrawn: the creator no longer allows them.",
    )
    return held


def _regenerate(returning: dict[int, list[int]], *, ledger_seq: int | None) -> int:
    """Queue each creator's returning remixes under a Regeneration and enqueue them in chunks."""
    if not returning:
        return 0
    from remixer.tasks import render_remixes

    if ledger_seq is None:
        seqs = dict(
            CreatorPolicy.objects.filter(creator_id__in=returning).values_list(
                "creator_id", "ledger_seq"
            )
        )
    requeued = 0
    for owner_id, ids in returning.items():
        seq = ledger_seq if ledger_seq is not None else seqs.get(owner_id, 0)
        regeneration, _ = Regeneration.objects.get_or_create(creator_id=owner_id, ledger_seq=seq)
        count = Remix.objects.filter(id__in=ids, status=Remix.Status.HELD).update(
            status=Remix.Status.QUEUED,
            reason="",
            regeneration=regeneration,
            updated_at=timezone.now(),
        )
        Regeneration.objects.filter(id=regeneration.id).update(
            total=F("total") + count, finished_at=None
        )
        requeued += count
        for start in range(0, len(ids), RENDER_CHUNK):
            enqueue_on_commit(render_remixes, ids[start : start + RENDER_CHUNK])
    return requeued


def regenerations_of(*, remix_ids: Iterable[int]) -> list[int]:
    return list(
        Remix.objects.filter(id__in=remix_ids, regeneration__finished_at__isnull=True)
        .values_list("regeneration_id", flat=True)
        .distinct()
    )


def regenerations_finish(*, ids: Iterable[int] | None = None) -> int:
    """Close the regenerations with nothing left queued or rendering, once each, and tell
    their creators. Returns how many were closed."""
    candidates = Regeneration.objects.filter(finished_at__isnull=True)
    if ids is not None:
        candidates = candidates.filter(id__in=ids)
    done = candidates.annotate(
        pending=Count("remixes", filter=Q(remixes__status__in=PENDING)),
        published=Count("remixes", filter=Q(remixes__status=Remix.Status.PUBLISHED)),
    ).filter(pending=0)
    closed = 0
    for regeneration in done:
        with transaction.atomic():
            if not Regeneration.objects.filter(id=regeneration.id, finished_at__isnull=True).update(
                finished_at=timezone.now()
            ):
                continue
            closed += 1
            requesters = (
                Remix.objects.filter(regeneration=regeneration, status=Remix.Status.PUBLISHED)
                .values_list("requester_id", flat=True)
                .distinct()
            )
            notify(
                recipients=[(requester_id, None) for requester_id in requesters],
                kind=Notification.Kind.PUBLISHED,
                message="Remixes of yours are back: the creator allows them again.",
            )
            notify(
                recipients=[(regeneration.creator_id, None)],
                kind=Notification.Kind.REGENERATED,
                message=(
                    f"Regeneration finished: {regeneration.published:,} of "
                    f"{regeneration.total:,} remixes of your videos are back."
                ),
            )
    return closed


def remixes_requeue_stuck(*, older_than: dt.timedelta) -> int:
    """Queued remixes nobody picked up, and renders whose worker died, go back on the queue."""
    deadline = timezone.now() - older_than
    stuck = Remix.objects.filter(
        Q(status=Remix.Status.QUEUED, updated_at__lt=deadline)
        | Q(status=Remix.Status.RENDERING, claimed_at__lt=deadline)
    )
    ids = list(stuck.values_list("id", flat=True)[:5000])
    if not ids:
        return 0
    from remixer.tasks import render_remixes

    with transaction.atomic():
        Remix.objects.filter(id__in=ids).filter(
            Q(status=Remix.Status.QUEUED)
            | Q(status=Remix.Status.RENDERING, claimed_at__lt=deadline)
        ).update(status=Remix.Status.QUEUED, updated_at=timezone.now())
        for start in range(0, len(ids), RENDER_CHUNK):
            enqueue_on_commit(render_remixes, ids[start : start + RENDER_CHUNK])
    return len(ids)
