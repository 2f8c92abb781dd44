"""Which of a creator's videos a bulk consent change covers. The library's bulk form, the API
and moderators name videos differently; each builds a `Selection`, checked here once, and
`services.consent_set_selection` is the one path from it to a change."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from consent.errors import ConsentError
from creatorhub.accounts.models import User
from creatorhub.videos.models import Video
from creatorhub.videos.selectors import LibraryFilter, library_videos

MAX_SELECTION_IDS = 1000


@dataclass(frozen=True)
class Selection:
    """Exactly one of: the whole library, explicit public ids, every video matching a library
    filter, or videos a moderator picked in the admin (which may span creators)."""

    everything: bool = False
    ids: tuple[str, ...] | None = None
    filters: LibraryFilter | None = None
    moderated: QuerySet[Video] | None = field(default=None, compare=False)

    @classmethod
    def parse(
        cls,
        *,
        everything: bool = False,
        ids: list[str] | None = None,
        filters: LibraryFilter | None = None,
    ) -> Selection:
        """A creator's selection, refused as a whole (ConsentError) when it is malformed."""
        given = sum([everything, ids is not None, filters is not None])
        if given != 1:
            raise ConsentError(
                'A selection is exactly one of "all", "ids" or "filter".', code="invalid"
            )
        if ids is None:
            return cls(everything=everything, filters=filters)
        unique = tuple(dict.fromkeys(ids))
        if not unique:
            raise ConsentError("Select at least one video.", code="empty_selection")
        if len(unique) > MAX_SELECTION_IDS:
            raise ConsentError(
                f"At most {MAX_SELECTION_IDS} ids per request; use a filter or “all” for more.",
                code="selection_too_large",
            )
        return cls(ids=unique)

    @classmethod
    def matching(cls, filters: LibraryFilter) -> Selection:
        """The library's "all N matching": the whole library when nothing is filtered."""
        if filters.is_filtered:
            return cls(filters=filters)
        return cls(everything=True)

    @classmethod
    def by_moderator(cls, videos: QuerySet[Video]) -> Selection:
        return cls(moderated=videos)

    def videos(self, *, owner: User) -> QuerySet[Video]:
        """The owner's videos selected. Ids that are not the owner's reject the whole
        selection: nothing is half-applied."""
        if self.everything:
            return Video.objects.filter(owner=owner)
        if self.filters is not None:
            return library_videos(owner=owner, filters=self.filters).order_by()
        if self.moderated is not None:
            return self.moderated.filter(owner=owner).order_by()
        videos = Video.objects.filter(owner=owner, public_id__in=self.ids)
        missing = len(self.ids) - videos.count()
        if missing:
            raise ConsentError(
                f"{missing} of the selected ids are not videos in your library; "
                "nothing was changed.",
                code="unknown_videos",
            )
        return videos

    def as_json(self) -> dict:
        """The selection as the ledger records it."""
        if self.everything:
            return {"all": True}
        if self.moderated is not None:
            return {"moderator": True}
        if self.filters is None:
            return {"ids": list(self.ids)}
        filters = self.filters
        return {
            "filter": {
                "q": filters.q,
                "tag": filters.tag,
                "created_after": filters.created_after.isoformat()
                if filters.created_after
                else None,
                "created_before": filters.created_before.isoformat()
                if filters.created_before
                else None,
                **dict(filters.extra),
            }
        }
