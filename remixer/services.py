"""Writes for remixes a person makes: request, take down, restore. Rendering, signing and
publishing are the worker's (remixer/pipeline.py); consent is checked here at request time and
there again before rendering and at publish.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from consent.rules import caption_refusal, rules_map
from consent.scopes import scopes_to_mask
from consent.selectors import remix_permission
from creatorhub.accounts.models import User
from creatorhub.enqueue import enqueue_on_commit
from creatorhub.videos.models import Video
from creatorhub.videos.services import media_files_delete
from likeness.guard import refusing_people
from remixer import engines
from remixer.backdrops import backdrop_names
from remixer.engines import voice
from remixer.likeness_sync import LIKENESS_REFUSED, likeness_refusal_record
from remixer.models import Notification, Remix
from remixer.notifications import notify
from remixer.signing import unsigned_delete

TEMPLATE_SCOPES = {
    Remix.Template.CAPTION: scopes_to_mask(["caption"]),
    Remix.Template.BACKGROUND: scopes_to_mask(["background"]),
    Remix.Template.FACE: scopes_to_mask(["face"]),
    Remix.Template.VOICE: scopes_to_mask(["voice"]),
}


def scopes_needed(template: str, inputs: dict) -> int:
    """The consent kinds a remix needs: its template's, and `caption` for a voice clip that
    carries one."""
    scopes = TEMPLATE_SCOPES[template]
    if template == Remix.Template.VOICE and inputs.get("caption"):
        scopes |= TEMPLATE_SCOPES[Remix.Template.CAPTION]
    return scopes


def _clean_inputs(video: Video, template: str, inputs: dict) -> dict:
    if template == Remix.Template.VOICE:
        return voice.validate_voice_inputs(inputs, duration=video.audio_seconds)
    names = (
        backdrop_names(owner_id=video.owner_id) if template == Remix.Template.BACKGROUND else None
    )
    return engines.validate_inputs(template, inputs, backdrop_names=names)


class RemixRefused(Exception):
    """A request consent or limits refuse; `code` for the API, the message for people, and
    `extra` fields for the API's error body (e.g. which content rule)."""

    def __init__(
        self,
        message: str,
        code: str = "remix_not_allowed",
        status: int = 403,
        extra: dict | None = None,
    ) -> None:
        super().__init__(message)
        self.code, self.status, self.extra = code, status, extra or {}


class LikenessRefused(RemixRefused):
    """Someone's face in the video refuses it; `person_ids` are counted and told, never shown."""

    def __init__(self, person_ids: list[int]) -> None:
        super().__init__(LIKENESS_REFUSED, "likeness_not_allowed", 403)
        self.person_ids = person_ids


def remix_request(*, requester: User, video: Video, template: str, inputs: dict) -> Remix:
    """Queue a remix if consent allows it now; refused requests queue nothing. On an "ask me"
    video it is queued as a request: rendered as a private preview for the creator to decide.
    A refusal by a face in the video is counted, and the refusing people told, once the
    request's own transaction has rolled back."""
    try:
        return _remix_request(requester=requester, video=video, template=template, inputs=inputs)
    except LikenessRefused as refusal:
        likeness_refusal_record(video=video, person_ids=refusal.person_ids)
        raise


