"""The face template: pixelate, cartoon or cover each detected face with a sticker."""

from __future__ import annotations

import math

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from remixer.engines.base import RenderError
from remixer.engines.faces import Box, find_faces

NO_FACE = "No face was found in this frame; try the caption or background template."


def _grow(box: Box, factor: float, size: tuple[int, int]) -> tuple[int, int, int, int]:
    """The box scaled about its centre and clipped to the image, as (left, top, right, bottom)."""
    x, y, w, h = box
    cx, cy = x + w / 2, y + h / 2
    half_w, half_h = w * factor / 2, h * factor / 2
    return (
        max(0, round(cx - half_w)),
        max(0, round(cy - half_h)),
        min(size[0], round(cx + half_w)),
        min(size[1], round(cy + half_h)),
    )


def _oval_mask(size: tuple[int, int], feather: float) -> Image.Image:
    mask = Image.new("L", size, 0)
    inset = feather * 1.5
    ImageDraw.Draw(mask).ellipse((inset, inset, size[0] - inset, size[1] - inset), fill=255)
    return mask.filter(ImageFilter.GaussianBlur(feather)) if feather > 0 else mask


def _pixelate(image: Image.Image, box: Box) -> None:
    area = _grow(box, 1.15, image.size)
    region = image.crop(area)
    # About ten blocks across the face: unrecognisable, still obviously a face.
    block = max(4, round(max(region.size) / 10))
    small = (max(1, math.ceil(region.width / block)), max(1, math.ceil(region.height / block)))
    mosaic = region.resize(small, Image.Resampling.BOX).resize(
        (small[0] * block, small[1] * block), Image.Resampling.NEAREST
    )
    image.paste(mosaic.crop((0, 0, region.width, region.height)), area[:2])


def _cartoon(image: Image.Image, box: Box) -> None:
    area = _grow(box, 1.2, image.size)
    region = np.asarray(image.crop(area))
    height, width = region.shape[:2]
    # Bilateral filtering is slow on big faces: smooth a copy at most 256 px across.
    scale = min(1.0, 256 / max(width, height))
    work = cv2.resize(region, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    for _ in range(3):
        work = cv2.bilateralFilter(work, d=7, sigmaColor=40, sigmaSpace=7)
    work = cv2.resize(work, (width, height), interpolation=cv2.INTER_LINEAR)
    flat = (work // 24) * 24 + 12  # posterise into a few flat tones per channel
    gray = cv2.medianBlur(cv2.cvtColor(region, cv2.COLOR_RGB2GRAY), 5)
    block = max(3, (max(width, height) // 24) | 1)  # odd, scaled with the face
    edges = cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, block, 4
    )
    toon = cv2.bitwise_and(flat.astype(np.uint8), flat.astype(np.uint8), mask=edges)
    # Blend through a soft oval so there is no hard box edge around the effect.
    mask = _oval_mask((width, height), feather=max(1.0, min(width, height) / 20))
    image.paste(Image.fromarray(toon), area[:2], mask)


def _sticker(image: Image.Image, box: Box) -> None:
    x, y, w, h = box
    diameter = round(max(w, h) * 1.35)
    # Draw at 3× and shrink: Pillow's shapes are not anti-aliased on their own.
    ss = 3
    d = diameter * ss
    shadow = round(d * 0.04)
    layer = Image.new("RGBA", (d + shadow, d + shadow), (0, 0, 0, 0))
    pen = ImageDraw.Draw(layer)
    border = round(d * 0.05)
    pen.ellipse((shadow, shadow, d + shadow - 1, d + shadow - 1), fill=(0, 0, 0, 90))
    pen.ellipse((0, 0, d - 1, d - 1), fill=(255, 255, 255, 255))  # die-cut white rim
    face = (border, border, d - border - 1, d - border - 1)
    pen.ellipse(face, fill=(255, 205, 60, 255), outline=(200, 130, 20, 255), width=round(d * 0.02))
    eye_w, eye_h = d * 0.09, d * 0.14
    for cx in (d * 0.35, d * 0.65):
        cy = d * 0.4
        pen.ellipse((cx - eye_w, cy - eye_h, cx + eye_w, cy + eye_h), fill=(60, 35, 20, 255))
        glint = eye_w * 0.45
        pen.ellipse(
            (cx - glint * 1.2, cy - eye_h * 0.6, cx, cy - eye_h * 0.6 + glint * 1.2),
            fill=(255, 255, 255, 255),
        )
    for cx in (d * 0.24, d * 0.76):
        cy = d * 0.6
        pen.ellipse(
            (cx - d * 0.08, cy - d * 0.045, cx + d * 0.08, cy + d * 0.045),
            fill=(255, 150, 110, 255),  # opaque: ImageDraw replaces RGBA pixels, never blends
        )
    pen.arc(
        (d * 0.28, d * 0.42, d * 0.72, d * 0.78),
        start=20,
        end=160,
        fill=(60, 35, 20, 255),
        width=max(1, round(d * 0.045)),
    )
    size = (layer.width // ss, layer.height // ss)
    sticker = layer.resize(size, Image.Resampling.LANCZOS)
    left = round(x + w / 2 - diameter / 2)
    top = round(y + h / 2 - diameter / 2)
    image.paste(sticker, (left, top), sticker)


_EFFECTS = {"pixelate": _pixelate, "cartoon": _cartoon, "sticker": _sticker}


def render_face(image: Image.Image, inputs: dict) -> Image.Image:
    faces = find_faces(image)
    if not faces:
        raise RenderError(NO_FACE)
    effect = _EFFECTS[inputs["effect"]]
    for box in faces:
        effect(image, box)
    return image
