"""Writes of moderation: reports, and moderator actions. Each action changes its targets, writes
one audit record per target and tells the people involved, all in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from consent import services as consent_services
from consent.idsets import VideoState
from consent.models import LedgerEntry, VideoOverride
from consent.selection import Selection
from creatorhub.accounts.models import User
from creatorhub.videos.models import Video
from moderation.models import ModerationAction, Report
from remixer.models import Notification, Remix
from remixer.notifications import notify, notify_each
from remixer.services import RemixRefused, remix_restore, remix_takedown

# Takedown and restore go remix by remix through the remixer's services (each is a decision
# about one remix); a bulk action is capped so a request stays short.
MAX_REMIXES_PER_ACTION = 100


class ModerationError(ValueError):
    """An action that cannot be done; `code` for tests and callers, the message for people."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code


@dataclass
class Outcome:
    done: int = 0
    refused: list[str] = field(default_factory=list)


def _describe(remix: Remix) -> str:
    return (
        f"remix {remix.public_id} ({remix.get_template_display()}) of “{remix.video.title}” "
        f"by @{remix.video.owner.username}, requested by @{remix.requester.username}"
    )[:300]


def _clean_note(note: str, *, limit: int = ModerationAction.NOTE_MAX) -> str:
    note = " ".join(note.split())
    if not note:
        raise ModerationError("Write a note saying why.", code="note_required")
    if len(note) > limit:
        raise ModerationError(f"The note is longer than {limit} characters.", code="note_too_long")
    return note


@transaction.atomic
def report_create(*, reporter: User, remix: Remix, reason: str, details: str = "") -> Report:
    """Report a published remix. A second unresolved report by the same person is refused
    (and the database refuses it too, should two requests race)."""
    if reason not in Report.Reason.values or reason == Report.Reason.LIKENESS:
        raise ModerationError("Choose a reason.", code="invalid_reason")
    details = details.strip()
    if len(details) > Report.DETAILS_MAX:
        raise ModerationError(
            f"Keep the details under {Report.DETAILS_MAX} characters.", code="too_long"
        )
    if remix.status != Remix.Status.PUBLISHED:
        raise ModerationError("Only a published remix can be reported.", code="not_published")
    if remix.requester_id == reporter.id:
        raise ModerationError("You made this remix, so you cannot report it.", code="own_remix")
    duplicate = ModerationError(
        "You have already reported this remix; moderators will look at it.", code="duplicate"
    )
    if Report.objects.filter(reporter=reporter, remix=remix, status__in=Report.UNRESOLVED).exists():
        raise duplicate
    try:
        with transaction.atomic():
            return Report.objects.create(
                reporter=reporter, remix=remix, reason=reason, details=details
            )
    except IntegrityError:
        raise duplicate from None


def _resolve_reports(reports: QuerySet[Report], *, status: str, moderator: User) -> list[tuple]:
    """Resolve the unresolved ones with one UPDATE; returns (reporter_id, remix_id) pairs."""
    unresolved = reports.filter(status__in=Report.UNRESOLVED).select_for_update()
    resolved = list(unresolved.values_list("id", "reporter_id", "remix_id"))
    Report.objects.filter(id__in=[row[0] for row in resolved]).update(
        status=status, resolved_at=timezone.now(), resolved_by=moderator
    )
    return [(reporter_id, remix_id) for _, reporter_id, remix_id in resolved]


def _take_down(*, moderator: User, remixes: list[Remix], note: str, reports: dict) -> Outcome:
    outcome = Outcome()
    actions = []
    for remix in remixes:
        # Only a remix moderators withdrew gets a takedown record: restore relies on it, and
        # must never bring back a remix its creator took down.
        if not remix_takedown(
            remix=remix, actor=moderator, reason="Taken down by Creator Hub moderators."
        ):
            continue
        actions.append(
            ModerationAction(
                moderator=moderator,
                action=ModerationAction.Kind.TAKEDOWN,
                note=note,
                target=_describe(remix),
                remix=remix,
                report=reports.get(remix.id),
                creator=remix.video.owner,
            )
        )
        outcome.done += 1
    ModerationAction.objects.bulk_create(actions)
    by_id = {remix.id: remix for remix in remixes}
    reporters = _resolve_reports(
        Report.objects.filter(remix__in=remixes),
        status=Report.Status.ACTIONED,
        moderator=moderator,
    )
    notify_each(
        kind=Notification.Kind.MODERATION,
        notes=[
            (
                reporter_id,
                None,
                f"Thank you: the remix of “{by_id[remix_id].video.title}” you reported was "
                "taken down.",
            )
            for reporter_id, remix_id in reporters
        ],
    )
    notify(
        recipients={(remix.video.owner_id, None) for remix in remixes},
        kind=Notification.Kind.MODERATION,
        message="Moderators took down a remix of one of your videos.",
    )
    return outcome


