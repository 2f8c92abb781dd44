from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from creatorhub.accounts import selectors, services
from creatorhub.accounts.forms import SignupForm


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
