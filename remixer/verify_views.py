"""The public verify page: upload an image or clip, see its Content Credentials (nothing
stored)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.views.decorators.http import require_http_methods

from creatorhub.htmx import invalid_status
from remixer.provenance import ProvenanceInputError
from remixer.verification import upload_bytes, verify_image


class VerifyForm(forms.Form):
    image = forms.FileField(
        label="Image or clip to check",
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,video/mp4"}
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        size = filesizeformat(settings.VERIFY_MAX_UPLOAD_BYTES)
        self.fields["image"].help_text = (
            f"A JPEG, PNG or WebP image, or an MP4 voice clip, up to {size}. We read it to "
            "answer and do not keep it."
        )


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                data = upload_bytes(upload=form.cleaned_data["image"])
                context["verdict"] = verify_image(data=data)
            except ProvenanceInputError as error:
                context["error"], status = str(error), invalid_status(request)
        else:
            context["error"], status = "Choose a file to check.", invalid_status(request)
    template = "remixer/verify.html#answer" if request.htmx else "remixer/verify.html"
    return render(request, template, context, status=status)
