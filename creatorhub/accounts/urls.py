from __future__ import annotations

from django.urls import path

from creatorhub.accounts import views

app_name = "accounts"

urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    path("@<str:username>/follow/", views.follow, name="follow"),
    path("settings/", views.settings_page, name="settings"),
]
