"""The background template: keep the subject, replace everything behind it.

The subject box is seeded from the largest face (stretched down over the torso) or, with no
face, from a central box; GrabCut refines it on a small copy for speed, and the mask is scaled
back up and feathered so the cut-out edge blends into the new backdrop.
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image, ImageOps

from remixer.engines.base import RenderError
from remixer.engines.faces import find_faces
from remixer.engines.validation import parse_hex

# GrabCut's cost grows quickly with pixels (≈0.2 s at 320 px, up to ≈0.8 s at 512 px on one
# core here); the mask is feathered after upscaling, so the lost edge detail does not show.
GRABCUT_LONG_SIDE = 320
GRABCUT_ITERATIONS = 3
DEFAULT_COLORS = {
    "gradient": ("#ff6b6b", "#5f27cd"),
    "stripes": ("#ffd166", "#ef476f"),
    "dots": ("#118ab2", "#ffffff"),
}
NO_SUBJECT = "Couldn’t find a subject to keep in this frame; try the caption template."


def make_backdrop(kind: str, size: tuple[int, int], colors: list[str] | None = None) -> Image.Image:
    """A generated backdrop: "gradient", "stripes" or "dots" in two colours."""
    width, height = size
    first, second = (np.array(parse_hex(c), np.float32) for c in colors or DEFAULT_COLORS[kind])
    ys, xs = np.ogrid[0:height, 0:width]
    if kind == "gradient":
        # Diagonal, top-left to bottom-right.
        t = (xs / max(1, width - 1) + ys / max(1, height - 1)) / 2
    elif kind == "stripes":
        period = max(8.0, max(size) / 14)
        phase = ((xs + ys) % period) / period
        # A one-pixel ramp at each edge instead of a hard step: diagonal stripes alias badly.
        edge = 1.0 / period
        t = np.clip(np.minimum(phase, 1 - phase) * 2 - 0.5, -edge, edge) / (2 * edge) + 0.5
    else:
        period = max(10.0, max(size) / 16)
        radius = period * 0.28
        # Every other row shifted by half a period: a hexagonal polka-dot grid.
        row = np.floor(ys / period)
        dx = (xs + (row % 2) * period / 2) % period - period / 2
        dy = ys % period - period / 2
        t = np.clip(radius - np.hypot(dx, dy) + 0.5, 0, 1)
    t = np.broadcast_to(t, (height, width)).astype(np.float32)[..., None]
    pixels = first * (1 - t) + second * t
    return Image.fromarray(np.clip(pixels + 0.5, 0, 255).astype(np.uint8), "RGB")


def _seed_mask(shape: tuple[int, int], faces: list[tuple[int, int, int, int]]) -> np.ndarray:
    """GrabCut's starting labels: sure background outside the subject box, probable
    foreground inside, and sure foreground on the core of a detected face."""
    height, width = shape
    mask = np.full((height, width), cv2.GC_BGD, np.uint8)
    if faces:
        x, y, w, h = faces[0]
        box = (x - 0.9 * w, y - 0.45 * h, x + 1.9 * w, y + 4.0 * h)  # head and shoulders down
    else:
        box = (0.2 * width, 0.12 * height, 0.8 * width, height)
    # Keep a band of sure background on every side but the bottom (subjects are usually cut by
    # the frame's bottom edge), so GrabCut always has background colours to learn from.
    band_x, band_y = max(2, round(width * 0.04)), max(2, round(height * 0.04))
    left = int(np.clip(box[0], band_x, width - band_x - 2))
    right = int(np.clip(box[2], left + 2, width - band_x))
    upper = int(np.clip(box[1], band_y, height - 2))
    lower = int(np.clip(box[3], upper + 2, height))
    mask[upper:lower, left:right] = cv2.GC_PR_FGD
    if faces:
        x, y, w, h = faces[0]
        center = (round(x + w / 2), round(y + h / 2))
        axes = (max(1, round(w * 0.3)), max(1, round(h * 0.38)))
        cv2.ellipse(mask, center, axes, 0, 0, 360, int(cv2.GC_FGD), thickness=-1)
    return mask


def _main_parts(mask: np.ndarray, seed: np.ndarray) -> np.ndarray:
    """Keep the big pieces of the subject and any piece touching the sure-foreground seed
    (a head can come out separate from the torso at a thin neck), dropping stray blobs."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if count <= 2:
        return mask
    areas = stats[1:, cv2.CC_STAT_AREA]
    keep = np.zeros(count, bool)
    keep[1:] = areas >= 0.15 * areas.max()
    keep[np.unique(labels[seed & (labels > 0)])] = True
    return keep[labels].astype(np.uint8)


