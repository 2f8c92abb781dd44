"""GET /api/v1/me/likeness/matches: where the caller's face was found (auth and error shape in
creatorhub/apikit.py); the same rows as the page "Where my face appears"."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from creatorhub.apikit import ApiError, user_auth
from likeness import matches
from likeness.models import LikenessMatch

router = Router(tags=["likeness"])
MATCHES_API_PAGE = 100


class MatchesQuery(Schema):
    model_config = ConfigDict(extra="forbid")

    page: int = Field(1, ge=1, le=1_000_000)


def match_json(match: LikenessMatch) -> dict:
    return {
        "video": match.video.public_id,
        "video_title": match.video.title,
        "creator": match.video.owner.username,
        "distance": round(match.distance, 4),
        "confidence": matches.match_confidence(match.distance).word.lower(),
        "refused": match.refused,
        "allowed": match.allowed,
        "found_at": match.found_at.isoformat(),
    }


@router.get(
    "/me/likeness/matches", auth=user_auth, summary="Other creators' videos showing your face"
)
def my_likeness_matches(request: HttpRequest, query: Query[MatchesQuery]):
    paginator = Paginator(matches.matches_for(person=request.user), MATCHES_API_PAGE)
    if query.page > max(paginator.num_pages, 1):
        raise ApiError(404, "not_found", f"There are {paginator.num_pages} pages.")
    page = paginator.page(query.page)
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "results": [match_json(match) for match in page.object_list],
    }
