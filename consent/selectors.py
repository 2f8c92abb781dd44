"""Reads of consent. Effective consent is computed by the database as annotations, so lists
and bulk actions never decide per video in Python."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import BooleanField, Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from consent.idsets import INHERIT, VideoState
from consent.ledger import DEFAULT_POLICY, policy_state, replay_video
from consent.models import ApprovedPerson, Audience, CreatorPolicy, LedgerEntry, VideoOverride
from consent.scopes import mask_to_names, mask_to_scopes
from creatorhub.accounts.models import User
from creatorhub.accounts.selectors import is_follower
from creatorhub.videos.models import Video


def with_effective_consent(videos: QuerySet, *, prefix: str = "") -> QuerySet:
    """Annotate consent_* fields: own (the override or None), scopes mask, allowed, ask,
    audience, training. Allowed (or ask) means so with at least one kind of remix.

    `prefix` reaches the video through a relation, e.g. "video__" on a queryset of remixes.
    """

    def path(name: str) -> str:
        return f"{prefix}{name}"

    allow = Q(**{path("consent_override__remix"): VideoOverride.Remix.ALLOW})
    ask = Q(**{path("consent_override__remix"): VideoOverride.Remix.ASK})
    open_override = allow | ask
    inherit = Q(**{path("consent_override__isnull"): True})
    return videos.annotate(
        consent_own=F(path("consent_override__remix")),
        consent_scopes=Case(
            When(
                open_override & Q(**{path("consent_override__scopes__isnull"): False}),
                then=F(path("consent_override__scopes")),
            ),
            default=Coalesce(F(path("owner__consent_policy__remix_scopes")), Value(0)),
            output_field=IntegerField(),
        ),
        consent_allowed=Case(
            When(allow & ~Q(consent_scopes=0), then=Value(True)),
            When(
                inherit
                & Q(**{path("owner__consent_policy__remix_allowed"): True})
                & ~Q(consent_scopes=0),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
        consent_ask=Case(
            When(ask & ~Q(consent_scopes=0), then=Value(True)),
            When(
                inherit
                & Q(**{path("owner__consent_policy__remix_ask"): True})
                & ~Q(consent_scopes=0),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
        consent_audience=Coalesce(
            F(path("consent_override__audience")),
            F(path("owner__consent_policy__audience")),
            Value(Audience.EVERYONE.value),
        ),
        consent_training=Coalesce(F(path("owner__consent_policy__training_allowed")), Value(False)),
    )


def allowed_for(videos: QuerySet[Video], *, allowed: bool) -> QuerySet[Video]:
    """Filter on effective remix consent in SQL."""
    return with_effective_consent(videos).filter(consent_allowed=allowed)


@dataclass(frozen=True)
class EffectiveConsent:
    allowed: bool  # remixes are published without asking (mode "allow")
    scopes: int
    audience: str
    training_allowed: bool
    training_companies: list[str]
    source: str  # "account" or "video"
    override: str  # inherit / allow / deny
    own_scopes: int | None  # the override's own kinds / audience (None: the account's)
    own_audience: str | None
    ledger_seq: int
    updated_at: dt.datetime | None
    mode: str = "deny"  # deny / allow / ask ("ask me": each remix waits for the creator)

    @property
    def requestable(self) -> bool:
        """Viewers may request remixes: allowed, or "ask me"."""
        return self.mode != "deny"

    @property
    def open_to_everyone(self) -> bool:
        """Anyone may remix it: what the noai signal is dropped for."""
        return self.allowed and self.audience == Audience.EVERYONE

    @property
    def open_for_training(self) -> bool:
        """Any AI company may train on it (an allow-list keeps the TDM reservation)."""
        return self.training_allowed and not self.training_companies

    @property
    def scope_names(self) -> list[str]:
        return mask_to_names(self.scopes) if self.requestable else []

    def as_json(self, video: Video) -> dict:
        return {
            "video": video.public_id,
            "creator": video.owner.username,
            "remix": {
                "allowed": self.allowed,
                "mode": self.mode,
                "scopes": mask_to_scopes(self.scopes if self.requestable else 0),
                "audience": self.audience,
            },
            "training": {
                "allowed": self.training_allowed,
                "companies": self.training_companies if self.training_allowed else [],
            },
            "source": self.source,
            "ledger_seq": self.ledger_seq,
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
        }


def policy_mode(policy: dict) -> str:
    """deny / allow / ask of an account policy (as policy_state records it)."""
    if policy["remix_allowed"]:
        return VideoOverride.Remix.ALLOW
    if policy.get("remix_ask"):
        return VideoOverride.Remix.ASK
    return VideoOverride.Remix.DENY


def _effective(policy: dict, override: VideoState, seq: int, updated_at) -> EffectiveConsent:
    if override.remix == INHERIT:
        mode = policy_mode(policy)
        scopes, audience = policy["remix_scopes"], policy["audience"]
    else:
        mode = override.remix
        scopes = override.scopes if override.scopes is not None else policy["remix_scopes"]
        audience = override.audience or policy["audience"]
    if scopes == 0:
        mode = VideoOverride.Remix.DENY
    return EffectiveConsent(
        mode=mode,
        allowed=mode == VideoOverride.Remix.ALLOW,
        scopes=scopes,
        audience=audience,
        training_allowed=policy["training_allowed"],
        training_companies=list(policy["training_companies"]),
        source="account" if override.remix == INHERIT else "video",
        override=override.remix,
        own_scopes=override.scopes,
        own_audience=override.audience,
        ledger_seq=seq,
        updated_at=updated_at,
    )


def video_consent(*, video: Video) -> EffectiveConsent:
    """The consent that holds now for one video (two indexed reads)."""
    return consent_map(videos=[video])[video.id]


def video_consent_at(*, video: Video, at: dt.datetime) -> EffectiveConsent | None:
    """The consent that held at `at`, rebuilt from the ledger; None if the video was not
    in the library yet."""
    if video.added_at > at:
        return None
    replayed = replay_video(creator=video.owner, video_id=video.id, at=at)
    return _effective(replayed.policy, replayed.override, replayed.ledger_seq, replayed.updated_at)


def consent_map(
    *, videos: list[Video], policies: dict[int, CreatorPolicy] | None = None
) -> dict[int, EffectiveConsent]:
    """Consent of a page of videos in two queries (their overrides, their owners' policies)."""
    if not videos:
        return {}
    overrides = {o.video_id: o for o in VideoOverride.objects.filter(video__in=videos)}
    if policies is None:
        policies = {
            p.creator_id: p
            for p in CreatorPolicy.objects.filter(creator_id__in={v.owner_id for v in videos})
        }
    return {
        video.id: _consent_of(policies.get(video.owner_id), overrides.get(video.id))
        for video in videos
    }


# Fetch a video with these (select_related) and video_consent_joined reads its consent from
# the same row: the public consent check is one query.
CONSENT_RELATED = ("owner__consent_policy", "consent_override")


def video_consent_joined(*, video: Video) -> EffectiveConsent:
    """The consent of a video fetched with select_related(*CONSENT_RELATED), without a query.
    A missing override or policy is cached as missing (read as None here)."""
    return _consent_of(
        getattr(video.owner, "consent_policy", None), getattr(video, "consent_override", None)
    )


def _consent_of(policy: CreatorPolicy | None, override: VideoOverride | None) -> EffectiveConsent:
    state = (
        VideoState(override.remix, override.scopes, override.audience) if override else VideoState()
    )
    return _effective(
        policy_state(policy) if policy else dict(DEFAULT_POLICY),
        state,
        policy.ledger_seq if policy else 0,
        override.updated_at if override else (policy.updated_at if policy else None),
    )


@dataclass(frozen=True)
class RemixDecision:
    allowed: bool
    reason: str
    ledger_seq: int
    # "needed": allowed as a request the creator must approve ("ask me"); "listed": on the
    # creator's "People I approve" list, so approved already.
    approval: str = ""


def remix_permission(
    *,
    user: User,
    video: Video,
    scopes: int,
    consent: EffectiveConsent | None = None,
    approved: bool = False,
) -> RemixDecision:
    """May `user` make a remix of `video` that needs `scopes`? The one place this is decided.

    `approved`: this remix was approved by the creator already (an "ask me" remix that is
    published, or being published). Pass `consent` (from video_consent) to ask about several
    scopes with one read."""
    consent = consent or video_consent(video=video)
    seq = consent.ledger_seq

    def refuse(reason: str) -> RemixDecision:
        return RemixDecision(False, reason, seq)

    if not user.is_authenticated:
        return refuse("Log in to request a remix.")
    if video.owner_id == user.id:
        return RemixDecision(True, "", seq)
    if not consent.requestable:
        return refuse("The creator has not allowed AI remixes of this video.")
    missing = mask_to_names(scopes & ~consent.scopes)
    if missing:
        return refuse(f"The creator has not allowed {', '.join(missing)} remixes of this video.")
    if consent.audience == Audience.NOBODY:
        return refuse("The creator allows remixes by nobody else right now.")
    listed = None

    def on_list() -> bool:
        nonlocal listed
        if listed is None:
            listed = ApprovedPerson.objects.filter(creator_id=video.owner_id, person=user).exists()
        return listed

    # A remix the creator approved passes the audience they approve of.
    if (
        consent.audience == Audience.FOLLOWERS
        and not approved
        and not is_follower(user=user, of=video.owner)
        and not on_list()
    ):
        return refuse("Only the creator's followers may remix this video.")
    if consent.audience == Audience.APPROVED and not (approved or on_list()):
        return refuse("Only people the creator approves may remix this video.")
    if approved or consent.mode == VideoOverride.Remix.ALLOW:
        return RemixDecision(True, "", seq, approval="listed" if listed else "")
    if on_list():
        return RemixDecision(True, "", seq, approval="listed")
    return RemixDecision(True, "", seq, approval="needed")


@dataclass(frozen=True)
class PolicySummary:
    policy: CreatorPolicy
    video_count: int
    exceptions_allow: int
    exceptions_deny: int

    @property
    def exceptions(self) -> int:
        return self.exceptions_allow + self.exceptions_deny

    @property
    def inheriting(self) -> int:
        return max(0, self.video_count - self.exceptions)


def policy_for(*, creator: User) -> CreatorPolicy:
    """The creator's policy, or an unsaved all-denied one (reads never write)."""
    return CreatorPolicy.objects.filter(creator=creator).first() or CreatorPolicy(creator=creator)


def policy_summary(*, creator: User, video_count: int) -> PolicySummary:
    policy = policy_for(creator=creator)
    counts = VideoOverride.objects.filter(creator=creator).aggregate(
        allow=Count("pk", filter=Q(remix=VideoOverride.Remix.ALLOW)),
        deny=Count("pk", filter=Q(remix=VideoOverride.Remix.DENY)),
    )
    return PolicySummary(policy, video_count, counts["allow"], counts["deny"])


def selection_breakdown(*, creator: User, videos: QuerySet[Video]) -> dict[str, int]:
    """How many of `videos` are allowed / not allowed, and how many follow the account."""
    counts = with_effective_consent(videos.filter(owner=creator)).aggregate(
        total=Count("pk"),
        allowed=Count("pk", filter=Q(consent_allowed=True)),
        own=Count("pk", filter=Q(consent_own__isnull=False)),
    )
    counts["denied"] = counts["total"] - counts["allowed"]
    return counts


def ledger_for_creator(*, creator: User) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(creator=creator).select_related("actor").order_by("-seq")


@dataclass(frozen=True)
class LibraryConsent:
    by_video: dict[int, EffectiveConsent]
    default_scopes: list[str]


def library_consent(*, owner: User, videos: list[Video]) -> LibraryConsent:
    """A library page's consent: each row's, plus the account's scopes for the bulk menu."""
    policy = CreatorPolicy.objects.filter(creator=owner).first()
    by_video = consent_map(videos=videos, policies={owner.id: policy} if policy else {})
    scopes = policy.remix_scopes if policy else 0
    return LibraryConsent(by_video, mask_to_names(scopes) or ["caption"])


def with_remix_permission(
    queryset: QuerySet,
    *,
    video_prefix: str,
    requester_field: str,
    scopes_field: str,
    approved_field: str | None = None,
) -> QuerySet:
    """Annotate `consent_permitted`: the set-based twin of remix_permission, for rows that name
    a video, a requester and the scopes they need (e.g. remixes); `approved_field`, when the
    rows record the creator's approval of each. An "ask me" video permits its requests (they
    are published only once approved, which the pipeline sees to)."""
    from django.db.models import Exists, OuterRef

    from creatorhub.accounts.models import Follow

    owner = f"{video_prefix}owner_id"
    annotated = with_effective_consent(queryset, prefix=video_prefix).annotate(
        consent_scope_match=F(scopes_field).bitand(F("consent_scopes")),
        consent_follows=Exists(
            Follow.objects.filter(follower=OuterRef(requester_field), followed=OuterRef(owner))
        ),
        consent_listed=Exists(
            ApprovedPerson.objects.filter(
                creator_id=OuterRef(owner), person_id=OuterRef(requester_field)
            )
        ),
    )
    own = Q(**{requester_field: F(owner)})
    approved = Q(consent_listed=True)
    if approved_field:
        approved |= Q(**{f"{approved_field}__isnull": False})
    audience = (
        Q(consent_audience=Audience.EVERYONE)
        | (Q(consent_audience=Audience.FOLLOWERS) & (Q(consent_follows=True) | approved))
        | (Q(consent_audience=Audience.APPROVED) & approved)
    )
    requestable = Q(consent_allowed=True) | Q(consent_ask=True)
    allowed = requestable & Q(consent_scope_match=F(scopes_field)) & audience
    return annotated.annotate(
        consent_permitted=Case(
            When(own | allowed, then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    )


CONSENT_FILTER_CHOICES = [
    ("allowed", "Remixes allowed"),
    ("denied", "Remixes not allowed"),
    ("own", "Own setting"),
    ("default", "Follows account default"),
]


def filter_by_consent(videos: QuerySet[Video], state: str) -> QuerySet[Video]:
    """The library's "consent" filter: effective state, or where the state comes from."""
    conditions = {
        "allowed": Q(consent_allowed=True),
        "denied": Q(consent_allowed=False),
        "own": Q(consent_own__isnull=False),
        "default": Q(consent_own__isnull=True),
    }
    return with_effective_consent(videos).filter(conditions[state])
