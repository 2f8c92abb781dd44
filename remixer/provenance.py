"""Content Credentials (C2PA) on remixes: sign a rendered JPEG, read and verify one.

    signed = provenance_sign(jpeg=encode_jpeg(image), info=ProvenanceInfo(...))
    credentials = provenance_read(data=uploaded_bytes)   # state: none/trusted/untrusted/tampered

Pure functions over bytes (no models, no database, no network: no timestamp authority, no OCSP,
no remote manifests). The signer, its certificate chain and the c2pa contexts are loaded once per
process and reused; they are reloaded when the key files change (rotation) or after a fork.
Keys come from `manage.py provenance_init` (see provenance_keys.py).
"""

from __future__ import annotations

import io
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import c2pa
from django.conf import settings
from PIL import Image

from consent.usage import NOT_ALLOWED, AIUsage
from creatorhub.videos.media import MediaError, TooManyPixels, image_open
from remixer.provenance_keys import key_paths
from remixer.provenance_signals import (
    C2PA_TRAINING_LABEL,
    CAWG_TRAINING_LABEL,
    COMPOSITE_AI,
    TRAINING_MINING_KEYS,
    embed_xmp,
    training_mining_assertions,
    training_mining_entries,
    validate_training_mining,
    xmp_packet,
)

GENERATOR = {"name": "Creator Hub", "version": "0.1.0"}
REMIX_ASSERTION = "com.creatorhub.remix"
TRAINING_ASSERTIONS = (CAWG_TRAINING_LABEL, C2PA_TRAINING_LABEL)
VIDEO_KEY = "com.creatorhub.video"
CREATOR_KEY = "com.creatorhub.creator"
THUMBNAIL_LONG_EDGE = 320
POSTER_THUMBNAIL = "poster-thumbnail.jpg"

__all__ = [
    "TRAINING_MINING_KEYS",
    "Credentials",
    "ProvenanceError",
    "ProvenanceInfo",
    "ProvenanceInputError",
    "provenance_read",
    "provenance_sign",
    "training_mining_entries",
    "validate_training_mining",
]

# Failures that only say "not signed by a CA we trust": the content itself is intact.
TRUST_FAILURES = {"signingCredential.untrusted"}

State = Literal["none", "trusted", "untrusted", "tampered"]


class ProvenanceError(Exception):
    """Signing failed (keys missing or unusable, or c2pa refused the manifest)."""


class ProvenanceInputError(ValueError):
    """An upload we do not read: not an image, or over the size/pixel limits.
    `code` is the API error code; the message can be shown as is."""

    def __init__(self, message: str, code: str = "invalid_image") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class ProvenanceInfo:
    """What a remix's credentials say. Handles are usernames without the @."""

    remix_id: str
    template: str
    scopes: tuple[str, ...]
    consent_seq: int
    video_id: str
    video_title: str
    creator: str
    poster_jpeg: bytes = field(repr=False)
    usage: AIUsage = NOT_ALLOWED  # the source's AI-use decision, from consent.usage.ai_usage

    def __post_init__(self) -> None:
        # Accept lists from callers but keep the dataclass hashable and immutable.
        object.__setattr__(self, "scopes", tuple(self.scopes))
        if not self.poster_jpeg:
            raise ValueError("ProvenanceInfo needs the poster frame the remix was made from.")


@dataclass(frozen=True)
class Credentials:
    """What a file's credentials say. Fields other than `state` are claims: believe them only
    when `state == "trusted"` (signed by our CA and unchanged since)."""

    state: State
    remix_id: str | None = None
    video_id: str | None = None
    creator: str | None = None
    template: str | None = None
    scopes: tuple[str, ...] = ()
    consent_seq: int | None = None
    training: dict[str, str] = field(default_factory=dict)  # entry key → use, both labels
    failures: tuple[str, ...] = ()

    @property
    def trusted(self) -> bool:
        return self.state == "trusted"

    @property
    def ai_training(self) -> str | None:
        """The cawg.ai_training use: allowed, notAllowed or constrained."""
        return self.training.get("cawg.ai_training")


# --- process-wide c2pa objects ---------------------------------------------------------------

_lock = threading.Lock()
_cache: dict[tuple, object] = {}


def _stamp(path: Path) -> tuple[str, int]:
    try:
        return str(path), path.stat().st_mtime_ns
    except OSError:
        raise ProvenanceError(
            f"Provenance key file {path} is missing: run `python manage.py provenance_init` "
            "or set PROVENANCE_CERT_CHAIN / PROVENANCE_KEY / PROVENANCE_TRUST_ANCHOR."
        ) from None


