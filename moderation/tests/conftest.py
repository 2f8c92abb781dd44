from __future__ import annotations

import pytest
from django.test import Client

from moderation.tests.factories import published_remix


@pytest.fixture
def moderator_client(moderator) -> Client:
    client = Client()
    client.force_login(moderator)
    return client


@pytest.fixture
def viewer_client(viewer) -> Client:
    client = Client()
    client.force_login(viewer)
    return client


@pytest.fixture
def remix(creator, other_creator):
    """A published remix of the creator's video, requested by another creator."""
    return published_remix(creator, other_creator)
