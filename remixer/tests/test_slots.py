"""Slots on the remixer's pages: `{% remix_slot %}` renders what higher apps registered for it,
in order, as `{% include %}` would; an empty slot renders nothing."""

from __future__ import annotations

import pytest
from django.template import engines

from remixer import slots
from remixer.slots import DETAIL_ACTIONS, ROW_ACTIONS, remix_slot_register, remix_slot_templates

PAGE = (
    "{% load remix_slots %}"
    '[{% for remix in remixes %}{% remix_slot "row_actions" remix %};{% endfor %}]'
)


@pytest.fixture
def registry(monkeypatch):
    """The registry, emptied for the test and put back after it."""
    monkeypatch.setattr(slots, "REMIX_SLOTS", {})
    return slots.REMIX_SLOTS


@pytest.fixture
def partials(settings):
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [
                    (
                        "django.template.loaders.locmem.Loader",
                        {
                            "page.html": PAGE,
                            "first.html": "<b>{{ remix }}</b>",
                            "second.html": "({{ remix }}{% if request %} for {{ who }}{% endif %})",
                        },
                    )
                ]
            },
        }
    ]


def render(remixes, **context) -> str:
    return engines["django"].get_template("page.html").render({"remixes": remixes, **context})


def test_an_empty_slot_renders_nothing(registry, partials):
    assert render(["r1", "r2"]) == "[;;]"


def test_a_slot_renders_its_partials_in_order_with_the_pages_context(registry, partials, rf):
    remix_slot_register(ROW_ACTIONS, "second.html")
    remix_slot_register(ROW_ACTIONS, "first.html", order=-1)
    remix_slot_register(ROW_ACTIONS, "first.html", order=-1)  # registered once, however often
    remix_slot_register(DETAIL_ACTIONS, "second.html")  # another slot: not on this page
    html = render(["<r1>", "r2"], request=rf.get("/"), who="me")
    assert html == "[<b>&lt;r1&gt;</b>(&lt;r1&gt; for me);<b>r2</b>(r2 for me);]"
    assert remix_slot_templates(ROW_ACTIONS) == ["first.html", "second.html"]


def test_only_the_remixers_slots_take_partials(registry):
    with pytest.raises(ValueError, match="No remix slot 'sidebar'"):
        remix_slot_register("sidebar", "first.html")
