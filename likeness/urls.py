from __future__ import annotations

from django.urls import path

from likeness import matches_views

app_name = "likeness"

urlpatterns = [
    path("matches/", matches_views.matches_page, name="matches"),
    path(
        "matches/<str:public_id>/allowance/",
        matches_views.match_allowance,
        name="match_allowance",
    ),
]
