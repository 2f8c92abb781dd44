"""Demo data for "ask me first": one of demo's videos asks, and the viewer's request of it waits
with its preview made, so the Requests page and the inbox show the flow at once."""

from __future__ import annotations

from consent import services as consent_services
from consent.idsets import VideoState
from consent.models import VideoOverride
from consent.scopes import scopes_to_mask
from creatorhub.accounts.models import User
from creatorhub.videos.models import Video
from remixer import pipeline, services
from remixer.models import Remix

DEMO_CAPTION = {"top": "Can I remix this?", "bottom": "demo request"}


def demo_request_ensure(*, demo: User, viewer: User) -> Remix | None:
    """Demo's third postered video set to "ask me" (captions) unless it has a setting of its own
    already, and one request of the viewer's waiting on it. Idempotent."""
    video = Video.objects.filter(owner=demo).exclude(poster="").order_by("id")[2:3].first()
    if video is None:
        return None
    if not VideoOverride.objects.filter(video=video).exists():
        consent_services.consent_set_videos(
            creator=demo,
            actor=demo,
            videos=Video.objects.filter(id=video.id),
            state=VideoState("ask", scopes_to_mask(["caption"])),
            reason="Demo: this video asks before each remix.",
        )
    if Remix.objects.filter(requester=viewer, video=video).exists():
        return None
    try:
        remix = services.remix_request(
            requester=viewer, video=video, template=Remix.Template.CAPTION, inputs=DEMO_CAPTION
        )
    except services.RemixRefused:
        return None  # demo chose otherwise for this video
    pipeline.remix_render(remix_id=remix.id)
    return remix


def on_demo_seeded(sender, *, demo: User, viewer: User, **kwargs) -> None:
    demo_request_ensure(demo=demo, viewer=viewer)
