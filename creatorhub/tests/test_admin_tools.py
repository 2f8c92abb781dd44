"""ExtensibleAdmin: what a higher app registers with admin_extension_register() shows up in the
lower app's admin, where it was asked to go, and nothing else changes."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.db.models import Value
from django.test import RequestFactory

from creatorhub import admin_tools
from creatorhub.admin_tools import (
    AdminColumn,
    AdminExtension,
    AdminFilter,
    ExtensibleAdmin,
    admin_extension_register,
)
from creatorhub.videos.models import Tag

pytestmark = pytest.mark.django_db


class TagAdmin(ExtensibleAdmin):
    list_display = ("name", "owner")
    list_display_links = ("name",)
    list_filter = ("owner", ("name", admin.AllValuesFieldListFilter))
    readonly_fields = ("owner",)
    fieldsets = ((None, {"fields": ("name", "owner")}),)


@admin.display(description="Shout", ordering="shout")
def shout(tag: Tag) -> str:
    return tag.name.upper()


class LongNameFilter(admin.SimpleListFilter):
    title = "long names"
    parameter_name = "long"

    def lookups(self, request, model_admin):
        return (("yes", "Long"),)

    def queryset(self, request, queryset):
        return queryset


@admin.action(description="Shout the tags", permissions=["shout"])
def shout_tags(modeladmin, request, queryset):
    return None


@pytest.fixture
def extensions(monkeypatch):
    """The registry, emptied for the test and put back after it."""
    monkeypatch.setattr(admin_tools, "ADMIN_EXTENSIONS", {})
    return admin_tools.ADMIN_EXTENSIONS


@pytest.fixture
def tag_admin(extensions) -> TagAdmin:
    return TagAdmin(Tag, AdminSite())


@pytest.fixture
def request_(admin_user):
    request = RequestFactory().get("/")
    request.user = admin_user
    return request


def test_without_extensions_the_admin_is_its_own(tag_admin, request_):
    assert tag_admin.get_list_display(request_) == ["name", "owner"]
    assert tag_admin.get_list_filter(request_) == list(TagAdmin.list_filter)
    assert list(tag_admin.get_actions(request_)) == ["delete_selected"]
    assert not hasattr(tag_admin, "shout")


def test_a_column_goes_where_it_is_asked_and_is_the_admins_attribute(tag_admin, request_):
    admin_extension_register(
        Tag,
        AdminExtension(
            columns=(
                AdminColumn("shout", shout, before="owner", link=True),
                AdminColumn("last", shout),  # no place asked for: last
                AdminColumn("nowhere", shout, before="no_such_column"),  # last too
            )
        ),
    )
    columns = tag_admin.get_list_display(request_)
    assert columns == ["name", "shout", "owner", "last", "nowhere"]
    assert tag_admin.get_list_display_links(request_, columns) == ["name", "shout"]
    assert tag_admin.shout is shout  # what list_display, readonly_fields and fieldsets name
    with pytest.raises(AttributeError):
        tag_admin.no_such_column  # noqa: B018


def test_an_extension_may_hide_a_column_of_the_admin(tag_admin, request_):
    admin_extension_register(
        Tag, AdminExtension(columns=(AdminColumn("shout", shout),), hidden_columns=("owner",))
    )
    assert tag_admin.get_list_display(request_) == ["name", "shout"]


def test_a_filter_goes_before_the_one_named(tag_admin, request_):
    admin_extension_register(
        Tag, AdminExtension(filters=(AdminFilter(LongNameFilter, before="name"),))
    )
    admin_extension_register(Tag, AdminExtension(filters=(AdminFilter("owner__is_staff"),)))
    assert tag_admin.get_list_filter(request_) == [
        "owner",
        LongNameFilter,
        TagAdmin.list_filter[1],
        "owner__is_staff",
    ]


def test_an_action_is_offered_by_its_name_to_those_its_permission_lets_in(tag_admin, request_):
    allowed = {"shout": True}
    admin_extension_register(
        Tag,
        AdminExtension(
            actions={"shout": shout_tags},
            permissions={"shout": lambda request: allowed["shout"]},
        ),
    )
    actions = tag_admin.get_actions(request_)
    assert list(actions) == ["delete_selected", "shout"]
    assert (actions["shout"].func, actions["shout"].description) == (shout_tags, "Shout the tags")
    allowed["shout"] = False
    assert list(tag_admin.get_actions(request_)) == ["delete_selected"]


def test_the_queryset_carries_the_extensions_annotations(tag_admin, request_):
    admin_extension_register(
        Tag, AdminExtension(queryset=lambda tags: tags.annotate(shout=Value("X")))
    )
    assert "shout" in tag_admin.get_queryset(request_).query.annotations


def test_an_objects_page_gets_the_readonly_fields_and_sections(tag_admin, request_, admin_user):
    admin_extension_register(
        Tag,
        AdminExtension(
            columns=(AdminColumn("shout", shout),),
            readonly_fields=("shout",),
            fieldsets=(("Loud", {"fields": ("shout",)}),),
        ),
    )
    tag = Tag.objects.create(owner=admin_user, name="cats")
    assert tag_admin.get_readonly_fields(request_, tag) == ("owner", "shout")
    assert tag_admin.get_fieldsets(request_, tag) == [
        *TagAdmin.fieldsets,
        ("Loud", {"fields": ("shout",)}),
    ]
    assert tag_admin.get_fieldsets(request_) == TagAdmin.fieldsets  # not on the add page


def test_an_extensions_stylesheets_come_with_the_admins_media(tag_admin):
    assert "shout.css" not in str(tag_admin.media)
    admin_extension_register(Tag, AdminExtension(stylesheets=("css/shout.css",)))
    assert '<link href="/static/css/shout.css" media="all" rel="stylesheet">' in str(
        tag_admin.media
    )
