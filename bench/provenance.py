"""Content Credentials on a 720×1280 remix: ms to sign and to verify, next to the JPEG encode
the render already pays. Keys are made in a temporary folder."""

from __future__ import annotations

import io
import tempfile
import time
from pathlib import Path

from django.test import override_settings

from bench.harness import median_ms


def run(*, repeat: int = 30) -> dict:
    from PIL import Image

    from creatorhub.videos.media import encode_jpeg
    from remixer import engines
    from remixer.provenance import ProvenanceInfo, provenance_read, provenance_sign
    from remixer.provenance_keys import provenance_keys_create
    from remixer.tests.factories import poster_jpeg

    poster = poster_jpeg((720, 1280))
    image = engines.render(
        engines.RenderRequest(
            poster=Image.open(io.BytesIO(poster)).convert("RGB"),
            template="caption",
            inputs={"top": "When the build passes", "bottom": "on the first try"},
            credit="@bench · Creator Hub",
        )
    )
    info = ProvenanceInfo(
        remix_id="benchremix",
        template="caption",
        scopes=["caption"],
        consent_seq=1,
        video_id="benchvideo",
        video_title="Bench video",
        creator="bench",
        poster_jpeg=poster,
    )
    with tempfile.TemporaryDirectory() as folder, override_settings(PROVENANCE_DIR=Path(folder)):
        provenance_keys_create(directory=Path(folder))
        jpeg = encode_jpeg(image)
        start = time.perf_counter()
        signed = provenance_sign(jpeg=jpeg, info=info)  # loads the key and contexts
        first_sign_ms = round((time.perf_counter() - start) * 1000, 3)
        assert provenance_read(data=signed).state == "trusted"
        figures = {
            "size": f"{image.width}x{image.height}",
            "encode_ms": median_ms(lambda: encode_jpeg(image), repeat=repeat),
            "sign_ms": median_ms(lambda: provenance_sign(jpeg=jpeg, info=info), repeat=repeat),
            "encode_and_sign_ms": median_ms(
                lambda: provenance_sign(jpeg=encode_jpeg(image), info=info), repeat=repeat
            ),
            "verify_ms": median_ms(lambda: provenance_read(data=signed), repeat=repeat),
            "first_sign_ms": first_sign_ms,
            "jpeg_bytes": len(jpeg),
            "signed_bytes": len(signed),
        }
    figures["sign_vs_encode"] = round(figures["sign_ms"] / figures["encode_ms"], 3)
    return figures
