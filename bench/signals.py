"""robots.txt and tdmrep.json on a 1k- and on a 100k-video library (the same creators, 20 of
them in every training state): server time, queries and size. The 1k figures, measured in the
same run, are the baseline; target ratio <= 1.3 (the files name creators, not videos)."""

from __future__ import annotations

from django.test import Client

from bench.harness import analyze, count_queries, median_ms

PATHS = {"robots": "/robots.txt", "tdmrep": "/.well-known/tdmrep.json"}
COMPANIES = ["OpenAI", "Google", "Anthropic", "Common Crawl"]


def _creators():
    from consent import services
    from consent.tests.factories import policy
    from creatorhub.accounts.tests.factories import make_user

    owners = []
    for index in range(20):
        user = make_user(f"signals{index:02d}")
        companies = () if index % 3 == 0 else tuple(COMPANIES[index % 4 : index % 4 + 2])
        services.consent_set_policy(
            creator=user, actor=user, change=policy(training=index % 3 != 2, companies=companies)
        )
        owners.append(user)
    return owners


def _measure(label: str, repeat: int) -> dict:
    figures = {}
    client = Client()
    for name, path in PATHS.items():

        def full(path=path):
            response = client.get(path)
            assert response.status_code == 200, response.status_code
            return response

        etag = full()["ETag"]

        def revalidate(path=path, etag=etag):
            assert client.get(path, headers={"If-None-Match": etag}).status_code == 304

        with count_queries() as queries:
            body = full().content
        figures[f"{name}_{label}_ms"] = median_ms(full, repeat=repeat)
        figures[f"{name}_{label}_304_ms"] = median_ms(revalidate, repeat=repeat)
        figures[f"{name}_{label}_queries"] = len(queries)
        figures[f"{name}_{label}_bytes"] = len(body)
    return figures


def run(*, small: int = 1_000, large: int = 100_000, repeat: int = 50) -> dict:
    from creatorhub.videos.tests.factories import make_videos

    owners = _creators()
    per_owner = small // len(owners)
    for owner in owners:
        make_videos(owner, per_owner)
    analyze()
    figures = _measure("1k", repeat)
    for owner in owners:
        make_videos(owner, (large - small) // len(owners), title="More")
    analyze()
    figures |= _measure("100k", repeat)
    for name in PATHS:
        for kind in ("", "_304"):
            figures[f"{name}{kind}_ratio_100k_vs_1k"] = round(
                figures[f"{name}_100k{kind}_ms"] / figures[f"{name}_1k{kind}_ms"], 3
            )
    figures["target"] = "ratio <= 1.3; queries 2 (304: 1); robots.txt < 50 KiB"
    return figures
