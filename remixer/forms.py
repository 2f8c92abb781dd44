from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from creatorhub.accounts.models import User
from remixer import approvals
from remixer.engines import voice
from remixer.engines.validation import clean_text
from remixer.models import Remix


class EmailNotificationsForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("email_notifications", "email")
        labels = {"email_notifications": "Also email me these notifications", "email": "Email"}
        # The label says it all; the model's help text is not shown, so nothing may point at it.
        help_texts = {"email_notifications": ""}

    def clean(self) -> dict:
        data = super().clean()
        if data.get("email_notifications") and not data.get("email"):
            self.add_error("email", "Give an email address to receive notifications by email.")
        return data


class RemixRequestForm(forms.Form):
    template = forms.ChoiceField(choices=Remix.Template.choices, widget=forms.RadioSelect)
    top = forms.CharField(required=False, max_length=200, label="Top text")
    bottom = forms.CharField(required=False, max_length=200, label="Bottom text")
    style = forms.ChoiceField(
        choices=[("classic", "Classic"), ("bar", "Caption bar")], required=False
    )
    backdrop = forms.ChoiceField(
        choices=[("gradient", "Gradient"), ("stripes", "Stripes"), ("dots", "Dots")],
        required=False,
    )
    effect = forms.ChoiceField(
        choices=[("pixelate", "Pixelate"), ("cartoon", "Cartoon"), ("sticker", "Sticker")],
        required=False,
    )
    voice_effect = forms.ChoiceField(
        label="Voice effect",
        choices=list(voice.EFFECTS.items()),
        required=False,
    )
    start = forms.FloatField(label="Clip starts at (seconds)", required=False, min_value=0)
    length = forms.FloatField(
        label="Clip length (seconds, at most 10)", required=False, min_value=0.1, max_value=10
    )
    caption = forms.CharField(required=False, max_length=200, label="Caption (optional)")

    def __init__(self, *args, backdrops: list[str] = (), with_voice: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not with_voice:  # a video without sound offers no voice clip
            self.fields["template"].choices = [
                choice for choice in Remix.Template.choices if choice[0] != Remix.Template.VOICE
            ]
        if backdrops:
            self.fields["backdrop"].choices = [
                *self.fields["backdrop"].choices,
                ("The creator's backdrops", [(name, name) for name in backdrops]),
            ]

    def inputs(self) -> dict:
        data = self.cleaned_data
        template = data["template"]
        if template == Remix.Template.CAPTION:
            return {
                "top": data["top"],
                "bottom": data["bottom"],
                "style": data["style"] or "classic",
            }
        if template == Remix.Template.BACKGROUND:
            return {"backdrop": data["backdrop"] or "gradient"}
        if template == Remix.Template.VOICE:
            return {
                "effect": data["voice_effect"] or "pitch_up",
                "start": data["start"] or 0,
                "length": data["length"] or 5,
                "caption": data["caption"],
            }
        return {"effect": data["effect"] or "pixelate"}


class RemixFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "Any status"), *Remix.Status.choices], required=False)
    template = forms.ChoiceField(
        choices=[("", "Any template"), *Remix.Template.choices], required=False
    )
    video = forms.CharField(required=False, max_length=100, label="Video title")


class BackdropForm(forms.Form):
    name = forms.SlugField(
        max_length=40,
        help_text="Lowercase letters, digits and hyphens; viewers pick it by this name.",
    )
    image = forms.FileField(help_text="A JPEG, PNG or WebP picture; it is scaled to 1280 px.")

    def clean_name(self) -> str:
        return self.cleaned_data["name"].lower()

    def clean_image(self):
        image = self.cleaned_data["image"]
        if image.size > settings.IMAGE_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"This file is {filesizeformat(image.size)}; "
                f"the limit is {filesizeformat(settings.IMAGE_MAX_UPLOAD_BYTES)}."
            )
        return image


class DecideForm(forms.Form):
    """A decision on requests: the ticked `ids`, or the one row whose button was pressed
    (`only`), approved or declined, with an optional message to the requesters."""

    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("decline", "Decline")])
    message = forms.CharField(required=False, max_length=300)
    always_allow = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        data["message"] = clean_text(data.get("message") or "")
        if not self.ids():
            raise forms.ValidationError("Tick at least one request.")
        if data.get("always_allow") and data.get("decision") == "decline":
            raise forms.ValidationError("“Always allow” goes with approving.")
        return data

    def ids(self) -> list[str]:
        only = self.data.get("only")
        chosen = [only] if only else self.data.getlist("ids")
        return [public_id for public_id in chosen if public_id][: approvals.MAX_DECIDE]

    def problem(self) -> str:
        errors = [error for errors in self.errors.values() for error in errors]
        return f"Nothing was decided: {' '.join(errors)}"
