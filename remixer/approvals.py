"""Requests on "ask me" videos: the creator approves or declines them, one or many in one
decision (one ledger entry, a few set-based statements), and undecided ones expire.

Approved requests go back on the render queue, now approved: the pipeline renders, signs and
publishes them under the consent lock like any remix, so a revocation that races the approval
holds them instead. Declined and expired ones lose their private preview.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from consent.models import CreatorPolicy
from consent.people import decision_record
from consent.rules import caption_refusal, rules_map
from consent.selectors import consent_map, remix_permission
from consent.services import policy_lock
from creatorhub.accounts.models import User
from remixer.models import Notification, Remix
from remixer.notifications import notify_each
from remixer.signing import unsigned_delete
from remixer.sync import enqueue_leased

MAX_DECIDE = 1000
UNDECIDED = (Remix.Status.QUEUED, Remix.Status.RENDERING, Remix.Status.PENDING_APPROVAL)
# What a decision reads of each request (a thousand of them): no more.
DECIDING_FIELDS = (
    "public_id",
    "status",
    "expires_at",
    "template",
    "inputs",
    "scopes",
    "creator_id",
    "video__owner_id",
    "video__title",
    "requester__username",
)


def requests_pending(*, creator: User) -> QuerySet[Remix]:
    """Requests on the creator's videos waiting for their decision, oldest first."""
    return (
        Remix.objects.filter(creator=creator, status__in=UNDECIDED, expires_at__isnull=False)
        .select_related("video", "requester")
        .order_by("created_at", "id")
    )


def requests_pending_count(*, creator: User) -> int:
    return Remix.objects.filter(creator=creator, status=Remix.Status.PENDING_APPROVAL).count()


def preview_visible(*, remix: Remix, user: User) -> bool:
    """A request's private preview: its requester and the video's creator, while undecided."""
    return (
        user.is_authenticated
        and remix.status == Remix.Status.PENDING_APPROVAL
        and user.id in (remix.requester_id, remix.creator_id)
    )


@dataclass
class Decision:
    approved: int = 0
    declined: int = 0
    refused: list[dict] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"approved": self.approved, "declined": self.declined, "refused": self.refused}


@transaction.atomic
def requests_decide(
    *,
    creator: User,
    actor: User,
    public_ids: list[str],
    approve: bool,
    message: str = "",
    always_allow: bool = False,
) -> Decision:
    """Approve or decline the creator's pending requests named by `public_ids`.

    Requests not pending (unknown, someone else's, still rendering, decided already) are refused
    with a reason, as are approvals consent or the content rules no longer permit; the rest are
    decided in one ledger entry with a handful of statements, however many there are."""
    result = Decision()
    wanted = list(dict.fromkeys(public_ids))[:MAX_DECIDE]
    # The policy row first, as every consent change does, then the pending requests only, so a
    # render finishing now or a second decision waits for this one; a request still queued is
    # not locked, since the worker skips locked rows and would leave it to the reconciler.
    policy = policy_lock(creator=creator)
    mine = (
        Remix.objects.select_related("video", "requester")
        .only(*DECIDING_FIELDS)
        .filter(creator=creator, public_id__in=wanted)
    )
    candidates = {
        remix.public_id: remix
        for remix in mine.select_for_update(of=("self",)).filter(
            status=Remix.Status.PENDING_APPROVAL
        )
    }
    candidates |= {remix.public_id: remix for remix in mine.exclude(public_id__in=list(candidates))}
    decided: list[Remix] = []
    for public_id in wanted:
        remix = candidates.get(public_id)
        if remix is None:
            result.refused.append({"id": public_id, "reason": "No such request."})
        elif remix.status != Remix.Status.PENDING_APPROVAL:
            result.refused.append({"id": public_id, "reason": _not_pending(remix)})
        else:
            decided.append(remix)
    if approve:
        decided = _approvable(decided, result, policy=policy)
    if not decided:
        return result
    ids = [remix.id for remix in decided]
    names = [remix.public_id for remix in decided]
    requesters = {remix.requester_id for remix in decided}
    decision_record(
        policy=policy,
        actor=actor,
        approved=names if approve else [],
        declined=[] if approve else names,
        always_allow=requesters if approve and always_allow else (),
        message=message,
    )
    now = timezone.now()
    if approve:
        result.approved = Remix.objects.filter(id__in=ids).update(
            status=Remix.Status.QUEUED,
            approved_at=now,
            expires_at=None,
            reason="",
            updated_at=now,
            enqueued_at=now,
        )
        enqueue_leased("remixer.tasks.render_remixes", ids)
    else:
        result.declined = Remix.objects.filter(id__in=ids).update(
            status=Remix.Status.DECLINED, expires_at=None, reason=message[:300], updated_at=now
        )
        transaction.on_commit(lambda: unsigned_delete(public_ids=names))
    _tell_requesters(decided, approve=approve, message=message, creator=creator)
    return result


