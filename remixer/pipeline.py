"""The render pipeline: claim queued remixes, render, sign, publish under the consent lock; give a
render back or fail it.

Consent is checked before rendering and again at publish time inside the transaction that
publishes, holding the creator's consent lock (the CreatorPolicy row every consent change also
locks), so a publish and a revocation can never interleave. Likeness consent (a face in the
video: likeness/guard.py) is checked at the same two points; at publish it is read once the
remix row is locked, which a likeness change's hold also needs.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from PIL import Image

from consent.models import CreatorPolicy
from consent.rules import caption_refusal, rules_map
from consent.selectors import EffectiveConsent, consent_map, remix_permission
from creatorhub.enqueue import enqueue_on_commit
from creatorhub.videos.audio import audio_decode_wav
from creatorhub.videos.media import MediaError, encode_jpeg, image_open
from creatorhub.videos.models import Video
from likeness.guard import refusing_people
from remixer import engines
from remixer.backdrops import backdrop_images
from remixer.engines import voice
from remixer.likeness_sync import LIKENESS_HELD_REASON, likeness_refuses_render
from remixer.models import Notification, Remix
from remixer.notifications import notify
from remixer.provenance import provenance_sign, provenance_sign_mp4
from remixer.signing import media_ext, provenance_info, signed_fields, unsigned_save, usage_of

MAX_ATTEMPTS = 5


def without_waiting_for_disk() -> None:
    """Commit this transaction without waiting for the WAL to reach disk (PostgreSQL).

    For a render's claim and publish only: other sessions see the commit at once, so the
    consent lock works as before; a database crash can lose the last few hundred milliseconds of
    them, which leaves remixes queued or rendering, and the reconciler renders those again.
    Waiting for the disk twice per remix cost a third of a regeneration's throughput.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def remixes_claim(*, remix_ids: list[int]) -> list[tuple[Remix, EffectiveConsent]]:
    """queued → rendering for those of `remix_ids` nobody else holds (the check before
    rendering; publishing checks again under the lock)."""
    return claim_with_consent(
        remix_ids=remix_ids,
        claimable={"status": Remix.Status.QUEUED},
        changes={"status": Remix.Status.RENDERING, "attempts": F("attempts") + 1},
    )


def claim_with_consent(
    *, remix_ids: list[int], claimable: dict, changes: dict
) -> list[tuple[Remix, EffectiveConsent]]:
    """Claim those of `remix_ids` that are `claimable` and nobody else holds: one conditional
    UPDATE (`changes`, a new version, the claim's time) in one transaction for the whole batch.
    Each comes with its video's consent, read once for the batch."""
    now = timezone.now()
    with transaction.atomic():
        without_waiting_for_disk()
        free = list(
            Remix.objects.select_for_update(skip_locked=True)
            .filter(id__in=remix_ids, **claimable)
            .values_list("id", flat=True)
        )
        Remix.objects.filter(id__in=free, **claimable).update(
            version=F("version") + 1, claimed_at=now, updated_at=now, **changes
        )
        status = changes.get("status", claimable["status"])
        claimed = list(
            Remix.objects.select_related("video__owner", "requester")
            .filter(id__in=free, status=status, claimed_at=now)
            .order_by("id")
        )
    consents = consent_map(videos=list({remix.video_id: remix.video for remix in claimed}.values()))
    return [(remix, consents[remix.video_id]) for remix in claimed]


def output_name(remix: Remix) -> str:
    """Deterministic per remix and render version, so a retried render overwrites itself."""
    return f"remixes/{remix.public_id}/v{remix.version}.{media_ext(remix)}"


def remix_render(*, remix_id: int) -> str:
    """Claim one remix and render it (see remix_render_claimed); "not-claimed" if another
    worker has it or it is no longer queued."""
    claimed = remixes_claim(remix_ids=[remix_id])
    if not claimed:
        return "not-claimed"
    remix, consent = claimed[0]
    return remix_render_claimed(remix=remix, consent=consent)


def remix_render_claimed(*, remix: Remix, consent: EffectiveConsent) -> str:
    """Re-check consent, render, sign, and publish under the consent lock. Returns the outcome.
    Storage and signing errors propagate for the task to retry."""
    video = remix.video
    decision = remix_permission(
        user=remix.requester,
        video=video,
        scopes=remix.scopes,
        consent=consent,
        approved=remix.approved_at is not None,
    )
    if not decision.allowed:
        _hold(remix, decision.reason)
        return "held"
    if likeness_refuses_render(video=video):
        _hold(remix, LIKENESS_HELD_REASON)
        return "held"
    if hit := caption_refusal(rules=rules_map(videos=[video])[video.id], inputs=remix.inputs):
        _fail(remix, f"Not published: {hit.message}")
        return "failed"
    try:
        poster_jpeg, poster = poster_read(video)
        unsigned = remix_unsigned_render(remix, poster)
    except engines.RenderError as error:
        _fail(remix, str(error))
        return "failed"
    # Kept privately, so a change of the creator's training choice is signed again without a
    # render (remixer/resign.py); it is also the private preview of a request ("ask me").
    unsigned_save(public_id=remix.public_id, data=unsigned, ext=media_ext(remix))
    if decision.approval == "needed":
        return _await_approval(remix, checked=consent)
    name = signed_save(
        remix, unsigned=unsigned, poster_jpeg=poster_jpeg, consent=consent, seq=decision.ledger_seq
    )
    return _publish(remix, name, checked=consent)


