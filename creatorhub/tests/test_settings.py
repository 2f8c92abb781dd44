from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from creatorhub.env import env_bool, env_int, env_list, env_str


def test_env_helpers_read_and_refuse(monkeypatch):
    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.setenv("X_INT", "42")
    monkeypatch.setenv("X_LIST", "a, b,,c")
    assert env_bool("X_BOOL", default=False) is True
    assert env_int("X_INT", 1) == 42
    assert env_list("X_LIST", []) == ["a", "b", "c"]
    monkeypatch.setenv("X_BOOL", "maybe")
    monkeypatch.setenv("X_INT", "forty")
    with pytest.raises(ImproperlyConfigured, match="X_BOOL must be a boolean"):
        env_bool("X_BOOL", default=False)
    with pytest.raises(ImproperlyConfigured, match="X_INT must be an integer"):
        env_int("X_INT", 1)
    monkeypatch.delenv("X_MISSING", raising=False)
    with pytest.raises(ImproperlyConfigured, match="Set the X_MISSING"):
        env_str("X_MISSING")


def _settings_in_subprocess(env: dict[str, str], expression: str) -> str:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='creatorhub.settings'; "
        f"django.setup(); from django.conf import settings; print({expression})"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}} | env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )
    return result.stdout.strip() + result.stderr


def test_production_mode_needs_a_secret_key():
    assert "Set the SECRET_KEY" in _settings_in_subprocess({"DEBUG": "0"}, "1")


def test_production_mode_turns_on_hardening():
    out = _settings_in_subprocess(
        {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50)},
        "settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, "
        "settings.SECURE_HSTS_SECONDS, settings.SECURE_SSL_REDIRECT, "
        "settings.STORAGES['staticfiles']['BACKEND']",
    )
    assert out == (
        "True True 31536000 True whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


def test_embedded_default_is_sqlite_and_filesystem_broker():
    env = {"DEBUG": "1", "DATABASE_URL": "", "REDIS_URL": "", "VAR_DIR": "/tmp/creatorhub-x"}
    out = _settings_in_subprocess(
        env, "settings.DATABASES['default']['ENGINE'], settings.CELERY_BROKER_URL"
    )
    assert out == "django.db.backends.sqlite3 filesystem://"


@pytest.mark.django_db
def test_every_page_has_a_content_security_policy(anon_client):
    response = anon_client.get("/accounts/login/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "default-src 'self'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
