"""Consent pieces for pages other apps own (library rows, video pages)."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html

from consent import content_rules, rules, selectors
from consent.scopes import SCOPE_LABELS, SCOPES, mask_to_names
from consent.usage import AIUsage, Training, remix_ai_usage, video_ai_usage

register = template.Library()


@register.simple_tag(takes_context=True)
def library_consent(context, videos) -> dict:
    """Consent of a library page (two queries) and what the bulk menu needs."""
    consent = selectors.library_consent(owner=context["request"].user, videos=list(videos))
    return {
        "by_video": consent.by_video,
        "default_scopes": consent.default_scopes,
        "scope_choices": [(name, SCOPE_LABELS[name]) for name in SCOPES],
    }


@register.filter
def for_video(consent: dict, video):
    return consent["by_video"].get(video.id)


@register.inclusion_tag("consent/_video_panel.html", takes_context=True)
def video_consent_panel(context, video, oob: bool = False) -> dict:
    consent = selectors.video_consent(video=video)
    return {
        "oob": oob,
        "video": video,
        "consent": consent,
        "scope_choices": [(name, SCOPE_LABELS[name]) for name in SCOPES],
        "checked_scopes": mask_to_names(consent.own_scopes or consent.scopes) or ["caption"],
        # Offered ticked only when the account has kinds to inherit.
        "inherits_details": consent.own_scopes is None
        and consent.own_audience is None
        and consent.scopes != 0,
        "video_rules": rules_form_context(rules.video_own_rules(video=video)),
        "video_rules_url": reverse("consent:video_rules", args=[video.public_id]),
        "request": context.get("request"),
    }


def rules_form_context(current: rules.Rules) -> dict:
    """What the content-rules form shows: the phrases one per line, every category ticked or
    not."""
    return {
        "phrases": "\n".join(current.phrases),
        "categories": [
            (key, label, key in current.categories)
            for key, label in content_rules.CATEGORIES.items()
        ],
    }


def _robots_meta(usage: AIUsage) -> str:
    if usage.training == Training.ALLOWED:
        return ""
    return format_html('<meta name="robots" content="{}">', "noai, noimageai")


def _request_usage(context) -> AIUsage | None:
    """The usage ConsentSignalsMiddleware resolved for this page (its headers say the same)."""
    resolved = getattr(context.get("request"), "ai_usage", None)
    return resolved.usage if resolved is not None else None


@register.simple_tag(takes_context=True)
def consent_robots_meta(context, video) -> str:
    """The robots meta tag AI crawlers read, unless every AI company may train on the video."""
    return _robots_meta(_request_usage(context) or video_ai_usage(video=video))


@register.simple_tag(takes_context=True)
def remix_robots_meta(context, video, published: bool) -> str:
    """The same for a remix of `video`: its source's usage while it is published."""
    usage = _request_usage(context) or remix_ai_usage(video=video, published=published)
    return _robots_meta(usage)


@register.filter
def scope_names(mask: int) -> str:
    return ", ".join(mask_to_names(mask)) or "none"
