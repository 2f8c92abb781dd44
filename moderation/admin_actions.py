"""Admin actions that need a note: an intermediate page asks for it, then the service runs."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse

from moderation.forms import NoteForm
from moderation.services import ModerationError, Outcome

PREVIEW_ROWS = 20


def with_note(
    *,
    title: str,
    button: str,
    done: str,
    form_class: type[forms.Form] = NoteForm,
    explanation: str = "",
) -> Callable:
    """Wrap `perform(modeladmin, request, queryset, cleaned_data) -> Outcome` as an admin action:
    the first POST (from the changelist) shows the note form; the second runs `perform`.
    `done` is a message with `{n}`, the number of targets acted on."""

    def decorator(perform: Callable) -> Callable:
        @functools.wraps(perform)
        def action(modeladmin, request, queryset):
            form = form_class(request.POST if "apply" in request.POST else None)
            if form.is_bound and form.is_valid():
                try:
                    outcome: Outcome = perform(modeladmin, request, queryset, form.cleaned_data)
                except ModerationError as error:
                    modeladmin.message_user(request, str(error), messages.ERROR)
                    return None
                if outcome.done:
                    modeladmin.message_user(request, done.format(n=outcome.done), messages.SUCCESS)
                for refusal in outcome.refused:
                    modeladmin.message_user(request, refusal, messages.WARNING)
                if not outcome.done and not outcome.refused:
                    modeladmin.message_user(request, "Nothing was changed.", messages.WARNING)
                return None
            opts = modeladmin.model._meta
            context = {
                **modeladmin.admin_site.each_context(request),
                "title": title,
                "button": button,
                "explanation": explanation,
                "form": form,
                "opts": opts,
                "app_label": opts.app_label,
                "count": queryset.count(),
                "preview": list(_with_related(modeladmin, queryset)[:PREVIEW_ROWS]),
                "action_name": request.POST.get("action", ""),
                "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
                "select_across": request.POST.get("select_across", "0"),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/moderation/action_note.html", context)

        return action

    return decorator


def _with_related(modeladmin, queryset):
    related = modeladmin.list_select_related
    if isinstance(related, (list, tuple)) and related:
        return queryset.select_related(*related)
    return queryset
