from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html

from creatorhub.admin_tools import ExtensibleAdmin, username_filter
from creatorhub.videos import services
from creatorhub.videos.models import Tag, Video, VideoImport


@admin.register(Video)
class VideoAdmin(ExtensibleAdmin):
    """Higher apps add columns, filters and actions through admin_extension_register()."""

    list_display = ("thumb", "title", "owner", "visibility", "status", "created_at")
    list_display_links = ("thumb", "title")
    list_filter = (
        username_filter(field_path="owner__username", parameter_name="owner", title="creator"),
        "visibility",
        "status",
    )
    list_select_related = ("owner",)
    search_fields = ("title", "public_id", "owner__username")
    readonly_fields = ("public_id", "added_at", "duration", "width", "height", "processing_error")
    raw_id_fields = ("owner", "tags")
    date_hierarchy = "created_at"
    show_full_result_count = False

    def delete_model(self, request, obj: Video) -> None:
        services.video_delete(video=obj)

    def delete_queryset(self, request, queryset) -> None:
        for video in queryset.select_related("owner"):
            services.video_delete(video=video)

    @admin.display(description="")
    def thumb(self, video: Video) -> str:
        if not video.thumbnail:
            return "—"
        return format_html('<img src="{}" alt="" height="48">', video.thumbnail.url)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "owner")
    list_select_related = ("owner",)
    search_fields = ("name", "owner__username")
    raw_id_fields = ("owner",)


@admin.register(VideoImport)
class VideoImportAdmin(admin.ModelAdmin):
    list_display = ("filename", "owner", "status", "row_count", "created_at")
    list_select_related = ("owner",)
    list_filter = ("status",)
    readonly_fields = [f.name for f in VideoImport._meta.fields]
