from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/videos/%00/consent",
        "/api/v1/videos/%00/consent/history",
        "/api/v1/remixes/a%00b",
        "/v/%00/",
        "/remixes/%00/",
        "/library/%00/",
    ],
)
def test_nul_in_the_path_is_400_not_500(creator_client, url):
    response = creator_client.get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert response.json()["error"] == "bad_request"
