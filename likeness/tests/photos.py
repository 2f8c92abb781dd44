"""Photos of two real people that ship inside installed packages, and transformed copies.

Eileen Collins is scikit-image's "astronaut" (NASA, public domain); Grace Hopper is in
matplotlib's sample data (US Navy, public domain). Their folders are found without importing
the packages, and nothing is downloaded.
"""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

from PIL import Image, ImageEnhance, ImageOps

GREY = (128, 128, 128)


def _packaged(package: str, relative: str) -> Path:
    """A file shipped inside an installed package."""
    spec = importlib.util.find_spec(package)
    assert spec is not None and spec.submodule_search_locations, f"{package} is not installed"
    return Path(spec.submodule_search_locations[0]) / relative


def astronaut() -> Image.Image:
    """Eileen Collins, 512×512 RGB; her face box is about 90 pixels wide."""
    return Image.open(_packaged("skimage", "data/astronaut.png")).convert("RGB")


def grace_hopper() -> Image.Image:
    """Grace Hopper, 512×600 RGB (a black-and-white photo); her face is about 190 pixels wide."""
    return Image.open(_packaged("matplotlib", "mpl-data/sample_data/grace_hopper.jpg")).convert(
        "RGB"
    )


def jpeg(image: Image.Image, quality: int) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def crop(image: Image.Image, left: float, top: float, right: float, bottom: float) -> Image.Image:
    """A crop given in fractions of the width and height."""
    width, height = image.size
    return image.crop(
        (round(left * width), round(top * height), round(right * width), round(bottom * height))
    )


def scaled(image: Image.Image, factor: float) -> Image.Image:
    width, height = image.size
    return image.resize((round(width * factor), round(height * factor)), Image.Resampling.LANCZOS)


def transforms(image: Image.Image) -> dict[str, Image.Image]:
    """22 copies, as a re-upload, a screenshot or an edited frame might alter a photo."""
    copies = {
        "crop_top": crop(image, 0, 0, 1, 0.75),
        "crop_centre": crop(image, 0.15, 0.05, 0.85, 0.75),
        "crop_tight": crop(image, 0.25, 0.1, 0.8, 0.65),
        "flip": ImageOps.mirror(image),
    }
    for factor in (0.5, 0.75, 1.25, 1.5):
        copies[f"scale_{factor}"] = scaled(image, factor)
    for angle in (-15, -10, -5, 5, 10, 15):
        copies[f"rotate_{angle}"] = image.rotate(
            angle, Image.Resampling.BICUBIC, expand=True, fillcolor=GREY
        )
    for quality in (30, 50, 70, 90):
        copies[f"jpeg_{quality}"] = jpeg(image, quality)
    for factor in (0.7, 0.85, 1.15, 1.3):
        copies[f"brightness_{factor}"] = ImageEnhance.Brightness(image).enhance(factor)
    return copies


def side_by_side(*images: Image.Image) -> Image.Image:
    """The images in a row on a grey canvas, as in a frame showing several people."""
    canvas = Image.new("RGB", (sum(i.width for i in images), max(i.height for i in images)), GREY)
    left = 0
    for image in images:
        canvas.paste(image, (left, 0))
        left += image.width
    return canvas


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes(image: Image.Image, *, exif: Image.Exif) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95, exif=exif)
    return buffer.getvalue()
