"""Types and image helpers shared by every render engine."""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image

# Every output, and every poster we work on, fits in this box (long side, aspect kept).
MAX_LONG_SIDE = 1280
# Below this the label alone would cover the frame and face detection cannot work.
MIN_SHORT_SIDE = 32


class RenderError(ValueError):
    """A render failed for a reason the requester can act on; str() is shown to them as is."""


@dataclass
class RenderRequest:
    poster: Image.Image  # the video's poster frame, RGB, long side up to 1280
    template: str  # one of TEMPLATES
    inputs: dict  # template options, checked by validate_inputs
    credit: str  # who made the original, e.g. "@maya · Creator Hub"; always drawn
    backdrops: dict[str, Image.Image] = field(default_factory=dict)  # creator uploads, by name


def fit_long_side(image: Image.Image, long_side: int) -> Image.Image:
    """Shrink (never enlarge) so the long side is at most ``long_side``, keeping the aspect."""
    width, height = image.size
    scale = long_side / max(width, height)
    if scale >= 1:
        return image
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    # reducing_gap lets Pillow shrink by whole factors first: much faster, same quality.
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)


def prepare_poster(poster: object, long_side: int = MAX_LONG_SIDE) -> Image.Image:
    """An RGB copy of the poster within ``long_side``; anything unusable becomes a RenderError."""
    if not isinstance(poster, Image.Image):
        raise RenderError("The poster frame is missing or is not an image.")
    width, height = poster.size
    if min(width, height) < MIN_SHORT_SIDE:
        raise RenderError("This frame is too small to remix.")
    if poster.mode != "RGB":
        # Flatten transparency onto white rather than letting convert() turn it black.
        if poster.mode in ("RGBA", "LA", "PA") or "transparency" in poster.info:
            rgba = poster.convert("RGBA")
            flat = Image.new("RGB", rgba.size, (255, 255, 255))
            flat.paste(rgba, mask=rgba.getchannel("A"))
            poster = flat
        else:
            poster = poster.convert("RGB")
    fitted = fit_long_side(poster, long_side)
    # Engines draw in place, so never hand them the caller's own image object.
    return fitted.copy() if fitted is poster else fitted
