from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from consent.ledger import ledger_verify
from consent.models import ApprovedPerson, CreatorPolicy, LedgerEntry, VideoOverride, VideoRules
from creatorhub.admin_tools import ReadOnlyAdmin, username_filter

LedgerCreatorFilter = username_filter(
    field_path="creator__username", parameter_name="creator", title="creator"
)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    """Read-only for everyone, superusers included: the ledger is append-only."""

    list_display = ("seq", "creator", "action", "actor", "reason", "affected", "created_at")
    list_filter = (LedgerCreatorFilter, "action", ("created_at", admin.DateFieldListFilter))
    list_select_related = ("creator", "actor")
    search_fields = ("creator__username", "actor__username", "reason", "hash")
    ordering = ("-id",)
    show_full_result_count = False
    actions = ("verify_chain",)

    def get_urls(self):
        verify = self.admin_site.admin_view(require_POST(self.verify_view))
        return [
            path("verify/", verify, name="consent_ledgerentry_verify"),
            *super().get_urls(),
        ]

    def verify_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        self._verify(request)
        return HttpResponseRedirect(reverse("admin:consent_ledgerentry_changelist"))

    @admin.action(
        description="Verify the whole chain (as verify_ledger does)", permissions=["view"]
    )
    def verify_chain(self, request, queryset) -> None:
        self._verify(request)

    def _verify(self, request: HttpRequest) -> None:
        result = ledger_verify()
        if result.ok:
            self.message_user(
                request,
                f"The consent ledger is intact: {result.checked:,} entries checked; every link, "
                "hash and head fits, and stored consent equals what the ledger replays to.",
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                f"The consent ledger does NOT verify after {result.checked:,} entries: "
                f"{result.problem}",
                messages.ERROR,
            )


@admin.register(CreatorPolicy)
class CreatorPolicyAdmin(ReadOnlyAdmin):
    list_display = (
        "creator",
        "remix_allowed",
        "remix_ask",
        "audience",
        "training_allowed",
        "ledger_seq",
    )
    list_select_related = ("creator",)
    list_filter = ("remix_allowed", "remix_ask", "training_allowed", "audience")
    search_fields = ("creator__username",)


@admin.register(VideoOverride)
class VideoOverrideAdmin(ReadOnlyAdmin):
    """Per-video exceptions, to look at: changes go through the services and the ledger."""

    list_display = ("video", "creator", "remix", "scopes", "audience", "ledger_seq", "updated_at")
    list_select_related = ("video", "creator")
    list_filter = ("remix",)
    search_fields = ("creator__username", "video__title", "video__public_id")
    show_full_result_count = False


@admin.register(VideoRules)
class VideoRulesAdmin(ReadOnlyAdmin):
    """A video's own content rules, to look at: changes go through the services and the ledger."""

    list_display = ("video", "creator", "blocked_categories", "ledger_seq", "updated_at")
    list_select_related = ("video", "creator")
    search_fields = ("creator__username", "video__title", "video__public_id")


@admin.register(ApprovedPerson)
class ApprovedPersonAdmin(ReadOnlyAdmin):
    """Who each creator always allows ("People I approve"), to look at."""

    list_display = ("creator", "person", "ledger_seq", "added_at")
    list_select_related = ("creator", "person")
    search_fields = ("creator__username", "person__username")
