from __future__ import annotations

from django.urls import path

from consent import views

app_name = "consent"

urlpatterns = [
    path("consent/", views.consent_page, name="page"),
    path("consent/bulk/", views.bulk, name="bulk"),
    path("consent/summary/", views.summary, name="summary"),
    path("consent/undo/<int:seq>/", views.undo, name="undo"),
    path("consent/rules/", views.rules_account, name="rules"),
    path("consent/people/", views.people_add, name="people_add"),
    path("consent/people/<str:username>/remove/", views.people_remove, name="people_remove"),
    path("consent/history/", views.history, name="history"),
    path("consent/history.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("consent/history.json", views.export, {"fmt": "json"}, name="export_json"),
    path("consent/videos/<str:public_id>/", views.video_set, name="video"),
    path("consent/videos/<str:public_id>/rules/", views.rules_video, name="video_rules"),
    path(
        "consent/videos/<str:public_id>/history/",
        views.video_history_page,
        name="video_history",
    ),
]
