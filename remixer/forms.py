from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from creatorhub.accounts.models import User
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

    def __init__(self, *args, backdrops: list[str] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
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