def signed_save(
    remix: Remix, *, unsigned: bytes, poster_jpeg: bytes, consent: EffectiveConsent, seq: int
) -> str:
    """Sign an unsigned render with the consent it was checked under and store it as the
    remix's current version (a retried render overwrites itself); returns the file's name."""
    info = provenance_info(remix, poster_jpeg=poster_jpeg, consent=consent, seq=seq)
    if media_ext(remix) == "mp4":
        signed = provenance_sign_mp4(mp4=unsigned, info=info)
    else:
        signed = provenance_sign(jpeg=unsigned, info=info)
    name = output_name(remix)
    if default_storage.exists(name):
        default_storage.delete(name)
    default_storage.save(name, ContentFile(signed))
    return name


def poster_read(video: Video) -> tuple[bytes, Image.Image]:
    """The video's poster frame as stored and decoded to RGB; refused before decoding when it
    has too many pixels."""
    with video.poster.open("rb") as handle:
        data = handle.read()
    try:
        poster = image_open(io.BytesIO(data))
        poster.load()
    except (OSError, ValueError, SyntaxError) as error:
        raise engines.RenderError(f"The poster frame cannot be used: {error}") from None
    return data, poster.convert("RGB")


def remix_unsigned_render(remix: Remix, poster: Image.Image) -> bytes:
    """The remix's file before signing: a JPEG, or for a voice remix an MP4 of the clip."""
    credit = f"@{remix.video.owner.username} · Creator Hub"
    if remix.template == Remix.Template.VOICE:
        return voice.voice_render(
            samples=audio_read(remix.video), picture=poster, inputs=remix.inputs, credit=credit
        )
    request = engines.RenderRequest(
        poster=poster,
        template=remix.template,
        inputs=remix.inputs,
        credit=credit,
        backdrops=backdrop_images(owner_id=remix.video.owner_id, inputs=remix.inputs),
    )
    return encode_jpeg(engines.render(request))


def audio_read(video: Video):
    """The video's stored sound (creatorhub/videos/audio.py), for a voice remix."""
    if not video.has_audio:
        raise engines.RenderError("This video has no audio track to remix.")
    try:
        with video.audio.open("rb") as handle:
            return audio_decode_wav(handle.read())
    except (OSError, MediaError) as error:
        raise engines.RenderError(f"The video's sound cannot be read: {error}") from None


def consent_under_lock(
    remix: Remix, *, checked: EffectiveConsent
) -> tuple[Remix, EffectiveConsent]:
    """Lock the creator's policy row (the consent lock: a consent change holds it while it
    commits, so what follows sees the consent either before the change, whose sync then
    withdraws the remix, or after it) and the remix row; return the row and the consent now.
    Every consent change bumps the locked ledger seq, so an unchanged seq means `checked` still
    stands (a version check); otherwise consent is read again as of the lock."""
    policy = (
        CreatorPolicy.objects.select_for_update().filter(creator_id=remix.video.owner_id).first()
    )
    current = Remix.objects.select_for_update().get(id=remix.id)
    if (policy.ledger_seq if policy else 0) == checked.ledger_seq:
        return current, checked
    policies = {policy.creator_id: policy} if policy else {}
    return current, consent_map(videos=[remix.video], policies=policies)[remix.video_id]


