"""Remix pieces for pages other apps own: the request panel on a video, regeneration progress."""

from __future__ import annotations

from django import template

from consent.selectors import remix_permission, video_consent
from remixer.backdrops import backdrop_names
from remixer.forms import RemixRequestForm
from remixer.models import Remix
from remixer.selectors import regeneration_progress
from remixer.services import TEMPLATE_SCOPES

register = template.Library()


@register.inclusion_tag("remixer/_request_panel.html", takes_context=True)
def remix_panel(context, video) -> dict:
    user = context["request"].user
    consent = video_consent(video=video)
    decisions = {
        name: remix_permission(user=user, video=video, scopes=scopes, consent=consent)
        for name, scopes in TEMPLATE_SCOPES.items()
        if name != Remix.Template.VOICE or video.has_audio
    }
    allowed = [name for name, decision in decisions.items() if decision.allowed]
    refusal = next(iter(decisions.values())).reason if not allowed else ""
    return {
        "video": video,
        "user": user,
        "allowed": allowed,
        # "Ask me first": a request waits for the creator's approval.
        "asking": any(decisions[name].approval == "needed" for name in allowed),
        "refusal": refusal,
        "form": RemixRequestForm(
            initial={"template": allowed[0] if allowed else "caption", "start": 0, "length": 5},
            backdrops=backdrop_names(owner_id=video.owner_id) if allowed else [],
            with_voice=video.has_audio,
        ),
        "audio_seconds": video.audio_seconds,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("remixer/_regeneration.html", takes_context=True)
def regeneration(context) -> dict:
    """The creator's regeneration progress; it wakes up on every consent change on the page."""
    return {"progress": regeneration_progress(creator=context["request"].user)}