@transaction.atomic
def _remix_request(*, requester: User, video: Video, template: str, inputs: dict) -> Remix:
    if template not in TEMPLATE_SCOPES:
        raise RemixRefused(
            f"Unknown template; choose {', '.join(TEMPLATE_SCOPES)}.", "invalid_request", 400
        )
    try:
        cleaned = _clean_inputs(video, template, inputs)
    except engines.RenderError as error:
        raise RemixRefused(str(error), "invalid_request", 400) from None
    if not video.poster:
        raise RemixRefused("This video has no poster frame to remix yet.", "not_ready", 409)
    scopes = scopes_needed(template, cleaned)
    decision = remix_permission(user=requester, video=video, scopes=scopes)
    if not decision.allowed:
        raise RemixRefused(decision.reason)
    # Whatever the template: a caption or a backdrop still shows the face.
    if refusing := refusing_people(video=video):
        raise LikenessRefused(refusing)
    if video.owner_id != requester.id and (
        hit := caption_refusal(rules=rules_map(videos=[video])[video.id], inputs=cleaned)
    ):
        raise RemixRefused(hit.message, "content_rule", 403, {"rule": hit.code})
    window = timezone.now() - dt.timedelta(minutes=1)
    recent = Remix.objects.filter(requester=requester, created_at__gte=window).count()
    if recent >= settings.REMIX_RATE_PER_MINUTE:
        raise RemixRefused(
            f"You can request {settings.REMIX_RATE_PER_MINUTE} remixes a minute; try again soon.",
            "rate_limited",
            429,
        )
    remix = Remix.objects.create(
        requester=requester,
        video=video,
        creator_id=video.owner_id,
        template=template,
        inputs=cleaned,
        scopes=scopes,
        enqueued_at=timezone.now(),
        # Waiting for the creator: "ask me" renders a private preview and asks them then.
        expires_at=(
            timezone.now() + settings.REMIX_APPROVAL_TTL if decision.approval == "needed" else None
        ),
    )
    if video.owner_id != requester.id and decision.approval != "needed":
        notify(
            recipients=[(video.owner_id, remix)],
            kind=Notification.Kind.NEW_REMIX,
            message=f"@{requester.username} requested a {template} remix of “{video.title}”.",
        )
    enqueue_on_commit("remixer.tasks.render_remix", remix.id, unsent=lambda: _lease_drop(remix.id))
    return remix


def _lease_drop(remix_id: int) -> None:
    """Its message never reached the broker: the reconciler sends it again."""
    Remix.objects.filter(id=remix_id).update(enqueued_at=None)


@transaction.atomic
def remix_takedown(*, remix: Remix, actor: User, reason: str = "") -> bool:
    """The source's creator (or a moderator) takes a remix down: not served, file removed.
    Taking down a remix already taken down changes nothing and tells no one again; returns
    whether this call took it down."""
    # The row as it is now (a render may have published since the caller read it), locked so
    # its file name is the one to delete.
    current = Remix.objects.select_for_update().get(id=remix.id)
    if current.status == Remix.Status.WITHDRAWN:
        return False
    name = current.output.name if current.output else ""
    Remix.objects.filter(id=remix.id).update(
        status=Remix.Status.WITHDRAWN,
        reason=(reason or f"Taken down by @{actor.username}")[:300],
        output="",
        updated_at=timezone.now(),
    )
    if name:
        transaction.on_commit(lambda: media_files_delete(names=[name]))
    transaction.on_commit(lambda: unsigned_delete(public_ids=[current.public_id]))
    notify(
        recipients=[(remix.requester_id, remix)],
        kind=Notification.Kind.TAKEN_DOWN,
        message=f"Your remix of “{remix.video.title}” was taken down.",
    )
    return True


@transaction.atomic
def remix_restore(*, remix: Remix, actor: User) -> None:
    """Bring a taken-down remix back: withdrawn → queued, to be rendered again, and only while
    consent allows it now. Nothing is published here; the render re-checks consent anyway."""
    current = Remix.objects.select_for_update().get(id=remix.id)
    if current.status != Remix.Status.WITHDRAWN:
        raise RemixRefused("Only a taken-down remix can be restored.", "not_withdrawn", 409)
    decision = remix_permission(
        user=remix.requester,
        video=remix.video,
        scopes=current.scopes,
        approved=current.approved_at is not None,
    )
    if not decision.allowed:
        raise RemixRefused(f"Not restored: {decision.reason}")
    if refusing_people(video=remix.video):
        raise RemixRefused(f"Not restored: {LIKENESS_REFUSED}", "likeness_not_allowed")
    now = timezone.now()
    Remix.objects.filter(id=current.id).update(
        status=Remix.Status.QUEUED, reason="", updated_at=now, enqueued_at=now
    )
    enqueue_on_commit(
        "remixer.tasks.render_remix", current.id, unsent=lambda: _lease_drop(current.id)
    )
