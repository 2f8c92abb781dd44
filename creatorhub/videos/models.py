from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse


def new_public_id() -> str:
    """16 URL-safe characters (96 random bits): unguessable, short enough for URLs."""
    return secrets.token_urlsafe(12)


class Tag(models.Model):
    """A creator's own tag; tags are per creator so one creator's vocabulary is cheap to list."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=50)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="unique_tag_per_owner")
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Video(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", "Public"
        PRIVATE = "private", "Private"

    class Status(models.TextChoices):
        READY = "ready", "Ready"
        PROCESSING = "processing", "Processing"
        FAILED = "failed", "Processing failed"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="videos"
    )
    public_id = models.CharField(max_length=22, unique=True, default=new_public_id, editable=False)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=5000)
    tags = models.ManyToManyField(Tag, blank=True, related_name="videos")
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    created_at = models.DateTimeField(help_text="When the creator made the video.")
    added_at = models.DateTimeField(auto_now_add=True)
    duration = models.FloatField(null=True, blank=True, help_text="Seconds.")
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    original = models.FileField(upload_to="originals/%Y/%m/", blank=True)
    poster = models.FileField(upload_to="posters/%Y/%m/", blank=True)
    thumbnail = models.FileField(upload_to="thumbs/%Y/%m/", blank=True)
    # The sound, decoded once beside the poster (16-bit mono WAV, creatorhub/videos/audio.py), so
    # a voice remix never reads the upload again; None seconds: no audio track (or not yet).
    audio = models.FileField(upload_to="audio/%Y/%m/", blank=True)
    audio_seconds = models.FloatField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.READY)
    processing_error = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["owner", "-created_at", "-id"], name="video_owner_created"),
            models.Index(fields=["owner", "title"], name="video_owner_title"),
            # The media view finds the video a requested file belongs to.
            models.Index(fields=["original"], name="video_original"),
            models.Index(fields=["poster"], name="video_poster"),
            models.Index(fields=["thumbnail"], name="video_thumbnail"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("videos:detail", args=[self.public_id])

    @property
    def has_audio(self) -> bool:
        return self.audio_seconds is not None and bool(self.audio)

    def get_public_url(self) -> str:
        return reverse("videos:watch", args=[self.public_id])


class VideoImport(models.Model):
    """A staged metadata import: validated and previewed first, committed all at once."""

    class Status(models.TextChoices):
        STAGED = "staged", "Awaiting confirmation"
        COMMITTED = "committed", "Imported"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255)
    staged_path = models.CharField(max_length=255, help_text="Relative to PRIVATE_ROOT.")
    row_count = models.PositiveIntegerField(default=0)
    poster_count = models.PositiveIntegerField(default=0)
    posters_done = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.STAGED)
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"


class LibraryStats(models.Model):
    """Per-creator counters kept by the services, so an unfiltered library never counts rows."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="library_stats",
    )
    video_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "library stats"

    def __str__(self) -> str:
        return f"{self.owner_id}: {self.video_count} videos"
