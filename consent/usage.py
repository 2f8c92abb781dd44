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