def subject_alpha(image: Image.Image) -> np.ndarray:
    """A float32 alpha (1 = subject) the size of ``image``."""
    width, height = image.size
    scale = min(1.0, GRABCUT_LONG_SIDE / max(width, height))
    small_size = (max(8, round(width * scale)), max(8, round(height * scale)))
    rgb = np.asarray(image)
    small = cv2.resize(rgb, small_size, interpolation=cv2.INTER_AREA) if scale < 1 else rgb
    faces = [
        (round(x * scale), round(y * scale), round(w * scale), round(h * scale))
        for x, y, w, h in find_faces(image, profile=False)
    ]
    mask = _seed_mask(small.shape[:2], faces)
    seed = mask == cv2.GC_FGD
    background = np.zeros((1, 65), np.float64)
    foreground = np.zeros((1, 65), np.float64)
    bgr = np.ascontiguousarray(small[..., ::-1])
    try:
        cv2.grabCut(
            bgr, mask, None, background, foreground, GRABCUT_ITERATIONS, cv2.GC_INIT_WITH_MASK
        )
    except cv2.error as error:  # e.g. a frame of one flat colour gives GrabCut nothing to model
        raise RenderError(NO_SUBJECT) from error
    subject = ((mask == cv2.GC_FGD) | (mask == cv2.GC_PR_FGD)).astype(np.uint8)
    # Drop specks and fill pin-holes, then keep the one big subject.
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
    subject = cv2.morphologyEx(subject, cv2.MORPH_OPEN, kernel)
    subject = cv2.morphologyEx(subject, cv2.MORPH_CLOSE, kernel)
    subject = _main_parts(subject, seed)
    if subject.mean() < 0.01:
        raise RenderError(NO_SUBJECT)
    # The small copy's edge pixels mix subject and old background; dropping that one-pixel rim
    # keeps a line of the old background colour from showing round the subject.
    alpha = cv2.erode(subject, np.ones((3, 3), np.uint8)).astype(np.float32)
    if scale < 1:
        alpha = cv2.resize(alpha, (width, height), interpolation=cv2.INTER_LINEAR)
    feather = max(1.0, max(width, height) / 400)
    alpha = cv2.GaussianBlur(alpha, (0, 0), feather)
    # Pull the soft edge slightly inwards ("choke"): the outermost feathered pixels are mostly
    # old background and would leave a halo of its colour around the subject.
    return np.clip((alpha - 0.25) / 0.75, 0.0, 1.0)


def render_background(
    image: Image.Image, inputs: dict, backdrops: dict[str, Image.Image]
) -> Image.Image:
    name = inputs["backdrop"]
    if name in DEFAULT_COLORS:
        backdrop = make_backdrop(name, image.size, inputs.get("colors"))
    else:
        upload = backdrops.get(name)
        if not isinstance(upload, Image.Image):
            raise RenderError("That backdrop is no longer available; choose another one.")
        # Cover the frame (scale to fill, centre-crop the overflow), like CSS background: cover.
        backdrop = ImageOps.fit(upload.convert("RGB"), image.size, Image.Resampling.BILINEAR)
    alpha = subject_alpha(image)[..., None]
    subject = np.asarray(image, np.float32)
    behind = np.asarray(backdrop, np.float32)
    blended = behind + (subject - behind) * alpha
    return Image.fromarray(np.clip(blended + 0.5, 0, 255).astype(np.uint8), "RGB")
