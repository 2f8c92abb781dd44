"""The voice remix: a short MP4 clip (at most 10 s) of a video's audio, altered by an effect.

Pure functions over numpy samples and a Pillow picture, like the image engines: no Django, no
database, no network, no models. The pipeline is

    samples, duration = audio_extract("talk.mp4")        # mono float32 at AUDIO_RATE
    inputs = validate_voice_inputs(form, duration=duration)
    mp4 = voice_render(samples=samples, picture=poster, inputs=inputs, credit="@maya · Creator Hub")

The MP4 shows the still picture with the "AI remix" label and credit burned in (label.py), and
the caption, if any, in a white bar under it (the caption engine's "bar" style).

No start chime: the visible label already marks the clip as a remix, and a chime would make the
output longer than the clip the requester chose (or eat into it). The output lasts the clip's
length: the MP4 edit list hides AAC's priming and padding, and the video has whole frames.
"""

from __future__ import annotations

import io
import math
import wave
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import BinaryIO

import av
import numpy as np
from PIL import Image

from remixer.engines import label
from remixer.engines.base import RenderError, fit_long_side, prepare_poster
from remixer.engines.caption import render_caption
from remixer.engines.validation import CAPTION_LIMIT, CAPTION_LIMIT_MESSAGE, clean_text

AUDIO_RATE = 16000  # Hz, mono: plenty for speech, and a 10 s clip is only 160k samples
MAX_CLIP_SECONDS = 10.0
EFFECTS = ("pitch_up", "pitch_down", "robot", "echo")
PITCH_RATIO = 1.5  # a fifth up (or down): clearly altered, still intelligible

VIDEO_LONG_SIDE = 720
VIDEO_FPS = 10  # the picture is a still: more frames would only cost encoding time
PEAK = 0.98  # headroom so the AAC encoder's overshoot does not clip

# A clip may end this far past the end of the audio (a slider rounding the duration up); the
# missing samples are silence.
_END_TOLERANCE = 0.02  # seconds
_OPTIONS = ("effect", "start", "length", "caption")
_N_FFT = 1024  # 64 ms at 16 kHz: resolves voice harmonics, short enough to keep transients
_HOP = _N_FFT // 4
_ROBOT_CARRIER = 40.0  # Hz: the ring modulator's "Dalek" buzz
_ROBOT_COMB = (0.006, 0.6, 3)  # delay (s), gain per tap, taps: a short metallic resonance
_ECHO = (0.25, 0.4, 4)  # delay (s), decay per repeat, repeats
_VIDEO_CODECS = ("libx264", "h264", "mpeg4")
_AAC_BIT_RATE = 48000


# --- decoding and storage -------------------------------------------------------------------


def audio_extract(source: str | Path | BinaryIO) -> tuple[np.ndarray, float] | None:
    """The first audio stream as mono float32 samples at AUDIO_RATE, with its duration.

    The duration is counted from the decoded samples, not the container's header, so clip
    bounds are checked against audio that really exists. None when there is no audio stream.
    """
    if isinstance(source, Path):
        source = str(source)
    try:
        with av.open(source) as container:
            if not container.streams.audio:
                return None
            samples = _decode_mono(container, container.streams.audio[0])
    except av.FFmpegError as error:
        raise RenderError("This file could not be read as audio or video.") from error
    return samples, samples.size / AUDIO_RATE


def _decode_mono(container, stream) -> np.ndarray:
    # Any layout, format and rate becomes mono float32 at AUDIO_RATE; demuxing only this
    # stream skips decoding the (far costlier) video.
    resampler = av.AudioResampler(format="flt", layout="mono", rate=AUDIO_RATE)
    chunks = []
    for packet in container.demux(stream):
        for frame in packet.decode():
            chunks.extend(out.to_ndarray()[0] for out in resampler.resample(frame))
    chunks.extend(out.to_ndarray()[0] for out in resampler.resample(None))  # flush
    if not chunks:
        return np.zeros(0, np.float32)
    return np.concatenate(chunks).astype(np.float32, copy=False)


def mp4_audio(data: bytes) -> tuple[np.ndarray, float]:
    """The audio of an MP4 held in memory (a rendered clip), as mono samples and duration."""
    extracted = audio_extract(io.BytesIO(data))
    if extracted is None:
        raise RenderError("This MP4 has no audio track.")
    return extracted