def _remixes(ids: Iterable[int]) -> list[Remix]:
    remixes = list(
        Remix.objects.filter(id__in=list(ids))
        .select_related("video__owner", "requester")
        .order_by("id")
    )
    if len(remixes) > MAX_REMIXES_PER_ACTION:
        raise ModerationError(
            f"Act on at most {MAX_REMIXES_PER_ACTION} remixes at once.", code="too_many"
        )
    return remixes


@transaction.atomic(durable=True)
def reports_take_down(*, moderator: User, reports: QuerySet[Report], note: str) -> Outcome:
    """Uphold the reports: take their remixes down, resolve every open report on them. A
    likeness report (about a video) takes down every published remix of the video."""
    note = _clean_note(note)
    outcome = Outcome()
    about_videos = reports.filter(video__isnull=False)
    if about_videos.exists():
        outcome = likeness_reports_take_down(moderator=moderator, reports=about_videos, note=note)
    chosen = {}
    for report_id, remix_id in (
        reports.filter(remix__isnull=False).order_by("id").values_list("id", "remix_id")
    ):
        chosen.setdefault(remix_id, report_id)
    if not chosen:
        return outcome
    remixes = _remixes(chosen)
    by_report = {report.id: report for report in Report.objects.filter(id__in=chosen.values())}
    done = _take_down(
        moderator=moderator,
        remixes=remixes,
        note=note,
        reports={remix_id: by_report[report_id] for remix_id, report_id in chosen.items()},
    )
    return Outcome(done=outcome.done + done.done, refused=outcome.refused + done.refused)


def likeness_reports_take_down(*, moderator: User, reports: QuerySet[Report], note: str) -> Outcome:
    """Uphold likeness reports (each about a video that shows the reporter's face): every
    published remix of those videos is taken down and the reports resolved. Called inside
    reports_take_down's transaction."""
    chosen = _selected(reports.filter(video__isnull=False), Report.UNRESOLVED)
    videos = {report.video_id for report in chosen}
    remixes = _remixes(
        Remix.objects.filter(video_id__in=videos, status=Remix.Status.PUBLISHED).values_list(
            "id", flat=True
        )
    )
    outcome = _take_down(moderator=moderator, remixes=remixes, note=note, reports={})
    with_remixes = {remix.video_id for remix in remixes}
    Report.objects.filter(id__in=[report.id for report in chosen]).update(
        status=Report.Status.ACTIONED, resolved_at=timezone.now(), resolved_by=moderator
    )
    _report_actions(chosen, moderator=moderator, kind=ModerationAction.Kind.TAKEDOWN, note=note)
    notify_each(
        kind=Notification.Kind.MODERATION,
        notes=[
            (
                report.reporter_id,
                None,
                f"Thank you: moderators took down the remixes of “{report.video.title}”, the "
                "video you reported because it shows your face.",
            )
            for report in chosen
        ],
    )
    outcome.refused += [
        f"Report #{report.id} is resolved: “{report.video.title}” had no published remix."
        for report in chosen
        if report.video_id not in with_remixes
    ]
    outcome.refused += _skipped(reports, chosen)
    return outcome


@transaction.atomic(durable=True)
def remixes_take_down(*, moderator: User, remixes: QuerySet[Remix], note: str) -> Outcome:
    """Take remixes down from the remix admin; open reports on them are resolved too."""
    note = _clean_note(note)
    return _take_down(
        moderator=moderator,
        remixes=_remixes(remixes.values_list("id", flat=True)),
        note=note,
        reports={},
    )


def _describe_subject(report: Report) -> str:
    if report.remix is not None:
        return _describe(report.remix)
    return (
        f"video {report.video.public_id} “{report.video.title}” by @{report.video.owner.username}"
    )


