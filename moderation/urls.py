from __future__ import annotations

from django.urls import path

from moderation import views

app_name = "moderation"

urlpatterns = [
    path("remixes/<str:public_id>/report/", views.report, name="report"),
    path("reports/mine/", views.mine, name="mine"),
    path("likeness/matches/<str:public_id>/report/", views.likeness_report, name="likeness_report"),
]
