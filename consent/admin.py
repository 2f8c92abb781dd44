from __future__ import annotations

from django.contrib import admin

from consent.models import ApiToken, CreatorPolicy, LedgerEntry


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    """Read-only for everyone, superusers included: the ledger is append-only."""

    list_display = ("seq", "creator", "action", "actor", "affected", "created_at")
    list_filter = ("action",)
    list_select_related = ("creator", "actor")
    search_fields = ("creator__username", "actor__username", "reason", "hash")
    date_hierarchy = "created_at"
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CreatorPolicy)
class CreatorPolicyAdmin(admin.ModelAdmin):
    list_display = ("creator", "remix_allowed", "audience", "training_allowed", "ledger_seq")
    list_select_related = ("creator",)
    list_filter = ("remix_allowed", "training_allowed", "audience")
    search_fields = ("creator__username",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # changes go through services, so they reach the ledger

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_select_related = ("user",)
    readonly_fields = ("user", "name", "prefix", "token_hash", "created_at", "last_used_at")
    search_fields = ("user__username", "name")

    def has_add_permission(self, request) -> bool:
        return False
