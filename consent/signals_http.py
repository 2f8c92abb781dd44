"""Consent published where AI tools already look: robots.txt, TDMRep, ai.txt, headers, CORS.

Every answer is rendered from an `AIUsage` (consent/usage.py). The middleware adds headers to
pages and media without the videos or remixer apps knowing about consent: each app registers,
per URL name (or media folder), how to find the usage of what it serves.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import ResolverMatch
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from consent import signals_files as files
from consent.models import CreatorPolicy
from consent.usage import NOT_ALLOWED, AIUsage, Training, ai_usage, content_usage
from creatorhub.videos.models import Video
from creatorhub.videos.selectors import VIDEO_FILE_FIELDS

NOAI = "noai, noimageai"
TDMREP_CONTENT_TYPE = "application/tdmrep+json"
ODRL_CONTENT_TYPE = "application/ld+json"
# Robots caches are long anyway; ours revalidate cheaply (ETag from one aggregate).
SIGNALS_CACHE_CONTROL = "public, max-age=10, must-revalidate"


@dataclass(frozen=True)
class Resolved:
    """The usage of what a URL serves, and the creator whose choice it carries."""

    usage: AIUsage
    handle: str | None = None


UNKNOWN = Resolved(NOT_ALLOWED)
PageResolver = Callable[[ResolverMatch], Resolved | None]
MediaResolver = Callable[[str, str | None], Resolved | None]
PAGE_RESOLVERS: dict[str, PageResolver] = {}
MEDIA_RESOLVERS: dict[str, MediaResolver] = {}


def page_usage_register(view_name: str, resolver: PageResolver) -> None:
    PAGE_RESOLVERS[view_name] = resolver


def media_usage_register(folder: str, resolver: MediaResolver) -> None:
    """`resolver(name, handle)`: the usage of media file `name` (as served under /@handle/…
    when handle is given), or None when it belongs to nothing public."""
    MEDIA_RESOLVERS[folder] = resolver


TRAINING = ("owner__consent_policy__training_allowed", "owner__consent_policy__training_companies")


def usage_of_row(*, public: bool, training_allowed: bool | None, companies) -> AIUsage:
    return ai_usage(
        training_allowed=bool(training_allowed), companies=companies or (), public=public
    )


def video_page_usage(match: ResolverMatch) -> Resolved | None:
    row = (
        Video.objects.filter(public_id=match.kwargs.get("public_id", ""))
        .values_list("visibility", "owner__username", *TRAINING)
        .first()
    )
    if row is None:
        return None
    visibility, handle, allowed, companies = row
    public = visibility == Video.Visibility.PUBLIC
    return Resolved(
        usage_of_row(public=public, training_allowed=allowed, companies=companies), handle
    )


def video_media_usage(name: str, handle: str | None) -> Resolved | None:
    """A video file's usage. A shared demo file used by several creators' videos, served
    without a creator prefix, gets the conservative answer."""
    folder = name.split("/", 1)[0].lower()
    field = VIDEO_FILE_FIELDS.get(folder)
    is_file = Q(**{field: name}) if field else Q(poster=name) | Q(thumbnail=name) | Q(original=name)
    videos = Video.objects.filter(is_file, visibility=Video.Visibility.PUBLIC)
    if handle is not None:
        videos = videos.filter(owner__username=handle)
    rows = list(videos.order_by().values_list("owner__username", *TRAINING).distinct()[:2])
    if len(rows) != 1:
        return UNKNOWN
    owner, allowed, companies = rows[0]
    return Resolved(usage_of_row(public=True, training_allowed=allowed, companies=companies), owner)


def usage_headers(resolved: Resolved, request: HttpRequest) -> dict[str, str]:
    usage = resolved.usage
    headers = {
        "tdm-reservation": "1" if usage.reserved else "0",
        "Content-Usage": content_usage(usage),
    }
    if usage.reserved:
        path = (
            files.creator_policy_path(resolved.handle)
            if resolved.handle and usage.training == Training.CONSTRAINED
            else files.SITE_POLICY_PATH
        )
        headers["tdm-policy"] = request.build_absolute_uri(path)
    if usage.training != Training.ALLOWED:
        # noai speaks about AI use of the content (training), not about who may remix it.
        headers["X-Robots-Tag"] = NOAI
    return headers


def resolve_usage(match: ResolverMatch) -> Resolved | None:
    if match.url_name in {"media", "media_scoped"}:
        name = match.kwargs.get("path", "")
        folder = name.split("/", 1)[0].lower()
        resolver = MEDIA_RESOLVERS.get(folder)
        if resolver is None:
            return UNKNOWN
        return resolver(name, match.kwargs.get("username")) or UNKNOWN
    resolver = PAGE_RESOLVERS.get(match.view_name)
    if resolver is None:
        return None
    return resolver(match) or UNKNOWN


class ConsentSignalsMiddleware:
    """`tdm-reservation`, `tdm-policy`, `Content-Usage` and `X-Robots-Tag` on every page and
    file of a video or remix, from its current AIUsage: one read before the view, kept on the
    request (`request.ai_usage`) so the page's robots meta tag renders the same answer."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        resolved = getattr(request, "ai_usage", None)
        if resolved is not None and response.status_code < 400:
            for name, value in usage_headers(resolved, request).items():
                response[name] = value
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        match = request.resolver_match
        request.ai_usage = resolve_usage(match) if match is not None else None


