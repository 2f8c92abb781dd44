"""The Moderators group with exactly the permissions moderation needs (see moderation/roles.py)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from moderation.roles import MODERATOR_PERMISSIONS, MODERATORS, moderators_group_ensure

# django-axes' permissions are added by 0003, which runs after axes' own migrations.
LATER_APPS = {"axes"}


def create_moderators_group(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    moderators_group_ensure(
        group_model=apps.get_model("auth", "Group"),
        permission_model=apps.get_model("auth", "Permission"),
        permissions=tuple(p for p in MODERATOR_PERMISSIONS if p[0] not in LATER_APPS),
    )


def remove_moderators_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=MODERATORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("accounts", "0001_initial"),
        ("videos", "0001_initial"),
        ("consent", "0002_policies_and_append_only_ledger"),
        ("remixer", "0001_initial"),
        ("moderation", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_moderators_group, remove_moderators_group)]
