from __future__ import annotations

import pytest

from moderation.tests.factories import published_remix


@pytest.fixture
def remix(creator, other_creator):
    """A published remix of the creator's video, requested by another creator."""
    return published_remix(creator, other_creator)
