"""The "My likeness" page: consent to biometric processing, enrolment photos, likeness consent
and deleting the enrolment. Each form works without JavaScript (a redirect with a message) and
with htmx (its region or the status line swapped in)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from creatorhub.htmx import invalid_status
from likeness import enrolment, preferences
from likeness.forms import CHOICES, LABELS, BiometricConsentForm, LikenessConsentForm, choice_of

PAGE = "likeness/page.html"


def _context(request: HttpRequest, **extra) -> dict:
    state = enrolment.enrolment_of(person=request.user)
    consent_form = extra.pop("consent_form", None) or LikenessConsentForm(
        initial={"choice": choice_of(state.profile)}
    )
    return {
        "state": state,
        "consent_form": consent_form,
        "biometric_form": extra.pop("biometric_form", None) or BiometricConsentForm(),
        "max_photos": enrolment.MAX_PHOTOS,
        "max_mb": settings.LIKENESS_MAX_PHOTO_BYTES // 1_048_576,
        "current_label": LABELS.get(choice_of(state.profile), ""),
        **extra,
    }


@login_required
@require_GET
def likeness_page(request: HttpRequest) -> HttpResponse:
    return render(request, PAGE, _context(request))


def _status(request: HttpRequest, message: str, *, error: bool = False) -> HttpResponse:
    if request.htmx:
        status = invalid_status(request) if error else 200
        context = {"message": message, "error": error}
        return render(request, "likeness/_status.html", context, status=status)
    (messages.error if error else messages.success)(request, message)
    return redirect("likeness:page")


@login_required
@require_POST
def biometric_consent(request: HttpRequest) -> HttpResponse:
    form = BiometricConsentForm(request.POST)
    if not form.is_valid():
        if request.htmx:
            context = _context(request, biometric_form=form)
            return render(request, f"{PAGE}#photos", context, status=invalid_status(request))
        return render(request, PAGE, _context(request, biometric_form=form), status=400)
    enrolment.biometric_consent_give(person=request.user, actor=request.user)
    message = "Consent to biometric processing recorded. You can now upload photos of your face."
    if request.htmx:
        return render(request, f"{PAGE}#photos", _context(request, photos_message=message))
    messages.success(request, message)
    return redirect("likeness:page")


@login_required
@require_POST
def photos_upload(request: HttpRequest) -> HttpResponse:
    files = request.FILES.getlist("photos")
    refused: list[tuple[str, str]] = []
    accepted = 0
    if not files:
        refused.append(("", "Choose one or more photos of your face."))
    for index, file in enumerate(files):
        name = (file.name or "photo")[:100]
        if index >= enrolment.MAX_PHOTOS:
            refused.append((name, f"At most {enrolment.MAX_PHOTOS} photos at a time."))
            continue
        try:
            enrolment.photo_add(person=request.user, file=file)
        except enrolment.EnrolmentRefused as error:
            refused.append((name, str(error)))
        else:
            accepted += 1
    message = ""
    if accepted:
        message = f"{accepted} photo{'s' if accepted != 1 else ''} received; processing."
    if not request.htmx:
        if message:
            messages.success(request, message)
        for name, reason in refused:
            messages.error(request, f"{name}: {reason}" if name else reason)
        return redirect("likeness:page")
    context = _context(request, photos_message=message, refused=refused)
    status = invalid_status(request) if refused and not accepted else 200
    return render(request, f"{PAGE}#photos", context, status=status)


@login_required
@require_GET
def photos_status(request: HttpRequest) -> HttpResponse:
    """The photo list alone, which polls itself while a photo is processing."""
    return render(request, f"{PAGE}#photo-list", _context(request))


@login_required
@require_POST
def consent_save(request: HttpRequest) -> HttpResponse:
    form = LikenessConsentForm(request.POST)
    if not form.is_valid():
        return _status(request, "Choose one of the options; nothing was changed.", error=True)
    choice = form.cleaned_data["choice"]
    others_videos, own_videos = CHOICES[choice]
    entry = preferences.likeness_consent_set(
        person=request.user, actor=request.user, others_videos=others_videos, own_videos=own_videos
    )
    if entry is None:
        return _status(request, "Nothing changed: this is already your likeness consent.")
    return _status(
        request, f"Saved as change #{entry.seq}. Remixes showing your face: {LABELS[choice]}."
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_delete(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "likeness/delete.html", _context(request))
    entry = enrolment.enrolment_delete(person=request.user, actor=request.user)
    if entry is None:
        messages.info(request, "There was no enrolment to delete.")
    else:
        messages.success(
            request,
            f"Your enrolment is deleted (change #{entry.seq}): every face embedding, photo and "
            "match is gone, and your consent to biometric processing is withdrawn.",
        )
    return redirect(reverse("likeness:page"))
