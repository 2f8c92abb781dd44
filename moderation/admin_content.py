"""The remix, video and creator admins, as moderators use them.

The remixer, videos and accounts apps know nothing of moderation (dependencies point one way):
their admins are ExtensibleAdmins, and ModerationConfig.ready() registers the extensions here:
consent shown next to each video and creator, open reports next to each remix, and the
moderation actions, each through moderation.services.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html

from consent.history import describe_policy
from consent.selectors import with_effective_consent
from creatorhub.accounts.models import User
from creatorhub.admin_tools import (
    AdminColumn,
    AdminExtension,
    AdminFilter,
    admin_extension_register,
)
from creatorhub.videos.models import Video
from moderation import services
from moderation.admin_actions import with_note
from moderation.forms import ConsentReasonForm, CreatorConsentForm
from moderation.models import Report
from remixer.models import Remix


def ledger_link(username: str, label: str = "Consent ledger") -> str:
    url = reverse("admin:consent_ledgerentry_changelist")
    return format_html('<a href="{}?creator={}">{}</a>', url, username, label)


def remix_thumb(remix: Remix) -> str:
    """The remix itself while it is served; else the source video's thumbnail, dimmed."""
    # Alt text, since the remix list links the thumbnail too.
    if remix.is_live and remix.template == Remix.Template.VOICE:
        return format_html(
            '<video src="{}" controls preload="none" height="64" aria-label="Voice remix {}">'
            "</video>",
            remix.output.url,
            remix.public_id,
        )
    if remix.is_live:
        return format_html(
            '<img src="{}" alt="Remix {}" height="64" loading="lazy">',
            remix.output.url,
            remix.public_id,
        )
    if remix.video.thumbnail:
        return format_html(
            '<img src="{}" alt="Source of remix {} (not served)" height="64" loading="lazy"'
            ' class="moderation-gone">',
            remix.video.thumbnail.url,
            remix.public_id,
        )
    return "—"


def video_thumb(video: Video) -> str:
    if video.thumbnail:
        return format_html(
            '<img src="{}" alt="Video {}" height="64" loading="lazy">',
            video.thumbnail.url,
            video.public_id,
        )
    return "—"


def remix_admin_link(remix: Remix) -> str:
    url = reverse("admin:remixer_remix_change", args=[remix.pk])
    return format_html(
        '<a href="{}" class="remix-id">{}</a><br><small>{}</small>',
        url,
        remix.public_id,
        remix.get_status_display(),
    )


class HasOpenReportsFilter(admin.SimpleListFilter):
    title = "open reports"
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return (("yes", "With open reports"), ("no", "Without"))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(open_report_count__gt=0)
        if self.value() == "no":
            return queryset.filter(open_report_count=0)
        return queryset


def with_open_report_count(remixes: QuerySet[Remix]) -> QuerySet[Remix]:
    open_reports = (
        Report.objects.filter(remix=OuterRef("pk"), status__in=Report.UNRESOLVED)
        .order_by()
        .values("remix")
        .annotate(n=Count("id"))
        .values("n")
    )
    return remixes.annotate(open_report_count=Coalesce(Subquery(open_reports), Value(0)))


@admin.display(description="")
def thumb(remix: Remix) -> str:
    return remix_thumb(remix)


@admin.display(description="Open reports", ordering="open_report_count")
def open_report_count(remix: Remix) -> int:
    return remix.open_report_count


@admin.action(description="Take down the remixes…", permissions=["change"])
@with_note(
    title="Take down remixes",
    button="Take down",
    done="Took down {n} remix(es); their files are no longer served.",
    explanation="Each remix is withdrawn (its file deleted); open reports on it are resolved "
    "and everyone involved is told.",
)
def take_down(modeladmin, request, queryset, data) -> services.Outcome:
    return services.remixes_take_down(moderator=request.user, remixes=queryset, note=data["note"])


@admin.action(description="Restore the remixes (if consent allows)…", permissions=["change"])
@with_note(
    title="Restore remixes",
    button="Restore",
    done="Restored {n} remix(es): they are queued to be rendered again.",
    explanation="A remix moderators took down goes back to the render queue, only if the "
    "creator's consent allows it now; the render checks consent again before publishing.",
)
def restore(modeladmin, request, queryset, data) -> services.Outcome:
    return services.remixes_restore(moderator=request.user, remixes=queryset, note=data["note"])


REMIXES = AdminExtension(
    columns=(
        AdminColumn("thumb", thumb, before="public_id", link=True),
        AdminColumn("open_report_count", open_report_count, before="created_at"),
    ),
    filters=(AdminFilter(HasOpenReportsFilter, before="creator"),),
    actions={"take_down": take_down, "restore": restore},
    queryset=with_open_report_count,
    stylesheets=("css/moderation-admin.css",),  # the dimmed thumbnails of withdrawn remixes
)


