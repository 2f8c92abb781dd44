from __future__ import annotations

from django.apps import AppConfig


class RemixerConfig(AppConfig):
    name = "remixer"
    verbose_name = "Remixes"
