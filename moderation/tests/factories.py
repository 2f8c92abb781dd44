from __future__ import annotations

from consent import services as consent_services
from consent.tests.factories import policy
from moderation.models import Report
from remixer import pipeline
from remixer import services as remix_services
from remixer.models import Remix
from remixer.tests.factories import make_postered_video

CAPTION = {"top": "When the build", "bottom": "finally passes"}


def published_remix(creator, requester, *, video=None, title: str = "Source") -> Remix:
    """A really rendered, published remix (the render runs in-process, no worker)."""
    consent_services.consent_set_policy(creator=creator, actor=creator, change=policy())
    video = video or make_postered_video(creator, title=title)
    remix = remix_services.remix_request(
        requester=requester, video=video, template="caption", inputs=CAPTION
    )
    assert pipeline.remix_render(remix_id=remix.id) == "published"
    remix.refresh_from_db()
    return remix


def make_report(reporter, remix, reason: str = Report.Reason.HARASSMENT, **fields) -> Report:
    return Report.objects.create(reporter=reporter, remix=remix, reason=reason, **fields)
