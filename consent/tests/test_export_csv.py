"""The consent ledger CSV cannot carry spreadsheet formulas (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from consent import services
from consent.idsets import VideoState
from consent.selection import Selection
from consent.tests.factories import policy
from creatorhub.csv_safe import FORMULA_STARTS
from creatorhub.videos.selectors import LibraryFilter
from creatorhub.videos.tests.factories import make_video

pytestmark = pytest.mark.django_db
HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def test_ledger_csv_neutralises_formula_cells(creator_client, creator):
    for index, text in enumerate(HOSTILE):
        make_video(creator, title=text, tags=[f"{text[:1]}tag{index}"])
    for index, text in enumerate(HOSTILE):  # alternating, so each save changes something
        services.consent_set_policy(
            creator=creator, actor=creator, change=policy(index % 2 == 0), reason=text
        )
    services.consent_set_selection(
        creator=creator,
        actor=creator,
        selection=Selection.parse(filters=LibraryFilter(q="=HYPERLINK", tag="")),
        state=VideoState("deny"),
        reason="=cmd|' /C calc'!A0",
    )
    body = b"".join(creator_client.get(reverse("consent:export_csv")).streaming_content)
    rows = list(csv.reader(io.StringIO(body.decode(), newline="")))
    cells = [cell for row in rows[1:] for cell in row]
    reasons = [row[rows[0].index("reason")] for row in rows[1:]]
    assert [f"'{text}" for text in HOSTILE] + ["'=cmd|' /C calc'!A0"] == reasons[-7:]
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
