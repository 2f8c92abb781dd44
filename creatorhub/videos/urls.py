from __future__ import annotations

from django.urls import path

from creatorhub.videos import views

app_name = "videos"

urlpatterns = [
    path("library/", views.library, name="library"),
    path("library/upload/", views.upload, name="upload"),
    path("library/import/", views.import_start, name="import"),
    path("library/import/<uuid:import_id>/", views.import_preview, name="import_preview"),
    path(
        "library/import/<uuid:import_id>/progress/", views.import_progress, name="import_progress"
    ),
    path("library/<str:public_id>/", views.detail, name="detail"),
    path("library/<str:public_id>/status/", views.detail_status, name="detail_status"),
    path("library/<str:public_id>/edit/", views.edit, name="edit"),
    path("library/<str:public_id>/delete/", views.delete, name="delete"),
    path("v/<str:public_id>/", views.watch, name="watch"),
    path("@<str:username>/", views.profile, name="profile"),
    # Creator-scoped: robots.txt and TDMRep rules name /@<handle>/, not each video.
    path("@<str:username>/v/<str:public_id>/", views.watch, name="watch_scoped"),
]
