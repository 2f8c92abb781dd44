"""Remix.creator: the video's creator, copied onto each remix and indexed with its status, so a
consent change finds the creator's remixes without joining every remix to the library."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("remixer", "0006_reconciler_watermark_and_lease"),
    ]

    operations = [
        migrations.AddField(
            model_name="remix",
            name="creator",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunSQL(
            "UPDATE remixer_remix SET creator_id = (SELECT owner_id FROM videos_video"
            " WHERE videos_video.id = remixer_remix.video_id)",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="remix",
            name="creator",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="remix",
            index=models.Index(fields=["creator", "status"], name="remix_creator_status"),
        ),
    ]
