from __future__ import annotations

from django.urls import path

from likeness import matches_views, views

app_name = "likeness"

urlpatterns = [
    path("likeness/", views.likeness_page, name="page"),
    path("likeness/biometric/", views.biometric_consent, name="biometric"),
    path("likeness/photos/", views.photos_upload, name="photos_upload"),
    path("likeness/photos/status/", views.photos_status, name="photos_status"),
    path("likeness/consent/", views.consent_save, name="consent"),
    path("likeness/delete/", views.enrolment_delete, name="delete"),
    path("likeness/matches/", matches_views.matches_page, name="matches"),
    path(
        "likeness/matches/<str:public_id>/allowance/",
        matches_views.match_allowance,
        name="match_allowance",
    ),
]
