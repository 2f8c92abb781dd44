"""Admin pieces shared by the apps' admin modules: a read-only base, text-box list filters."""

from __future__ import annotations

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows to look at, never to add, change or delete here: their writes go through services
    (and, for consent, the ledger), so what admin shows is what the product did."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class TextInputFilter(admin.SimpleListFilter):
    """A text box instead of a list of choices: filtering by one of thousands of users must not
    load them all into the sidebar. Subclasses set `field_path` (an exact-match lookup)."""

    template = "admin/text_input_filter.html"
    field_path = ""
    max_length = 150

    def lookups(self, request, model_admin):
        return ()

    def has_output(self) -> bool:
        return True

    def cleaned_value(self) -> str:
        return (self.value() or "").strip().lstrip("@")[: self.max_length]

    def queryset(self, request, queryset):
        value = self.cleaned_value()
        if not value:
            return queryset
        return queryset.filter(**{self.field_path: value})

    def choices(self, changelist):
        # One entry for the template: the current value and the other parameters to keep.
        others = [
            (name, value)
            for name, values in changelist.params.items()
            if name != self.parameter_name
            for value in (values if isinstance(values, list) else [values])
        ]
        yield {
            "parameter_name": self.parameter_name,
            "value": self.cleaned_value(),
            "others": others,
            "clear_query_string": changelist.get_query_string(remove=[self.parameter_name]),
        }


def username_filter(*, field_path: str, parameter_name: str, title: str) -> type[TextInputFilter]:
    """A TextInputFilter matching a username (a leading @ is ignored)."""
    return type(
        f"{parameter_name.title().replace('_', '')}UsernameFilter",
        (TextInputFilter,),
        {"field_path": field_path, "parameter_name": parameter_name, "title": title},
    )
