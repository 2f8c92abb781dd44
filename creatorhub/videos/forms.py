from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from creatorhub.videos.models import Video
from creatorhub.videos.selectors import DEFAULT_SORT, EXTRA_FILTERS, SORTS, LibraryFilter
from creatorhub.videos.services import parse_tag_names

SORT_LABELS = {
    "newest": "Newest first",
    "oldest": "Oldest first",
    "title": "Title A–Z",
    "-title": "Title Z–A",
    "longest": "Longest first",
}


class TagsField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "Comma-separated, e.g. travel, cooking")
        super().__init__(max_length=1000, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        try:
            return parse_tag_names(value or "")
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class LibraryFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Search")
    tag = forms.CharField(required=False, max_length=50)
    after = forms.DateField(required=False, label="From", widget=forms.DateInput({"type": "date"}))
    before = forms.DateField(required=False, label="To", widget=forms.DateInput({"type": "date"}))
    sort = forms.ChoiceField(
        required=False, choices=[(key, SORT_LABELS[key]) for key in SORTS], initial=DEFAULT_SORT
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for extra in EXTRA_FILTERS.values():
            self.fields[extra.name] = forms.ChoiceField(
                required=False, label=extra.label, choices=[("", "Any"), *extra.choices]
            )

    def extra_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in EXTRA_FILTERS]

    def to_filter(self) -> LibraryFilter:
        """The valid part of the filter; a bad field is dropped (and shown), never a 500."""
        data = (
            self.cleaned_data
            if self.is_valid()
            else {
                k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors
            }
        )
        return LibraryFilter(
            q=(data.get("q") or "").strip(),
            tag=(data.get("tag") or "").strip().lower(),
            created_after=data.get("after"),
            created_before=data.get("before"),
            sort=data.get("sort") or DEFAULT_SORT,
            extra=tuple((name, data[name]) for name in EXTRA_FILTERS if data.get(name)),
        )


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Video or poster image",
        help_text="MP4, MOV, WebM or MKV; or a JPEG, PNG, GIF or WebP still.",
    )
    title = forms.CharField(max_length=200, required=False, help_text="Defaults to the file name.")
    description = forms.CharField(
        widget=forms.Textarea({"rows": 3}), required=False, max_length=5000
    )
    tags = TagsField()
    visibility = forms.ChoiceField(
        choices=Video.Visibility.choices, initial=Video.Visibility.PUBLIC
    )


class VideoEditForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(
        widget=forms.Textarea({"rows": 4}), required=False, max_length=5000
    )
    tags = TagsField()
    visibility = forms.ChoiceField(choices=Video.Visibility.choices)
    created_at = forms.DateTimeField(
        label="Created",
        widget=forms.DateTimeInput({"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def clean_created_at(self) -> dt.datetime:
        value = self.cleaned_data["created_at"]
        if value > timezone.now() + dt.timedelta(days=1):
            raise forms.ValidationError("The creation date cannot be in the future.")
        return value


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Library file",
        help_text=(
            "CSV or JSON with title, description, tags, created_at; or a ZIP holding one of "
            "those plus the poster images its “poster” column names."
        ),
    )
