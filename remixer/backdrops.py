"""Creators' own backdrops for the background template: upload, delete, and the reads the
request panel and the renderer need."""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.crypto import get_random_string
from PIL import Image

from creatorhub.accounts.models import User
from creatorhub.videos.media import MediaError, poster_from_image_file
from creatorhub.videos.services import media_files_delete
from remixer.engines.validation import GENERATED_BACKDROPS
from remixer.models import Backdrop

MAX_BACKDROPS = 12


class BackdropError(ValueError):
    """A backdrop refused, with a message for the creator."""


def backdrop_names(*, owner_id: int) -> list[str]:
    return list(Backdrop.objects.filter(owner_id=owner_id).values_list("name", flat=True))


def backdrop_images(*, owner_id: int, inputs: dict) -> dict[str, Image.Image]:
    """The creator backdrop a background remix names, decoded; empty for generated ones."""
    name = inputs.get("backdrop")
    if not name or name in GENERATED_BACKDROPS:
        return {}
    backdrop = Backdrop.objects.filter(owner_id=owner_id, name=name).first()
    if backdrop is None:
        return {}
    with backdrop.image.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
    return {name: image.convert("RGB")}


@transaction.atomic
def backdrop_add(*, owner: User, name: str, upload) -> Backdrop:
    """Store a validated, re-encoded copy (long side ≤ 1280) under a fresh path."""
    if name in GENERATED_BACKDROPS:
        raise BackdropError(f"“{name}” is a built-in backdrop; choose another name.")
    # Lock the owner's row so two uploads at once cannot pass the limit together.
    User.objects.select_for_update().filter(id=owner.id).first()
    if Backdrop.objects.filter(owner=owner, name=name).exists():
        raise BackdropError(f"You already have a backdrop called “{name}”.")
    if Backdrop.objects.filter(owner=owner).count() >= MAX_BACKDROPS:
        raise BackdropError(f"You can keep {MAX_BACKDROPS} backdrops; delete one first.")
    try:
        still = poster_from_image_file(upload)
    except MediaError as error:
        raise BackdropError(str(error)) from None
    stem = f"{owner.id}/{name}-{get_random_string(8).lower()}"  # under upload_to
    backdrop = Backdrop(owner=owner, name=name)
    backdrop.image.save(f"{stem}.jpg", ContentFile(still.poster_jpeg), save=False)
    backdrop.thumbnail.save(f"{stem}-thumb.jpg", ContentFile(still.thumb_jpeg), save=False)
    try:
        backdrop.save()
    except Exception:
        media_files_delete(names=[backdrop.image.name, backdrop.thumbnail.name])
        raise
    return backdrop


@transaction.atomic
def backdrop_delete(*, owner: User, backdrop_id: int) -> bool:
    """Delete one of the owner's backdrops; remixes already made with it keep their image."""
    backdrop = Backdrop.objects.filter(owner=owner, id=backdrop_id).first()
    if backdrop is None:
        return False
    files = [backdrop.image.name, backdrop.thumbnail.name]
    backdrop.delete()
    transaction.on_commit(lambda: media_files_delete(names=files))
    return True
