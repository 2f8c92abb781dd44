"""Keeping remixes in agreement with consent, set-based: hold what a change forbids, put held
remixes it allows again back on the queue as a Regeneration, close regenerations when their
renders are done, and requeue renders a lost message or a dead worker left behind. The
consent_changed receiver and the beat reconciler call these. A render or re-sign message takes
a lease (`Remix.enqueued_at`): while it is fresh the message is still in the broker, so the
reconciler sends no other."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, F, Max, Q, QuerySet
from django.utils import timezone

from consent.models import CreatorPolicy, LedgerEntry
from consent.selectors import with_remix_permission
from creatorhub.enqueue import enqueue_on_commit
from creatorhub.videos.services import media_files_delete
from likeness.guard import likeness_refused
from remixer.models import Notification, Regeneration, Remix, SyncMark
from remixer.notifications import notify
from remixer.signing import unsigned_delete

# A request waiting for approval counts: consent ending holds it (its preview deleted), and
# consent returning renders its preview again.
LIVE = (
    Remix.Status.QUEUED,
    Remix.Status.RENDERING,
    Remix.Status.PENDING_APPROVAL,
    Remix.Status.PUBLISHED,
)
PENDING = (Remix.Status.QUEUED, Remix.Status.RENDERING)
RENDER_CHUNK = 50
PAGE = 5000
# As long as Redis's visibility_timeout: a message still unacknowledged then comes back anyway.
ENQUEUE_LEASE = dt.timedelta(hours=1)
# Queued work never sent (the broker was down), or a render claimed by a worker that died.
STUCK_AFTER = dt.timedelta(minutes=2)
# Ledger entries are read again for this long after they are written, so a change whose
# transaction committed after a later entry's is not missed.
MARK_OVERLAP = dt.timedelta(minutes=1)
RUN_LEASE = dt.timedelta(minutes=10)
REVOKED_REASON = (
    "The creator no longer allows this remix; it will come back if they allow it again."
)


def _permitted(remixes: QuerySet[Remix]) -> QuerySet[Remix]:
    return with_remix_permission(
        remixes,
        video_prefix="video__",
        requester_field="requester_id",
        scopes_field="scopes",
        approved_field="approved_at",
    )


def _of_creator(creator_id: int | None) -> QuerySet[Remix]:
    remixes = Remix.objects.all()
    return remixes if creator_id is None else remixes.filter(creator_id=creator_id)


def remixes_sync_with_consent(
    *,
    creator_id: int | None = None,
    ledger_seq: int | None = None,
    resign_stale_before: dt.datetime | None = None,
) -> tuple[int, int]:
    """Make remixes agree with consent now, set-based: live remixes consent no longer allows
    are held and their files removed; held remixes consent allows again are queued, and
    published remixes whose files say an old AI-training choice are marked to be signed again,
    as one Regeneration per creator. `ledger_seq` is the consent change being synced (recorded
    even when nothing changes, so the creator's page knows it has been looked at). The
    reconciler passes `resign_stale_before`, so re-signs already under way are left alone
    unless their lease is older. Returns (held, requeued or marked for re-signing)."""
    with transaction.atomic():
        held = remixes_hold_revoked(creator_id=creator_id)
        returning = _allowed_again(_of_creator(creator_id))
        resign_due = _resign_due(resign_stale_before)
        resigning: dict[int, list[int]] = defaultdict(list)
        for remix_id, owner_id in _signals_outdated(creator_id=creator_id, due=resign_due):
            resigning[owner_id].append(remix_id)
        changed = _regenerate(returning, resigning, ledger_seq=ledger_seq, resign_due=resign_due)
        if (
            creator_id is not None
            and ledger_seq is not None
            and creator_id not in returning
            and creator_id not in resigning
        ):
            Regeneration.objects.get_or_create(
                creator_id=creator_id,
                ledger_seq=ledger_seq,
                defaults={"finished_at": timezone.now()},
            )
    return held, changed


def _allowed_again(remixes: QuerySet[Remix]) -> dict[int, list[int]]:
    """The held ones of `remixes` that every consent allows now (the video consent, and every
    face in the video: likeness/guard.py), by their video's creator."""
    returning: dict[int, list[int]] = defaultdict(list)
    for remix_id, owner_id in (
        _permitted(remixes.filter(status=Remix.Status.HELD))
        .filter(consent_permitted=True)
        .exclude(likeness_refused())
        .values_list("id", "video__owner_id")
    ):
        returning[owner_id].append(remix_id)
    return returning


@transaction.atomic
def remixes_requeue_allowed(remixes: QuerySet[Remix]) -> int:
    """Queue again the held ones of `remixes` that every consent allows now, as one
    Regeneration per creator: for a change that is no creator's consent change (a likeness
    consent, which spans creators). Returns how many."""
    return _regenerate(_allowed_again(remixes), {}, ledger_seq=None, resign_due=Q())


def _resign_due(stale_before: dt.datetime | None) -> Q:
    """Which outdated remixes to (re-)enqueue: all of them, or those not marked yet, never
    sent, or whose message was sent (leased) before `stale_before`."""
    if stale_before is None:
        return Q()
    return Q(resign=False) | Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale_before)


