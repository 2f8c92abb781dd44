"""Face detection with the Haar cascades that ship inside opencv-python-headless (cv2.data):
offline, nothing downloaded at run time."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

Box = tuple[int, int, int, int]  # x, y, width, height in poster pixels

FRONTAL = "haarcascade_frontalface_default.xml"
PROFILE = "haarcascade_profileface.xml"
# Detect on a copy this size: faces under 24/360 of the long side (85 px in a 1280 px frame)
# are skipped, which memes can live with, and detection stays fast.
DETECT_LONG_SIDE = 360
MAX_FACES = 8
# The profile cascade is only a fallback and runs twice (mirrored); a coarser pyramid halves
# its cost and still finds faces that fill a fair part of the frame.
_SCALE_FACTORS = {FRONTAL: 1.1, PROFILE: 1.2}


def cascade_path(name: str) -> Path:
    return Path(cv2.data.haarcascades) / name


@lru_cache(maxsize=4)
def _classifier(name: str) -> cv2.CascadeClassifier:
    classifier = cv2.CascadeClassifier(str(cascade_path(name)))
    if classifier.empty():
        raise RuntimeError(f"OpenCV's bundled cascade {name} could not be loaded.")
    return classifier


def _detect(name: str, gray: np.ndarray) -> list[Box]:
    found = _classifier(name).detectMultiScale(
        gray, scaleFactor=_SCALE_FACTORS[name], minNeighbors=3
    )
    return [tuple(int(v) for v in box) for box in found]  # type: ignore[misc]


def _overlap(a: Box, b: Box) -> float:
    """Intersection over the smaller box: a profile hit inside a frontal one is the same face."""
    x1, y1 = max(a[0], b[0]), max(a[1], b[1])
    x2, y2 = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    if x2 <= x1 or y2 <= y1:
        return 0.0
    return (x2 - x1) * (y2 - y1) / min(a[2] * a[3], b[2] * b[3])


def _distinct(boxes: list[Box]) -> list[Box]:
    kept: list[Box] = []
    for box in sorted(boxes, key=lambda b: b[2] * b[3], reverse=True):
        if all(_overlap(box, other) < 0.4 for other in kept):
            kept.append(box)
    return kept


def find_faces(image: Image.Image, *, profile: bool = True) -> list[Box]:
    """Faces in ``image``, largest first: frontal, else (if ``profile``) faces in profile
    looking either way."""
    width, height = image.size
    scale = min(1.0, DETECT_LONG_SIDE / max(width, height))
    gray = np.asarray(image.convert("L"))
    if scale < 1:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        gray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    # Equalising evens out exposure, as OpenCV's own face detection samples do.
    gray = cv2.equalizeHist(gray)

    boxes = _detect(FRONTAL, gray)
    if profile and not boxes:
        # The profile cascade finds faces turned one way; mirror to find the other way.
        boxes = _detect(PROFILE, gray)
        mirrored = np.ascontiguousarray(gray[:, ::-1])
        gray_w = gray.shape[1]
        boxes += [(gray_w - x - w, y, w, h) for x, y, w, h in _detect(PROFILE, mirrored)]
    found = []
    for x, y, w, h in _distinct(boxes)[:MAX_FACES]:
        found.append((round(x / scale), round(y / scale), round(w / scale), round(h / scale)))
    return found
