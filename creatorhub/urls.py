from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from creatorhub import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("creatorhub.accounts.urls")),
    path("", include("creatorhub.videos.urls")),
    path("admin/", admin.site.urls),
    path("media/<path:path>", views.media, name="media"),
]
