"""Moderation: people's reports of remixes, and the audit record of every moderator action."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Report(models.Model):
    """Someone's report of a published remix, or (reason "likeness") of another creator's video
    that shows their face, sent from "Where my face appears". Exactly one of remix and video.
    One unresolved report per person per remix, and per person per video."""

    class Reason(models.TextChoices):
        DEEPFAKE = "deepfake", "Deepfake or impersonation"
        MISLEADING = "misleading", "Misleading"
        HARASSMENT = "harassment", "Harassment"
        SEXUAL = "sexual", "Sexual content"
        OTHER = "other", "Other"
        LIKENESS = "likeness", "My face, without my consent"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ESCALATED = "escalated", "Escalated"
        ACTIONED = "actioned", "Remix taken down"
        DISMISSED = "dismissed", "Dismissed: no action"

    UNRESOLVED = (Status.OPEN, Status.ESCALATED)
    DETAILS_MAX = 1000

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="remix_reports"
    )
    remix = models.ForeignKey(
        "remixer.Remix", on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    video = models.ForeignKey(
        "videos.Video",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="likeness_reports",
    )
    reason = models.CharField(max_length=12, choices=Reason.choices)
    details = models.CharField(max_length=DETAILS_MAX, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "remix"],
                condition=models.Q(status__in=["open", "escalated"]),
                name="report_one_unresolved_per_reporter",
            ),
            models.UniqueConstraint(
                fields=["reporter", "video"],
                condition=models.Q(status__in=["open", "escalated"], video__isnull=False),
                name="report_one_unresolved_per_reporter_video",
            ),
            models.CheckConstraint(
                condition=models.Q(remix__isnull=True) ^ models.Q(video__isnull=True),
                name="report_remix_or_video",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="report_status_created"),
            models.Index(fields=["reporter", "-created_at"], name="report_reporter_created"),
            models.Index(fields=["remix", "status"], name="report_remix_status"),
            models.Index(fields=["video", "status"], name="report_video_status"),
        ]

    def __str__(self) -> str:
        return f"Report #{self.pk}: {self.get_reason_display()} ({self.get_status_display()})"

    @property
    def subject_video(self):
        """The reported video, or the video the reported remix was made of."""
        return self.remix.video if self.remix_id else self.video

    @property
    def is_unresolved(self) -> bool:
        return self.status in self.UNRESOLVED


class ModerationAction(models.Model):
    """One moderator action on one target: who, what, why, when. Written in the transaction
    that makes the change; never edited (the admin offers no add, change or delete)."""

    class Kind(models.TextChoices):
        TAKEDOWN = "takedown", "Took a remix down"
        RESTORE = "restore", "Restored a remix"
        DISMISS = "dismiss", "Dismissed a report"
        ESCALATE = "escalate", "Escalated a report"
        CONSENT = "consent", "Switched a creator's remix consent off"

    NOTE_MAX = 1000

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Kind.choices)
    note = models.CharField(max_length=NOTE_MAX)
    created_at = models.DateTimeField(default=timezone.now)
    # The target, by reference (kept while it exists) and by description (kept for ever).
    target = models.CharField(max_length=300)
    remix = models.ForeignKey(
        "remixer.Remix", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    report = models.ForeignKey(
        Report, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The creator whose video or consent the action concerned.",
    )
    ledger_entry = models.ForeignKey(
        "consent.LedgerEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "moderation audit record"
        permissions = [
            ("moderate_consent", "Can switch a creator's remix consent off as a moderator"),
        ]
        indexes = [
            models.Index(fields=["action", "created_at"], name="modaction_action_created"),
            models.Index(fields=["remix", "-created_at"], name="modaction_remix_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.target}"
