"""`{% remix_slot "<slot>" remix %}`: the partials higher apps registered for a slot on the
remixer's pages (remixer/slots.py), rendered in order as `{% include %}` would render them."""

from __future__ import annotations

from django import template
from django.utils.html import format_html_join

from remixer.slots import remix_slot_templates

register = template.Library()


@register.simple_tag(takes_context=True)
def remix_slot(context, slot: str, remix) -> str:
    names = remix_slot_templates(slot)
    if not names:
        return ""
    engine = context.template.engine
    with context.push(remix=remix):
        rendered = [engine.get_template(name).render(context) for name in names]
    # Each one is a rendered (already escaped) template: joined, not escaped again.
    return format_html_join("", "{}", ((html,) for html in rendered))
