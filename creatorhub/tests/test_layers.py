"""The apps' one-way dependencies are a contract `make lint` enforces (import-linter)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

PACKAGES = ("creatorhub", "consent", "remixer", "moderation")


def test_an_import_against_the_layers_fails_the_contract(tmp_path):
    base = Path(settings.BASE_DIR)
    for package in PACKAGES:
        shutil.copytree(
            base / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(base / "pyproject.toml", tmp_path)
    (tmp_path / "consent" / "wrong_way.py").write_text(
        "from __future__ import annotations\n\nfrom remixer.models import Remix  # noqa: F401\n"
    )
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports")],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0, result.stdout
    assert "consent is not allowed to import remixer" in result.stdout
    assert "consent.wrong_way -> remixer.models" in result.stdout
