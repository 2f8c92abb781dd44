"""The likeness guard's engine: find faces, describe them, and compare them with enrolled faces.

Pure functions over Pillow pictures, bytes and numpy arrays: no Django, no database, no network.
dlib does the work on the CPU, with the weights that the face-recognition-models package ships
(read from its folder; the package itself is never imported, because its __init__ imports
pkg_resources, which new setuptools no longer has):

    embedding = enrolment_embedding(upload_bytes)         # (128,) float32, or EnrolmentError
    faces = faces_find(poster)                            # every face in a frame
    hits = best_matches(frame_vectors, enrolled, owners, MATCH_THRESHOLD)   # {owner: distance}

Faces are found by dlib's HOG detector, placed by its 5-point shape predictor and described by
its ResNet as 128-number vectors; two pictures of one person lie close together (Euclidean
distance), pictures of two people far apart.

MATCH_THRESHOLD: dlib's usual 0.6, kept after measuring (bench/likeness.py, "accuracy"). Method:
enrol each of two real people who ship inside installed packages (Eileen Collins, scikit-image's
"astronaut"; Grace Hopper, matplotlib's sample data), then describe 22 transformed copies of
each photo (3 crops, scale ×0.5/0.75/1.25/1.5, rotation ±5/10/15°, JPEG quality 30/50/70/90,
brightness ×0.7/0.85/1.15/1.3, horizontal flip). Same person: each copy against its own
enrolment (44 pairs); different person: each photo and copy against the other person's
enrolment (46 pairs). A copy's distance is the smallest over the faces found in it; every copy
had its face found. Measured distances:

    same person        min 0.000  median 0.089  max 0.203
    different person   min 0.655  median 0.695  max 0.715

    threshold   false rejects (same ≥ t)   false accepts (different < t)
    0.50        0/44                       0/46
    0.55        0/44                       0/46
    0.60        0/44                       0/46

All three separate these pairs; 0.6 is kept because a match here refuses a remix: a false
reject lets a remix of an enrolled person through (the harm the guard exists to stop), a false
accept only refuses one the other person could allow. The margin is thin on the other side
(different people at 0.655), so do not raise it without more people to measure.

Limits: two people (both women; one photo in colour, one black and white), and synthetic
transforms: they do not cover another photo on another day, with another expression, pose,
age, glasses or lighting, where same-person distances are larger (dlib reports 99.38% on LFW's
pairs at 0.6). Rotation beyond ±15° and profiles are not found by the frontal HOG detector.

Detections scoring below MIN_DETECTION_SCORE are dropped: at upsample 1 the astronaut's mission
patch scores 0.12 as a "face" (enrolment would see two faces), while the real faces in all 46
photos and copies scored 0.52–1.50.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import warnings
from dataclasses import dataclass
from pathlib import Path

import dlib
import numpy as np
from PIL import Image, ImageOps

MATCH_THRESHOLD = 0.6
MIN_FACE_PX = 80  # an enrolment face box narrower than this is too blurred to describe reliably
MIN_DETECTION_SCORE = 0.3  # HOG score; below it the detector also fires on badges and patterns
MAX_ENROLMENT_PIXELS = 50_000_000  # past any phone photo; refuses decompression bombs early
EMBEDDING_SIZE = 128
VECTOR_BYTES = EMBEDDING_SIZE * 4  # float32

_MODELS_PACKAGE = "face_recognition_models"
_SHAPE_MODEL = "models/shape_predictor_5_face_landmarks.dat"
_DESCRIPTOR_MODEL = "models/dlib_face_recognition_resnet_model_v1.dat"


class EnrolmentError(ValueError):
    """A picture that cannot be enrolled; ``code`` tells which case, the message tells a person."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Face:
    """One face in a picture: where it is, and the vector that describes who it is."""

    box: tuple[int, int, int, int]  # left, top, right, bottom, in the picture's own pixels
    embedding: np.ndarray  # (128,) float32


@dataclass(frozen=True)
class _Models:
    detector: dlib.fhog_object_detector
    shapes: dlib.shape_predictor
    descriptor: dlib.face_recognition_model_v1


