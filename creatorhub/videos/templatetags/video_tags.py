from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import reverse

register = template.Library()


@register.filter
def creator_url(file, handle: str) -> str:
    """A media file's URL under its creator's prefix (/@handle/media/…), which robots.txt and
    TDMRep rules name, when this server serves media; the storage URL otherwise."""
    if not settings.SERVE_MEDIA:
        return file.url
    return reverse("media_scoped", args=[handle, file.name])
