from django.conf import settings
from django.db import migrations

TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION consent_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The consent ledger is append-only: % of entry % refused', TG_OP, OLD.id;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER consent_ledger_append_only
    BEFORE UPDATE OR DELETE ON consent_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION consent_ledger_append_only();
"""
DROP_TRIGGER_SQL = """
DROP TRIGGER IF EXISTS consent_ledger_append_only ON consent_ledgerentry;
DROP FUNCTION IF EXISTS consent_ledger_append_only();
"""


def create_policies(apps, schema_editor):
    """Every existing account gets a policy with everything not allowed (opt-in)."""
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    CreatorPolicy = apps.get_model("consent", "CreatorPolicy")
    missing = User.objects.filter(consent_policy__isnull=True).values_list("id", flat=True)
    CreatorPolicy.objects.bulk_create(
        [CreatorPolicy(creator_id=user_id) for user_id in missing.iterator()],
        batch_size=5000,
        ignore_conflicts=True,
    )


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER_SQL, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGER_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial")]

    operations = [
        migrations.RunPython(create_policies, migrations.RunPython.noop),
        migrations.RunPython(add_trigger, drop_trigger),
    ]
