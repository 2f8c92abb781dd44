from __future__ import annotations

from django.contrib import admin
from django.urls import include, path, re_path

from consent.signals_http import (
    ai_txt,
    creator_tdm_policy,
    robots_txt,
    site_tdm_policy,
    tdmrep_json,
)
from creatorhub import views
from creatorhub.api import api, unknown_endpoint

admin.site.site_header = "Creator Hub moderation"
admin.site.site_title = "Creator Hub admin"
admin.site.index_title = "Reports, remixes and consent"

urlpatterns = [
    path("", views.home, name="home"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("tdm-policy.jsonld", site_tdm_policy, name="tdm_policy"),
    path("@<str:username>/tdm-policy.jsonld", creator_tdm_policy, name="creator_tdm_policy"),
    # A creator's media under the creator's prefix (a remix's under its source's creator).
    path("@<str:username>/media/<path:path>", views.media, name="media_scoped"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("creatorhub.accounts.urls")),
    path("", include("creatorhub.videos.urls")),
    path("", include("consent.urls")),
    path("", include("remixer.urls")),
    path("", include("moderation.urls")),
    path("likeness/", include("likeness.urls")),
    path("api/v1/", api.urls),
    re_path(r"^api/v1/", unknown_endpoint),
    path(".well-known/tdmrep.json", tdmrep_json, name="tdmrep"),
    path("ai.txt", ai_txt, name="ai_txt"),
    path("admin/", admin.site.urls),
    path("media/<path:path>", views.media, name="media"),
]
