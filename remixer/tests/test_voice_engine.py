"""The voice remix engine: audio extraction, effects, validation and the MP4 it renders."""

from __future__ import annotations

import io
import re
from fractions import Fraction

import av
import numpy as np
import pytest
from PIL import Image

from creatorhub.videos.audio import AUDIO_RATE, audio_decode_wav, audio_encode_wav, audio_extract
from creatorhub.videos.media import MediaError
from remixer.engines.base import RenderError
from remixer.engines.voice import (
    EFFECTS,
    PEAK,
    PITCH_RATIO,
    apply_effect,
    dominant_frequency,
    mp4_audio,
    validate_voice_inputs,
    voice_render,
)

CREDIT = "@maya · Creator Hub"
SOURCE_RATE = 22050  # not AUDIO_RATE, so extraction has to resample


def tone(freq: float, seconds: float, rate: int = AUDIO_RATE, level: float = 0.5) -> np.ndarray:
    time = np.arange(round(seconds * rate)) / rate
    return (level * np.sin(2 * np.pi * freq * time)).astype(np.float32)


def picture(width: int = 160, height: int = 120) -> Image.Image:
    return Image.new("RGB", (width, height), (40, 120, 200))


def source_mp4(audio: np.ndarray | None, seconds: float = 1.5) -> bytes:
    """A tiny MP4 (64×48 at 5 fps) with ``audio`` as a stereo AAC track at SOURCE_RATE."""
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as container:
        video = container.add_stream("mpeg4", rate=5)
        video.width, video.height, video.pix_fmt = 64, 48, "yuv420p"
        sound = None
        if audio is not None:
            sound = container.add_stream("aac", rate=SOURCE_RATE, layout="stereo")
        frame = av.VideoFrame.from_image(picture(64, 48)).reformat(format="yuv420p")
        for index in range(round(seconds * 5)):
            frame.pts = index
            container.mux(video.encode(frame))
        container.mux(video.encode(None))
        if sound is not None:
            stereo = np.vstack([audio, audio]).astype(np.float32)
            chunk = av.AudioFrame.from_ndarray(stereo, format="fltp", layout="stereo")
            chunk.sample_rate, chunk.pts = SOURCE_RATE, 0
            chunk.time_base = Fraction(1, SOURCE_RATE)
            container.mux(sound.encode(chunk))
            container.mux(sound.encode(None))
    return buffer.getvalue()


def render(samples: np.ndarray, image: Image.Image | None = None, **inputs) -> bytes:
    options = {"effect": "echo", "start": 0.5, "length": 2.0, **inputs}
    image = image or picture()
    return voice_render(samples=samples, picture=image, inputs=options, credit=CREDIT)


def energy(samples: np.ndarray, start: float, end: float) -> float:
    """Mean square over [start, end) seconds."""
    part = samples[round(start * AUDIO_RATE) : round(end * AUDIO_RATE)]
    return float(np.mean(np.square(part, dtype=np.float64)))


def band(samples: np.ndarray, freq: float, width: float = 5.0) -> float:
    """Spectral magnitude within ``width`` Hz of ``freq``."""
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(samples.size)))
    freqs = np.fft.rfftfreq(samples.size, 1 / AUDIO_RATE)
    return float(spectrum[np.abs(freqs - freq) <= width].max())


# --- extraction and storage -----------------------------------------------------------------


def test_extract_gives_mono_float_samples_at_the_audio_rate(tmp_path):
    path = tmp_path / "source.mp4"
    path.write_bytes(source_mp4(tone(440, 1.5, SOURCE_RATE)))

    samples, duration = audio_extract(path)

    assert samples.ndim == 1
    assert samples.dtype == np.float32
    # Exact: the MP4's edit list trims AAC priming, and the resampler's flush keeps the tail.
    assert samples.size == round(1.5 * AUDIO_RATE)
    assert duration == 1.5
    assert dominant_frequency(samples[4000:-4000], AUDIO_RATE) == pytest.approx(440, rel=0.01)
    assert audio_extract(str(path))[1] == duration


def test_extract_without_an_audio_stream_is_none():
    assert audio_extract(io.BytesIO(source_mp4(None))) is None


def test_extract_refuses_undecodable_input():
    with pytest.raises(MediaError, match="could not be read"):
        audio_extract(io.BytesIO(b"this is not a video at all" * 40))


def test_wav_round_trip_keeps_the_samples():
    samples = tone(300, 0.5)
    data = audio_encode_wav(samples)

    assert data[:4] == b"RIFF"
    back = audio_decode_wav(data)
    assert back.dtype == np.float32
    assert back.size == samples.size
    assert np.max(np.abs(back - samples)) < 1e-4


def test_wav_decode_refuses_garbage():
    with pytest.raises(MediaError, match="not a valid WAV"):
        audio_decode_wav(b"RIFF nonsense")


