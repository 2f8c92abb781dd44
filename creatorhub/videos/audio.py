"""A video's sound, kept beside its poster: the first audio track decoded to mono float32 at
AUDIO_RATE, stored as a 16-bit WAV, so a voice remix never reads the (large) upload again.

Pure functions over files and bytes; nothing here touches the database.
"""

from __future__ import annotations

import io
import wave
from fractions import Fraction
from pathlib import Path
from typing import BinaryIO

import av
import numpy as np
from PIL import Image

from creatorhub.videos.media import MediaError

AUDIO_RATE = 16000  # Hz, mono: plenty for speech, and a 10 s clip is only 160k samples
VIDEO_FPS = 10  # the picture is a still: more frames would only cost encoding time
_VIDEO_CODECS = ("libx264", "h264", "mpeg4")
_AAC_BIT_RATE = 48000


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
        raise MediaError("This file could not be read as audio or video.") from error
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
        raise MediaError("The stored audio extract is not a valid WAV file.") from error
    if shape != (1, 2, AUDIO_RATE):
        raise MediaError(f"The stored audio extract is not 16-bit mono at {AUDIO_RATE} Hz.")
    return np.frombuffer(frames, "<i2").astype(np.float32) / 32768


# --- writing: a still picture over sound, as MP4 (voice remixes, the demo's spoken videos) -----


def mp4_still_with_audio(image: Image.Image, samples: np.ndarray, *, seconds: float) -> bytes:
    """An MP4 (H.264 + AAC, mono at AUDIO_RATE) showing `image` (even width and height) for
    `seconds` over `samples`. The MP4 edit list hides AAC's priming and padding, so the sound
    lasts as long as the samples; the video has whole frames."""
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as container:
        # Every stream must exist before the first packet: muxing writes the header.
        video = _video_stream(container, image.size)
        sound = _audio_stream(container)
        _mux_video(container, video, image, seconds)
        _mux_audio(container, sound, samples)
    return buffer.getvalue()


def _video_codec() -> str:
    for name in _VIDEO_CODECS:
        try:
            av.Codec(name, "w")
        except av.FFmpegError:
            continue
        return name
    raise MediaError("No H.264 or MPEG-4 video encoder is available on this server.")


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
