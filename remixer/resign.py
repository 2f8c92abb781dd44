"""Signing published remixes again when their creator's AI-training choice changes.

A published file's C2PA and XMP say the training choice it was signed under (recorded on the
remix as `signed_training` / `signed_companies`). When the choice changes, the sync marks every
published remix whose file says something else (`resign`), and the worker signs each again as
a new version, `remixes/<id>/v<n+1>.jpg`, from the unsigned render kept privately at render
time (`PRIVATE_ROOT/remix-renders/<id>.jpg`, never served); a remix rendered before that copy
existed is rendered again. The new version is published under the consent lock, only if it is
still the remix's current claim and says the choice as it stands then; the old file stops
being served at that commit (the serving check compares the file name) and is then deleted.
"""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from consent.selectors import EffectiveConsent, remix_permission
from creatorhub.enqueue import enqueue_on_commit
from remixer import engines
from remixer.models import Remix
from remixer.pipeline import (
    MAX_ATTEMPTS,
    claim_with_consent,
    consent_under_lock,
    delete_other_versions,
    poster_read,
    remix_unsigned_render,
    signed_save,
    without_waiting_for_disk,
)
from remixer.signing import media_ext, signed_fields, unsigned_read, unsigned_save, usage_of


def remixes_claim_resign(*, remix_ids: list[int]) -> list[tuple[Remix, EffectiveConsent]]:
    """Claim published remixes marked `resign` (version + 1: the version the new file gets);
    the remix stays published, serving its current file, meanwhile. A later claim supersedes
    this one (its publish then finds another version)."""
    return claim_with_consent(
        remix_ids=remix_ids,
        claimable={"status": Remix.Status.PUBLISHED, "resign": True},
        changes={},
    )


def remix_resign_claimed(*, remix: Remix, consent: EffectiveConsent) -> str:
    """Sign a claimed published remix again with today's training choice and publish it as
    its new version. Returns the outcome; storage and signing errors propagate."""
    with remix.video.poster.open("rb") as handle:
        poster_jpeg = handle.read()
    unsigned = unsigned_read(public_id=remix.public_id, ext=media_ext(remix))
    outcome = "resigned"
    if unsigned is None:  # published before unsigned renders were kept: render it again
        try:
            poster_jpeg, poster = poster_read(remix.video)
            unsigned = remix_unsigned_render(remix, poster)
        except engines.RenderError as error:
            return _fail_unsignable(remix, str(error))
        unsigned_save(public_id=remix.public_id, data=unsigned, ext=media_ext(remix))
        outcome = "rerendered"
    name = signed_save(
        remix, unsigned=unsigned, poster_jpeg=poster_jpeg, consent=consent, seq=consent.ledger_seq
    )
    return _publish_resigned(remix, name, checked=consent) or outcome


def _fail_unsignable(remix: Remix, error: str) -> str:
    """A published file that can be neither signed again nor rendered again would go on saying
    an old choice: it is withdrawn (failed, with the reason), unless something else moved the
    remix on meanwhile."""
    reason = f"Could not be signed with the creator's current AI-training choice: {error}"
    with transaction.atomic():
        name = remix.output.name
        failed = Remix.objects.filter(
            id=remix.id, status=Remix.Status.PUBLISHED, version=remix.version
        ).update(
            status=Remix.Status.FAILED,
            reason=reason[:300],
            output="",
            resign=False,
            attempts=MAX_ATTEMPTS,
            updated_at=timezone.now(),
        )
        if failed and name:
            transaction.on_commit(lambda: default_storage.delete(name))
    return "failed" if failed else "superseded"


def _publish_resigned(remix: Remix, name: str, *, checked: EffectiveConsent) -> str | None:
    """Make `name` the remix's file, under the consent lock, if the remix is still published at
    this claim's version and the training choice is still the one signed. None when published."""
    with transaction.atomic():
        without_waiting_for_disk()  # a lost commit leaves `resign` set: the reconciler redoes it
        current, consent = consent_under_lock(remix, checked=checked)
        if current.status != Remix.Status.PUBLISHED or current.version != remix.version:
            # Taken down, held, or claimed again since: never revived, never overwritten.
            transaction.on_commit(lambda: default_storage.delete(name))
            return "superseded"
        allowed = remix_permission(
            user=remix.requester,
            video=remix.video,
            scopes=remix.scopes,
            consent=consent,
            approved=current.approved_at is not None,
        ).allowed
        if not allowed or usage_of(consent) != usage_of(checked):
            # Consent moved on while signing: this file is already out of date. A withdrawal
            # is the consent change's own to make; a newer training choice is signed again.
            transaction.on_commit(lambda: default_storage.delete(name))
            if allowed:
                enqueue_on_commit("remixer.tasks.resign_remixes", [remix.id])
            return "stale"
        Remix.objects.filter(id=remix.id).update(
            output=name,
            resign=False,
            consent_seq=checked.ledger_seq,
            updated_at=timezone.now(),
            **signed_fields(checked),
        )
    transaction.on_commit(lambda: delete_other_versions(remix.public_id, keep=name))
    return None
