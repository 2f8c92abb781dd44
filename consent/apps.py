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
        library_filter_register(
            ExtraFilter("consent", "AI remix", CONSENT_FILTER_CHOICES, filter_by_consent)
        )
