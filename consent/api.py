"""Consent endpoints of the JSON API (see creatorhub/apikit.py for auth and errors)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from ninja import Field, Query, Router, Schema
from pydantic import (
    AfterValidator,
    ConfigDict,
    StrictBool,
    StrictStr,
    StringConstraints,
    model_validator,
)

from consent import rules, selectors, services
from consent.history import ledger_rows, video_history
from consent.idsets import VideoState
from consent.ledger import policy_state
from consent.models import LedgerEntry
from consent.scopes import mask_to_scopes, scopes_from_flags
from consent.selection import MAX_SELECTION_IDS, Selection
from creatorhub.apikit import ApiError, consent_write_auth, optional_auth, user_auth
from creatorhub.videos.api import my_video_upload
from creatorhub.videos.models import Video
from creatorhub.videos.selectors import (
    LibraryFilter,
    library_videos,
    video_get_for_owner,
    video_get_public,
)

router = Router(tags=["consent"])
PAGE_SIZE = 100
AudienceName = Literal["everyone", "followers", "nobody", "approved"]
ModeName = Literal["deny", "allow", "ask"]


def _no_nul(value: str) -> str:
    # PostgreSQL cannot store NUL characters; refuse them as bad input, not a 500.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def text(max_length: int):
    return Annotated[str, StringConstraints(max_length=max_length), AfterValidator(_no_nul)]


ShortText = text(100)


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class ScopesIn(Strict):
    caption: StrictBool = False
    background: StrictBool = False
    face: StrictBool = False
    voice: StrictBool = False


class RemixPolicyIn(Strict):
    """`mode` says deny / allow / ask; `allowed` (older callers) is true only for allow. Give
    either, or both when they agree."""

    allowed: StrictBool | None = None
    mode: ModeName | None = None
    scopes: ScopesIn = ScopesIn()
    audience: AudienceName = "everyone"

    @model_validator(mode="after")
    def one_mode(self) -> RemixPolicyIn:
        if self.mode is None and self.allowed is None:
            raise ValueError('remix needs "mode" (deny, allow or ask) or "allowed"')
        both = self.mode is not None and self.allowed is not None
        if both and self.allowed != (self.mode == "allow"):
            raise ValueError('"allowed" is true exactly when "mode" is "allow"')
        return self

    @property
    def chosen_mode(self) -> str:
        return self.mode or ("allow" if self.allowed else "deny")


class TrainingIn(Strict):
    allowed: StrictBool
    companies: list[ShortText] = Field(default_factory=list, max_length=50)


class PolicyIn(Strict):
    remix: RemixPolicyIn
    training: TrainingIn
    clear_exceptions: StrictBool = False
    reason: text(500) = ""


class FilterIn(Strict):
    q: text(100) | None = None
    tag: text(50) | None = None
    created_after: dt.date | None = None
    created_before: dt.date | None = None

    def to_filter(self) -> LibraryFilter:
        return LibraryFilter(
            q=(self.q or "").strip(),
            tag=(self.tag or "").strip().lower(),
            created_after=self.created_after,
            created_before=self.created_before,
        )


class SelectionIn(Strict):
    all: Literal[True] | None = None
    ids: (
        list[Annotated[StrictStr, StringConstraints(max_length=32), AfterValidator(_no_nul)]] | None
    ) = Field(default=None, max_length=MAX_SELECTION_IDS)
    filter: FilterIn | None = None

    @model_validator(mode="after")
    def exactly_one(self) -> SelectionIn:
        given = [name for name in ("all", "ids", "filter") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError('selection must have exactly one of "all", "ids" or "filter"')
        return self


class BulkIn(Strict):
    selection: SelectionIn
    remix: Literal["allow", "ask", "deny", "inherit"]
    scopes: ScopesIn | None = None
    audience: AudienceName | None = None
    reason: text(500) = ""


def _consent_error(error: services.ConsentError) -> ApiError:
    status = 404 if error.code == "not_found" else 400
    return ApiError(status, error.code, str(error))


def _policy_json(request: HttpRequest) -> dict:
    policy = selectors.policy_for(creator=request.user)
    state = policy_state(policy)
    return {
        "remix": {
            "allowed": state["remix_allowed"],
            "mode": selectors.policy_mode(state),
            "scopes": mask_to_scopes(state["remix_scopes"]),
            "audience": state["audience"],
        },
        "training": {
            "allowed": state["training_allowed"],
            "companies": state["training_companies"],
        },
        "ledger_seq": policy.ledger_seq,
        "updated_at": policy.updated_at.isoformat() if policy.updated_at else None,
    }


def _parse_at(at: str | None) -> dt.datetime | None:
    if at is None:
        return None
    try:
        parsed = parse_datetime(at)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ApiError(400, "invalid_request", "at must be an ISO 8601 date-time.")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, dt.UTC)
    try:
        # The database compares in UTC; an offset near year 1 or 9999 can leave the calendar.
        return parsed.astimezone(dt.UTC)
    except OverflowError:
        raise ApiError(400, "invalid_request", "at is out of the supported date range.") from None


@router.get("/videos/{public_id}/consent", auth=optional_auth, summary="A video's consent (public)")
def video_consent(request: HttpRequest, public_id: str, at: str | None = None):
    video = video_get_public(
        public_id=public_id, viewer=request.user, related=selectors.CONSENT_RELATED
    )
    when = _parse_at(at)
    if when is None:
        return selectors.video_consent_joined(video=video).as_json(video)
    consent = selectors.video_consent_at(video=video, at=when)
    if consent is None:
        raise ApiError(404, "not_found", "The video was not in the library at that time.")
    return consent.as_json(video) | {"at": when.isoformat()}


@router.get("/videos/{public_id}/consent/history", auth=user_auth, summary="A video's history")
def video_consent_history(request: HttpRequest, public_id: str):
    video = video_get_for_owner(owner=request.user, public_id=public_id)
    return {
        "video": video.public_id,
        "results": [
            {
                "seq": row.seq,
                "at": row.at.isoformat(),
                "action": row.action,
                "actor": row.actor,
                "reason": row.reason,
                "before": row.before,
                "after": row.after,
            }
            for row in video_history(video=video)
        ],
    }


@router.get("/me/consent", auth=user_auth, summary="Your account policy")
def my_consent(request: HttpRequest):
    return _policy_json(request)


@router.put("/me/consent", auth=consent_write_auth, summary="Change your account policy")
def my_consent_put(request: HttpRequest, body: PolicyIn):
    change = services.PolicyChange(
        remix_allowed=body.remix.chosen_mode == "allow",
        remix_ask=body.remix.chosen_mode == "ask",
        remix_scopes=scopes_from_flags(body.remix.scopes.model_dump()),
        audience=body.remix.audience,
        training_allowed=body.training.allowed,
        training_companies=body.training.companies,
    )
    try:
        result = services.consent_set_policy(
            creator=request.user,
            actor=request.user,
            change=change,
            clear_exceptions=body.clear_exceptions,
            action=LedgerEntry.Action.API,
            reason=body.reason,
        )
    except services.ConsentError as error:
        raise _consent_error(error) from None
    return _policy_json(request) | {"cleared": result.selected}


@router.post("/me/videos/consent", auth=consent_write_auth, summary="Bulk consent change")
def my_videos_consent(request: HttpRequest, body: BulkIn):
    selection = body.selection
    if body.remix not in ("allow", "ask") and (body.scopes is not None or body.audience):
        raise ApiError(
            400, "invalid_request", "scopes and audience are only for remix=allow or ask."
        )
    try:
        scopes = scopes_from_flags(body.scopes.model_dump()) if body.scopes else None
        result = services.consent_set_selection(
            creator=request.user,
            actor=request.user,
            selection=Selection.parse(
                everything=bool(selection.all),
                ids=selection.ids,
                filters=selection.filter.to_filter() if selection.filter else None,
            ),
            state=VideoState(body.remix, scopes, body.audience),
            action=LedgerEntry.Action.API,
            reason=body.reason,
        )
    except services.ConsentError as error:
        raise _consent_error(error) from None
    # Nothing changed, nothing recorded: ledger_seq is null.
    seq = result.entry.seq if result.entry else None
    return {"changed": result.changed, "selected": result.selected, "ledger_seq": seq}


def _page(queryset: QuerySet, page: int, size: int = PAGE_SIZE):
    if page < 1:
        raise ApiError(400, "invalid_request", "page must be 1 or more.")
    paginator = Paginator(queryset, size)
    if page > max(paginator.num_pages, 1):
        raise ApiError(404, "not_found", f"There are {paginator.num_pages} pages.")
    return paginator, paginator.page(page)


class VideosQuery(FilterIn):
    page: int = 1


@router.get("/me/videos", auth=user_auth, summary="Your videos with their consent")
def my_videos(request: HttpRequest, query: Query[VideosQuery]):
    videos = library_videos(owner=request.user, filters=query.to_filter()).select_related("owner")
    paginator, page = _page(videos, query.page)
    items: list[Video] = list(page.object_list)
    consent = selectors.consent_map(videos=items)
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "results": [
            {
                "id": v.public_id,
                "title": v.title,
                "has_audio": v.has_audio,
                "consent": consent[v.id].as_json(v),
            }
            for v in items
        ],
    }


router.add_api_operation(
    "/me/videos",
    ["POST"],
    my_video_upload,
    auth=user_auth,
    response={201: dict},
    summary="Upload a video",
)


@router.get("/me/ledger", auth=user_auth, summary="Your consent ledger, oldest first")
def my_ledger(request: HttpRequest, page: int = 1):
    entries = LedgerEntry.objects.filter(creator=request.user).order_by("seq")
    paginator, current = _page(entries.values_list("seq", flat=True), page)
    seqs = list(current.object_list)
    return {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "results": list(ledger_rows(creator=request.user, seqs=seqs)),
    }


class RulesIn(Strict):
    blocked_phrases: list[text(100)] = Field(default_factory=list, max_length=200)
    categories: list[text(40)] = Field(default_factory=list, max_length=10)
    reason: text(500) = ""


def _rules_put(request: HttpRequest, body: RulesIn, video: Video | None) -> dict:
    try:
        entry = rules.rules_set(
            creator=request.user,
            actor=request.user,
            phrases=body.blocked_phrases,
            categories=body.categories,
            video=video,
            reason=body.reason,
        )
    except services.ConsentError as error:
        raise _consent_error(error) from None
    return {"ledger_seq": entry.seq if entry else None}


@router.get("/me/consent/rules", auth=user_auth, summary="Your content rules")
def my_rules(request: HttpRequest):
    return rules.account_rules(creator=request.user).as_json()


@router.put("/me/consent/rules", auth=consent_write_auth, summary="Change your content rules")
def my_rules_put(request: HttpRequest, body: RulesIn):
    result = _rules_put(request, body, None)
    return rules.account_rules(creator=request.user).as_json() | result


@router.get("/me/videos/{public_id}/consent/rules", auth=user_auth, summary="A video's rules")
def video_rules(request: HttpRequest, public_id: str):
    video = video_get_for_owner(owner=request.user, public_id=public_id)
    return rules.video_own_rules(video=video).as_json() | {
        "in_force": rules.rules_map(videos=[video])[video.id].as_json()
    }


@router.put(
    "/me/videos/{public_id}/consent/rules",
    auth=consent_write_auth,
    summary="Change a video's own content rules",
)
def video_rules_put(request: HttpRequest, public_id: str, body: RulesIn):
    video = video_get_for_owner(owner=request.user, public_id=public_id)
    result = _rules_put(request, body, video)
    return rules.video_own_rules(video=video).as_json() | result