def _not_pending(remix: Remix) -> str:
    if remix.awaiting_approval:
        return "Its preview is still being made; try again in a moment."
    return f"It is {remix.get_status_display().lower()}, not waiting for a decision."


def _approvable(remixes: list[Remix], result: Decision, *, policy: CreatorPolicy) -> list[Remix]:
    """Those consent and the content rules still permit publishing (both read once for all,
    with the creator's policy as locked)."""
    videos = list({remix.video_id: remix.video for remix in remixes}.values())
    policies = {policy.creator_id: policy}
    consents = consent_map(videos=videos, policies=policies)
    rules = rules_map(videos=videos, policies=policies)
    kept = []
    for remix in remixes:
        decision = remix_permission(
            user=remix.requester,
            video=remix.video,
            scopes=remix.scopes,
            consent=consents[remix.video_id],
            approved=True,
        )
        hit = caption_refusal(rules=rules[remix.video_id], inputs=remix.inputs)
        if not decision.allowed:
            result.refused.append(
                {"id": remix.public_id, "reason": f"Not published: {decision.reason}"}
            )
        elif hit:
            result.refused.append(
                {"id": remix.public_id, "reason": f"Not published: {hit.message}"}
            )
        else:
            kept.append(remix)
    return kept


def _tell_requesters(remixes: list[Remix], *, approve: bool, message: str, creator: User) -> None:
    """One notice per requester per decision (not one per request: a creator approving a fan's
    fifty requests sends them one), linking the remix when there is one."""
    verb = "approved" if approve else "declined"
    note = f" “{message}”" if message else ""
    by_requester: dict[int, list[Remix]] = defaultdict(list)
    for remix in remixes:
        by_requester[remix.requester_id].append(remix)
    notes = []
    for requester_id, theirs in by_requester.items():
        if len(theirs) == 1:
            remix = theirs[0]
            what = f"your {remix.template} remix of “{remix.video.title}”"
        else:
            remix, what = None, f"{len(theirs)} of your remix requests"
        notes.append((requester_id, remix, f"@{creator.username} {verb} {what}.{note}"))
    notify_each(kind=Notification.Kind.DECIDED, notes=notes)


def requests_expire() -> int:
    """Requests not decided in time: expired, previews deleted, requesters told."""
    now = timezone.now()
    with transaction.atomic():
        due = list(
            Remix.objects.select_for_update(skip_locked=True)
            .filter(
                status__in=(Remix.Status.PENDING_APPROVAL, Remix.Status.QUEUED),
                expires_at__lt=now,
            )
            .select_related("video")
        )
        if not due:
            return 0
        Remix.objects.filter(id__in=[remix.id for remix in due]).update(
            status=Remix.Status.EXPIRED, expires_at=None, updated_at=now
        )
        names = [remix.public_id for remix in due]
        transaction.on_commit(lambda: unsigned_delete(public_ids=names))
        notify_each(
            kind=Notification.Kind.DECIDED,
            notes=[
                (
                    remix.requester_id,
                    remix,
                    f"Your {remix.template} remix request of “{remix.video.title}” expired: "
                    "the creator did not decide in time.",
                )
                for remix in due
            ],
        )
    return len(due)
