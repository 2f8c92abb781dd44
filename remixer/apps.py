from __future__ import annotations

from django.apps import AppConfig


class RemixerConfig(AppConfig):
    name = "remixer"
    verbose_name = "Remixes"

    def ready(self) -> None:
        from consent.signals import consent_changed, consent_changing
        from remixer.receivers import on_consent_changed, on_consent_changing

        consent_changing.connect(on_consent_changing, dispatch_uid="remixer.on_consent_changing")
        consent_changed.connect(on_consent_changed, dispatch_uid="remixer.on_consent_changed")

        from creatorhub.accounts.signals import follow_ended
        from remixer.receivers import on_follow_ended

        follow_ended.connect(on_follow_ended, dispatch_uid="remixer.on_follow_ended")

        # The likeness guard: a person's likeness change, or their face newly found in a video
        # (what they refuse is held; they are told, at most once a day).
        from likeness.signals import likeness_changing, match_found
        from remixer.receivers import on_likeness_changing, on_match_found, on_match_found_hold

        likeness_changing.connect(on_likeness_changing, dispatch_uid="remixer.on_likeness_changing")
        match_found.connect(on_match_found_hold, dispatch_uid="remixer.likeness_match_hold")
        match_found.connect(on_match_found, dispatch_uid="remixer.on_match_found")

        from consent.signals_http import media_usage_register, page_usage_register
        from remixer.selectors import remix_media_usage, remix_page_usage

        page_usage_register("remixer:detail", remix_page_usage)
        page_usage_register("remixer:detail_scoped", remix_page_usage)
        media_usage_register("remixes", remix_media_usage)
