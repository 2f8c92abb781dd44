"""HNSW indexes (pgvector, Euclidean: vector_l2_ops) on the stored faces, which likeness.search
uses once a table is large. PostgreSQL only: on SQLite the vectors are bytes searched by numpy,
and this migration does nothing."""

from django.db import migrations

TABLES = ("likeness_faceembedding", "likeness_frameface")


def _create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_vector_hnsw ON {table} "
            "USING hnsw (vector vector_l2_ops)"
        )


def _drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_vector_hnsw")


class Migration(migrations.Migration):
    dependencies = [("likeness", "0001_initial")]

    operations = [migrations.RunPython(_create, _drop, elidable=False)]
