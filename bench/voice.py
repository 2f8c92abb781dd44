"""Voice remix render time for a 10 s clip against the floor measured in the same run: decoding
the stored sound (the WAV the worker keeps beside the poster) and encoding an MP4 of the same
clip in the same format (H.264 still at the same size, AAC, same encoder settings) with no
effect, label or caption. Also each effect's DSP alone, and seconds of output per CPU-second
(time.process_time, which counts the encoder's threads too). The source is real speech from
espeak-ng over a demo poster.

A render can beat its floor: encoding dominates both, and the AAC encoder's work depends on
the sound; the untouched clip the floor encodes costs it more than the altered ones (encoding
the pitch_up output took about 30% less CPU than encoding the source clip, same picture).
"""

from __future__ import annotations

import functools
import io
import statistics
import time
from collections.abc import Callable

import numpy as np

CLIP = {"start": 1.0, "length": 10.0}
SPEECH = (
    "Good morning and welcome back to the channel. Today we are testing the fastest pancake "
    "recipe in the world, with three ingredients, one pan, and no scales at all. Let's go!"
)


def _interleaved(cases: dict[str, Callable[[], object]], *, rounds: int) -> dict:
    """Median wall-clock milliseconds and CPU seconds (this process, all threads) per case. The
    cases take turns, round after round, so a machine that gets busier or quieter part-way
    through weighs on all of them alike; the first round only warms up."""
    wall: dict[str, list[float]] = {name: [] for name in cases}
    cpu: dict[str, list[float]] = {name: [] for name in cases}
    for round_ in range(rounds + 1):
        for name, fn in cases.items():
            started, cpu_started = time.perf_counter(), time.process_time()
            fn()
            if round_:
                cpu[name].append(time.process_time() - cpu_started)
                wall[name].append((time.perf_counter() - started) * 1000)
    return {
        name: (round(statistics.median(wall[name]), 1), statistics.median(cpu[name]))
        for name in cases
    }


def run(*, rounds: int = 9) -> dict:
    from creatorhub.videos import audio, demo
    from remixer.engines import voice
    from remixer.engines.base import prepare_poster

    if not demo.speech_available():
        raise SystemExit("bench voice needs espeak-ng (scripts/ensure-packages.sh espeak).")
    topic, top, bottom = demo.TOPICS[0]
    poster = demo.render_poster(topic, top, bottom, 0)
    upload = demo.speech_mp4(SPEECH, poster)
    samples, seconds = audio.audio_extract(io.BytesIO(upload))
    assert seconds >= CLIP["start"] + CLIP["length"], f"the speech lasts only {seconds:.1f} s"
    wav = audio.audio_encode_wav(samples)
    # The picture the render encodes, made once: the floor is the sound and the encoder alone.
    still = prepare_poster(poster, voice.VIDEO_LONG_SIDE)
    still = still.crop((0, 0, still.width - still.width % 2, still.height - still.height % 2))
    first = round(CLIP["start"] * audio.AUDIO_RATE)
    count = round(CLIP["length"] * audio.AUDIO_RATE)

    def clip() -> np.ndarray:
        return audio.audio_decode_wav(wav)[first : first + count]

    def floor() -> bytes:
        return audio.mp4_still_with_audio(still, clip(), seconds=CLIP["length"])

    def render(effect: str) -> bytes:
        return voice.voice_render(
            samples=audio.audio_decode_wav(wav),
            picture=poster,
            inputs={**CLIP, "effect": effect},  # no caption: the picture is the floor's size
            credit="@bench · Creator Hub",
        )

    cases: dict[str, Callable[[], object]] = {
        "extract": lambda: audio.audio_extract(io.BytesIO(upload)),
        "floor": floor,
    }
    for effect in voice.EFFECTS:
        cases[effect] = functools.partial(render, effect)
        cases[f"{effect} alone"] = lambda e=effect: voice.apply_effect(clip(), e)
    timed = _interleaved(cases, rounds=rounds)
    floor_ms, floor_cpu = timed["floor"]
    figures: dict = {
        "clip_seconds": CLIP["length"],
        "picture": f"{still.width}x{still.height}",
        "extract_at_upload_ms": timed["extract"][0],
        "floor_ms": floor_ms,
        "floor_output_s_per_cpu_s": round(CLIP["length"] / floor_cpu, 1),
    }
    for effect in voice.EFFECTS:
        render_ms, render_cpu = timed[effect]
        figures[effect] = {
            "render_ms": render_ms,
            "render_vs_floor": round(render_ms / floor_ms, 2),
            "effect_alone_ms": timed[f"{effect} alone"][0],
            "output_s_per_cpu_s": round(CLIP["length"] / render_cpu, 1),
        }
    figures["worst_vs_floor"] = max(figures[e]["render_vs_floor"] for e in voice.EFFECTS)
    figures["target"] = "render_vs_floor <= 2"
    return figures
