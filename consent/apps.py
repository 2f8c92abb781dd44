from __future__ import annotations

from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = "Consent"

    def ready(self) -> None:
        from django.conf import settings
        from django.db.models.signals import post_save

        from consent.receivers import policy_for_new_user
        from consent.selectors import CONSENT_FILTER_CHOICES, filter_by_consent
        from creatorhub.videos.selectors import ExtraFilter, library_filter_register

        post_save.connect(policy_for_new_user, sender=settings.AUTH_USER_MODEL)
        self._register_usage_resolvers()
        library_filter_register(
            ExtraFilter("consent", "AI remix", CONSENT_FILTER_CHOICES, filter_by_consent)
        )

    @staticmethod
    def _register_usage_resolvers() -> None:
        from consent.signals_http import (
            media_usage_register,
            page_usage_register,
            video_media_usage,
            video_page_usage,
        )
        from creatorhub.videos.selectors import VIDEO_FILE_FIELDS
        from creatorhub.videos.services import SHARED_MEDIA_PREFIX

        page_usage_register("videos:watch", video_page_usage)
        page_usage_register("videos:watch_scoped", video_page_usage)
        for folder in [*VIDEO_FILE_FIELDS, SHARED_MEDIA_PREFIX.strip("/")]:
            media_usage_register(folder, video_media_usage)
