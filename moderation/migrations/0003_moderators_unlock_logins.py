"""Moderators may see and clear login lockouts (django-axes' access attempts)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from moderation.roles import MODERATOR_PERMISSIONS, moderators_group_ensure

LATER_APPS = {"axes"}


def _ensure(apps, permissions):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    moderators_group_ensure(
        group_model=apps.get_model("auth", "Group"),
        permission_model=apps.get_model("auth", "Permission"),
        permissions=permissions,
    )


def allow_unlocking(apps, schema_editor):
    _ensure(apps, MODERATOR_PERMISSIONS)


def disallow_unlocking(apps, schema_editor):
    _ensure(apps, tuple(p for p in MODERATOR_PERMISSIONS if p[0] not in LATER_APPS))


class Migration(migrations.Migration):
    dependencies = [
        ("axes", "0010_accessattemptexpiration"),
        ("moderation", "0002_moderators_group"),
    ]

    operations = [migrations.RunPython(allow_unlocking, disallow_unlocking)]
