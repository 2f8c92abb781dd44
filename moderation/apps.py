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
        self._register_match_actions()

    @staticmethod
    def _register_remix_slots() -> None:
        from remixer.slots import DETAIL_ACTIONS, ROW_ACTIONS, remix_slot_register

        remix_slot_register(ROW_ACTIONS, "moderation/_report_row_link.html")
        remix_slot_register(DETAIL_ACTIONS, "moderation/_report_link.html")

    @staticmethod
    def _register_match_actions() -> None:
        from likeness.slots import match_action_register
        from moderation.likeness_reports import likeness_reports_open

        def reported(*, person, video_ids) -> dict:
            return {
                "likeness_reported": likeness_reports_open(reporter=person, video_ids=video_ids)
            }

        match_action_register("moderation/_likeness_report.html", context=reported)
