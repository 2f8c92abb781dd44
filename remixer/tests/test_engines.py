"""The CPU render engines: pure functions over Pillow images, no database."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from remixer import engines
from remixer.engines import faces, fonts, label, text
from remixer.engines.face_effects import NO_FACE
from remixer.engines.faces import find_faces
from remixer.engines.validation import CAPTION_LIMIT_MESSAGE, clean_text
from remixer.tests.factories import face_poster, plain_poster, subject_poster

CREDIT = "@maya · Creator Hub"


# --- test posters ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def person() -> Image.Image:
    return face_poster()


def request(poster: Image.Image, template: str, inputs: dict, **kw) -> engines.RenderRequest:
    return engines.RenderRequest(
        poster=poster, template=template, inputs=inputs, credit=CREDIT, **kw
    )


def corner(image: Image.Image, fraction: float = 0.08) -> np.ndarray:
    """The bottom-right corner where the label strip goes."""
    width, height = image.size
    size = round(min(width, height) * fraction * 2)
    return np.asarray(image.crop((width - size, height - size // 2, width, height)), np.int16)


def diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


# --- every template -------------------------------------------------------------------------

RENDERS = [
    ("caption", {"top": "When the code works", "bottom": "on the first try"}),
    ("caption", {"top": "Top only", "style": "bar"}),
    ("caption", {"top": "Top", "bottom": "and bottom bars", "style": "bar"}),
    ("background", {"backdrop": "gradient"}),
    ("background", {"backdrop": "stripes", "colors": ["#000", "#ffcc00"]}),
    ("background", {"backdrop": "dots"}),
    ("face", {"effect": "pixelate"}),
    ("face", {"effect": "cartoon"}),
    ("face", {"effect": "sticker"}),
]


def test_the_engines_render_exactly_the_templates_remixes_can_name():
    from remixer.models import Remix
    from remixer.services import TEMPLATE_SCOPES

    # The voice clip has its own engine (engines/voice.py): the image engines draw the rest.
    images = set(Remix.Template.values) - {Remix.Template.VOICE}
    assert set(engines.TEMPLATES) == images == set(TEMPLATE_SCOPES) - {Remix.Template.VOICE}
    assert Remix.Template.VOICE in TEMPLATE_SCOPES


@pytest.mark.parametrize(("template", "inputs"), RENDERS)
def test_each_template_renders_a_labelled_rgb_image(person, template, inputs, monkeypatch):
    poster = person.copy()
    out = engines.render(request(poster, template, inputs))
    assert out.mode == "RGB"
    assert max(out.size) <= engines.MAX_LONG_SIDE
    assert np.array_equal(np.asarray(poster), np.asarray(person)), "the poster was drawn on"

    # The same render without the label differs exactly in the bottom-right corner.
    monkeypatch.setattr(label, "stamp", lambda image, credit: image)
    bare = engines.render(request(poster, template, inputs))
    assert bare.size == out.size
    assert diff(corner(out), corner(bare)) > 10
    assert np.array_equal(np.asarray(out)[:100, :100], np.asarray(bare)[:100, :100])
    if out.size == person.size:
        assert diff(corner(out), corner(person)) > 10


def test_label_region_differs_from_input_for_every_same_size_template(person):
    for template, inputs in [RENDERS[0], RENDERS[6]]:
        out = engines.render(request(person, template, inputs))
        assert out.size == person.size
        strip = corner(out)
        assert diff(strip, corner(person)) > 10
        assert (strip.max(axis=2) > 230).mean() > 0.01, "no white label text in the strip"


def test_outputs_stay_within_1280_and_keep_the_aspect():
    big = plain_poster(2400, 1200, (90, 120, 200))
    out = engines.render(request(big, "caption", {"top": "wide"}))
    assert out.size == (1280, 640)
    tall_bars = engines.render(
        request(plain_poster(720, 1280), "caption", {"top": "a", "bottom": "b", "style": "bar"})
    )
    assert tall_bars.height == 1280 and tall_bars.width < 720


def test_preview_is_small_and_labelled(person):
    out = engines.preview(request(person, "caption", {"top": "Preview"}))
    assert max(out.size) <= 360
    assert diff(corner(out), corner(person.resize(out.size))) > 10
    out = engines.preview(request(person, "caption", {"top": "x"}), long_side=200)
    assert max(out.size) <= 200


def test_render_rejects_unusable_posters():
    with pytest.raises(engines.RenderError):
        engines.render(request(plain_poster(10, 10), "caption", {"top": "tiny"}))
    with pytest.raises(engines.RenderError):
        engines.render(request("not an image", "caption", {"top": "x"}))  # type: ignore[arg-type]


def test_non_rgb_posters_are_accepted():
    rgba = Image.new("RGBA", (300, 400), (255, 0, 0, 0))
    out = engines.render(request(rgba, "caption", {"top": "transparent"}))
    assert out.mode == "RGB"
    assert out.getpixel((150, 200)) == (255, 255, 255)  # transparency became white, not black


# --- captions -------------------------------------------------------------------------------


def test_caption_wraps_and_shrinks_long_text():
    common = {"max_width": 680, "max_height": 380, "max_lines": 4, "max_size": 90, "min_size": 20}
    short = text.layout("Hi", **common)
    long = text.layout("This caption is long enough that it has to wrap " * 3, **common)
    assert len(short.lines) == 1
    assert 2 <= len(long.lines) <= 4
    assert long.size < short.size
    for line in long.lines:
        assert long.font.getlength(line) <= 680


def test_caption_truncates_with_an_ellipsis_when_even_the_smallest_size_is_too_big():
    block = text.layout(
        "word " * 200, max_width=200, max_height=400, max_lines=3, max_size=40, min_size=20
    )
    assert len(block.lines) == 3
    assert block.lines[-1].endswith("…")
    assert block.size == 20


def test_caption_splits_a_word_wider_than_the_frame():
    block = text.layout(
        "x" * 120, max_width=300, max_height=600, max_lines=4, max_size=40, min_size=12
    )
    assert len(block.lines) >= 2
    assert all(block.font.getlength(line) <= 300 for line in block.lines)
    assert "".join(block.lines) == "x" * 120  # split between characters, nothing lost


def caption_pixels(image: Image.Image, top: float, bottom: float) -> tuple[float, float]:
    """Fractions of near-white and near-black pixels in a horizontal band."""
    band = np.asarray(
        image.crop((0, round(image.height * top), image.width, round(image.height * bottom)))
    )
    return float((band.min(axis=2) > 230).mean()), float((band.max(axis=2) < 25).mean())


@pytest.mark.parametrize(
    "caption",
    ["مرحبا بالعالم", "שלום עולם", "你好，世界", "こんにちは", "안녕하세요", "Привет, мир"],
)
def test_any_script_renders_and_draws_pixels(caption):
    out = engines.render(request(plain_poster(), "caption", {"top": caption}))
    white, black = caption_pixels(out, 0, 0.3)
    assert white > 0.005 and black > 0.005  # white text, black outline on a grey frame
    bar = engines.render(request(plain_poster(), "caption", {"bottom": caption, "style": "bar"}))
    # Bottom bar: white background with black text, above the label.
    _, black = caption_pixels(bar, 0.85, 1.0)
    assert black > 0.002


def test_script_detection_picks_a_font_per_script():
    expected = {
        "مرحبا بالعالم": "NotoSansArabic",
        "שלום עולם": "NotoSansHebrew",
        "你好，世界": "NotoSansCJK",
        "こんにちは": "NotoSansCJK",
        "Привет, мир": "NotoSans-Bold",
    }
    for caption, name in expected.items():
        wanted = {
            "NotoSansArabic": "NotoSansArabic-Bold.ttf",
            "NotoSansHebrew": "NotoSansHebrew-Bold.ttf",
            "NotoSansCJK": "NotoSansCJK-Bold.ttc",
            "NotoSans-Bold": "NotoSans-Bold.ttf",
        }[name]
        if fonts.find_font_file(wanted) is None:
            pytest.skip(f"{wanted} is not installed (Debian fonts-noto-core / fonts-noto-cjk)")
        choice = fonts.choose_font(caption)
        assert choice.path and name in Path(choice.path).name, (caption, choice)
    assert fonts.choose_font("こんにちは").index == 0  # the Japanese face of the collection
    assert fonts.choose_font("你好").index == 2  # Simplified Chinese


def test_mixed_scripts_get_a_font_that_covers_every_character():
    choice = fonts.choose_font("مرحبا hello")
    assert all(fonts.has_glyph(choice, char) for char in "مرحبا hello")


@pytest.mark.skipif(not fonts.HAS_RAQM, reason="Pillow was built without libraqm")
def test_arabic_is_shaped_with_raqm():
    caption = "مرحبا بالعالم"
    choice = fonts.choose_font(caption)
    shaped = fonts.load_font(choice, 60).getmask(caption)
    unshaped = fonts.load_font(choice, 60, basic=True).getmask(caption)
    # Joined (initial/medial/final) forms are narrower than the isolated forms BASIC draws.
    assert shaped.size[0] < unshaped.size[0]


def test_right_to_left_fallback_order_without_raqm():
    assert text.visual("שלום עולם", raqm=False) == "םלוע םולש"
    assert text.visual("abc שלום 12", raqm=False) == "abc םולש 12"
    assert text.visual("@מאיה · Creator Hub", "ltr", raqm=False) == "@היאמ · Creator Hub"
    assert text.visual("plain", raqm=False) == "plain"
    if fonts.HAS_RAQM:  # raqm does bidi itself: the logical text goes through unchanged
        assert text.visual("שלום עולם") == "שלום עולם"


def test_control_characters_are_stripped():
    dirty = "Hel\x00lo\u202e Wor\u200bld\x1b!\nNext\tline"
    cleaned = engines.validate_inputs("caption", {"top": dirty})
    assert cleaned["top"] == "Hello World! Next line"
    assert clean_text("a \u00a0  b\u3000c") == "a b c"
    out = engines.render(request(plain_poster(), "caption", {"top": dirty}))
    assert out.mode == "RGB"
    with pytest.raises(engines.RenderError, match="Write a top or bottom caption"):
        engines.validate_inputs("caption", {"top": "\u200b\u202e\x00", "bottom": " \n "})


def test_caption_length_is_capped():
    with pytest.raises(engines.RenderError) as raised:
        engines.render(request(plain_poster(), "caption", {"top": "a" * 10_000}))
    assert str(raised.value) == CAPTION_LIMIT_MESSAGE
    with pytest.raises(engines.RenderError, match="200 characters"):
        engines.validate_inputs("caption", {"bottom": "b" * 201})
    assert len(engines.validate_inputs("caption", {"top": "c" * 200})["top"]) == 200
    # Invisible characters do not count against the limit.
    assert engines.validate_inputs("caption", {"top": "d" * 200 + "\u200b" * 50})["top"]


def test_markup_is_just_text():
    script = "<script>alert(1)</script>"
    assert engines.validate_inputs("caption", {"top": script})["top"] == script
    out = engines.render(request(plain_poster(), "caption", {"top": script, "bottom": "&amp;"}))
    white, _ = caption_pixels(out, 0, 0.3)
    assert white > 0.005


def test_long_and_foreign_credits_are_drawn():
    for credit in ["@مايا · Creator Hub", "@" + "very_long_name" * 20 + " · Creator Hub", ""]:
        poster = plain_poster(400, 300)
        out = label.stamp(poster.copy(), credit)
        assert diff(corner(out), corner(poster)) > 10


# --- validation -----------------------------------------------------------------------------

INVALID = [
    ("meme", {"top": "x"}, "Unknown template"),
    (None, {"top": "x"}, "Unknown template"),
    ("caption", ["top", "x"], "named values"),
    ("caption", {"top": "x", "colour": "red"}, "Unknown option"),
    ("caption", {"top": 5}, "must be text"),
    ("caption", {"top": ["x"]}, "must be text"),
    ("caption", {"top": "x", "style": "comic"}, "classic"),
    ("caption", {"top": "x", "style": 1}, "classic"),
    ("caption", {}, "Write a top or bottom caption"),
    ("caption", {"top": "", "bottom": "   "}, "Write a top or bottom caption"),
    ("background", {}, "Choose a backdrop"),
    ("background", {"backdrop": "lava"}, "Unknown backdrop"),
    ("background", {"backdrop": 3}, "named by text"),
    ("background", {"backdrop": "gradient", "colors": ["#fff"]}, "two hex"),
    ("background", {"backdrop": "gradient", "colors": ["#fff", "blue"]}, "two hex"),
    ("background", {"backdrop": "gradient", "colors": "#fff,#000"}, "two hex"),
    ("background", {"backdrop": "dots", "effect": "x"}, "Unknown option"),
    ("face", {}, "Choose an effect"),
    ("face", {"effect": "swap"}, "Unknown effect"),
    ("face", {"effect": ["pixelate"]}, "Unknown effect"),
    ("face", {"effect": "pixelate", "top": "x"}, "Unknown option"),
]


@pytest.mark.parametrize(("template", "inputs", "message"), INVALID)
def test_invalid_inputs_raise_render_error(template, inputs, message):
    with pytest.raises(engines.RenderError, match=message):
        engines.validate_inputs(template, inputs, backdrop_names=())  # no creator uploads
    with pytest.raises(engines.RenderError, match=message):
        engines.render(request(plain_poster(64, 64), template, inputs))


def test_valid_inputs_are_cleaned():
    assert engines.validate_inputs("caption", {"top": "  hi  there "}) == {
        "top": "hi there",
        "bottom": "",
        "style": "classic",
    }
    assert engines.validate_inputs(
        "background", {"backdrop": "stripes", "colors": ["#ABC", "#00ff00"]}
    ) == {"backdrop": "stripes", "colors": ["#aabbcc", "#00ff00"]}
    assert engines.validate_inputs("face", {"effect": "sticker"}) == {"effect": "sticker"}


def test_creator_backdrops_are_checked_when_known():
    # At request time the uploads are unknown: a plausible name is accepted for now.
    assert engines.validate_inputs("background", {"backdrop": "beach"}) == {"backdrop": "beach"}
    with pytest.raises(engines.RenderError, match="Unknown backdrop"):
        engines.validate_inputs("background", {"backdrop": "beach"}, backdrop_names=["city"])
    # At render time they are known.
    with pytest.raises(engines.RenderError, match="Unknown backdrop"):
        engines.render(request(subject_poster(), "background", {"backdrop": "beach"}))


# --- faces ----------------------------------------------------------------------------------


def test_the_synthetic_face_is_detected(person):
    found = find_faces(person)
    assert found, "the frontal Haar cascade found no face in the synthetic portrait"
    x, y, w, h = found[0]
    assert x < 360 < x + w and y < int(1280 * 0.38) < y + h  # around the drawn face's centre
    assert 150 < w < 500


def test_cascades_come_from_the_opencv_package():
    for name in (faces.FRONTAL, faces.PROFILE):
        assert faces.cascade_path(name).is_file(), name


def test_flat_frames_have_no_faces():
    assert faces.find_faces(Image.new("RGB", (150, 200), (128, 128, 128))) == []


@pytest.mark.parametrize("effect", ["pixelate", "cartoon", "sticker"])
def test_face_effects_change_the_face_and_little_else(person, effect):
    out = engines.render(request(person, "face", {"effect": effect}))
    x, y, w, h = find_faces(person)[0]
    face = (x + w // 4, y + h // 4, x + 3 * w // 4, y + 3 * h // 4)
    assert diff(np.asarray(out.crop(face)), np.asarray(person.crop(face))) > 3
    top_left = (0, 0, 120, 120)
    assert diff(np.asarray(out.crop(top_left)), np.asarray(person.crop(top_left))) < 1


@pytest.mark.parametrize("poster", [plain_poster(), subject_poster()])
def test_face_template_without_a_face_says_so(poster):
    with pytest.raises(engines.RenderError) as raised:
        engines.render(request(poster, "face", {"effect": "pixelate"}))
    assert str(raised.value) == NO_FACE


# --- background -----------------------------------------------------------------------------


def test_background_keeps_the_centre_subject_and_replaces_the_corners():
    poster = subject_poster()
    out = engines.render(request(poster, "background", {"backdrop": "gradient"}))
    before, after = np.asarray(poster), np.asarray(out)
    h, w = before.shape[:2]
    centre = (slice(int(h * 0.45), int(h * 0.75)), slice(int(w * 0.42), int(w * 0.58)))
    assert diff(after[centre], before[centre]) < 8
    for rows, cols in [(slice(0, 40), slice(0, 40)), (slice(0, 40), slice(w - 40, w))]:
        assert diff(after[rows, cols], before[rows, cols]) > 40


def test_background_with_a_face_keeps_the_face(person):
    out = engines.render(request(person, "background", {"backdrop": "dots"}))
    x, y, w, h = find_faces(person)[0]
    face = (x + w // 4, y + h // 4, x + 3 * w // 4, y + 3 * h // 4)
    assert diff(np.asarray(out.crop(face)), np.asarray(person.crop(face))) < 6
    assert diff(np.asarray(out.crop((0, 0, 60, 60))), np.asarray(person.crop((0, 0, 60, 60)))) > 30


def test_background_uses_a_creator_backdrop():
    poster = subject_poster()
    beach = Image.new("RGB", (300, 200), (250, 220, 120))
    out = engines.render(
        request(poster, "background", {"backdrop": "beach"}, backdrops={"beach": beach})
    )
    assert np.abs(np.asarray(out)[5, 5].astype(int) - (250, 220, 120)).max() < 12


def test_background_on_a_flat_frame_fails_clearly():
    with pytest.raises(engines.RenderError, match="subject"):
        engines.render(request(plain_poster(300, 400), "background", {"backdrop": "gradient"}))