def _cached(key: tuple, make):
    """One object per process and key-file version. c2pa objects are not fork-safe, hence
    the pid; they are safe to share between threads (shared native calls)."""
    key = (os.getpid(), *key)
    value = _cache.get(key)
    if value is None:
        with _lock:
            value = _cache.get(key)
            if value is None:
                if len(_cache) > 8:
                    _cache.clear()
                value = _cache[key] = make()
    return value


def _offline_settings() -> dict:
    return {
        "version": 1,
        "verify": {
            "verify_trust": True,
            "verify_after_sign": False,  # we sign what we just built; readers verify
            "ocsp_fetch": False,
            "remote_manifest_fetch": False,
        },
        # c2pa's own thumbnails decode and re-encode both images (~12 ms of a ~13 ms sign):
        # we attach a poster thumbnail made with JPEG draft decoding instead (~1.5 ms).
        "builder": {"thumbnail": {"enabled": False}},
    }


def _signer() -> c2pa.Signer:
    paths = key_paths(settings)

    def make() -> c2pa.Signer:
        info = c2pa.C2paSignerInfo(
            alg=c2pa.C2paSigningAlg.ES256,
            sign_cert=paths.cert_chain.read_bytes(),
            private_key=paths.key.read_bytes(),
            ta_url=None,  # offline: no timestamp authority
        )
        try:
            return c2pa.Signer.from_info(info)
        except c2pa.C2paError as error:
            raise ProvenanceError(f"The provenance signing key is unusable: {error}") from None

    return _cached(("signer", _stamp(paths.cert_chain), _stamp(paths.key)), make)


def _builder_context() -> c2pa.Context:
    return _cached(("builder",), lambda: c2pa.Context.from_dict(_offline_settings()))


def _reader_context() -> c2pa.Context:
    anchor = key_paths(settings).trust_anchor

    def make() -> c2pa.Context:
        config = _offline_settings()
        # user_anchors: trusted on top of (not instead of) c2pa's own list, which is empty
        # offline. Our CA is the only anchor a "trusted" answer can chain to.
        config["trust"] = {"user_anchors": anchor.read_text()}
        return c2pa.Context.from_dict(config)

    return _cached(("reader", _stamp(anchor)), make)


# --- signing ---------------------------------------------------------------------------------


def _manifest(info: ProvenanceInfo, mime: str) -> dict:
    return {
        "claim_generator_info": [GENERATOR],
        "title": f"AI remix of “{info.video_title}”",
        "format": mime,
        "assertions": [
            {
                "label": "c2pa.actions",
                "data": {
                    "actions": [
                        # An edit of the poster frame (its parent ingredient), by a trained model.
                        {"action": "c2pa.opened", "parameters": {"ingredientIds": ["poster"]}},
                        {
                            "action": "c2pa.edited",
                            "digitalSourceType": COMPOSITE_AI,
                            "softwareAgent": GENERATOR,
                            "description": f"{info.template} remix",
                        },
                    ]
                },
            },
            {
                "label": REMIX_ASSERTION,
                "data": {
                    "remix": info.remix_id,
                    "template": info.template,
                    "scopes": list(info.scopes),
                    "consent_seq": info.consent_seq,
                },
            },
            *training_mining_assertions(info.usage),
        ],
    }


def _ingredient(info: ProvenanceInfo) -> dict:
    return {
        "title": f"Poster frame of “{info.video_title}”",
        "relationship": "parentOf",
        "label": "poster",
        "instance_id": f"creatorhub:video:{info.video_id}",
        "description": f"Poster frame of video {info.video_id} by @{info.creator}",
        "metadata": {VIDEO_KEY: info.video_id, CREATOR_KEY: info.creator},
        "thumbnail": {"format": "image/jpeg", "identifier": POSTER_THUMBNAIL},
    }


def _thumbnail(jpeg: bytes) -> bytes:
    """A small JPEG of the poster; draft mode lets libjpeg decode at 1/2-1/8 scale."""
    with Image.open(io.BytesIO(jpeg)) as image:
        image.draft("RGB", (THUMBNAIL_LONG_EDGE, THUMBNAIL_LONG_EDGE))
        small = image.convert("RGB")
    small.thumbnail((THUMBNAIL_LONG_EDGE, THUMBNAIL_LONG_EDGE))
    buffer = io.BytesIO()
    small.save(buffer, format="JPEG", quality=75)
    return buffer.getvalue()


def provenance_sign(*, jpeg: bytes, info: ProvenanceInfo) -> bytes:
    """The JPEG with XMP (plus:DataMining, credit, digital source type) and a signed C2PA
    manifest embedded. Raises ProvenanceError if the keys are missing or c2pa refuses."""
    source = embed_xmp(jpeg, xmp_packet(usage=info.usage, creator=info.creator))
    return _sign(source, "image/jpeg", info)


