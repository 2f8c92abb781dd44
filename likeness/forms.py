from __future__ import annotations

from django import forms

from likeness.models import LikenessProfile

# The page's choices, each a pair (others_videos, own_videos); the first is the default.
CHOICES = {
    "own": (LikenessProfile.OthersVideos.NEVER, True),
    "ask": (LikenessProfile.OthersVideos.ASK, True),
    "allow": (LikenessProfile.OthersVideos.ALLOW, True),
    "none": (LikenessProfile.OthersVideos.NEVER, False),
}
LABELS = {
    "own": "Only in my own videos, under my video consent (the default)",
    "ask": "Also in other people's videos, when I allow it video by video",
    "allow": "Also in any video whose creator allows it",
    "none": "Never, not even in my own videos",
}
PICK_ONE = "Choose one of the options."


def choice_of(profile: LikenessProfile) -> str:
    """The page's choice for a profile; "" for a pair only the API can set (ask, not own)."""
    pair = (profile.others_videos, profile.own_videos)
    return next((key for key, value in CHOICES.items() if value == pair), "")


class LikenessConsentForm(forms.Form):
    choice = forms.ChoiceField(
        label="Remixes showing my face",
        choices=list(LABELS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": PICK_ONE, "invalid_choice": PICK_ONE},
    )


class BiometricConsentForm(forms.Form):
    agree = forms.BooleanField(
        label=(
            "I consent to Creator Hub processing photos of my face to compute and keep face "
            "embeddings, to find my face in videos."
        ),
        error_messages={"required": "Tick the box to give your consent."},
    )
