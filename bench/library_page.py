"""The library page (50 rows) on a 1k- and a 100k-video library: server time and queries."""

from __future__ import annotations

from django.test import Client

from bench.harness import analyze, count_queries, median_ms


def run(*, small: int = 1_000, large: int = 100_000, repeat: int = 30) -> dict:
    from creatorhub.accounts.tests.factories import make_user
    from creatorhub.videos.tests.factories import make_videos

    libraries = {}
    for label, size in (("1k", small), ("100k", large)):
        owner = make_user(f"bench{label}")
        make_videos(owner, size, tag="travel")
        libraries[label] = owner
    analyze()
    return measure(libraries, repeat=repeat)


def measure(libraries: dict, *, repeat: int) -> dict:
    """Time each region for each {label: owner}; ratios are of the last library vs the first."""
    figures = {}
    for label, owner in libraries.items():
        client = Client()
        client.force_login(owner)
        variants = (
            ("page", {}, {}),
            ("partial", {"HX-Request": "true"}, {}),
            # A filter matching the whole library must COUNT its rows: reported, not targeted.
            ("filtered", {"HX-Request": "true"}, {"tag": "travel"}),
        )
        for region, headers, extra in variants:
            params = {"page": 7, "sort": "newest", **extra}

            def request(client=client, headers=headers, params=params):
                response = client.get("/library/", params, headers=headers)
                assert response.status_code == 200, response.status_code

            with count_queries() as queries:
                request()
            figures[f"{region}_{label}_ms"] = median_ms(request, repeat=repeat)
            figures[f"{region}_{label}_queries"] = len(queries)
    small, *_, large = libraries
    for region in ("page", "partial", "filtered"):
        figures[f"{region}_ratio_{large}_vs_{small}"] = round(
            figures[f"{region}_{large}_ms"] / figures[f"{region}_{small}_ms"], 3
        )
    figures["target"] = "page/partial ratio <= 1.3, queries <= 8"
    return figures
