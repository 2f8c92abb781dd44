"""Demo data for moderation: a couple of open reports, so the queue and dashboard show work."""

from __future__ import annotations

from creatorhub.accounts.models import User
from creatorhub.videos.models import Video
from moderation import services
from moderation.models import Report
from remixer import pipeline
from remixer import services as remix_services
from remixer.models import Remix

DEMO_REPORTS = (
    ("Moderation demo", Report.Reason.DEEPFAKE, "This looks like a real person, not a meme."),
    ("Reported remix", Report.Reason.MISLEADING, "The caption puts words in the creator's mouth."),
)


def demo_reports_ensure(*, demo: User, viewer: User, **kwargs) -> int:
    """Published remixes of demo's own videos (a creator may always remix their own), each with
    an open report by the viewer. Idempotent; returns how many reports it created."""
    videos = list(Video.objects.filter(owner=demo).exclude(poster="").order_by("id")[:2])
    created = 0
    for video, (top, reason, details) in zip(videos, DEMO_REPORTS, strict=False):
        remix = Remix.objects.filter(
            requester=demo, video=video, inputs__top=top, status=Remix.Status.PUBLISHED
        ).first()
        if remix is None:
            remix = remix_services.remix_request(
                requester=demo,
                video=video,
                template=Remix.Template.CAPTION,
                inputs={"top": top, "bottom": "demo data"},
            )
            if pipeline.remix_render(remix_id=remix.id) != "published":
                continue
            remix.refresh_from_db()
        if not Report.objects.filter(
            reporter=viewer, remix=remix, status__in=Report.UNRESOLVED
        ).exists():
            services.report_create(reporter=viewer, remix=remix, reason=reason, details=details)
            created += 1
    return created


def on_demo_seeded(sender, *, demo: User, viewer: User, moderator: User, **kwargs) -> None:
    demo_reports_ensure(demo=demo, viewer=viewer)
