from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _keep_moderators_group(sender, **kwargs) -> None:
    from django.contrib.auth.models import Group, Permission

    from moderation.roles import moderators_group_ensure

    moderators_group_ensure(group_model=Group, permission_model=Permission)


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        from creatorhub.videos.demo import demo_seeded
        from moderation.admin_content import admin_extensions_register
        from moderation.demo import on_demo_seeded

        demo_seeded.connect(on_demo_seeded, dispatch_uid="moderation.demo_reports")
        # Sent for this app after every other app's permissions exist (it is installed last).
        post_migrate.connect(
            _keep_moderators_group, sender=self, dispatch_uid="moderation.moderators_group"
        )
        admin_extensions_register()
        self._register_remix_slots()

    @staticmethod
    def _register_remix_slots() -> None:
        from remixer.slots import DETAIL_ACTIONS, ROW_ACTIONS, remix_slot_register

        remix_slot_register(ROW_ACTIONS, "moderation/_report_row_link.html")
        remix_slot_register(DETAIL_ACTIONS, "moderation/_report_link.html")
