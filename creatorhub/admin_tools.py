"""Admin pieces shared by the apps' admin modules: a read-only base, text-box list filters, and
admins a higher app extends (moderation adds its columns to the remix, video and user admins)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IS_POPUP_VAR, ActionLocation
from django.db.models import Model, QuerySet
from django.http import HttpRequest


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


@dataclass(frozen=True)
class AdminColumn:
    """A changelist column another app adds. `display` takes the row's object, decorated with
    @admin.display like a ModelAdmin method; it is the admin's attribute `name`, so fieldsets
    and readonly_fields can name it too."""

    name: str
    display: Callable[[Any], object]
    before: str = ""  # the column it goes before; "" (or a column not shown) puts it last
    link: bool = False  # a link to the object's page, like list_display_links


@dataclass(frozen=True)
class AdminFilter:
    """A list filter another app adds: anything list_filter takes (a field name, a
    (field, filter class) pair, a SimpleListFilter class)."""

    list_filter: Any
    before: str = ""  # the filter (field name or parameter_name) it goes before; "" puts it last


@dataclass(frozen=True)
class AdminExtension:
    """What a higher app adds to a lower app's ExtensibleAdmin: the lower app shows and applies
    it without knowing what it means."""

    columns: Sequence[AdminColumn] = ()
    hidden_columns: Sequence[str] = ()  # the admin's own columns the extension makes room over
    filters: Sequence[AdminFilter] = ()
    # Admin actions `(modeladmin, request, queryset)` by the name the changelist posts.
    actions: Mapping[str, Callable] = field(default_factory=dict)
    # `has_<name>_permission(request)` checks for the actions' allowed_permissions.
    permissions: Mapping[str, Callable[[HttpRequest], bool]] = field(default_factory=dict)
    readonly_fields: Sequence[str] = ()  # columns also shown on an object's page
    fieldsets: Sequence[tuple[str | None, dict]] = ()  # sections added to an object's page
    # The annotations the columns, filters and orderings read; one query, whatever the rows.
    queryset: Callable[[QuerySet], QuerySet] | None = None
    stylesheets: Sequence[str] = ()  # static paths the columns' markup needs


ADMIN_EXTENSIONS: dict[type[Model], list[AdminExtension]] = {}


def admin_extension_register(model: type[Model], extension: AdminExtension) -> None:
    """Extend `model`'s ExtensibleAdmin; called from the extending app's AppConfig.ready()."""
    ADMIN_EXTENSIONS.setdefault(model, []).append(extension)


def _entry_key(entry: Any) -> str:
    if isinstance(entry, str):
        return entry
    if isinstance(entry, (tuple, list)):
        return entry[0]
    return getattr(entry, "parameter_name", None) or getattr(entry, "__name__", "")


def _placed(entries: Sequence[Any], entry: Any, before: str) -> list[Any]:
    keys = [_entry_key(existing) for existing in entries]
    at = keys.index(before) if before in keys else len(entries)
    return [*entries[:at], entry, *entries[at:]]


class ExtensibleAdmin(admin.ModelAdmin):
    """A ModelAdmin higher apps extend through admin_extension_register() instead of
    registering the model again: the extensions are read on every request, so they may be
    registered after the admin site is built."""

    def extensions(self) -> Sequence[AdminExtension]:
        # __dict__: also called from __getattr__, which must not recurse before __init__ ends.
        return ADMIN_EXTENSIONS.get(self.__dict__.get("model"), ())

    def __getattr__(self, name: str) -> Any:
        # Reached only when the class has no such attribute: the extensions' columns (named in
        # list_display, readonly_fields, fieldsets) and their actions' permission checks.
        if not name.startswith("_"):
            for extension in self.extensions():
                for column in extension.columns:
                    if column.name == name:
                        return column.display
                permission = name.removeprefix("has_").removesuffix("_permission")
                if name == f"has_{permission}_permission" and permission in extension.permissions:
                    return extension.permissions[permission]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def media(self) -> forms.Media:
        media = super().media
        stylesheets = [path for extension in self.extensions() for path in extension.stylesheets]
        return media + forms.Media(css={"all": stylesheets}) if stylesheets else media

    def get_list_display(self, request):
        hidden = {name for extension in self.extensions() for name in extension.hidden_columns}
        columns = [c for c in super().get_list_display(request) if _entry_key(c) not in hidden]
        for extension in self.extensions():
            for column in extension.columns:
                columns = _placed(columns, column.name, column.before)
        return columns

    def get_list_display_links(self, request, list_display):
        links = super().get_list_display_links(request, list_display)
        linked = [c.name for e in self.extensions() for c in e.columns if c.link]
        if links is None or not linked:
            return links
        wanted = {*links, *linked}
        return [column for column in list_display if column in wanted]

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        for extension in self.extensions():
            for extra in extension.filters:
                filters = _placed(filters, extra.list_filter, extra.before)
        return filters

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        for extension in self.extensions():
            if extension.queryset is not None:
                queryset = extension.queryset(queryset)
        return queryset

    def get_readonly_fields(self, request, obj=None):
        extra = [name for extension in self.extensions() for name in extension.readonly_fields]
        return (*super().get_readonly_fields(request, obj), *extra)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        extra = [section for extension in self.extensions() for section in extension.fieldsets]
        if obj is None or not extra:
            return fieldsets
        return [*fieldsets, *extra]

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        if self.actions is None or IS_POPUP_VAR in request.GET:
            return actions
        for extension in self.extensions():
            for name, func in extension.actions.items():
                action = self.get_action(func, action_location)
                if action is not None and self._may_run(request, func):
                    actions[name] = dataclasses.replace(action, name=name)
        return actions

    def _may_run(self, request, func: Callable) -> bool:
        # As ModelAdmin filters its own actions: any one of the listed permissions will do.
        permissions = getattr(func, "allowed_permissions", None)
        if permissions is None:
            return True
        return any(getattr(self, f"has_{p}_permission")(request) for p in permissions)
