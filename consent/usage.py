"""One decision about AI use per video, from which every signal is written.

Headers, meta tags, robots.txt, TDMRep, ai.txt and the assertions embedded in remix files all
render an `AIUsage`; none reads consent on its own, so they cannot disagree. A remix's usage is
its source video's, and nothing at all while the remix is not public.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class Training(StrEnum):
    ALLOWED = "allowed"  # any AI company may train on it
    CONSTRAINED = "constrained"  # only the named companies
    NOT_ALLOWED = "notAllowed"


@dataclass(frozen=True)
class AIUsage:
    training: Training
    companies: tuple[str, ...] = ()

    @property
    def reserved(self) -> bool:
        """TDM rights are reserved unless every company may train (an allow-list reserves)."""
        return self.training != Training.ALLOWED

    def allows(self, company: str) -> bool:
        if self.training == Training.ALLOWED:
            return True
        return self.training == Training.CONSTRAINED and company in self.companies


NOT_ALLOWED = AIUsage(Training.NOT_ALLOWED)


def ai_usage(
    *, training_allowed: bool, companies: Sequence[str] = (), public: bool = True
) -> AIUsage:
    """The usage a creator's training choice gives a public resource; anything not public (a
    private video, a remix that is not published) gets NOT_ALLOWED."""
    if not public or not training_allowed:
        return NOT_ALLOWED
    if companies:
        return AIUsage(Training.CONSTRAINED, tuple(companies))
    return AIUsage(Training.ALLOWED)


def creator_ai_usage(policy, *, public: bool = True) -> AIUsage:
    """The usage of a creator's public resource from their `CreatorPolicy` (None: no policy
    yet, so nothing allowed). Training is an account-wide choice, so every public video of a
    creator, and every published remix of those videos, has this usage."""
    if policy is None:
        return NOT_ALLOWED
    return ai_usage(
        training_allowed=policy.training_allowed,
        companies=policy.training_companies or (),
        public=public,
    )


def video_ai_usage(*, video) -> AIUsage:
    """The usage of one video now (one indexed read of its owner's policy)."""
    from consent.models import CreatorPolicy
    from creatorhub.videos.models import Video

    policy = CreatorPolicy.objects.filter(creator_id=video.owner_id).first()
    return creator_ai_usage(policy, public=video.visibility == Video.Visibility.PUBLIC)


def remix_ai_usage(*, video, published: bool) -> AIUsage:
    """A remix's usage is its source video's, and NOT_ALLOWED while the remix is not published
    (consent knows nothing of remixes: the caller says whether it is)."""
    return video_ai_usage(video=video) if published else NOT_ALLOWED


def content_usage(usage: AIUsage) -> str:
    """The IETF AIPREF vocabulary (`Content-Usage` header and robots.txt line): `train-ai=y`
    only when every AI company may train; an allow-list is told per crawler in robots.txt."""
    return "train-ai=n" if usage.reserved else "train-ai=y"
