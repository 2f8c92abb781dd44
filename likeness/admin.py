"""Likeness in the admin, for superusers only, and never a face: no vectors, no photos, no
staged paths; the rows' state, to answer a person's question or find a stuck photo."""

from __future__ import annotations

from django.contrib import admin

from creatorhub.admin_tools import ReadOnlyAdmin
from likeness.models import EnrolmentPhoto, LikenessProfile


class SuperuserOnly(ReadOnlyAdmin):
    """Biometric data: moderators (staff) do not see it at all."""

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser


@admin.register(LikenessProfile)
class LikenessProfileAdmin(SuperuserOnly):
    list_display = ("user", "others_videos", "own_videos", "biometric_consent_at", "updated_at")
    list_filter = ("others_videos", "own_videos")
    list_select_related = ("user",)
    search_fields = ("user__username",)
    fields = list_display


@admin.register(EnrolmentPhoto)
class EnrolmentPhotoAdmin(SuperuserOnly):
    list_display = ("id", "user", "status", "error", "created_at")
    list_filter = ("status", "error")
    list_select_related = ("user",)
    search_fields = ("user__username",)
    fields = list_display
