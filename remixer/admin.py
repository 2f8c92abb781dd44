from __future__ import annotations

from django.contrib import admin

from creatorhub.admin_tools import ExtensibleAdmin, username_filter
from remixer.models import Notification, Remix


@admin.register(Remix)
class RemixAdmin(ExtensibleAdmin):
    """Higher apps add columns, filters and actions through admin_extension_register()."""

    list_display = (
        "public_id",
        "template",
        "status",
        "video",
        "source_creator",
        "requester",
        "created_at",
    )
    list_display_links = ("public_id",)
    list_filter = (
        "status",
        "template",
        username_filter(
            field_path="video__owner__username", parameter_name="creator", title="source creator"
        ),
        ("created_at", admin.DateFieldListFilter),
    )
    list_select_related = ("video__owner", "requester")
    search_fields = ("public_id", "video__title", "video__owner__username", "requester__username")
    ordering = ("-created_at", "-id")
    raw_id_fields = ("video", "requester")
    readonly_fields = [f.name for f in Remix._meta.fields]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # A remix changes only through services (admin actions among them); its page is read-only.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a takedown is on the record; a deletion would not be

    @admin.display(description="Source creator", ordering="video__owner__username")
    def source_creator(self, remix: Remix) -> str:
        return f"@{remix.video.owner.username}"


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "kind", "message", "created_at", "read_at")
    list_select_related = ("recipient",)
    list_filter = ("kind",)
    raw_id_fields = ("recipient", "remix")
