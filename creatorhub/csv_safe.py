"""CSV that spreadsheets open as data, never as formulas (OWASP "CSV injection").

Every CSV the app writes goes through `csv_writer`: a text cell that starts with "=", "+", "-",
"@", a tab or a carriage return is prefixed with "'", which Excel, LibreOffice and Google
Sheets show as text instead of evaluating. Numbers are left alone, so -3 stays a number.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeCsvWriter:
    """csv.writer's writerow/writerows with every cell passed through csv_safe_cell."""

    def __init__(self, writer: Any) -> None:
        self._writer = writer

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([csv_safe_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(file: Any, **kwargs: Any) -> SafeCsvWriter:
    """Drop-in for csv.writer(file, **kwargs) that neutralises formula cells."""
    return SafeCsvWriter(csv.writer(file, **kwargs))
