"""The voice remix: a short MP4 clip (at most 10 s) of a video's audio, altered by an effect.

Pure functions over numpy samples and a Pillow picture, like the image engines: no Django, no
database, no network, no models. The pipeline is

    samples, duration = audio_extract("talk.mp4")   # creatorhub/videos/audio.py: mono float32
    inputs = validate_voice_inputs(form, duration=duration)
    mp4 = voice_render(samples=samples, picture=poster, inputs=inputs, credit="@maya · Creator Hub")

The MP4 shows the still picture with the "AI remix" label and credit burned in (label.py) at the
top, clear of the player's controls, and the caption, if any, in a white bar above it (the
caption engine's "bar" style).

No start chime: the visible label already marks the clip as a remix, and a chime would make the
output longer than the clip the requester chose (or eat into it). The output lasts the clip's
length: the MP4 edit list hides AAC's priming and padding, and the video has whole frames.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping

import numpy as np
from PIL import Image

from creatorhub.videos.audio import AUDIO_RATE, audio_extract, mp4_still_with_audio
from creatorhub.videos.media import MediaError
from remixer.engines import label
from remixer.engines.base import RenderError, fit_long_side, prepare_poster
from remixer.engines.caption import render_caption
from remixer.engines.validation import CAPTION_LIMIT, CAPTION_LIMIT_MESSAGE, clean_text

MAX_CLIP_SECONDS = 10.0
# The effects, with their names for people (the request form, the transcript).
EFFECTS = {"pitch_up": "Pitch up", "pitch_down": "Pitch down", "robot": "Robot", "echo": "Echo"}
PITCH_RATIO = 1.5  # a fifth up (or down): clearly altered, still intelligible

VIDEO_LONG_SIDE = 720
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


# --- decoding -------------------------------------------------------------------------------


def mp4_audio(data: bytes) -> tuple[np.ndarray, float]:
    """The audio of an MP4 held in memory (a rendered clip), as mono samples and duration."""
    try:
        extracted = audio_extract(io.BytesIO(data))
    except MediaError as error:
        raise RenderError(str(error)) from None
    if extracted is None:
        raise RenderError("This MP4 has no audio track.")
    return extracted


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
    """The frame shown for the whole clip: the caption in a white bar above the picture, the
    label in the picture's top-right corner, since players draw their controls over the
    bottom of a video; even width and height for yuv420p."""
    image = prepare_poster(picture, VIDEO_LONG_SIDE)
    bar = 0
    if caption:
        framed = render_caption(image, {"style": "bar", "top": caption, "bottom": ""})
        bar = framed.height - image.height
        image = fit_long_side(framed, VIDEO_LONG_SIDE)
        bar = round(bar * image.height / framed.height)
    width, height = image.size
    image = image.crop((0, 0, width - width % 2, height - height % 2))
    return label.stamp(image, credit, top=bar)


def voice_render(*, samples: np.ndarray, picture: Image.Image, inputs: dict, credit: str) -> bytes:
    """The finished voice remix as MP4 bytes: H.264 still picture (labelled and credited) over
    AAC audio of the clip [start, start + length) with the effect applied.

    ``samples`` is the whole video's audio from audio_extract (or the stored WAV); ``inputs``
    are checked again here, so a stale or hand-made request fails with a RenderError.
    """
    inputs = validate_voice_inputs(inputs, duration=np.asarray(samples).size / AUDIO_RATE)
    audio = apply_effect(_clip(samples, inputs["start"], inputs["length"]), inputs["effect"])
    image = _still(picture, inputs["caption"], credit)
    try:
        return mp4_still_with_audio(image, audio, seconds=inputs["length"])
    except MediaError as error:
        raise RenderError(str(error)) from None
