"""The apps' one-way dependencies are contracts `make lint` enforces (import-linter); templates,
which import-linter cannot see, are checked here."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

PACKAGES = ("creatorhub", "consent", "likeness", "remixer", "moderation")


def lint_imports_with(tmp_path: Path, module: str, source: str) -> subprocess.CompletedProcess:
    """import-linter on a copy of the code with one more module in it."""
    base = Path(settings.BASE_DIR)
    for package in PACKAGES:
        shutil.copytree(
            base / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(base / "pyproject.toml", tmp_path)
    (tmp_path / module).write_text(
        f"from __future__ import annotations\n\n{source}  # noqa: F401\n"
    )
    return subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports")],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_an_import_against_the_layers_fails_the_contract(tmp_path):
    result = lint_imports_with(tmp_path, "consent/wrong_way.py", "from remixer.models import Remix")
    assert result.returncode != 0, result.stdout
    assert "consent is not allowed to import remixer" in result.stdout
    assert "consent.wrong_way -> remixer.models" in result.stdout


@pytest.mark.parametrize("module", ["creatorhub/wrong_way.py", "remixer/wrong_way.py"])
def test_no_module_outside_moderation_imports_it(tmp_path, module):
    # creatorhub's shared modules (admin_tools, urls, ...) are in no layer: this contract too.
    result = lint_imports_with(tmp_path, module, "from moderation.models import Report")
    assert result.returncode != 0, result.stdout
    importer = module.removesuffix(".py").replace("/", ".")
    assert f"{importer} -> moderation.models" in result.stdout


MODERATION_FILE = re.compile(
    r"""{%\s*(?:(?:include|extends)\s+["']moderation/|static\s+["']css/moderation)"""
)


def test_no_template_outside_moderation_names_a_moderation_file():
    # Moderation puts its partials on lower apps' pages through their slots (remixer/slots.py)
    # and its stylesheet on their admins through its AdminExtension.
    templates = Path(settings.BASE_DIR) / "templates"
    own = (templates / "moderation", templates / "admin" / "moderation")
    reaching_up = [
        str(path.relative_to(templates))
        for path in templates.rglob("*.html")
        if not any(path.is_relative_to(folder) for folder in own)
        and MODERATION_FILE.search(path.read_text())
    ]
    assert reaching_up == []
