"""Remixes of creators' videos, and the notifications they cause."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from creatorhub.videos.models import new_public_id


class Remix(models.Model):
    """A viewer's meme remix of a video.

    queued → rendering → published; published → withdrawn (takedown) or held (consent ended);
    held → queued when consent returns; failed after the last retry. On an "ask me" video the
    render stops at pending_approval (a private preview): approved → queued again, now approved,
    to be published; or declined / expired, the preview deleted.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RENDERING = "rendering", "Rendering"
        PENDING_APPROVAL = "pending_approval", "Waiting for the creator's approval"
        PUBLISHED = "published", "Published"
        HELD = "held", "Held: consent ended"
        WITHDRAWN = "withdrawn", "Taken down"
        FAILED = "failed", "Failed"
        DECLINED = "declined", "Declined by the creator"
        EXPIRED = "expired", "Expired: not approved in time"

    class Template(models.TextChoices):
        CAPTION = "caption", "Caption meme"
        BACKGROUND = "background", "New background"
        FACE = "face", "Face effect"
        VOICE = "voice", "Voice clip"

    public_id = models.CharField(max_length=22, unique=True, default=new_public_id, editable=False)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="remixes"
    )
    video = models.ForeignKey("videos.Video", on_delete=models.CASCADE, related_name="remixes")
    # The video's creator, copied (a video never changes hands): a consent change finds the
    # creator's remixes by index, not by joining every remix to a library of any size.
    # Indexed with status below, so no index of its own.
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    template = models.CharField(max_length=12, choices=Template.choices)
    inputs = models.JSONField(default=dict)
    scopes = models.PositiveSmallIntegerField(help_text="Consent scopes the template needs.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    reason = models.CharField(max_length=300, blank=True)
    version = models.PositiveIntegerField(default=0, help_text="Bumped by every render claim.")
    attempts = models.PositiveSmallIntegerField(default=0)
    output = models.FileField(upload_to="remixes/", blank=True)
    consent_seq = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The creator's ledger seq the remix was published under."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # The lease of the render or re-sign message last sent for it: while it is fresh, that
    # message is still in the broker (or being worked on) and the reconciler sends no other.
    enqueued_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # The creator approved this remix for its requester (a request decided, or the requester
    # on their "People I approve" list when it was published): "ask me" keeps it published.
    approved_at = models.DateTimeField(null=True, blank=True)
    # A pending request is dropped (its preview deleted) when not decided by then.
    expires_at = models.DateTimeField(null=True, blank=True)
    # The creator's AI-training choice the published file embeds (its C2PA and XMP), so a
    # change finds, set-based, the files that say something else. Null: signed before this
    # was recorded (re-rendered, there being no unsigned copy).
    signed_training = models.BooleanField(null=True, blank=True)
    signed_companies = models.JSONField(default=list, blank=True)
    resign = models.BooleanField(
        default=False,
        help_text="Published, but its file says an old AI-training choice: to be signed again.",
    )
    regeneration = models.ForeignKey(
        "Regeneration",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="remixes",
        help_text="The regeneration that last put this remix back on the queue.",
    )

    class Meta:
        verbose_name_plural = "remixes"
        indexes = [
            models.Index(fields=["video", "status"], name="remix_video_status"),
            models.Index(fields=["creator", "status"], name="remix_creator_status"),
            models.Index(fields=["requester", "-created_at"], name="remix_requester_created"),
            models.Index(fields=["status", "updated_at"], name="remix_status_updated"),
            models.Index(fields=["status", "enqueued_at"], name="remix_status_enqueued"),
            models.Index(
                fields=["enqueued_at"], condition=models.Q(resign=True), name="remix_resign_lease"
            ),
            models.Index(
                fields=["expires_at"],
                condition=models.Q(status="pending_approval"),
                name="remix_pending_expiry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_template_display()} of {self.video_id} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("remixer:detail", args=[self.public_id])

    @property
    def awaiting_approval(self) -> bool:
        """A request on an "ask me" video the creator has not decided yet (its preview may
        still be rendering)."""
        return self.expires_at is not None and self.status in (
            self.Status.QUEUED,
            self.Status.RENDERING,
            self.Status.PENDING_APPROVAL,
        )

    @property
    def public_status(self) -> str:
        """The status as the API and pages name it: a request is pending approval from the
        moment it is made, not only once its preview exists."""
        return self.Status.PENDING_APPROVAL if self.awaiting_approval else self.status

    @property
    def is_live(self) -> bool:
        return self.status == self.Status.PUBLISHED and bool(self.output)

    @property
    def video_is_public(self) -> bool:
        """A remix follows its video: while the video is private, only its creator sees the
        remix, and its requester sees that the video is no longer public."""
        from creatorhub.videos.models import Video

        return self.video.visibility == Video.Visibility.PUBLIC

    def shown_to(self, user) -> bool:
        """May `user` see the image: a live remix, of a public video or of the user's own."""
        return self.is_live and (self.video_is_public or user.id == self.video.owner_id)


class Backdrop(models.Model):
    """An image a creator offers as a backdrop for background remixes of their videos."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="backdrops"
    )
    name = models.SlugField(max_length=40, help_text="What viewers pick, e.g. “beach”.")
    image = models.FileField(upload_to="backdrops/")
    thumbnail = models.FileField(upload_to="backdrops/")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="unique_backdrop_name")
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.owner_id})"


class Regeneration(models.Model):
    """Held remixes put back on the queue because a creator's consent returned, and published
    remixes signed again because the creator's AI-training choice changed.

    One row per creator and consent ledger seq: the sync for a consent change records it even
    when it requeued nothing, so the creator's page knows the change has been looked at.
    Progress is counted from the remixes themselves (those still queued or rendering), so it
    cannot drift when a render is retried, held again or killed.
    """

    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="regenerations"
    )
    ledger_seq = models.PositiveBigIntegerField()
    total = models.PositiveIntegerField(default=0)
    resigns = models.PositiveIntegerField(
        default=0, help_text="How many of the total are published remixes signed again."
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["creator", "ledger_seq"], name="one_regeneration_per_seq"
            )
        ]

    def __str__(self) -> str:
        return f"Regeneration of {self.total} for {self.creator_id} at seq {self.ledger_seq}"


class SyncMark(models.Model):
    """How far the reconciler has read the consent ledger, so each run looks only at creators
    whose consent changed since; and its own lease, so two runs never overlap."""

    name = models.CharField(max_length=40, primary_key=True)
    ledger_entry_id = models.PositiveBigIntegerField(default=0)
    running_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} at ledger entry {self.ledger_entry_id}"


class Notification(models.Model):
    class Kind(models.TextChoices):
        NEW_REMIX = "new_remix", "New remix of your video"
        PUBLISHED = "published", "Your remix is ready"
        TAKEN_DOWN = "taken_down", "Your remix was taken down"
        HELD = "held", "Your remix was withdrawn: consent ended"
        REGENERATED = "regenerated", "Remixes regenerated"
        APPROVAL = "approval", "A remix waits for your approval"
        DECIDED = "decided", "Your remix request was decided"
        MODERATION = "moderation", "Moderation outcome"
        LIKENESS = "likeness", "Your face in a video"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    remix = models.ForeignKey(
        Remix, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    message = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"], name="notif_inbox")]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.message}"
