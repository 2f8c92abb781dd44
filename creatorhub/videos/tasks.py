from __future__ import annotations

from celery import shared_task

from creatorhub.videos import imports, services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def process_upload(video_id: int) -> None:
    services.video_process_upload(video_id=video_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def import_posters(import_id: str) -> None:
    imports.import_posters_process(import_id=import_id)