def _signals_outdated(*, creator_id: int | None, due: Q) -> list[tuple[int, int]]:
    """(id, creator) of published remixes whose file says another AI-training choice than the
    creator's policy now (or was signed before the choice was recorded), compared in SQL."""
    policy = "video__owner__consent_policy__"
    outdated = (
        _of_creator(creator_id)
        .filter(status=Remix.Status.PUBLISHED)
        .filter(
            Q(signed_training__isnull=True)
            | ~Q(signed_training=F(f"{policy}training_allowed"))
            | ~Q(signed_companies=F(f"{policy}training_companies"))
        )
        .filter(due)
    )
    return list(outdated.values_list("id", "video__owner_id"))


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
    return remixes_hold(
        revoked,
        reason=REVOKED_REASON,
        message="Remixes of yours were withdrawn: the creator no longer allows them.",
    )


def remixes_hold(remixes: QuerySet[Remix], *, reason: str, message: str) -> int:
    """Hold those of `remixes` (live ones) in one UPDATE: not served, files deleted and their
    requesters told (`message`) on commit. Returns how many it held."""
    found = list(remixes.values_list("output", "requester_id", "public_id"))
    if not found:
        return 0
    # Only those still live when the UPDATE reaches them: a takedown stays a takedown.
    held = Remix.objects.filter(id__in=remixes.values("id"), status__in=LIVE).update(
        status=Remix.Status.HELD, reason=reason, output="", updated_at=timezone.now()
    )
    files = [output for output, _, _ in found if output]
    if files:
        transaction.on_commit(lambda: media_files_delete(names=files))
    # Their unsigned renders too: a remix that returns is rendered again.
    public_ids = [public_id for _, _, public_id in found]
    transaction.on_commit(lambda: unsigned_delete(public_ids=public_ids))
    notify(
        recipients={(requester_id, None) for _, requester_id, _ in found},
        kind=Notification.Kind.HELD,
        message=message,
    )
    return held


def remixes_withdraw_approved(*, creator_id: int, requester_ids: list[int]) -> int:
    """Take down what these requesters published of the creator's videos with the creator's
    approval (they were removed from the approved list, with their remixes), and drop their
    pending requests: not held, so consent returning brings nothing back."""
    found = list(
        Remix.objects.filter(
            creator_id=creator_id, requester_id__in=requester_ids, status__in=LIVE
        ).values_list("id", "output", "public_id", "requester_id")
    )
    if not found:
        return 0
    withdrawn = Remix.objects.filter(id__in=[row[0] for row in found], status__in=LIVE).update(
        status=Remix.Status.WITHDRAWN,
        reason="Withdrawn by the creator.",
        output="",
        approved_at=None,
        expires_at=None,
        updated_at=timezone.now(),
    )
    files = [output for _, output, _, _ in found if output]
    public_ids = [public_id for _, _, public_id, _ in found]
    transaction.on_commit(lambda: media_files_delete(names=files))
    transaction.on_commit(lambda: unsigned_delete(public_ids=public_ids))
    notify(
        recipients={(requester_id, None) for *_, requester_id in found},
        kind=Notification.Kind.TAKEN_DOWN,
        message="The creator withdrew remixes of yours they had approved.",
    )
    return withdrawn