# --- effects --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("effect", "ratio"), [("pitch_up", PITCH_RATIO), ("pitch_down", 1 / PITCH_RATIO)]
)
def test_pitch_effects_shift_a_tone_and_keep_its_duration(effect, ratio):
    data = render(tone(220, 3.0), effect=effect)

    samples, duration = mp4_audio(data)

    assert duration == pytest.approx(2.0, abs=0.1)
    middle = samples[AUDIO_RATE // 4 : -AUDIO_RATE // 4]  # away from the clip's edges
    assert dominant_frequency(middle, AUDIO_RATE) == pytest.approx(220 * ratio, rel=0.05)


def test_echo_repeats_a_burst_after_it_ends():
    burst = np.concatenate([tone(440, 0.3), np.zeros(AUDIO_RATE, np.float32)])

    out = apply_effect(burst, "echo")

    assert out.size == burst.size
    assert energy(burst, 0.35, 0.5) == 0
    first = energy(out, 0.35, 0.5)  # the first repeat, 250 ms later
    second = energy(out, 0.6, 0.75)  # the second, quieter
    assert first > 0.1 * energy(out, 0.0, 0.3)
    assert 0 < second < first


def test_robot_moves_a_tone_to_sidebands():
    source = tone(220, 1.0)

    out = apply_effect(source, "robot")

    sidebands = min(band(out, 180), band(out, 260))  # 220 Hz ± the 40 Hz carrier
    assert sidebands > 5 * band(out, 220)
    assert band(source, 220) > 5 * band(source, 180)


@pytest.mark.parametrize("effect", EFFECTS)
def test_effects_never_clip(effect):
    loud = np.clip(tone(220, 1.0, level=3.0), -1, 1)

    out = apply_effect(loud, effect)

    assert out.dtype == np.float32
    assert out.size == loud.size
    assert 0.5 < np.max(np.abs(out)) <= PEAK


# --- the rendered MP4 -----------------------------------------------------------------------


def test_render_is_an_h264_and_aac_mp4_of_the_clip_length():
    data = render(tone(220, 3.0), picture(161, 121), length=1.5)  # yuv420p needs even sizes

    with av.open(io.BytesIO(data)) as container:
        streams = [(stream.type, stream.codec_context.name) for stream in container.streams]
        video = container.streams.video[0]
        assert (video.width % 2, video.height % 2) == (0, 0)
        frame_seconds = 1 / float(video.average_rate)
        video_end = list(container.decode(video=0))[-1].time + frame_seconds
    assert streams == [("video", "h264"), ("audio", "aac")]
    assert video_end == pytest.approx(1.5, abs=0.1)
    assert mp4_audio(data)[1] == pytest.approx(1.5, abs=0.1)


def test_render_burns_in_the_label_and_the_caption_bar():
    plain = render(tone(220, 3.0))
    captioned = render(tone(220, 3.0), caption="Listen to this")

    def first_frame(data: bytes) -> np.ndarray:
        with av.open(io.BytesIO(data)) as container:
            return next(container.decode(video=0)).to_ndarray(format="rgb24").astype(int)

    frame = first_frame(plain)
    height, width = frame.shape[:2]
    assert (width, height) == (160, 120)
    # The blue picture everywhere but the dark label strip in the top-right corner, clear of
    # the controls players draw over the bottom of a video.
    assert np.abs(frame[10, 10] - (40, 120, 200)).max() < 12
    assert np.abs(frame[-8:, -30:] - (40, 120, 200)).max() < 12
    assert frame[4:12, -30:].mean() < 100
    with_bar = first_frame(captioned)
    bar = with_bar.shape[0] - height
    assert bar > 0  # a white bar grows the frame upwards
    assert with_bar[:bar].mean() > 150
    # The label sits in the picture, under the bar.
    assert with_bar[bar + 4 : bar + 12, -30:].mean() < 100
    assert np.abs(with_bar[-8:, -30:] - (40, 120, 200)).max() < 12


def test_render_validates_its_inputs():
    with pytest.raises(RenderError, match=re.escape("ends at 4.0 s but the video is 3.0 s long")):
        render(tone(220, 3.0), start=2.0, length=2.0)


# --- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"start": -1}, "cannot start before 0 s"),
        ({"length": 0}, "length must be more than 0 s"),
        ({"length": 11}, "limited to 10 s; this one is 11.0 s"),
        ({"start": 4, "length": 8}, "ends at 12.0 s but the video is 8.4 s long"),
        ({"effect": "chipmunk"}, "Choose a voice effect"),
        ({"start": "soon"}, "start must be a number"),
        ({"length": float("nan")}, "length must be a number"),
        ({"caption": "x" * 201}, "limited to 200 characters"),
        ({"speed": 2}, "Unknown option"),
    ],
)
def test_validation_names_the_problem(inputs, message):
    with pytest.raises(RenderError, match=re.escape(message)):
        validate_voice_inputs({"effect": "robot", "start": 1, "length": 2, **inputs}, duration=8.4)


def test_validation_refuses_options_that_are_not_named_values():
    with pytest.raises(RenderError, match="set of named values"):
        validate_voice_inputs(["robot", 0, 2], duration=8.4)


def test_validation_refuses_a_video_without_audio():
    with pytest.raises(RenderError, match="no audio track"):
        validate_voice_inputs({"effect": "robot", "start": 0, "length": 2}, duration=None)


def test_validation_cleans_the_caption_and_allows_a_clip_to_the_end():
    inputs = {"effect": "echo", "start": 6, "length": 2.4, "caption": " Hi\u202e there\n "}

    cleaned = validate_voice_inputs(inputs, duration=8.4)

    assert cleaned == {"effect": "echo", "start": 6.0, "length": 2.4, "caption": "Hi there"}
