from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from creatorhub.accounts.models import ApiToken, Follow, User
from creatorhub.admin_tools import ExtensibleAdmin


@admin.register(User)
class UserAdmin(ExtensibleAdmin, BaseUserAdmin):
    """Creators as the admin lists them; higher apps add columns, filters and actions through
    admin_extension_register()."""

    list_display = ("username", "display_name", "is_staff", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active")
    fieldsets = (*BaseUserAdmin.fieldsets, ("Profile", {"fields": ("display_name", "bio")}))


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ("follower", "followed", "created_at")
    list_select_related = ("follower", "followed")
    raw_id_fields = ("follower", "followed")
    search_fields = ("follower__username", "followed__username")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "user",
        "prefix",
        "scopes",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    list_select_related = ("user",)
    readonly_fields = (
        "user",
        "name",
        "prefix",
        "token_hash",
        "scopes",
        "created_at",
        "last_used_at",
        "expires_at",
    )
    search_fields = ("user__username", "name")

    def has_add_permission(self, request) -> bool:
        return False