def _regenerate(
    returning: dict[int, list[int]],
    resigning: dict[int, list[int]],
    *,
    ledger_seq: int | None,
    resign_due: Q,
) -> int:
    """Record each creator's returning remixes (queued to render) and published remixes to sign
    again under one Regeneration, and enqueue both in chunks, each with a lease. Idempotent: a
    sync delivered twice counts nothing twice, and the rows are locked, page by page, before
    they move, so two syncs at once (the consent change's and the reconciler's) never send the
    same remix twice."""
    creators = set(returning) | set(resigning)
    if not creators:
        return 0
    if ledger_seq is None:
        seqs = dict(
            CreatorPolicy.objects.filter(creator_id__in=creators).values_list(
                "creator_id", "ledger_seq"
            )
        )
    changed = 0
    for owner_id in creators:
        seq = ledger_seq if ledger_seq is not None else seqs.get(owner_id, 0)
        regeneration, _ = Regeneration.objects.get_or_create(creator_id=owner_id, ledger_seq=seq)
        now = timezone.now()
        requeued = resigns = 0
        for page in _pages(returning.get(owner_id, [])):
            ids = _locked(Remix.objects.filter(id__in=page, status=Remix.Status.HELD))
            requeued += Remix.objects.filter(id__in=ids).update(
                status=Remix.Status.QUEUED,
                reason="",
                regeneration=regeneration,
                updated_at=now,
                enqueued_at=now,
            )
            enqueue_leased("remixer.tasks.render_remixes", ids)
        for page in _pages(resigning.get(owner_id, [])):
            due = Remix.objects.filter(id__in=page, status=Remix.Status.PUBLISHED).filter(
                resign_due
            )
            ids = _locked(due)
            # Re-enqueued even if already marked (a newer choice to sign), counted once.
            resigns += (
                Remix.objects.filter(id__in=ids)
                .exclude(regeneration=regeneration, resign=True)
                .update(resign=True, regeneration=regeneration, updated_at=now)
            )
            Remix.objects.filter(id__in=ids).update(enqueued_at=now)
            enqueue_leased("remixer.tasks.resign_remixes", ids)
        Regeneration.objects.filter(id=regeneration.id).update(
            total=F("total") + requeued + resigns,
            resigns=F("resigns") + resigns,
            finished_at=None,
        )
        changed += requeued + resigns
    return changed


def _pages(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), PAGE):
        yield ids[start : start + PAGE]


def _locked(remixes: QuerySet[Remix], *, skip_locked: bool = False) -> list[int]:
    """Ids of `remixes` still matching once locked (in id order, so syncs never deadlock),
    at most a page."""
    locked = remixes.select_for_update(skip_locked=skip_locked).order_by("id")
    return list(locked.values_list("id", flat=True)[:PAGE])


def enqueue_leased(task: str, ids: list[int]) -> None:
    """Send `ids` to `task` in chunks on commit; a chunk the broker refuses gives its lease
    back, so the reconciler sends it once the broker is back."""
    for start in range(0, len(ids), RENDER_CHUNK):
        chunk = ids[start : start + RENDER_CHUNK]
        enqueue_on_commit(
            task,
            chunk,
            unsent=lambda chunk=chunk: Remix.objects.filter(id__in=chunk).update(enqueued_at=None),
        )


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
    # Back = published by this regeneration's render (a re-sign keeps its first published_at).
    back = Q(remixes__status=Remix.Status.PUBLISHED, remixes__published_at__gte=F("started_at"))
    done = candidates.annotate(
        pending=Count(
            "remixes",
            filter=Q(remixes__status__in=PENDING)
            | Q(remixes__status=Remix.Status.PUBLISHED, remixes__resign=True),
        ),
        published=Count("remixes", filter=back),
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
                Remix.objects.filter(
                    regeneration=regeneration,
                    status=Remix.Status.PUBLISHED,
                    published_at__gte=regeneration.started_at,
                )
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
                message=regeneration_message(regeneration, back=regeneration.published),
            )
    return closed


