import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_type_to_accounts(apps, schema_editor):
    """Permissions and admin history on tokens follow the model to its new app."""
    _move_content_type(apps, old="consent", new="accounts")


def content_type_to_consent(apps, schema_editor):
    _move_content_type(apps, old="accounts", new="consent")


def _move_content_type(apps, *, old: str, new: str) -> None:
    content_types = apps.get_model("contenttypes", "ContentType").objects
    if not content_types.filter(app_label=new, model="apitoken").exists():
        content_types.filter(app_label=old, model="apitoken").update(app_label=new)


class Migration(migrations.Migration):
    # The model comes from consent, whose 0004 renamed its table to accounts_apitoken: only the
    # state is created here, the table and its rows (every token made so far) are kept.

    dependencies = [
        ("accounts", "0002_email_notifications"),
        ("consent", "0004_move_api_tokens_to_accounts"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ApiToken",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=60)),
                        ("prefix", models.CharField(max_length=8)),
                        ("token_hash", models.CharField(max_length=64, unique=True)),
                        ("scopes", models.CharField(default="read write", max_length=100)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("expires_at", models.DateTimeField(blank=True, null=True)),
                        ("last_used_at", models.DateTimeField(blank=True, null=True)),
                        ("revoked_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="api_tokens",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                ),
            ],
        ),
        migrations.RunPython(content_type_to_accounts, content_type_to_consent),
    ]
