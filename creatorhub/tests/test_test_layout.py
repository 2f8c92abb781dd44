"""Test modules share helpers through factories and fixtures modules, never through each other,
so a test module can move or change without breaking another one."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

ROOTS = ("creatorhub", "consent", "remixer", "moderation", "tests")


def test_modules_imported_by_other_test_modules():
    base = Path(settings.BASE_DIR)
    offenders = []
    for root in ROOTS:
        for path in (base / root).rglob("test_*.py"):
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                module = node.module if isinstance(node, ast.ImportFrom) else None
                if module and module.rsplit(".", 1)[-1].startswith("test_"):
                    offenders.append(f"{path.relative_to(base)} imports {module}")
    assert not offenders, "\n".join(offenders)
