"""Render time per template at 720×1280 against the floor measured in the same run: decoding
the source poster plus encoding the output alone. Also the signing step's cost and its share of
the whole render (decode + render + encode + sign)."""

from __future__ import annotations

import dataclasses
import io
import tempfile
from pathlib import Path

from django.test import override_settings

from bench.harness import median_ms

INPUTS = {
    "caption": {"top": "When the build passes", "bottom": "on the first try", "style": "classic"},
    "background": {"backdrop": "stripes"},
    "face": {"effect": "cartoon"},
}


def fresh(request):
    """A caption never rendered before, so the layout caches only help as much as they would
    for real captions (common words measured before, new ones not)."""
    global _counter
    if request.template != "caption":
        return request
    _counter += 1
    inputs = {**request.inputs, "top": f"{request.inputs['top']} {_counter} times"}
    return dataclasses.replace(request, inputs=inputs)


_counter = 0


def run(*, repeat: int = 15) -> dict:
    from PIL import Image

    from creatorhub.videos.media import encode_jpeg
    from remixer import engines
    from remixer.provenance import ProvenanceInfo, provenance_sign
    from remixer.provenance_keys import provenance_keys_create
    from remixer.tests.factories import face_poster

    source = encode_jpeg(face_poster(720, 1280))

    def decode() -> Image.Image:
        return Image.open(io.BytesIO(source)).convert("RGB")

    figures: dict = {"size": "720x1280"}
    with tempfile.TemporaryDirectory() as folder, override_settings(PROVENANCE_DIR=Path(folder)):
        provenance_keys_create(directory=Path(folder))
        for template, inputs in INPUTS.items():
            request = engines.RenderRequest(
                poster=decode(), template=template, inputs=inputs, credit="@bench · Creator Hub"
            )
            output = engines.render(request)
            jpeg = encode_jpeg(output)
            info = ProvenanceInfo(
                remix_id="benchremix",
                template=template,
                scopes=[template],
                consent_seq=1,
                video_id="benchvideo",
                video_title="Bench video",
                creator="bench",
                poster_jpeg=source,
            )
            floor = median_ms(lambda o=output: (decode(), encode_jpeg(o)), repeat=repeat)
            render = median_ms(lambda r=request: engines.render(fresh(r)), repeat=repeat)
            sign = median_ms(lambda j=jpeg, i=info: provenance_sign(jpeg=j, info=i), repeat=repeat)
            whole = floor + render + sign
            figures[template] = {
                "floor_ms": floor,
                "render_ms": render,
                "render_vs_floor": round(render / floor, 2),
                "sign_ms": sign,
                "sign_share_of_whole": round(sign / whole, 3),
            }
    figures["caption_target"] = "render_vs_floor <= 3"
    return figures
