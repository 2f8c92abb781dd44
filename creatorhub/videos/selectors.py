"""Reads of the video library, with a fixed number of queries whatever its size."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.functional import cached_property

from creatorhub.accounts.models import User
from creatorhub.videos.models import LibraryStats, Tag, Video
from creatorhub.videos.services import SHARED_MEDIA_PREFIX

SORTS = {
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "title": ("title", "id"),
    "-title": ("-title", "-id"),
    "longest": ("-duration", "-id"),
}
DEFAULT_SORT = "newest"


@dataclass(frozen=True)
class ExtraFilter:
    """A library filter another app adds (consent adds "consent state"): the videos app shows
    its choices and applies it without knowing what it means."""

    name: str
    label: str
    choices: list[tuple[str, str]]
    apply: Callable[[QuerySet[Video], str], QuerySet[Video]]


EXTRA_FILTERS: dict[str, ExtraFilter] = {}


def library_filter_register(extra: ExtraFilter) -> None:
    EXTRA_FILTERS[extra.name] = extra


@dataclass(frozen=True)
class LibraryFilter:
    q: str = ""
    tag: str = ""
    created_after: dt.date | None = None
    created_before: dt.date | None = None
    sort: str = DEFAULT_SORT
    extra: tuple[tuple[str, str], ...] = ()  # (name, value) of registered extra filters

    @property
    def is_filtered(self) -> bool:
        return bool(self.q or self.tag or self.created_after or self.created_before or self.extra)


def library_videos(*, owner: User, filters: LibraryFilter) -> QuerySet[Video]:
    """The creator's videos matching `filters`, ordered; tags prefetched in one query."""
    videos = Video.objects.filter(owner=owner)
    if filters.q:
        videos = videos.filter(Q(title__icontains=filters.q) | Q(description__icontains=filters.q))
    if filters.tag:
        videos = videos.filter(tags__owner=owner, tags__name=filters.tag)
    if filters.created_after:
        videos = videos.filter(created_at__date__gte=filters.created_after)
    if filters.created_before:
        videos = videos.filter(created_at__date__lte=filters.created_before)
    for name, value in filters.extra:
        videos = EXTRA_FILTERS[name].apply(videos, value)
    return videos.order_by(*SORTS.get(filters.sort, SORTS[DEFAULT_SORT])).prefetch_related(
        Prefetch("tags", queryset=Tag.objects.only("id", "name"))
    )


class _CountedPaginator(Paginator):
    """A paginator told its total in advance, so it does not COUNT the rows itself."""

    def __init__(self, object_list, per_page: int, *, known_count: int | None) -> None:
        super().__init__(object_list, per_page)
        self._known_count = known_count

    @cached_property
    def count(self) -> int:
        return self._known_count if self._known_count is not None else super().count


def library_video_count(*, owner: User) -> int:
    """The creator's number of videos, from LibraryStats (one indexed row, not a COUNT)."""
    count = LibraryStats.objects.filter(owner=owner).values_list("video_count", flat=True).first()
    return count if count is not None else Video.objects.filter(owner=owner).count()


def library_page(
    *, owner: User, filters: LibraryFilter, number: str | int | None, per_page: int
) -> Page:
    """One page of the library; an unfiltered library's total comes from its counter."""
    videos = library_videos(owner=owner, filters=filters)
    known = None if filters.is_filtered else library_video_count(owner=owner)
    return _CountedPaginator(videos, per_page, known_count=known).get_page(number)


def creator_tags(*, owner: User) -> QuerySet[Tag]:
    return Tag.objects.filter(owner=owner).only("id", "name").order_by("name")


def video_get_for_owner(*, owner: User, public_id: str) -> Video:
    """The owner's video, or 404: other people's videos do not exist for them."""
    video = (
        Video.objects.filter(owner=owner, public_id=public_id)
        .prefetch_related("tags")
        .select_related("owner")
        .first()
    )
    if video is None:
        raise Http404("No such video in your library.")
    return video


def video_get_public(
    *,
    public_id: str,
    viewer: User | None,
    owner_username: str | None = None,
    with_tags: bool = False,
    related: tuple[str, ...] = (),
) -> Video:
    """A public video, or the viewer's own private one; anything else is 404. With
    `owner_username` (a creator-scoped URL), only that creator's video. Its tags are fetched
    only `with_tags` (the watch page): the API and the remix paths never show them. `related`:
    more one-to-one relations to join into the same query (another app's, named by it)."""
    visible = Q(visibility=Video.Visibility.PUBLIC)
    if viewer is not None and viewer.is_authenticated:
        visible |= Q(owner=viewer)
    if owner_username is not None:
        visible &= Q(owner__username=owner_username)
    videos = Video.objects.filter(visible, public_id=public_id).select_related("owner", *related)
    video = (videos.prefetch_related("tags") if with_tags else videos).first()
    if video is None:
        raise Http404("No such video.")
    return video


# The media folders of videos' own files, and the field each is stored in.
VIDEO_FILE_FIELDS = {"originals": "original", "posters": "poster", "thumbs": "thumbnail"}


def video_file_visible(
    *, name: str, viewer: User | None, owner_username: str | None = None
) -> bool:
    """Is `name` (under originals/, posters/ or thumbs/) the file of a video `viewer` may see:
    a public one, or their own? With `owner_username` (a creator-scoped URL), a video of that
    creator. One indexed read."""
    folder = name.split("/", 1)[0].lower()
    field = VIDEO_FILE_FIELDS.get(folder)
    if field is not None:
        is_file = Q(**{field: name})
    elif owner_username is not None and f"{folder}/" == SHARED_MEDIA_PREFIX:
        is_file = Q(poster=name) | Q(thumbnail=name) | Q(original=name)
    else:
        return False
    visible = Q(visibility=Video.Visibility.PUBLIC)
    if viewer is not None and viewer.is_authenticated:
        visible |= Q(owner=viewer)
    if owner_username is not None:
        visible &= Q(owner__username=owner_username)
    return Video.objects.filter(is_file, visible).exists()


def profile_videos(*, owner: User) -> QuerySet[Video]:
    return Video.objects.filter(owner=owner, visibility=Video.Visibility.PUBLIC).order_by(
        "-created_at", "-id"
    )
