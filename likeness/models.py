"""A person's face and where it appears.

Only embeddings are kept: an enrolment photo lives in private storage until the worker has
described it, then it is deleted (the row stays, with its status or error, and no file).

    LikenessProfile   the person's likeness consent and their biometric-processing consent
    EnrolmentPhoto    one uploaded photo: processing → ready (its embedding stored) or failed
    FaceEmbedding     an enrolled face, 128 numbers (likeness.fields.EmbeddingField)
    FrameScan         a video's poster has been scanned (which file, when, how many faces)
    FrameFace         a face found in that poster
    LikenessMatch     an enrolled person's face found in a video (the guard reads these)
    VideoAllowance    a person allows remixes of one video showing them ("ask" consent)
    RefusedAttempt    remix requests refused because of a person's face, counted per video
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from creatorhub.videos.models import Video
from likeness.fields import EmbeddingField


class LikenessProfile(models.Model):
    class OthersVideos(models.TextChoices):
        NEVER = "never", "Never in other people's videos"
        ASK = "ask", "In other people's videos when I allow it"
        ALLOW = "allow", "In any video whose creator allows it"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="likeness",
    )
    others_videos = models.CharField(
        max_length=5, choices=OthersVideos.choices, default=OthersVideos.NEVER
    )
    # False: not even my own videos, whatever my video consent says.
    own_videos = models.BooleanField(default=True)
    biometric_consent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Likeness of {self.user_id}"


class EnrolmentPhoto(models.Model):
    class Status(models.TextChoices):
        PROCESSING = "processing", "Processing"
        READY = "ready", "Enrolled"
        FAILED = "failed", "Failed"

    class Error(models.TextChoices):
        NO_FACE = "no_face", "No face was found in this photo."
        SEVERAL_FACES = "several_faces", "More than one face is in this photo."
        FACE_TOO_SMALL = "face_too_small", "The face is too small; use a closer photo."
        NOT_AN_IMAGE = "not_an_image", "This file is not an image we can read."

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolment_photos"
    )
    # Relative to PRIVATE_ROOT; emptied once the worker has read the photo.
    staged_path = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROCESSING)
    error = models.CharField(max_length=14, choices=Error.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Enrolment photo {self.pk} of {self.user_id} ({self.status})"


class FaceEmbedding(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="face_embeddings"
    )
    photo = models.OneToOneField(
        EnrolmentPhoto, on_delete=models.CASCADE, null=True, blank=True, related_name="embedding"
    )
    vector = EmbeddingField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Face embedding {self.pk} of {self.user_id}"


class FrameScan(models.Model):
    video = models.OneToOneField(
        Video, on_delete=models.CASCADE, primary_key=True, related_name="frame_scan"
    )
    # The poster file that was scanned: a new poster means a new scan.
    poster = models.CharField(max_length=255)
    faces = models.PositiveSmallIntegerField(default=0)
    scanned_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Scan of video {self.video_id}: {self.faces} faces"


class FrameFace(models.Model):
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="frame_faces")
    vector = EmbeddingField()
    # (left, top, right, bottom) in the poster's pixels.
    box = models.JSONField()

    def __str__(self) -> str:
        return f"Face {self.pk} in video {self.video_id}"


class LikenessMatch(models.Model):
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="likeness_matches")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="likeness_matches"
    )
    distance = models.FloatField()
    found_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["video", "person"], name="one_match_per_person")
        ]
        indexes = [models.Index(fields=["person", "-found_at"], name="match_person_found")]

    def __str__(self) -> str:
        return f"{self.person_id} in video {self.video_id} ({self.distance:.3f})"


class VideoAllowance(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="likeness_allowances"
    )
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "video"], name="one_allowance_per_video")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} allows remixes of video {self.video_id}"


class RefusedAttempt(models.Model):
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="+")
    count = models.PositiveIntegerField(default=0)
    last_at = models.DateTimeField()
    # When the person was last told of a refusal here: at most one notice a day per video.
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "video"], name="one_refusal_count_per_video")
        ]

    def __str__(self) -> str:
        return f"{self.count} refused for {self.person_id} on video {self.video_id}"