@functools.cache
def _models() -> _Models:
    """Load dlib's models once per process (about 0.3 s and 30 MB), on first use."""
    spec = importlib.util.find_spec(_MODELS_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("The face-recognition-models package is not installed.")
    folder = Path(spec.submodule_search_locations[0])
    return _Models(
        detector=dlib.get_frontal_face_detector(),
        shapes=dlib.shape_predictor(str(folder / _SHAPE_MODEL)),
        descriptor=dlib.face_recognition_model_v1(str(folder / _DESCRIPTOR_MODEL)),
    )


# --- finding faces ---------------------------------------------------------------------------


def faces_find(image: Image.Image, *, upsample: int = 1, max_side: int = 1280) -> list[Face]:
    """Every face in ``image``, with its box in the image's own pixels.

    Detection runs on a copy scaled down to ``max_side`` (its cost grows with the pixel count,
    and a face needs only about 40 pixels at upsample 1, 80 at upsample 0). Landmarks and
    descriptors use the full-resolution picture: the same time (the network always sees a
    150×150 chip), and closer vectors for faces that scaling leaves small (measured with
    max_side=320, her face 64 px once scaled: the astronaut's copies at 0.04–0.19 from her
    enrolment, against 0.11–0.25 from the scaled copy; the same for larger faces).
    """
    full = np.asarray(image.convert("RGB"))
    boxes = _boxes(full, upsample=upsample, max_side=max_side)
    embeddings = _describe(full, [dlib.rectangle(*box) for box in boxes])
    return [
        Face(box=box, embedding=embedding) for box, embedding in zip(boxes, embeddings, strict=True)
    ]


def _boxes(full: np.ndarray, *, upsample: int, max_side: int) -> list[tuple[int, ...]]:
    """The face boxes in an RGB array, detected on a copy no larger than ``max_side``."""
    scale = min(1.0, max_side / max(full.shape[:2]))
    small = full
    if scale < 1.0:
        size = (round(full.shape[1] * scale), round(full.shape[0] * scale))
        small = np.asarray(Image.fromarray(full).resize(size, Image.Resampling.BILINEAR))
    size = (full.shape[1], full.shape[0])
    return [_box_back(rect, scale, size) for rect in _detect(small, upsample)]


def _detect(rgb: np.ndarray, upsample: int) -> list[dlib.rectangle]:
    """The detector's boxes that score at least MIN_DETECTION_SCORE."""
    rects, scores, _ = _models().detector.run(rgb, upsample, 0.0)
    return [rect for rect, score in zip(rects, scores, strict=True) if score >= MIN_DETECTION_SCORE]


def _describe(rgb: np.ndarray, rects: list[dlib.rectangle]) -> list[np.ndarray]:
    """One 128-number vector per face box, all faces in one call to the network."""
    if not rects:
        return []
    models = _models()
    shapes = dlib.full_object_detections()
    for rect in rects:
        shapes.append(models.shapes(rgb, rect))
    vectors = models.descriptor.compute_face_descriptor(rgb, shapes, 0)
    return [np.asarray(vector, dtype=np.float32) for vector in vectors]


def _box_back(rect: dlib.rectangle, scale: float, size: tuple[int, int]) -> tuple[int, ...]:
    """A detection box mapped back to the original image and clipped to it."""
    width, height = size
    return (
        max(0, round(rect.left() / scale)),
        max(0, round(rect.top() / scale)),
        min(width, round(rect.right() / scale)),
        min(height, round(rect.bottom() / scale)),
    )


# --- enrolment -------------------------------------------------------------------------------


def enrolment_check(data: bytes) -> None:
    """EnrolmentError unless the photo shows exactly one face large enough to describe: what
    enrolment_embedding checks, without the network's description (about half its time), so
    an upload can be refused while the person waits and described once, by the worker."""
    _enrolment_box(np.asarray(_decode(data)))


def enrolment_embedding(data: bytes) -> np.ndarray:
    """The (128,) float32 vector of the one face in an uploaded photo, or EnrolmentError."""
    full = np.asarray(_decode(data))
    return _describe(full, [dlib.rectangle(*_enrolment_box(full))])[0]


def _enrolment_box(full: np.ndarray) -> tuple[int, ...]:
    """The box of the one face an enrolment photo must show, or EnrolmentError.

    Faces smaller than MIN_FACE_PX are ignored when a larger one is there (people in the
    background), so only a photo with two or more large faces is ambiguous.
    """
    faces = _boxes(full, upsample=1, max_side=1280)
    if not faces:
        raise EnrolmentError(
            "no_face",
            "No face was found in this photo. Use a clear photo of your face, facing the camera.",
        )
    large = [box for box in faces if _side(box) >= MIN_FACE_PX]
    if not large:
        raise EnrolmentError(
            "face_too_small",
            f"Your face is too small in this photo (under {MIN_FACE_PX} pixels wide). "
            "Use a closer or larger photo.",
        )
    if len(large) > 1:
        raise EnrolmentError(
            "several_faces",
            f"This photo shows {len(large)} faces. Use a photo with only your own face in it.",
        )
    return large[0]


def _decode(data: bytes) -> Image.Image:
    """The upload as an upright RGB picture; EnrolmentError for anything else.

    The pixel count is checked from the header, before any pixel is decoded.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (OSError, Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise _unreadable() from None
    if image.width * image.height > MAX_ENROLMENT_PIXELS:
        raise EnrolmentError(
            "not_an_image",
            f"This picture is too large (over {MAX_ENROLMENT_PIXELS // 1_000_000} megapixels). "
            "Use a smaller photo.",
        )
    try:
        return ImageOps.exif_transpose(image).convert("RGB")
    except (OSError, ValueError):  # truncated or corrupt pixel data
        raise _unreadable() from None


def _unreadable() -> EnrolmentError:
    return EnrolmentError(
        "not_an_image", "This file could not be read as a picture. Use a JPEG or PNG photo."
    )


def _side(box: tuple[int, int, int, int]) -> int:
    left, top, right, bottom = box
    return min(right - left, bottom - top)


# --- comparing -------------------------------------------------------------------------------


def distances(query: np.ndarray, enrolled: np.ndarray) -> np.ndarray:
    """Euclidean distances (k, n) between k query vectors and n enrolled vectors.

    ‖a−b‖² = ‖a‖² + ‖b‖² − 2a·b turns the k×n comparisons into one matrix product, in float32
    (100,000 enrolled faces in a few milliseconds). Rounding can make the sum slightly negative
    for identical vectors, hence the clamp at 0.
    """
    a = np.asarray(query, dtype=np.float32).reshape(-1, EMBEDDING_SIZE)
    b = np.asarray(enrolled, dtype=np.float32).reshape(-1, EMBEDDING_SIZE)
    squared = (
        np.einsum("ij,ij->i", a, a)[:, None] + np.einsum("ij,ij->i", b, b)[None, :] - 2 * a @ b.T
    )
    return np.sqrt(np.maximum(squared, 0.0, out=squared), out=squared)


def best_matches(
    query: np.ndarray, enrolled: np.ndarray, owners: np.ndarray, threshold: float
) -> dict[int, float]:
    """{owner: smallest distance} for each owner with an enrolled vector closer than threshold.

    ``owners[i]`` owns ``enrolled[i]``; an owner may have several enrolled vectors.
    """
    if len(query) == 0 or len(enrolled) == 0:
        return {}
    nearest = distances(query, enrolled).min(axis=0)
    matches: dict[int, float] = {}
    for index in np.flatnonzero(nearest < threshold):
        owner, distance = int(owners[index]), float(nearest[index])
        matches[owner] = min(distance, matches.get(owner, distance))
    return matches


# --- storage ---------------------------------------------------------------------------------


def vector_to_bytes(vector: np.ndarray) -> bytes:
    """A (128,) vector as 512 bytes of little-endian float32, the same on every machine."""
    array = np.asarray(vector, dtype="<f4")
    if array.shape != (EMBEDDING_SIZE,):
        raise ValueError(f"Expected a ({EMBEDDING_SIZE},) vector, got shape {array.shape}.")
    return array.tobytes()


def vector_from_bytes(data: bytes) -> np.ndarray:
    """The (128,) float32 vector that vector_to_bytes stored."""
    if len(data) != VECTOR_BYTES:
        raise ValueError(f"Expected {VECTOR_BYTES} bytes, got {len(data)}.")
    return np.frombuffer(data, dtype="<f4").astype(np.float32)