def _report_actions(reports: list[Report], *, moderator: User, kind: str, note: str) -> None:
    ModerationAction.objects.bulk_create(
        [
            ModerationAction(
                moderator=moderator,
                action=kind,
                note=note,
                target=f"report #{report.id} ({report.get_reason_display()}) on "
                f"{_describe_subject(report)}"[:300],
                remix=report.remix,
                report=report,
                creator=report.subject_video.owner,
            )
            for report in reports
        ]
    )


def _selected(reports: QuerySet[Report], statuses: Iterable[str]) -> list[Report]:
    return list(
        reports.filter(status__in=list(statuses))
        .select_related("remix__video__owner", "remix__requester", "video__owner")
        .order_by("id")
        .select_for_update(of=("self",))
    )


@transaction.atomic(durable=True)
def reports_dismiss(*, moderator: User, reports: QuerySet[Report], note: str) -> Outcome:
    """No action on the remix; the reports are closed and everyone involved is told."""
    note = _clean_note(note)
    chosen = _selected(reports, Report.UNRESOLVED)
    Report.objects.filter(id__in=[report.id for report in chosen]).update(
        status=Report.Status.DISMISSED, resolved_at=timezone.now(), resolved_by=moderator
    )
    _report_actions(chosen, moderator=moderator, kind=ModerationAction.Kind.DISMISS, note=note)
    _tell_about_reports(
        chosen,
        to_reporter=lambda subject: f"Moderators reviewed your report of {subject} and left it up.",
        to_others="A report about a remix you are part of was reviewed: no action was needed.",
    )
    return Outcome(done=len(chosen), refused=_skipped(reports, chosen))


@transaction.atomic(durable=True)
def reports_escalate(*, moderator: User, reports: QuerySet[Report], note: str) -> Outcome:
    """Open reports go to senior review; they stay in the queue as escalated."""
    note = _clean_note(note)
    chosen = _selected(reports, [Report.Status.OPEN])
    Report.objects.filter(id__in=[report.id for report in chosen]).update(
        status=Report.Status.ESCALATED
    )
    _report_actions(chosen, moderator=moderator, kind=ModerationAction.Kind.ESCALATE, note=note)
    _tell_about_reports(
        chosen,
        to_reporter=lambda subject: f"Your report of {subject} was passed on for a closer review.",
        to_others="A remix you are part of is being reviewed by moderators after a report.",
    )
    return Outcome(done=len(chosen), refused=_skipped(reports, chosen))


def _reported(report: Report) -> str:
    if report.remix is None:
        return f"the video “{report.video.title}”"
    return f"the remix of “{report.remix.video.title}”"


def _tell_about_reports(
    chosen: list[Report], *, to_reporter: Callable[[str], str], to_others: str
) -> None:
    """Each reporter hears about their own report; the remix's requester and the source's
    creator (when they are not the reporter) hear that it was looked at. A likeness report
    (about a video) is the reporter's private matter: only they hear of it."""
    notify_each(
        kind=Notification.Kind.MODERATION,
        notes=[
            (report.reporter_id, report.remix, to_reporter(_reported(report))) for report in chosen
        ],
    )
    notify(
        recipients={
            (user_id, report.remix)
            for report in chosen
            if report.remix is not None
            for user_id in (report.remix.requester_id, report.remix.video.owner_id)
            if user_id != report.reporter_id
        },
        kind=Notification.Kind.MODERATION,
        message=to_others,
    )


def _skipped(reports: QuerySet[Report], chosen: list[Report]) -> list[str]:
    done = {report.id for report in chosen}
    return [
        f"Report #{report_id} was skipped: it is {Report.Status(status).label.lower()}."
        for report_id, status in reports.values_list("id", "status")
        if report_id not in done
    ]