def audio_encode_wav(samples: np.ndarray) -> bytes:
    """16-bit mono WAV at AUDIO_RATE: half the size of float32, and any tool can play it."""
    pcm = np.round(np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(AUDIO_RATE)
        out.writeframes(pcm.tobytes())
    return buffer.getvalue()


def audio_decode_wav(data: bytes) -> np.ndarray:
    """Samples back from audio_encode_wav's output, as float32 in [-1, 1]."""
    try:
        with wave.open(io.BytesIO(data), "rb") as source:
            shape = (source.getnchannels(), source.getsampwidth(), source.getframerate())
            frames = source.readframes(source.getnframes())
    except (wave.Error, EOFError) as error:
        raise RenderError("The stored audio extract is not a valid WAV file.") from error
    if shape != (1, 2, AUDIO_RATE):
        raise RenderError(f"The stored audio extract is not 16-bit mono at {AUDIO_RATE} Hz.")
    return np.frombuffer(frames, "<i2").astype(np.float32) / 32768


def dominant_frequency(samples: np.ndarray, rate: int) -> float:
    """The strongest frequency in Hz: Hann-windowed FFT peak, refined between bins by fitting
    a parabola to the log magnitudes (a bin alone is 1 Hz coarse for a 1 s signal)."""
    samples = np.asarray(samples, np.float64)
    if samples.size < 4:
        return 0.0
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(samples.size)))
    spectrum[0] = 0.0  # an offset is not a tone
    peak = int(np.argmax(spectrum))
    offset = 0.0
    if 0 < peak < spectrum.size - 1:
        left, middle, right = np.log(spectrum[peak - 1 : peak + 2] + 1e-12)
        curve = left - 2 * middle + right
        offset = 0.5 * (left - right) / curve if curve else 0.0
    return (peak + offset) * rate / samples.size


# --- validation -----------------------------------------------------------------------------