def regeneration_message(regeneration: Regeneration, *, back: int) -> str:
    rendered = regeneration.total - regeneration.resigns
    parts = []
    if rendered or not regeneration.resigns:
        parts.append(
            f"Regeneration finished: {back:,} of {rendered:,} remixes of your videos are back."
        )
    if regeneration.resigns:
        parts.append(
            f"{regeneration.resigns:,} published remixes were signed again with your current "
            "AI-training choice."
        )
    return " ".join(parts)


def remixes_requeue_stuck(
    *, older_than: dt.timedelta = STUCK_AFTER, lease: dt.timedelta = ENQUEUE_LEASE
) -> int:
    """Work a lost message or a dead worker left behind goes back on the queue: renders claimed
    more than `older_than` ago, and queued remixes or marked re-signs whose message was never
    sent (no lease, untouched for `older_than`) or whose lease expired. Work with a fresh lease
    is still in the broker and is not sent again; what is sent takes a new lease. At most a
    page of each per run. Returns how many were sent."""
    now = timezone.now()
    unsent = Q(enqueued_at__isnull=True, updated_at__lt=now - older_than) | Q(
        enqueued_at__lt=now - lease
    )
    renders = (Q(status=Remix.Status.QUEUED) & unsent) | Q(
        status=Remix.Status.RENDERING, claimed_at__lt=now - older_than
    )
    resigns = Q(status=Remix.Status.PUBLISHED, resign=True) & unsent
    if not Remix.objects.filter(renders | resigns).exists():
        return 0
    with transaction.atomic():
        # Rows locked meanwhile are a worker's claim or a sync moving them: theirs to send.
        render_ids = _locked(Remix.objects.filter(renders), skip_locked=True)
        Remix.objects.filter(id__in=render_ids).update(
            status=Remix.Status.QUEUED, updated_at=now, enqueued_at=now
        )
        enqueue_leased("remixer.tasks.render_remixes", render_ids)
        resign_ids = _locked(Remix.objects.filter(resigns), skip_locked=True)
        Remix.objects.filter(id__in=resign_ids).update(enqueued_at=now)
        enqueue_leased("remixer.tasks.resign_remixes", resign_ids)
    return len(render_ids) + len(resign_ids)


def remixes_reconcile() -> dict[str, int] | None:
    """Beat: whatever a lost message, a dead worker or a broker outage left behind is put
    right. Only creators whose consent changed since the last run are synced (the ledger
    entries past the mark), each in its own transaction, and only work whose lease ran out is
    sent again; with nothing changed a run is a handful of indexed queries, however many
    remixes there are. None when another run is still under way."""
    now = timezone.now()
    mark, _ = SyncMark.objects.get_or_create(name="reconcile")
    free = Q(running_until__isnull=True) | Q(running_until__lt=now)
    if not SyncMark.objects.filter(free, name=mark.name).update(running_until=now + RUN_LEASE):
        return None
    try:
        outcome = _reconcile_since(mark.ledger_entry_id, now=now)
    finally:
        SyncMark.objects.filter(name=mark.name).update(running_until=None)
    return outcome


def _reconcile_since(entry_id: int, *, now: dt.datetime) -> dict[str, int]:
    held = requeued = 0
    changed = LedgerEntry.objects.filter(id__gt=entry_id).order_by()
    for creator_id in changed.values_list("creator_id", flat=True).distinct():
        creator_held, creator_requeued = remixes_sync_with_consent(
            creator_id=creator_id, resign_stale_before=now - ENQUEUE_LEASE
        )
        held += creator_held
        requeued += creator_requeued
    settled = changed.filter(created_at__lt=now - MARK_OVERLAP).aggregate(last=Max("id"))["last"]
    if settled is not None:
        SyncMark.objects.filter(name="reconcile").update(ledger_entry_id=settled)
    stuck = remixes_requeue_stuck()
    finished = regenerations_finish()
    return {"held": held, "requeued": requeued, "stuck": stuck, "finished": finished}
