from __future__ import annotations

from django.apps import AppConfig


class LikenessConfig(AppConfig):
    name = "likeness"
    verbose_name = "Likeness"
