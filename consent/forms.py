from __future__ import annotations

from django import forms

from consent.idsets import INHERIT
from consent.models import Audience
from consent.scopes import SCOPE_LABELS, SCOPES, scopes_to_mask
from consent.selection import Selection
from consent.services import PolicyChange
from creatorhub.videos.forms import LibraryFilterForm

SCOPE_CHOICES = [(name, SCOPE_LABELS[name]) for name in SCOPES]
REMIX_CHOICES = [
    ("allow", "Allow"),
    ("ask", "Ask me"),
    ("deny", "Don't allow"),
    (INHERIT, "Account default"),
]
# The account switch posts "0" / "1" (as before "ask me" existed) or "ask".
MODE_OF_SWITCH = {"0": "deny", "1": "allow", "ask": "ask"}


class ScopesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(choices=SCOPE_CHOICES, **kwargs)


class PolicyForm(forms.Form):
    remix_allowed = forms.TypedChoiceField(
        label="AI remixes of my videos",
        choices=[("0", "Not allowed"), ("1", "Allowed"), ("ask", "Ask me first")],
        coerce=MODE_OF_SWITCH.get,
        widget=forms.RadioSelect,
    )
    scopes = ScopesField(label="Kinds of remix")
    audience = forms.ChoiceField(label="Who may remix", choices=Audience.choices)
    training_allowed = forms.TypedChoiceField(
        label="AI training on my videos",
        choices=[("0", "Not allowed"), ("1", "Allowed")],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    training_companies = forms.CharField(
        label="Only these companies (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea({"rows": 2, "placeholder": "One per line"}),
        help_text="Leave empty to allow any AI company to train on your videos.",
    )
    clear_exceptions = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        if data.get("remix_allowed") in ("allow", "ask") and not data.get("scopes"):
            self.add_error("scopes", "Choose at least one kind of remix to allow.")
        return data

    def to_change(self) -> PolicyChange:
        data = self.cleaned_data
        return PolicyChange(
            remix_allowed=data["remix_allowed"] == "allow",
            remix_ask=data["remix_allowed"] == "ask",
            remix_scopes=scopes_to_mask(data["scopes"]),
            audience=data["audience"],
            training_allowed=data["training_allowed"],
            training_companies=[
                line for line in data["training_companies"].splitlines() if line.strip()
            ],
        )


class VideoConsentForm(forms.Form):
    remix = forms.ChoiceField(choices=REMIX_CHOICES)
    scopes = ScopesField()
    audience = forms.ChoiceField(
        choices=[("", "Account default"), *Audience.choices], required=False
    )
    inherit_details = forms.BooleanField(required=False)


class BulkForm(VideoConsentForm):
    """A consent change for selected videos, or for every video matching the library filter
    posted as filter_<name> fields (the library's own filter form validates them)."""

    select_all_matching = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        if data.get("select_all_matching"):
            library = LibraryFilterForm(
                {
                    k.removeprefix("filter_"): v
                    for k, v in self.data.items()
                    if k.startswith("filter_")
                }
            )
            if not library.is_valid():
                for name, errors in library.errors.items():
                    self.add_error(None, f"filter {name}: {' '.join(errors)}")
            self.library_filter = library.to_filter()
        return data

    def to_selection(self) -> Selection:
        """All matching the posted filter, or the rows ticked (`ids`)."""
        if self.cleaned_data["select_all_matching"]:
            return Selection.matching(self.library_filter)
        return Selection.parse(ids=self.data.getlist("ids"))
