from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from creatorhub.accounts import selectors, services, tokens
from creatorhub.accounts.forms import SignupForm
from creatorhub.accounts.models import ApiToken

TOKEN_EXPIRY_CHOICES = [
    ("", "Never"),
    ("7", "7 days"),
    ("30", "30 days"),
    ("90", "90 days"),
    ("365", "1 year"),
]


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("videos:library")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, @{user.username}! Your library is empty for now.")
        return redirect("videos:library")
    status = 400 if form.errors else 200
    return render(request, "registration/signup.html", {"form": form}, status=status)


@login_required
@require_POST
def follow(request: HttpRequest, username: str) -> HttpResponse:
    creator = selectors.user_get_by_handle(username=username)
    following = request.POST.get("follow") == "1"
    services.follow_set(follower=request.user, followed=creator, following=following)
    if not request.htmx:
        return redirect("videos:profile", username=creator.username)
    stats = selectors.profile_stats(user=creator, viewer=request.user)
    return render(request, "accounts/profile.html#follow", {"creator": creator, "stats": stats})


def _expiry_days(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):
        raise ValueError("Choose an expiry from the list.")
    return int(value)


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    """Account settings: password, and API tokens (created and revoked here)."""
    new_token = None
    if request.method == "POST":
        if "revoke" in request.POST:
            try:
                revoked = tokens.api_token_revoke(
                    user=request.user, token_id=int(request.POST["revoke"])
                )
            except ValueError:
                revoked = False
            if revoked:
                messages.success(request, "Token revoked; it no longer works.")
            else:
                messages.error(request, "No such active token.")
            return redirect("accounts:settings")
        try:
            _, new_token = tokens.api_token_create(
                user=request.user,
                name=request.POST.get("name", ""),
                scopes=request.POST.getlist("scopes"),
                expires_in_days=_expiry_days(request.POST.get("expires_days", "")),
            )
        except ValueError as error:
            messages.error(request, str(error))
    active = ApiToken.objects.filter(user=request.user, revoked_at__isnull=True).order_by(
        "-created_at"
    )
    context = {
        "tokens": active,
        "new_token": new_token,
        "scopes": ApiToken.Scope.choices,
        "expiry_choices": TOKEN_EXPIRY_CHOICES,
        "now": timezone.now(),
    }
    return render(request, "accounts/settings.html", context)
