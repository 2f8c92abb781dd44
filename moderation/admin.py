"""Moderation in Django admin: the report queue, the audit records, the dashboard.

Every action goes through moderation.services, asks for a note first, and is allowed only with
the model permission it names; what moderators add to the remix, video and creator admins is
in admin_content.py.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince

from creatorhub.admin_tools import ReadOnlyAdmin, username_filter
from moderation import selectors, services
from moderation.admin_actions import with_note
from moderation.admin_content import remix_admin_link, remix_thumb, video_thumb
from moderation.models import ModerationAction, Report

ReporterFilter = username_filter(
    field_path="reporter__username", parameter_name="reporter", title="reporter"
)
SourceCreatorFilter = username_filter(
    field_path="remix__video__owner__username", parameter_name="creator", title="source creator"
)
ModeratorFilter = username_filter(
    field_path="moderator__username", parameter_name="moderator", title="moderator"
)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = (
        "thumb",
        "remix_link",
        "source",
        "reporter_handle",
        "reason",
        "status_and_age",
    )
    # The reason opens the report; no id column, so the queue fits beside the admin's menu.
    list_display_links = ("reason",)
    list_filter = ("status", "reason", SourceCreatorFilter, ReporterFilter)
    list_select_related = ("reporter", "remix__video__owner", "remix__requester", "video__owner")
    search_fields = (
        "remix__public_id",
        "remix__video__title",
        "video__public_id",
        "video__title",
        "remix__video__owner__username",
        "reporter__username",
        "details",
    )
    ordering = ("-created_at", "-id")
    show_full_result_count = False
    readonly_fields = (
        "remix_link",
        "source",
        "reporter_handle",
        "reason",
        "details",
        "status",
        "created_at",
        "resolved_at",
        "resolved_by",
        "history",
    )
    fields = readonly_fields
    actions = ("take_down", "dismiss", "escalate")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # Reports change only through the actions; a report's own page is read-only.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        return [
            path(
                "dashboard/",
                self.admin_site.admin_view(self.dashboard_view),
                name="moderation_dashboard",
            ),
            *super().get_urls(),
        ]

    def dashboard_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        days = 30 if request.GET.get("days") == "30" else 14
        figures = selectors.dashboard(days=days)
        context = {
            **self.admin_site.each_context(request),
            "title": "Moderation dashboard",
            "opts": self.model._meta,
            "figures": figures,
            "chart": _chart(figures),
        }
        return TemplateResponse(request, "admin/moderation/dashboard.html", context)

    @admin.display(description="")
    def thumb(self, report: Report) -> str:
        if report.remix is not None:
            return remix_thumb(report.remix)
        return video_thumb(report.video)

    @admin.display(description="Remix", ordering="remix__public_id")
    def remix_link(self, report: Report) -> str:
        if report.remix is not None:
            return remix_admin_link(report.remix)
        # A likeness report is about the video itself (and so every remix of it).
        url = reverse("admin:videos_video_change", args=[report.video_id])
        return format_html(
            '<a href="{}">Video {}</a><br><small>its face: the reporter’s</small>',
            url,
            report.video.public_id,
        )

    @admin.display(description="Source video and creator")
    def source(self, report: Report) -> str:
        video = report.subject_video
        return format_html("“{}”<br><small>@{}</small>", video.title, video.owner.username)

    @admin.display(description="Reporter", ordering="reporter__username")
    def reporter_handle(self, report: Report) -> str:
        return f"@{report.reporter.username}"

    @admin.display(description="Status · age", ordering="created_at")
    def status_and_age(self, report: Report) -> str:
        # One column for both keeps the queue inside a 1366 px screen beside the admin's menu.
        return format_html(
            "{}<br><small>{} old</small>", report.get_status_display(), timesince(report.created_at)
        )

    @admin.display(description="Moderation record")
    def history(self, report: Report) -> str:
        actions = report.actions.select_related("moderator").order_by("created_at", "id")
        return (
            format_html_join(
                "",
                "<p>{} · {} by @{}: {}</p>",
                (
                    (
                        action.created_at.strftime("%Y-%m-%d %H:%M"),
                        action.get_action_display(),
                        action.moderator.username,
                        action.note,
                    )
                    for action in actions
                ),
            )
            or "—"
        )

    @admin.action(description="Take down the reported remixes…", permissions=["change"])
    @with_note(
        title="Take down the reported remixes",
        button="Take down",
        done="Took down {n} remix(es); their files are no longer served and everyone involved "
        "was told.",
        explanation="Each remix is withdrawn at once (its file is deleted), every open report "
        "on it is resolved, and the reporters, the remix's requester and the video's creator "
        "are notified. A likeness report takes down every published remix of its video.",
    )
    def take_down(self, request, queryset, data) -> services.Outcome:
        return services.reports_take_down(
            moderator=request.user, reports=queryset, note=data["note"]
        )

    @admin.action(description="Dismiss the reports (no action)…", permissions=["change"])
    @with_note(
        title="Dismiss the reports",
        button="Dismiss",
        done="Dismissed {n} report(s).",
        explanation="The remixes stay up; the reporters and the creators are told.",
    )
    def dismiss(self, request, queryset, data) -> services.Outcome:
        return services.reports_dismiss(moderator=request.user, reports=queryset, note=data["note"])

    @admin.action(description="Escalate the reports…", permissions=["change"])
    @with_note(
        title="Escalate the reports",
        button="Escalate",
        done="Escalated {n} report(s).",
        explanation="The reports stay in the queue, marked escalated, for a closer review.",
    )
    def escalate(self, request, queryset, data) -> services.Outcome:
        return services.reports_escalate(
            moderator=request.user, reports=queryset, note=data["note"]
        )


def _chart(figures: selectors.Dashboard) -> dict:
    """Geometry of the takedowns-per-day bar chart, drawn as inline SVG (no script, no style)."""
    bar, gap, height, left, bottom = 16, 4, 120, 28, 24
    top = max(figures.takedown_max, 1)
    bars = []
    for index, (day, count) in enumerate(figures.takedowns):
        bar_height = round(count / top * height)
        bars.append(
            {
                "x": left + index * (bar + gap),
                "y": height - bar_height + 8,
                "height": bar_height,
                "day": day,
                "count": count,
                "label": index % 7 == 0 or index == len(figures.takedowns) - 1,
            }
        )
    return {
        "bars": bars,
        "width": left + len(bars) * (bar + gap) + 24,  # room for the last date label
        "height": height + 8 + bottom,
        "bar": bar,
        "baseline": height + 8,
        "label_y": height + 8 + 16,
        "top": top,
    }


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyAdmin):
    """The audit trail: read-only for everyone."""

    list_display = ("created_at", "moderator", "action", "target", "note", "ledger_entry_link")
    list_filter = ("action", ModeratorFilter, ("created_at", admin.DateFieldListFilter))
    list_select_related = ("moderator", "ledger_entry")
    search_fields = ("target", "note", "moderator__username")
    ordering = ("-created_at", "-id")
    show_full_result_count = False

    @admin.display(description="Ledger entry")
    def ledger_entry_link(self, action: ModerationAction) -> str:
        if action.ledger_entry is None:
            return "—"
        url = reverse("admin:consent_ledgerentry_change", args=[action.ledger_entry_id])
        return format_html('<a href="{}">#{}</a>', url, action.ledger_entry.seq)