def consent_text(allowed: bool, scopes: int, own: str | None, audience: str) -> str:
    policy = {
        "remix_allowed": allowed and bool(scopes),
        "remix_scopes": scopes,
        "audience": audience,
    }
    return f"{describe_policy(policy).capitalize()} ({'this video' if own else 'account default'})"


class EffectiveConsentFilter(admin.SimpleListFilter):
    title = "AI remix consent"
    parameter_name = "remix_consent"

    def lookups(self, request, model_admin):
        return (("allowed", "Allowed"), ("denied", "Not allowed"))

    def queryset(self, request, queryset):
        if self.value() in {"allowed", "denied"}:
            return queryset.filter(consent_allowed=self.value() == "allowed")
        return queryset


def moderate_consent(request) -> bool:
    return request.user.has_perm("moderation.moderate_consent")


@admin.display(description="AI remix consent", ordering="consent_allowed")
def video_remix_consent(video: Video) -> str:
    return consent_text(
        video.consent_allowed, video.consent_scopes, video.consent_own, video.consent_audience
    )


@admin.display(description="Ledger")
def video_ledger(video: Video) -> str:
    return ledger_link(video.owner.username, f"@{video.owner.username}'s")


@admin.action(
    description="Don't allow AI remixes of these videos (moderator)…",
    permissions=["moderate_consent"],
)
@with_note(
    title="Don't allow AI remixes of these videos",
    button="Don't allow remixes",
    done="AI remixes are no longer allowed for {n} video(s); published remixes of them "
    "are being withdrawn.",
    form_class=ConsentReasonForm,
    explanation="Each creator's consent ledger gets one entry with you as the actor and "
    "your reason; the creators are told. Moderators can switch consent off, never on.",
)
def videos_consent_off(modeladmin, request, queryset, data) -> services.Outcome:
    return services.videos_consent_off(moderator=request.user, videos=queryset, reason=data["note"])


VIDEOS = AdminExtension(
    columns=(
        AdminColumn("remix_consent", video_remix_consent, before="created_at"),
        AdminColumn("ledger", video_ledger, before="created_at"),
    ),
    hidden_columns=("status",),  # the consent columns need the room; status stays a filter
    filters=(AdminFilter(EffectiveConsentFilter, before="owner"),),
    actions={"consent_off": videos_consent_off},
    permissions={"moderate_consent": moderate_consent},
    readonly_fields=("remix_consent", "ledger"),
    queryset=with_effective_consent,
)


def with_consent_and_library(users: QuerySet[User]) -> QuerySet[User]:
    return users.annotate(
        consent_remix=Coalesce(F("consent_policy__remix_allowed"), Value(False)),
        consent_scopes=Coalesce(F("consent_policy__remix_scopes"), Value(0)),
        consent_audience=F("consent_policy__audience"),
        library_videos=Coalesce(F("library_stats__video_count"), Value(0)),
    )


@admin.display(description="AI remix default", ordering="consent_remix")
def remix_default(user: User) -> str:
    policy = {
        "remix_allowed": bool(user.consent_remix and user.consent_scopes),
        "remix_scopes": user.consent_scopes,
        "audience": user.consent_audience,
    }
    return describe_policy(policy).capitalize()


@admin.display(description="Videos", ordering="library_videos")
def video_count(user: User) -> int:
    return user.library_videos


@admin.display(description="Ledger")
def creator_ledger(user: User) -> str:
    return ledger_link(user.username)


@admin.action(
    description="Switch AI remixes off for these creators (moderator)…",
    permissions=["moderate_consent"],
)
@with_note(
    title="Switch AI remixes off for these creators",
    button="Switch remixes off",
    done="AI remixes switched off for {n} creator(s); published remixes are being withdrawn.",
    form_class=CreatorConsentForm,
    explanation="The account-wide default becomes “not allowed”, one ledger entry per "
    "creator with you as the actor and your reason; the creators are told. Moderators can "
    "switch consent off, never on.",
)
def creators_consent_off(modeladmin, request, queryset, data) -> services.Outcome:
    return services.creators_consent_off(
        moderator=request.user,
        creators=queryset,
        reason=data["note"],
        clear_exceptions=data["clear_exceptions"],
    )


CREATORS = AdminExtension(
    columns=(
        AdminColumn("remix_default", remix_default, before="date_joined"),
        AdminColumn("video_count", video_count, before="date_joined"),
        AdminColumn("ledger", creator_ledger, before="date_joined"),
    ),
    actions={"consent_off": creators_consent_off},
    permissions={"moderate_consent": moderate_consent},
    readonly_fields=("remix_default", "ledger"),
    fieldsets=(("Consent", {"fields": ("remix_default", "ledger")}),),
    queryset=with_consent_and_library,
)


def admin_extensions_register() -> None:
    """Called from ModerationConfig.ready(): the lower apps' admins, as moderators use them."""
    admin_extension_register(Remix, REMIXES)
    admin_extension_register(Video, VIDEOS)
    admin_extension_register(User, CREATORS)
