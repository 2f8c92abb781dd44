"""The Moderators role: exactly the permissions moderation needs, defined once, in code.

A data migration creates the group; a post_migrate handler keeps it exact (after every migrate,
and after test databases are flushed).
"""

from __future__ import annotations

MODERATORS = "Moderators"

MODERATOR_PERMISSIONS: tuple[tuple[str, str], ...] = (
    ("accounts", "view_user"),
    ("videos", "view_video"),
    ("consent", "view_creatorpolicy"),
    ("consent", "view_videooverride"),
    ("consent", "view_ledgerentry"),
    ("remixer", "view_remix"),
    ("remixer", "change_remix"),  # status changes only through the admin actions
    ("moderation", "view_report"),
    ("moderation", "change_report"),  # resolve reports only through the admin actions
    ("moderation", "view_moderationaction"),
    ("moderation", "moderate_consent"),  # switch a creator's remix consent off, with a reason
    # Login lockouts (django-axes): see who is locked out, and unlock by deleting the attempt.
    ("axes", "view_accessattempt"),
    ("axes", "delete_accessattempt"),
)


def moderators_group_ensure(
    *,
    group_model,
    permission_model,
    permissions: tuple[tuple[str, str], ...] = MODERATOR_PERMISSIONS,
) -> None:
    """Create the group if missing and give it exactly `permissions` (MODERATOR_PERMISSIONS).

    Takes the models so the data migrations can pass their historical ones."""
    group, _ = group_model.objects.get_or_create(name=MODERATORS)
    wanted = [
        permission_model.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in permissions
    ]
    group.permissions.set(wanted)