@transaction.atomic(durable=True)
def remixes_restore(*, moderator: User, remixes: QuerySet[Remix], note: str) -> Outcome:
    """Undo moderators' takedowns: each remix goes back to the render queue, only if consent
    allows it now. A remix its creator took down stays down (that was their decision)."""
    note = _clean_note(note)
    outcome = Outcome()
    for remix in _remixes(remixes.values_list("id", flat=True)):
        last = (
            ModerationAction.objects.filter(
                remix=remix,
                action__in=[ModerationAction.Kind.TAKEDOWN, ModerationAction.Kind.RESTORE],
            )
            .order_by("-created_at", "-id")
            .values_list("action", flat=True)
            .first()
        )
        if remix.status == Remix.Status.WITHDRAWN and last != ModerationAction.Kind.TAKEDOWN:
            outcome.refused.append(
                f"Remix {remix.public_id} was not restored: it was not taken down by "
                "moderators, and only its creator's decision can bring it back."
            )
            continue
        try:
            remix_restore(remix=remix, actor=moderator)
        except RemixRefused as refusal:
            outcome.refused.append(f"Remix {remix.public_id}: {refusal}")
            continue
        ModerationAction.objects.create(
            moderator=moderator,
            action=ModerationAction.Kind.RESTORE,
            note=note,
            target=_describe(remix),
            remix=remix,
            creator=remix.video.owner,
        )
        outcome.done += 1
    return outcome


# Moderators can only switch remix consent *off*: switching anything on is the creator's own
# act (promise 1). Each change is a ledger entry with the moderator as actor and the reason.


@transaction.atomic(durable=True)
def creators_consent_off(
    *, moderator: User, creators: QuerySet[User], reason: str, clear_exceptions: bool
) -> Outcome:
    """Switch the account-wide remix default off; optionally clear per-video exceptions
    (videos the creator allowed), so nothing of theirs can be remixed."""
    reason = _clean_note(reason, limit=500)
    outcome = Outcome()
    for creator in creators.order_by("id")[: MAX_REMIXES_PER_ACTION + 1]:
        if outcome.done >= MAX_REMIXES_PER_ACTION:
            raise ModerationError(
                f"Act on at most {MAX_REMIXES_PER_ACTION} creators at once.", code="too_many"
            )
        # Read under the consent lock (held to the end of this transaction), so a change the
        # creator makes meanwhile is neither lost nor written back in the moderator's name.
        policy = consent_services.policy_lock(creator=creator)
        change = consent_services.PolicyChange(
            remix_allowed=False,
            remix_scopes=policy.remix_scopes,
            audience=policy.audience,
            training_allowed=policy.training_allowed,
            training_companies=list(policy.training_companies),
        )
        result = consent_services.consent_set_policy(
            creator=creator,
            actor=moderator,
            change=change,
            clear_exceptions=clear_exceptions,
            action=LedgerEntry.Action.MODERATOR,
            reason=reason,
        )
        if result.entry is not None:  # already off: nothing to record or tell
            _consent_audit(moderator, creator, result.entry, reason, "account-wide")
        outcome.done += 1
    return outcome


@transaction.atomic(durable=True)
def videos_consent_off(*, moderator: User, videos: QuerySet[Video], reason: str) -> Outcome:
    """Give the selected videos a "not allowed" override: one ledger entry per creator."""
    reason = _clean_note(reason, limit=500)
    outcome = Outcome()
    owners = User.objects.filter(id__in=videos.values("owner_id")).order_by("id")
    for count, creator in enumerate(owners[: MAX_REMIXES_PER_ACTION + 1]):
        if count >= MAX_REMIXES_PER_ACTION:
            raise ModerationError(
                f"Act on videos of at most {MAX_REMIXES_PER_ACTION} creators at once.",
                code="too_many",
            )
        result = consent_services.consent_set_selection(
            creator=creator,
            actor=moderator,
            selection=Selection.by_moderator(videos),
            state=VideoState(VideoOverride.Remix.DENY),
            action=LedgerEntry.Action.MODERATOR,
            reason=reason,
        )
        if result.entry is not None:
            _consent_audit(moderator, creator, result.entry, reason, f"{result.selected} videos")
        outcome.done += result.selected
    return outcome


def _consent_audit(
    moderator: User, creator: User, entry: LedgerEntry, reason: str, scope: str
) -> None:
    ModerationAction.objects.create(
        moderator=moderator,
        action=ModerationAction.Kind.CONSENT,
        note=reason,
        target=f"remix consent of @{creator.username} ({scope}), ledger #{entry.seq}",
        creator=creator,
        ledger_entry=entry,
    )
    notify(
        recipients=[(creator.id, None)],
        kind=Notification.Kind.MODERATION,
        message=f"Moderators switched AI remixes off ({scope}): {reason}",
    )