def _publish(remix: Remix, name: str, *, checked: EffectiveConsent) -> str:
    """Publish under the consent lock. `checked` is the consent the render was checked and
    signed under; its ledger seq is what the file's credentials say, and the database too."""
    with transaction.atomic():
        without_waiting_for_disk()
        current, consent = consent_under_lock(remix, checked=checked)
        if current.status != Remix.Status.RENDERING or current.version != remix.version:
            transaction.on_commit(lambda: default_storage.delete(name))
            return "superseded"
        decision = remix_permission(
            user=remix.requester,
            video=remix.video,
            scopes=remix.scopes,
            consent=consent,
            approved=current.approved_at is not None,
        )
        if not decision.allowed or decision.approval == "needed":
            transaction.on_commit(lambda: default_storage.delete(name))
            if decision.allowed:  # became "ask me" since the check: the creator decides
                return _pending(current)
            _hold(current, decision.reason)
            return "held"
        # Read with the remix row locked: a likeness change that refuses it now either
        # committed before (seen here) or waits for this row and holds what is published.
        if refusing_people(video=remix.video):
            transaction.on_commit(lambda: default_storage.delete(name))
            _hold(current, LIKENESS_HELD_REASON)
            return "held"
        # Signed under the checked training choice; if it changed since, the file is published
        # (its remix consent holds) and signed again at once.
        outdated = usage_of(consent) != usage_of(checked)
        now = timezone.now()
        Remix.objects.filter(id=remix.id).update(
            status=Remix.Status.PUBLISHED,
            output=name,
            reason="",
            published_at=now,
            updated_at=now,
            consent_seq=checked.ledger_seq,
            approved_at=current.approved_at or (now if decision.approval == "listed" else None),
            expires_at=None,
            resign=outdated,
            **signed_fields(checked),
        )
        if outdated:
            enqueue_on_commit("remixer.tasks.resign_remixes", [remix.id])
        if current.regeneration_id is None:  # a regeneration tells its requesters once, at the end
            notify(
                recipients=[(remix.requester_id, remix)],
                kind=Notification.Kind.PUBLISHED,
                message=f"Your {remix.template} remix of “{remix.video.title}” is ready.",
            )
    transaction.on_commit(lambda: delete_other_versions(remix.public_id, keep=name))
    return "published"


def delete_other_versions(public_id: str, *, keep: str) -> None:
    folder = f"remixes/{public_id}"
    try:
        _, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for filename in files:
        if f"{folder}/{filename}" != keep:
            default_storage.delete(f"{folder}/{filename}")


def _claimed(remix: Remix):
    """The remix while it is still this render's: a takedown or a revocation that came in the
    meantime has moved it on, and must not be overwritten (a taken-down remix that became held
    would be regenerated when consent returns)."""
    return Remix.objects.filter(id=remix.id, status=Remix.Status.RENDERING, version=remix.version)


def _fail(remix: Remix, reason: str) -> None:
    _claimed(remix).update(
        status=Remix.Status.FAILED, reason=reason[:300], updated_at=timezone.now()
    )


def _await_approval(remix: Remix, *, checked: EffectiveConsent) -> str:
    """An "ask me" request rendered: its preview is kept privately and the creator asked,
    unless consent changed under the lock meanwhile (then it is held, or published)."""
    with transaction.atomic():
        current, consent = consent_under_lock(remix, checked=checked)
        if current.status != Remix.Status.RENDERING or current.version != remix.version:
            return "superseded"
        decision = remix_permission(
            user=remix.requester, video=remix.video, scopes=remix.scopes, consent=consent
        )
        if not decision.allowed:
            _hold(current, decision.reason)
            return "held"
        if refusing_people(video=remix.video):
            _hold(current, LIKENESS_HELD_REASON)
            return "held"
        return _pending(current)


def _pending(remix: Remix) -> str:
    """Wait for the creator: the request goes to their inbox and Requests page, and expires."""
    now = timezone.now()
    _claimed(remix).update(
        status=Remix.Status.PENDING_APPROVAL,
        reason="",
        updated_at=now,
        expires_at=remix.expires_at or now + settings.REMIX_APPROVAL_TTL,
    )
    notify(
        recipients=[(remix.video.owner_id, remix)],
        kind=Notification.Kind.APPROVAL,
        message=(
            f"@{remix.requester.username} asks to publish a {remix.template} remix of "
            f"“{remix.video.title}”."
        ),
    )
    return "pending_approval"


def _hold(remix: Remix, reason: str) -> None:
    _claimed(remix).update(
        status=Remix.Status.HELD, reason=reason[:300], output="", updated_at=timezone.now()
    )


def remix_release(*, remix_id: int, reason: str) -> None:
    """Give a claimed render back to the queue (its worker could not finish it), or fail it
    with `reason` once it has been tried MAX_ATTEMPTS times."""
    claimed = Remix.objects.filter(id=remix_id, status=Remix.Status.RENDERING)
    now = timezone.now()
    # No lease: no message carries it now, so the reconciler sends it again.
    claimed.filter(attempts__lt=MAX_ATTEMPTS).update(
        status=Remix.Status.QUEUED, updated_at=now, enqueued_at=None
    )
    claimed.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=Remix.Status.FAILED, reason=reason[:300], updated_at=now
    )


def remix_fail(*, remix_id: int, reason: str) -> None:
    """After the last retry: failed, with the reason."""
    Remix.objects.filter(id=remix_id, status=Remix.Status.RENDERING).update(
        status=Remix.Status.FAILED, reason=reason[:300], updated_at=timezone.now()
    )
