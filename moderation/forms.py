from __future__ import annotations

from django import forms

from moderation.models import ModerationAction, Report


class ReportForm(forms.Form):
    # A likeness report is about a video, sent from "Where my face appears".
    reason = forms.ChoiceField(
        choices=[c for c in Report.Reason.choices if c[0] != Report.Reason.LIKENESS],
        widget=forms.RadioSelect,
        label="What is wrong with it?",
    )
    details = forms.CharField(
        required=False,
        max_length=Report.DETAILS_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": Report.DETAILS_MAX}),
        label="Anything moderators should know (optional)",
    )


class NoteForm(forms.Form):
    """The note every moderator action needs (the intermediate admin page)."""

    note = forms.CharField(
        max_length=ModerationAction.NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text="Why: kept in the moderation audit record.",
    )


class ConsentReasonForm(forms.Form):
    note = forms.CharField(
        label="Reason",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text="Recorded in the creator's consent ledger and shown to the creator.",
    )


class CreatorConsentForm(ConsentReasonForm):
    clear_exceptions = forms.BooleanField(
        required=False,
        initial=True,
        label="Also clear per-video exceptions (videos the creator allowed one by one)",
    )
