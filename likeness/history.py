"""Likeness entries on the person's consent history and its CSV (consent/history.py asks the
app that writes a payload key to describe it)."""

from __future__ import annotations

# A likeness consent in the words of the "My likeness" page (likeness/forms.py), and the two
# pairs only the API can set.
_LIKENESS_CHOICES = {
    ("never", True): "only in my own videos",
    ("ask", True): "also in others' videos when I allow it",
    ("allow", True): "also in any video whose creator allows it",
    ("never", False): "never, not even in my own videos",
    ("ask", False): "in others' videos when I allow it, not in my own",
    ("allow", False): "in others' videos whose creator allows it, not in my own",
}


def _describe_likeness_consent(consent: dict) -> str:
    key = (consent.get("others_videos"), consent.get("own_videos"))
    return _LIKENESS_CHOICES.get(key, f"{key[0]}, own videos {key[1]}")


def describe_likeness(change: dict) -> str:
    """A likeness entry's change (consent, a video allowed, biometric consent, enrolment)."""
    if consent := change.get("consent"):
        before = _describe_likeness_consent(consent["before"])
        after = _describe_likeness_consent(consent["after"])
        return f"Remixes showing my face: {before} → {after}"
    if allowance := change.get("allowance"):
        done = "allowed" if allowance.get("allowed") else "no longer allowed"
        return f"Remixes showing my face {done} in one video of someone else"
    if change.get("biometric", {}).get("given"):
        return "Consent to biometric processing of my face given"
    if change.get("enrolment") == "deleted":
        return (
            "Face enrolment deleted: embeddings, photos and matches removed, consent to "
            "biometric processing withdrawn"
        )
    return "Likeness consent changed"