def provenance_sign_mp4(*, mp4: bytes, info: ProvenanceInfo) -> bytes:
    """A voice remix's MP4 with the same signed C2PA manifest (its assertions, the poster as
    parent ingredient, the AI-training choice); MP4 carries no XMP packet here."""
    return _sign(mp4, "video/mp4", info)


def _sign(source: bytes, mime: str, info: ProvenanceInfo) -> bytes:
    signer = _signer()
    output = io.BytesIO()
    try:
        builder = c2pa.Builder(_manifest(info, mime), _builder_context())
        with builder:
            builder.add_resource(POSTER_THUMBNAIL, io.BytesIO(_thumbnail(info.poster_jpeg)))
            builder.add_ingredient(_ingredient(info), "image/jpeg", io.BytesIO(info.poster_jpeg))
            builder.sign(signer, mime, io.BytesIO(source), output)
    except c2pa.C2paError as error:
        raise ProvenanceError(f"Signing the remix failed: {error}") from error
    return output.getvalue()


# --- reading ---------------------------------------------------------------------------------


def _media_mime(data: bytes) -> str:
    """The file's MIME type (an image, or an MP4 as voice remixes are), after the size and
    pixel limits; never decodes the pixels."""
    limit = settings.VERIFY_MAX_UPLOAD_BYTES
    if len(data) > limit:
        raise ProvenanceInputError(
            f"This file is {len(data):,} bytes; the limit is {limit:,}.", "too_large"
        )
    if data[4:8] == b"ftyp":  # an ISO base media file: MP4
        return "video/mp4"
    try:
        with image_open(io.BytesIO(data)) as image:
            kind = image.format
    except TooManyPixels as error:
        raise ProvenanceInputError(str(error), "too_large") from None
    except MediaError as error:
        raise ProvenanceInputError(str(error)) from None
    return Image.MIME.get(kind or "", "application/octet-stream")


def provenance_read(*, data: bytes) -> Credentials:
    """Verify a file's Content Credentials against our trust anchor.

    none: no manifest (or a format that cannot carry one); trusted: signed by our CA and
    unchanged; untrusted: intact but signed by someone else; tampered: any other validation
    failure (a changed byte, a broken manifest). Raises ProvenanceInputError for non-images
    and files over the limits."""
    mime = _media_mime(data)
    try:
        reader = c2pa.Reader.try_create(mime, io.BytesIO(data), None, _reader_context())
        if reader is None:
            return Credentials(state="none")
        with reader:
            report = json.loads(reader.json())
    except c2pa.C2paError.NotSupported:
        return Credentials(state="none")
    except c2pa.C2paError as error:
        return Credentials(state="tampered", failures=(type(error).__name__,))
    return _credentials(report)


def _credentials(report: dict) -> Credentials:
    results = report.get("validation_results") or {}
    failures = tuple(
        str(item.get("code")) for item in (results.get("activeManifest") or {}).get("failure", [])
    )
    status = report.get("validation_state")
    if status == "Trusted" and not failures:
        state: State = "trusted"
    elif status in {"Valid", "Trusted"} and set(failures) <= TRUST_FAILURES:
        state = "untrusted"
    else:
        state = "tampered"
    manifest = (report.get("manifests") or {}).get(report.get("active_manifest") or "") or {}
    assertions = {
        item.get("label"): item.get("data") or {}
        for item in manifest.get("assertions", [])
        if isinstance(item, dict)
    }
    remix = assertions.get(REMIX_ASSERTION) or {}
    entries = {
        key: entry
        for label in TRAINING_ASSERTIONS
        for key, entry in ((assertions.get(label) or {}).get("entries") or {}).items()
    }
    poster = next(
        (
            ingredient.get("metadata") or {}
            for ingredient in manifest.get("ingredients", [])
            if isinstance(ingredient, dict) and VIDEO_KEY in (ingredient.get("metadata") or {})
        ),
        {},
    )
    consent_seq = remix.get("consent_seq")
    return Credentials(
        state=state,
        remix_id=_text(remix.get("remix")),
        video_id=_text(poster.get(VIDEO_KEY)),
        creator=_text(poster.get(CREATOR_KEY)),
        template=_text(remix.get("template")),
        scopes=tuple(s for s in remix.get("scopes") or () if isinstance(s, str)),
        consent_seq=consent_seq if isinstance(consent_seq, int) else None,
        training={
            key: entry["use"]
            for key, entry in entries.items()
            if isinstance(entry, dict) and isinstance(entry.get("use"), str)
        },
        failures=failures,
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
