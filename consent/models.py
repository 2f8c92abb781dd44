"""Consent: each creator's account policy, per-video overrides, and the append-only ledger."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from consent.scopes import ALL_SCOPES


class Audience(models.TextChoices):
    EVERYONE = "everyone", "Everyone"
    FOLLOWERS = "followers", "Followers only"
    NOBODY = "nobody", "Nobody"
    APPROVED = "approved", "People I approve"


class CreatorPolicy(models.Model):
    """The account-wide default. Everything starts not allowed (promise 1: opt-in).

    The row is also the creator's lock and ledger head: every consent change locks it, so a
    creator's changes are serialised and the ledger chain is appended without gaps.
    """

    creator = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="consent_policy",
    )
    remix_allowed = models.BooleanField(default=False)
    # "Ask me": viewers may request, nothing is published until the creator approves it.
    # Never together with remix_allowed (the mode is one of deny / allow / ask).
    remix_ask = models.BooleanField(default=False)
    remix_scopes = models.PositiveSmallIntegerField(default=0)
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.EVERYONE)
    training_allowed = models.BooleanField(default=False)
    training_companies = models.JSONField(default=list, blank=True)
    # Content rules every caption of every remix of the creator's videos is checked against
    # (consent/content_rules.py); a video's own rules add to them.
    blocked_phrases = models.JSONField(default=list, blank=True)
    blocked_categories = models.JSONField(default=list, blank=True)
    ledger_seq = models.PositiveBigIntegerField(default=0)
    ledger_head = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "creator policies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(remix_scopes__lte=ALL_SCOPES), name="policy_scopes_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(remix_allowed=True, remix_ask=True), name="policy_one_mode"
            ),
        ]

    def __str__(self) -> str:
        return f"Consent policy of {self.creator}"


class VideoOverride(models.Model):
    """A per-video exception to the account policy. No row means "inherit"."""

    class Remix(models.TextChoices):
        ALLOW = "allow", "Allowed for this video"
        ASK = "ask", "Ask me for this video"
        DENY = "deny", "Not allowed for this video"

    video = models.OneToOneField(
        "videos.Video", on_delete=models.CASCADE, primary_key=True, related_name="consent_override"
    )
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    remix = models.CharField(max_length=5, choices=Remix.choices)
    # Null scopes / audience: take the account policy's.
    scopes = models.PositiveSmallIntegerField(null=True, blank=True)
    audience = models.CharField(  # noqa: DJ001 - NULL means "the policy's", for COALESCE
        max_length=10, choices=Audience.choices, null=True, blank=True
    )
    ledger_seq = models.PositiveBigIntegerField()
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["creator", "remix"], name="override_creator_remix")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scopes__isnull=True) | models.Q(scopes__lte=ALL_SCOPES),
                name="override_scopes_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.video_id}: {self.remix}"


class VideoRules(models.Model):
    """A video's own content rules, added to the account's. No row means none of its own."""

    video = models.OneToOneField(
        "videos.Video", on_delete=models.CASCADE, primary_key=True, related_name="content_rules"
    )
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    blocked_phrases = models.JSONField(default=list, blank=True)
    blocked_categories = models.JSONField(default=list, blank=True)
    ledger_seq = models.PositiveBigIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "video content rules"

    def __str__(self) -> str:
        return f"Content rules of video {self.video_id}"


class ApprovedPerson(models.Model):
    """Someone the creator always allows: their requests skip the "ask me" queue, and they are
    the audience "People I approve"."""

    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="approved_people"
    )
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    ledger_seq = models.PositiveBigIntegerField()
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["creator_id", "person__username"]
        constraints = [
            models.UniqueConstraint(fields=["creator", "person"], name="approved_person_once")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} approved by {self.creator_id}"


class LedgerQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The consent ledger is append-only.")

    def delete(self):
        raise PermissionError("The consent ledger is append-only.")

    def bulk_update(self, *args, **kwargs):
        raise PermissionError("The consent ledger is append-only.")


class LedgerEntry(models.Model):
    """One consent change. Append-only and hash-chained per creator (see consent/ledger.py)."""

    class Action(models.TextChoices):
        ACCOUNT = "account", "Account switch"
        BULK = "bulk", "Bulk action"
        VIDEO = "video", "Single video"
        UNDO = "undo", "Undo"
        API = "api", "API"
        MODERATOR = "moderator", "Moderator action"
        RULES = "rules", "Content rules"
        PEOPLE = "people", "People I approve"
        DECISION = "decision", "Remix requests decided"
        LIKENESS = "likeness", "Likeness consent"

    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consent_ledger"
    )
    seq = models.PositiveBigIntegerField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    # {"policy": {"before": {...}, "after": {...}} | null,
    #  "changes": [{"state": {...}, "ids": [[lo, hi], ...], "count": n}],  (what was applied)
    #  "before": [{"state": {...}, "ids": [[lo, hi], ...], "count": n}],   (what it replaced)
    #  "selection": {...}, "undoes": seq (undo entries only),
    #  "video_rules": {"video": id, "before": {...}, "after": {...}}  (a video's content rules),
    #  "people": {"added": [user id, ...], "removed": [...]}  (the approved list),
    #  "decisions": {"approved": [remix public id, ...], "declined": [...]}}
    payload = models.JSONField()
    affected = models.PositiveIntegerField(default=0)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "ledger entries"
        ordering = ["creator_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["creator", "seq"], name="ledger_seq_unique"),
        ]
        indexes = [models.Index(fields=["creator", "-created_at"], name="ledger_creator_time")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.get_action_display()} by {self.actor_id} for {self.creator_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Ledger entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Ledger entries cannot be deleted.")
