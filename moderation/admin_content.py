"""The remix, video and creator admins, as moderators use them.

The remixer, videos and accounts apps know nothing of moderation (dependencies point one way),
so their admin classes are extended here and registered again: consent shown next to each
video and creator, and the moderation actions, each through moderation.services.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html

from consent.history import describe_policy
from consent.selectors import with_effective_consent
from creatorhub.accounts.admin import UserAdmin
from creatorhub.accounts.models import User
from creatorhub.admin_tools import username_filter
from creatorhub.videos.admin import VideoAdmin
from creatorhub.videos.models import Video
from moderation import services
from moderation.admin_actions import with_note
from moderation.forms import ConsentReasonForm, CreatorConsentForm
from moderation.models import Report
from remixer.admin import RemixAdmin
from remixer.models import Remix


def ledger_link(username: str, label: str = "Consent ledger") -> str:
    url = reverse("admin:consent_ledgerentry_changelist")
    return format_html('<a href="{}?creator={}">{}</a>', url, username, label)


def remix_thumb(remix: Remix) -> str:
    """The remix itself while it is served; else the source video's thumbnail, dimmed."""
    if remix.is_live:
        return format_html('<img src="{}" alt="" height="64" loading="lazy">', remix.output.url)
    if remix.video.thumbnail:
        return format_html(
            '<img src="{}" alt="" height="64" loading="lazy" class="moderation-gone">',
            remix.video.thumbnail.url,
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


admin.site.unregister(Remix)


@admin.register(Remix)
class ModeratedRemixAdmin(RemixAdmin):
    list_display = (
        "thumb",
        "public_id",
        "template",
        "status",
        "video",
        "source_creator",
        "requester",
        "open_report_count",
        "created_at",
    )
    list_display_links = ("thumb", "public_id")
    list_filter = (
        "status",
        "template",
        HasOpenReportsFilter,
        username_filter(
            field_path="video__owner__username", parameter_name="creator", title="source creator"
        ),
        ("created_at", admin.DateFieldListFilter),
    )
    list_select_related = ("video__owner", "requester")
    search_fields = ("public_id", "video__title", "video__owner__username", "requester__username")
    ordering = ("-created_at", "-id")
    actions = ("take_down", "restore")

    def get_queryset(self, request):
        open_reports = (
            Report.objects.filter(remix=OuterRef("pk"), status__in=Report.UNRESOLVED)
            .order_by()
            .values("remix")
            .annotate(n=Count("id"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(open_report_count=Coalesce(Subquery(open_reports), Value(0)))
        )

    def has_change_permission(self, request, obj=None) -> bool:
        # Status changes only through the actions; a remix's own page is read-only.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a takedown is on the record; a deletion would not be

    @admin.display(description="")
    def thumb(self, remix: Remix) -> str:
        return remix_thumb(remix)

    @admin.display(description="Source creator", ordering="video__owner__username")
    def source_creator(self, remix: Remix) -> str:
        return f"@{remix.video.owner.username}"

    @admin.display(description="Open reports", ordering="open_report_count")
    def open_report_count(self, remix: Remix) -> int:
        return remix.open_report_count

    @admin.action(description="Take down the remixes…", permissions=["change"])
    @with_note(
        title="Take down remixes",
        button="Take down",
        done="Took down {n} remix(es); their files are no longer served.",
        explanation="Each remix is withdrawn (its file deleted); open reports on it are resolved "
        "and everyone involved is told.",
    )
    def take_down(self, request, queryset, data) -> services.Outcome:
        return services.remixes_take_down(
            moderator=request.user, remixes=queryset, note=data["note"]
        )

    @admin.action(description="Restore the remixes (if consent allows)…", permissions=["change"])
    @with_note(
        title="Restore remixes",
        button="Restore",
        done="Restored {n} remix(es): they are queued to be rendered again.",
        explanation="A remix moderators took down goes back to the render queue, only if the "
        "creator's consent allows it now; the render checks consent again before publishing.",
    )
    def restore(self, request, queryset, data) -> services.Outcome:
        return services.remixes_restore(moderator=request.user, remixes=queryset, note=data["note"])


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


admin.site.unregister(Video)


@admin.register(Video)
class ModeratedVideoAdmin(VideoAdmin):
    list_display = (
        "thumb",
        "title",
        "owner",
        "visibility",
        "remix_consent",
        "ledger",
        "created_at",
    )
    list_filter = (
        EffectiveConsentFilter,
        username_filter(field_path="owner__username", parameter_name="owner", title="creator"),
        "visibility",
        "status",
    )
    readonly_fields = (*VideoAdmin.readonly_fields, "remix_consent", "ledger")
    actions = ("consent_off",)

    def get_queryset(self, request):
        return with_effective_consent(super().get_queryset(request))

    def has_moderate_consent_permission(self, request) -> bool:
        return request.user.has_perm("moderation.moderate_consent")

    @admin.display(description="AI remix consent", ordering="consent_allowed")
    def remix_consent(self, video: Video) -> str:
        return consent_text(
            video.consent_allowed, video.consent_scopes, video.consent_own, video.consent_audience
        )

    @admin.display(description="Ledger")
    def ledger(self, video: Video) -> str:
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
    def consent_off(self, request, queryset, data) -> services.Outcome:
        return services.videos_consent_off(
            moderator=request.user, videos=queryset, reason=data["note"]
        )


admin.site.unregister(User)


@admin.register(User)
class ModeratedUserAdmin(UserAdmin):
    list_display = (
        "username",
        "display_name",
        "is_staff",
        "remix_default",
        "video_count",
        "ledger",
        "date_joined",
    )
    list_filter = ("is_staff", "is_superuser", "is_active")
    fieldsets = (*UserAdmin.fieldsets, ("Consent", {"fields": ("remix_default", "ledger")}))
    readonly_fields = ("remix_default", "ledger")
    actions = ("consent_off",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                consent_remix=Coalesce(F("consent_policy__remix_allowed"), Value(False)),
                consent_scopes=Coalesce(F("consent_policy__remix_scopes"), Value(0)),
                consent_audience=F("consent_policy__audience"),
                library_videos=Coalesce(F("library_stats__video_count"), Value(0)),
            )
        )

    def has_moderate_consent_permission(self, request) -> bool:
        return request.user.has_perm("moderation.moderate_consent")

    @admin.display(description="AI remix default", ordering="consent_remix")
    def remix_default(self, user: User) -> str:
        policy = {
            "remix_allowed": bool(user.consent_remix and user.consent_scopes),
            "remix_scopes": user.consent_scopes,
            "audience": user.consent_audience,
        }
        return describe_policy(policy).capitalize()

    @admin.display(description="Videos", ordering="library_videos")
    def video_count(self, user: User) -> int:
        return user.library_videos

    @admin.display(description="Ledger")
    def ledger(self, user: User) -> str:
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
    def consent_off(self, request, queryset, data) -> services.Outcome:
        return services.creators_consent_off(
            moderator=request.user,
            creators=queryset,
            reason=data["note"],
            clear_exceptions=data["clear_exceptions"],
        )
