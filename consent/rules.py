"""Content rules: the phrases and categories a creator refuses in remix captions, account-wide
and per video. Setting them is a consent change (a ledger entry); checking a caption is pure
(consent/content_rules.py) once the rules are read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction

from consent import content_rules
from consent.errors import ConsentError
from consent.ledger import NO_RULES, ledger_append, policy_state
from consent.models import CreatorPolicy, LedgerEntry, VideoRules
from consent.services import change_announce, policy_lock, policy_update_fields
from creatorhub.accounts.models import User
from creatorhub.videos.models import Video

# The inputs of a remix that are text a viewer wrote (captions of every template).
CAPTION_KEYS = ("top", "bottom", "caption")


@dataclass(frozen=True)
class Rules:
    phrases: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()

    def as_json(self) -> dict:
        return {"blocked_phrases": list(self.phrases), "categories": list(self.categories)}

    def __add__(self, other: Rules) -> Rules:
        return Rules(
            tuple(dict.fromkeys((*self.phrases, *other.phrases))),
            tuple(dict.fromkeys((*self.categories, *other.categories))),
        )


def _rules(row) -> Rules:
    if row is None:
        return Rules()
    return Rules(tuple(row.blocked_phrases), tuple(row.blocked_categories))


def account_rules(*, creator: User) -> Rules:
    return _rules(CreatorPolicy.objects.filter(creator=creator).first())


def video_own_rules(*, video: Video) -> Rules:
    return _rules(VideoRules.objects.filter(video=video).first())


def rules_map(
    *, videos: Iterable[Video], policies: dict[int, CreatorPolicy] | None = None
) -> dict[int, Rules]:
    """Each video's rules in force (its owner's plus its own), two queries for any number (one
    when the owners' `policies` are at hand)."""
    videos = list(videos)
    if policies is None:
        owners = {video.owner_id for video in videos}
        policies = {p.creator_id: p for p in CreatorPolicy.objects.filter(creator_id__in=owners)}
    policies = {creator_id: _rules(policy) for creator_id, policy in policies.items()}
    own = {row.video_id: _rules(row) for row in VideoRules.objects.filter(video__in=videos)}
    return {
        video.id: policies.get(video.owner_id, Rules()) + own.get(video.id, Rules())
        for video in videos
    }


def caption_refusal(*, rules: Rules, inputs: Mapping) -> content_rules.RuleHit | None:
    """The first rule a remix's captions break, or None. The hit never carries the text."""
    texts = [inputs[key] for key in CAPTION_KEYS if isinstance(inputs.get(key), str)]
    if not texts or not (rules.phrases or rules.categories):
        return None
    return content_rules.caption_check(texts, phrases=rules.phrases, categories=rules.categories)


def _clean(phrases, categories) -> Rules:
    try:
        return Rules(
            tuple(content_rules.clean_phrases(phrases)),
            tuple(content_rules.clean_categories(categories)),
        )
    except ValueError as error:
        raise ConsentError(str(error), code="invalid_rules") from None


@transaction.atomic
def rules_set(
    *,
    creator: User,
    actor: User,
    phrases: Iterable[str] | str,
    categories: Iterable[str],
    video: Video | None = None,
    reason: str = "",
) -> LedgerEntry | None:
    """Replace the account's (or one of the creator's videos') content rules; a ledger entry,
    or None when nothing changed."""
    rules = _clean(phrases, categories)
    policy = policy_lock(creator=creator)
    if video is None:
        before = policy_state(policy)
        policy.blocked_phrases = list(rules.phrases)
        policy.blocked_categories = list(rules.categories)
        after = policy_state(policy)
        if after == before:
            return None
        payload = {"policy": {"before": before, "after": after}}
    else:
        if video.owner_id != creator.id:
            raise ConsentError("No such video.", code="not_found")
        own = VideoRules.objects.filter(video=video).first()
        before = {**NO_RULES, **_stored(own)}
        after = {
            "blocked_phrases": list(rules.phrases),
            "blocked_categories": list(rules.categories),
        }
        if after == before:
            return None
        payload = {"video_rules": {"video": video.id, "before": before, "after": after}}
    entry = ledger_append(
        policy=policy,
        actor=actor,
        action=LedgerEntry.Action.RULES,
        reason=reason,
        payload=payload,
        affected=0 if video is None else 1,
    )
    if video is not None:
        _store_video_rules(video=video, after=after, seq=entry.seq)
    policy.save(update_fields=policy_update_fields(before if video is None else None))
    change_announce(entry)
    return entry


def _stored(row: VideoRules | None) -> dict:
    if row is None:
        return {}
    return {"blocked_phrases": row.blocked_phrases, "blocked_categories": row.blocked_categories}


def _store_video_rules(*, video: Video, after: dict, seq: int) -> None:
    if after == NO_RULES:
        VideoRules.objects.filter(video=video).delete()
        return
    VideoRules.objects.update_or_create(
        video=video, defaults={"creator_id": video.owner_id, "ledger_seq": seq, **after}
    )
