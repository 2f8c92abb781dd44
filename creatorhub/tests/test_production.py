from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from creatorhub.production import require_static_manifest


@pytest.fixture
def production_static(settings, tmp_path):
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    return tmp_path


def test_missing_static_manifest_refuses_to_start_and_says_what_to_run(production_static):
    with pytest.raises(ImproperlyConfigured, match="collectstatic --noinput"):
        require_static_manifest()


def test_collected_static_files_start(production_static):
    (production_static / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
    require_static_manifest()


def test_development_needs_no_manifest(settings, tmp_path):
    settings.DEBUG = True
    settings.STATIC_ROOT = tmp_path
    require_static_manifest()
