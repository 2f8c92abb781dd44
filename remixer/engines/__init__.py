"""CPU render engines for meme remixes: pure functions over Pillow images.

No Django, no database, no network: callers pass a poster frame and validated options and get
an RGB image back, or a RenderError whose message can be shown to the requester as is.

    image = render(RenderRequest(poster, "caption", {"top": "hi"}, credit="@maya · Creator Hub"))

Every output carries the "AI remix" label and the credit line (see label.py).
"""

from __future__ import annotations

from PIL import Image

from remixer.engines import label
from remixer.engines.background import render_background
from remixer.engines.base import MAX_LONG_SIDE, RenderError, RenderRequest, fit_long_side
from remixer.engines.base import prepare_poster as _prepare_poster
from remixer.engines.caption import render_caption
from remixer.engines.face_effects import render_face
from remixer.engines.validation import TEMPLATES, validate_inputs

__all__ = [
    "MAX_LONG_SIDE",
    "TEMPLATES",
    "RenderError",
    "RenderRequest",
    "preview",
    "render",
    "validate_inputs",
]

PREVIEW_LONG_SIDE = 360


def _render(request: RenderRequest, long_side: int) -> Image.Image:
    if not isinstance(request, RenderRequest):
        raise TypeError("render() takes a RenderRequest")
    backdrops = request.backdrops or {}
    inputs = validate_inputs(request.template, request.inputs, backdrop_names=backdrops.keys())
    image = _prepare_poster(request.poster, long_side)
    if request.template == "caption":
        image = render_caption(image, inputs)
    elif request.template == "background":
        image = render_background(image, inputs, backdrops)
    else:
        image = render_face(image, inputs)
    # The bar caption style makes the canvas taller: bring it back within bounds, then label it
    # last so the strip is drawn at the final size and nothing can cover it.
    image = fit_long_side(image, long_side)
    return label.stamp(image, request.credit)


def render(request: RenderRequest) -> Image.Image:
    """The finished remix: RGB, long side at most 1280, labelled and credited."""
    return _render(request, MAX_LONG_SIDE)


def preview(request: RenderRequest, long_side: int = PREVIEW_LONG_SIDE) -> Image.Image:
    """The same render from a poster shrunk to ``long_side`` first: cheap enough to run while
    the requester types. Layout scales with the frame, so it looks like the full render."""
    return _render(request, max(64, min(int(long_side), MAX_LONG_SIDE)))
