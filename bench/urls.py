"""The product's URLs plus `/bench/trivial/`, the floor the load test compares against."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import path

from creatorhub.urls import urlpatterns as product_urlpatterns


def trivial(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


urlpatterns = [path("bench/trivial/", trivial), *product_urlpatterns]
