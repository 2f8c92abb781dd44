from __future__ import annotations

from django.apps import AppConfig


class LikenessConfig(AppConfig):
    name = "likeness"
    verbose_name = "Likeness"

    def ready(self) -> None:
        # Scans: a new poster is scanned, a new face looked for everywhere, the demo scanned.
        from creatorhub.videos.demo import demo_seeded
        from creatorhub.videos.signals import poster_stored
        from likeness.receivers import on_demo_seeded, on_person_enrolled, on_poster_stored
        from likeness.signals import person_enrolled

        poster_stored.connect(on_poster_stored, dispatch_uid="likeness.scan_poster")
        person_enrolled.connect(on_person_enrolled, dispatch_uid="likeness.rematch_person")
        demo_seeded.connect(on_demo_seeded, dispatch_uid="likeness.scan_demo")

        from consent.history import payload_describer_register
        from likeness.history import describe_likeness

        payload_describer_register("likeness", describe_likeness)
