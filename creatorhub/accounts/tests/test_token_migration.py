"""API tokens moved from consent to accounts (issue 14 item 2): tokens made before the move keep
working after it, from the same rows, and permissions on them follow the model."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from creatorhub.accounts.models import ApiToken, User

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_THE_MOVE = [
    ("consent", "0003_api_token_scopes_and_expiry"),
    ("accounts", "0002_email_notifications"),
]
TOKEN = "chub_made-before-the-move"


@pytest.fixture
def executor():
    executor = MigrationExecutor(connection)
    yield executor
    # Whatever happened, leave the database migrated for the tests that follow.
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_a_token_made_before_the_move_authenticates_after_it(executor):
    executor.migrate(BEFORE_THE_MOVE)
    old_apps = executor.loader.project_state(BEFORE_THE_MOVE).apps
    old_user = old_apps.get_model("accounts", "User").objects.create(username="early")
    old_token = old_apps.get_model("consent", "ApiToken").objects.create(
        user=old_user,
        name="scheduler",
        prefix=TOKEN[5:11],
        token_hash=hashlib.sha256(TOKEN.encode()).hexdigest(),
        scopes="read consent:write",
    )
    view_tokens = old_apps.get_model("auth", "Permission").objects.get(
        content_type__app_label="consent", codename="view_apitoken"
    )
    old_user.user_permissions.add(view_tokens)

    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    token = ApiToken.objects.get()
    assert (token.id, token.user_id, token.scope_list) == (
        old_token.id,
        old_user.id,
        ["read", "consent:write"],
    )
    assert ApiToken._meta.db_table == "accounts_apitoken"
    client = Client(headers={"Authorization": f"Bearer {TOKEN}"})
    response = client.get("/api/v1/me/consent")
    assert response.status_code == 200, response.content
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert User.objects.get(id=old_user.id).has_perm("accounts.view_apitoken")
