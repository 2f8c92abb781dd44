from __future__ import annotations

from django.urls import path

from remixer import verify_views, views

app_name = "remixer"

urlpatterns = [
    path("v/<str:public_id>/remix/", views.request_remix, name="request"),
    path("v/<str:public_id>/remix/preview/", views.preview, name="preview"),
    path("remixes/mine/", views.mine, name="mine"),
    path("remixes/of-my-work/", views.of_my_work, name="of_my_work"),
    path("remixes/regeneration/", views.regeneration, name="regeneration"),
    path("remixes/backdrops/", views.backdrops, name="backdrops"),
    path(
        "remixes/backdrops/<int:backdrop_id>/delete/", views.backdrop_delete, name="backdrop_delete"
    ),
    path("remixes/requests/", views.requests_page, name="requests"),
    path("remixes/requests/decide/", views.requests_decide, name="requests_decide"),
    path("remixes/requests/badge/", views.requests_badge, name="requests_badge"),
    path("inbox/", views.inbox, name="inbox"),
    path("verify/", verify_views.verify, name="verify"),
    path("inbox/badge/", views.badge, name="badge"),
    path("inbox/<int:notification_id>/read/", views.inbox_read, name="inbox_read"),
    path("inbox/email/", views.email_settings, name="email_settings"),
    path("remixes/<str:public_id>/", views.detail, name="detail"),
    # Under the source video's creator, whose training choice the remix carries.
    path("@<str:username>/remixes/<str:public_id>/", views.detail, name="detail_scoped"),
    path("remixes/<str:public_id>/takedown/", views.takedown, name="takedown"),
    path("remixes/<str:public_id>/download/", views.download, name="download"),
]