def _seconds(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise RenderError(f"The clip {name} must be a number of seconds.")
    return float(value)


def _bounds(end: float, duration: float) -> str:
    # One decimal reads best, but never print "ends at 8.4 s but the video is 8.4 s long".
    digits = 1 if round(end, 1) != round(duration, 1) else 2
    return f"The clip ends at {end:.{digits}f} s but the video is {duration:.{digits}f} s long."


def _caption(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise RenderError("The caption must be text.")
    # Cleaning only shortens text; refuse absurd input before the per-character work.
    if len(value) > CAPTION_LIMIT * 10:
        raise RenderError(CAPTION_LIMIT_MESSAGE)
    text = clean_text(value)
    if len(text) > CAPTION_LIMIT:
        raise RenderError(CAPTION_LIMIT_MESSAGE)
    return text


def validate_voice_inputs(inputs: Mapping, *, duration: float | None) -> dict:
    """Checked and cleaned voice options: effect, start and length (seconds), caption.

    ``duration`` is the video's audio length (audio_extract), None when it has none.
    """
    if duration is None:
        raise RenderError("This video has no audio track to remix.")
    if not isinstance(inputs, Mapping):
        raise RenderError("Remix options must be a set of named values.")
    unknown = sorted(repr(str(key)[:40]) for key in inputs if key not in _OPTIONS)
    if unknown:
        raise RenderError(
            f"Unknown option for a voice remix: {', '.join(unknown)}; "
            f"it takes {', '.join(_OPTIONS)}."
        )
    effect = inputs.get("effect")
    if not isinstance(effect, str) or effect not in EFFECTS:
        raise RenderError(f"Choose a voice effect: {', '.join(EFFECTS)}.")
    start = _seconds(inputs.get("start", 0), "start")
    length = _seconds(inputs.get("length"), "length")
    if start < 0:
        raise RenderError("The clip cannot start before 0 s.")
    if length <= 0:
        raise RenderError("The clip length must be more than 0 s.")
    if length > MAX_CLIP_SECONDS:
        raise RenderError(
            f"Voice clips are limited to {MAX_CLIP_SECONDS:g} s; this one is {length:.1f} s."
        )
    if start + length > duration + _END_TOLERANCE:
        raise RenderError(_bounds(start + length, duration))
    caption = _caption(inputs.get("caption"))
    return {"effect": effect, "start": start, "length": length, "caption": caption}


# --- effects --------------------------------------------------------------------------------


def _stft(samples: np.ndarray) -> np.ndarray:
    padded = np.pad(samples, _N_FFT // 2)  # centre frames, so the first covers sample 0
    padded = np.pad(padded, (0, -(padded.size - _N_FFT) % _HOP))
    frames = np.lib.stride_tricks.sliding_window_view(padded, _N_FFT)[::_HOP]
    return np.fft.rfft(frames * np.hanning(_N_FFT), axis=1)


def _istft(spectrum: np.ndarray, length: int) -> np.ndarray:
    window = np.hanning(_N_FFT)
    frames = np.fft.irfft(spectrum, n=_N_FFT, axis=1) * window
    total = _N_FFT + _HOP * (len(frames) - 1)
    out = np.zeros(total)
    weight = np.zeros(total)
    for index, frame in enumerate(frames):  # a few hundred frames: the loop is cheap
        at = index * _HOP
        out[at : at + _N_FFT] += frame
        weight[at : at + _N_FFT] += window**2
    out /= np.maximum(weight, 1e-6)
    out = out[_N_FFT // 2 : _N_FFT // 2 + length]
    return np.pad(out, (0, length - out.size))


def _time_stretch(spectrum: np.ndarray, factor: float) -> np.ndarray:
    """Phase vocoder: a spectrum ``factor`` times longer. Magnitudes are interpolated between
    analysis frames; phases advance by each bin's measured frequency, so tones stay pure."""
    steps = np.arange(0, len(spectrum), 1 / factor)
    spectrum = np.vstack([spectrum, np.zeros_like(spectrum[:1])])
    left = spectrum[steps.astype(int)]
    right = spectrum[steps.astype(int) + 1]
    alpha = (steps % 1)[:, None]
    magnitude = (1 - alpha) * np.abs(left) + alpha * np.abs(right)
    expected = 2 * np.pi * _HOP * np.arange(spectrum.shape[1]) / _N_FFT
    deviation = np.angle(right) - np.angle(left) - expected
    deviation -= 2 * np.pi * np.round(deviation / (2 * np.pi))
    advance = np.vstack([np.angle(spectrum[:1]), (expected + deviation)[:-1]])
    return magnitude * np.exp(1j * np.cumsum(advance, axis=0))


def pitch_shift(samples: np.ndarray, ratio: float) -> np.ndarray:
    """Every frequency times ``ratio``, same duration: stretch the sound ``ratio`` times
    longer with the phase vocoder, then play it back ``ratio`` times faster (interpolation)."""
    spectrum = _stft(samples)
    if ratio > 1:
        # Content above Nyquist / ratio would alias when sped up: drop it in the spectrum.
        spectrum[:, int(spectrum.shape[1] / ratio) :] = 0
    stretched = _istft(_time_stretch(spectrum, ratio), round(samples.size * ratio))
    positions = np.arange(samples.size) * ratio
    return np.interp(positions, np.arange(stretched.size), stretched)


def _taps(samples: np.ndarray, delay: float, gain: float, count: int) -> np.ndarray:
    # A feedback delay line unrolled into ``count`` decaying repeats: vectorised, no IIR loop.
    out = samples.astype(np.float64)
    step = round(delay * AUDIO_RATE)
    for repeat in range(1, count + 1):
        if repeat * step < samples.size:
            out[repeat * step :] += gain**repeat * samples[: samples.size - repeat * step]
    return out


def _robot(samples: np.ndarray) -> np.ndarray:
    # Ring modulation replaces every frequency f by f ± carrier: the voice loses its natural
    # harmonics and buzzes; the short comb adds a tinny, metallic resonance on top.
    time = np.arange(samples.size) / AUDIO_RATE
    ringed = samples * np.sin(2 * np.pi * _ROBOT_CARRIER * time)
    return _taps(ringed, *_ROBOT_COMB)


def normalise(samples: np.ndarray) -> np.ndarray:
    """float32 with the peak at most PEAK: effects can add energy, and clipping would crackle.
    Quiet audio is left quiet; only loud audio is scaled down."""
    peak = float(np.max(np.abs(samples), initial=0.0))
    scale = PEAK / peak if peak > PEAK else 1.0
    return (samples * scale).astype(np.float32)


def apply_effect(samples: np.ndarray, effect: str) -> np.ndarray:
    """``samples`` (mono, AUDIO_RATE) with ``effect`` applied, same length, normalised."""
    if effect == "pitch_up":
        out = pitch_shift(samples, PITCH_RATIO)
    elif effect == "pitch_down":
        out = pitch_shift(samples, 1 / PITCH_RATIO)
    elif effect == "robot":
        out = _robot(samples)
    elif effect == "echo":
        out = _taps(samples, *_ECHO)
    else:
        raise RenderError(f"Choose a voice effect: {', '.join(EFFECTS)}.")
    return normalise(out)


# --- rendering ------------------------------------------------------------------------------


def _clip(samples: np.ndarray, start: float, length: float) -> np.ndarray:
    first = round(start * AUDIO_RATE)
    count = round(length * AUDIO_RATE)
    clip = np.asarray(samples, np.float32)[first : first + count]
    return np.pad(clip, (0, count - clip.size))  # within _END_TOLERANCE of the end: silence


def _still(picture: Image.Image, caption: str, credit: str) -> Image.Image:
    """The frame shown for the whole clip: caption bar, even size for yuv420p, then label."""
    image = prepare_poster(picture, VIDEO_LONG_SIDE)
    if caption:
        image = render_caption(image, {"style": "bar", "top": "", "bottom": caption})
        image = fit_long_side(image, VIDEO_LONG_SIDE)
    width, height = image.size
    image = image.crop((0, 0, width - width % 2, height - height % 2))
    return label.stamp(image, credit)


def _video_codec() -> str:
    for name in _VIDEO_CODECS:
        try:
            av.Codec(name, "w")
        except av.FFmpegError:
            continue
        return name
    raise RenderError("No H.264 or MPEG-4 video encoder is available on this server.")


def _video_stream(container, size: tuple[int, int]):
    codec = _video_codec()
    stream = container.add_stream(codec, rate=VIDEO_FPS)
    stream.width, stream.height = size
    stream.pix_fmt = "yuv420p"
    if codec == "libx264":
        stream.options = {"preset": "veryfast", "tune": "stillimage", "crf": "23"}
    return stream


def _audio_stream(container):
    stream = container.add_stream("aac", rate=AUDIO_RATE, layout="mono")
    stream.bit_rate = _AAC_BIT_RATE
    return stream


def _mux_video(container, stream, image: Image.Image, seconds: float) -> None:
    frame = av.VideoFrame.from_image(image).reformat(format="yuv420p")
    # Whole frames, rounded: the last frame lasts 1/VIDEO_FPS, so the track ends at `seconds`
    # within half a frame.
    for index in range(max(1, round(seconds * VIDEO_FPS))):
        frame.pts = index
        container.mux(stream.encode(frame))
    container.mux(stream.encode(None))


def _mux_audio(container, stream, samples: np.ndarray) -> None:
    # The AAC encoder takes planar float; for mono that is the same memory as "flt", so no
    # resampler is needed. PyAV cuts the frame into the encoder's 1024-sample frames.
    frame = av.AudioFrame.from_ndarray(samples[None, :], format="fltp", layout="mono")
    frame.sample_rate = AUDIO_RATE
    frame.pts = 0
    frame.time_base = Fraction(1, AUDIO_RATE)
    container.mux(stream.encode(frame))
    container.mux(stream.encode(None))


def voice_render(*, samples: np.ndarray, picture: Image.Image, inputs: dict, credit: str) -> bytes:
    """The finished voice remix as MP4 bytes: H.264 still picture (labelled and credited) over
    AAC audio of the clip [start, start + length) with the effect applied.

    ``samples`` is the whole video's audio from audio_extract (or the stored WAV); ``inputs``
    are checked again here, so a stale or hand-made request fails with a RenderError.
    """
    inputs = validate_voice_inputs(inputs, duration=np.asarray(samples).size / AUDIO_RATE)
    audio = apply_effect(_clip(samples, inputs["start"], inputs["length"]), inputs["effect"])
    image = _still(picture, inputs["caption"], credit)
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as container:
        # Every stream must exist before the first packet: muxing writes the header.
        video = _video_stream(container, image.size)
        sound = _audio_stream(container)
        _mux_video(container, video, image, inputs["length"])
        _mux_audio(container, sound, audio)
    return buffer.getvalue()
