"""The likeness engine on two real people's photos shipped inside installed packages."""

from __future__ import annotations

import functools
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from likeness import engine
from likeness.tests import photos


@functools.cache
def astronaut_embedding() -> np.ndarray:
    return engine.enrolment_embedding(photos.png_bytes(photos.astronaut()))


def nearest(image: Image.Image, enrolled: np.ndarray) -> float:
    found = np.array([face.embedding for face in engine.faces_find(image)])
    assert len(found), "no face found"
    return float(engine.distances(found, enrolled[None, :]).min())


def enrolment_code(image: Image.Image) -> str:
    """The refusal's code, the same from the upload's check and from the worker's embedding."""
    codes = set()
    for step in (engine.enrolment_check, engine.enrolment_embedding):
        with pytest.raises(engine.EnrolmentError) as caught:
            step(photos.png_bytes(image))
        assert str(caught.value)
        codes.add(caught.value.code)
    [code] = codes
    return code


def test_astronaut_has_one_face_where_her_head_is():
    [face] = engine.faces_find(photos.astronaut())
    left, top, right, bottom = face.box
    assert 150 < left < right < 290 and 50 < top < bottom < 190  # not the mission patch below
    assert 80 <= right - left <= 110
    assert face.embedding.shape == (128,) and face.embedding.dtype == np.float32


def test_boxes_are_mapped_back_from_the_scaled_copy():
    big = photos.scaled(photos.astronaut(), 2)
    [face] = engine.faces_find(big, max_side=512)
    assert 300 < face.box[0] < face.box[2] < 580


def test_the_upload_check_passes_a_photo_the_worker_can_describe():
    assert engine.enrolment_check(photos.png_bytes(photos.astronaut())) is None


def test_enrolment_is_the_astronauts_face():
    embedding = astronaut_embedding()
    assert embedding.shape == (128,) and embedding.dtype == np.float32
    assert nearest(photos.astronaut(), embedding) < 0.01


@pytest.mark.parametrize("name", ["crop_tight", "scale_0.5", "rotate_10", "jpeg_30", "flip"])
def test_transformed_copies_match(name):
    copy = photos.transforms(photos.astronaut())[name]
    assert nearest(copy, astronaut_embedding()) < engine.MATCH_THRESHOLD


def test_another_person_does_not_match():
    assert nearest(photos.grace_hopper(), astronaut_embedding()) >= engine.MATCH_THRESHOLD


def test_no_face():
    assert enrolment_code(Image.new("RGB", (400, 300), (30, 90, 160))) == "no_face"


def test_two_people_side_by_side():
    pair = photos.side_by_side(photos.astronaut(), photos.grace_hopper())
    assert enrolment_code(pair) == "several_faces"


def test_tiny_face():
    tiny = photos.scaled(photos.astronaut(), 60 / 90)  # her face box is about 90 px wide
    [face] = engine.faces_find(tiny)
    assert face.box[2] - face.box[0] < engine.MIN_FACE_PX
    assert enrolment_code(tiny) == "face_too_small"


@pytest.mark.parametrize(
    "data", [b"", b"not a picture at all", photos.png_bytes(photos.astronaut())[:5000]]
)
@pytest.mark.parametrize("step", [engine.enrolment_check, engine.enrolment_embedding])
def test_garbage_is_not_an_image(data, step):
    with pytest.raises(engine.EnrolmentError) as caught:
        step(data)
    assert caught.value.code == "not_an_image"


def test_huge_picture_is_refused_from_its_header(monkeypatch):
    monkeypatch.setattr(engine, "MAX_ENROLMENT_PIXELS", 100 * 100)
    assert enrolment_code(Image.new("RGB", (101, 100))) == "not_an_image"


def test_exif_orientation_is_applied():
    sideways = photos.astronaut().rotate(90, expand=True)
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to view"
    data = photos.jpeg_bytes(sideways, exif=exif)
    embedding = engine.enrolment_embedding(data)
    assert np.linalg.norm(embedding - astronaut_embedding()) < 0.3


def test_distances_equal_a_naive_loop():
    rng = np.random.default_rng(1)
    query, enrolled = rng.normal(size=(3, 128)), rng.normal(size=(50, 128))
    naive = [[np.linalg.norm(q - e) for e in enrolled] for q in query]
    np.testing.assert_allclose(engine.distances(query, enrolled), naive, rtol=1e-4)
    assert engine.distances(query, query).diagonal().max() < 1e-2


def test_best_matches_keeps_each_owners_nearest_vector_under_the_threshold():
    rng = np.random.default_rng(2)
    enrolled = rng.normal(size=(4, 128)).astype(np.float32)
    query = enrolled[[0]] + 0.01
    near = enrolled[0] + 0.02  # a second, slightly further vector of owner 7
    owners = np.array([7, 8, 9, 7])
    enrolled[3] = near
    matches = engine.best_matches(query, enrolled, owners, 0.5)
    assert matches.keys() == {7}
    assert matches[7] == pytest.approx(np.linalg.norm(query[0] - enrolled[0]), abs=1e-3)
    assert engine.best_matches(query[:0], enrolled, owners, 0.5) == {}


def test_bytes_round_trip():
    vector = astronaut_embedding()
    data = engine.vector_to_bytes(vector)
    assert len(data) == 512
    assert np.array_equal(engine.vector_from_bytes(data), vector)
    assert data[:4] == np.float32(vector[0]).astype("<f4").tobytes()
    with pytest.raises(ValueError):
        engine.vector_from_bytes(data[:-1])


def test_models_load_without_pkg_resources():
    code = (
        "import sys; from PIL import Image; from likeness import engine; "
        "engine.faces_find(Image.new('RGB', (64, 64))); engine._models(); "
        "assert 'pkg_resources' not in sys.modules, 'pkg_resources'; "
        "assert 'face_recognition_models' not in sys.modules, 'imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