# --- site-wide signal files ---------------------------------------------------------------


def _conditional(request: HttpRequest, render: Callable[[], HttpResponse]) -> HttpResponse:
    """Answer 304 from the stamp alone; render the body only when it changed."""
    stamp = files.signals_stamp()
    not_modified = get_conditional_response(
        request, etag=stamp.etag, last_modified=int(stamp.last_modified.timestamp())
    )
    response = not_modified or render()
    if isinstance(response, HttpResponseNotModified) or response.status_code == 200:
        response["ETag"] = stamp.etag
        response["Last-Modified"] = http_date(stamp.last_modified.timestamp())
        response["Cache-Control"] = SIGNALS_CACHE_CONTROL
    return response


def robots_txt(request: HttpRequest) -> HttpResponse:
    return _conditional(
        request,
        lambda: HttpResponse(
            files.robots_txt(files.opted_in_creators()), content_type="text/plain; charset=utf-8"
        ),
    )


def tdmrep_json(request: HttpRequest) -> HttpResponse:
    """W3C TDMRep site file: one rule per opted-in creator's prefix, then everything else
    reserved; per-resource `tdm-reservation` headers say the same."""

    def render() -> HttpResponse:
        rules = files.tdmrep_rules(files.opted_in_creators(), request.build_absolute_uri)
        return HttpResponse(json.dumps(rules, indent=1), content_type=TDMREP_CONTENT_TYPE)

    return _conditional(request, render)


def ai_txt(request: HttpRequest) -> HttpResponse:
    return _conditional(
        request,
        lambda: HttpResponse(
            files.ai_txt(files.opted_in_creators()), content_type="text/plain; charset=utf-8"
        ),
    )


def _odrl_response(request: HttpRequest, usage: AIUsage, *, uid_path: str, target: str):
    policy = files.odrl_policy(
        usage,
        uid=request.build_absolute_uri(uid_path),
        target=request.build_absolute_uri(target),
        assigner=request.build_absolute_uri("/"),
    )
    return HttpResponse(json.dumps(policy, indent=1), content_type=ODRL_CONTENT_TYPE)


def site_tdm_policy(request: HttpRequest) -> HttpResponse:
    """The policy of everything outside an opted-in creator's prefix: no mining."""
    return _odrl_response(request, NOT_ALLOWED, uid_path=files.SITE_POLICY_PATH, target="/")


def creator_tdm_policy(request: HttpRequest, username: str) -> HttpResponse:
    row = (
        CreatorPolicy.objects.filter(creator__username=username)
        .values_list("training_allowed", "training_companies")
        .first()
    )
    if row is None:
        raise Http404("No such creator.")
    usage = ai_usage(training_allowed=row[0], companies=row[1] or ())
    return _odrl_response(
        request,
        usage,
        uid_path=files.creator_policy_path(username),
        target=files.creator_prefix(username),
    )


# --- CORS on the public, read-only consent answers ----------------------------------------

PUBLIC_READ_PATHS = re.compile(
    r"^/(robots\.txt|ai\.txt|\.well-known/tdmrep\.json|tdm-policy\.jsonld"
    r"|@[^/]+/tdm-policy\.jsonld|api/v1/videos/[^/]+/consent)$"
)
CORS_METHODS = "GET, HEAD, OPTIONS"


class PublicReadCorsMiddleware:
    """`Access-Control-Allow-Origin: *` (no credentials) on the signal files and the public
    consent API, for GET and HEAD; preflight OPTIONS answered here. A browser sends no cookie
    with a wildcard origin, so a page of another site reads only what anyone may read."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not PUBLIC_READ_PATHS.match(request.path_info):
            return self.get_response(request)
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = CORS_METHODS
            response["Access-Control-Max-Age"] = "86400"
            response["Allow"] = CORS_METHODS
        elif request.method in {"GET", "HEAD"}:
            response = self.get_response(request)
        else:
            return self.get_response(request)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Content-Usage"
        return response
