from __future__ import annotations

import csv
import io

import pytest

from creatorhub.csv_safe import csv_safe_cell, csv_writer


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "'\rCR"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        ("", ""),
        (-3, -3),
        (None, None),
    ],
)
def test_formula_cells_are_prefixed_and_the_rest_left_alone(value, expected):
    assert csv_safe_cell(value) == expected


def test_writer_escapes_every_cell_and_round_trips():
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(["=1+1", "ok", 5])
    writer.writerows([["@x", "-y"], ["\r\n=z"]])
    rows = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert rows == [["'=1+1", "ok", "5"], ["'@x", "'-y"], ["'\r\n=z"]]


def test_every_csv_writer_in_the_app_is_the_safe_one():
    """A new export written with csv.writer directly would skip the escaping."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for folder in ("creatorhub", "consent", "remixer", "moderation")
        for path in (root / folder).rglob("*.py")
        if "tests" not in path.parts
        and path.name != "csv_safe.py"
        and ("csv.writer(" in path.read_text() or "csv.DictWriter(" in path.read_text())
    ]
    assert offenders == []
