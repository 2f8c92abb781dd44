from __future__ import annotations

from django.contrib import admin

from remixer.models import Notification, Remix


@admin.register(Remix)
class RemixAdmin(admin.ModelAdmin):
    list_display = ("public_id", "template", "status", "video", "requester", "created_at")
    list_filter = ("status", "template")
    list_select_related = ("video", "requester")
    search_fields = ("public_id", "video__title", "requester__username")
    raw_id_fields = ("video", "requester")
    readonly_fields = [f.name for f in Remix._meta.fields]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "kind", "message", "created_at", "read_at")
    list_select_related = ("recipient",)
    list_filter = ("kind",)
    raw_id_fields = ("recipient", "remix")
