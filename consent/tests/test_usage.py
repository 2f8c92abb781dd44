from __future__ import annotations

from consent.usage import NOT_ALLOWED, AIUsage, Training, ai_usage


def test_training_choice_maps_to_one_usage():
    assert ai_usage(training_allowed=False, companies=["Acme"]) == NOT_ALLOWED
    assert ai_usage(training_allowed=True) == AIUsage(Training.ALLOWED)
    constrained = ai_usage(training_allowed=True, companies=["Acme", "Bee"])
    assert constrained == AIUsage(Training.CONSTRAINED, ("Acme", "Bee"))
    assert ai_usage(training_allowed=True, public=False) == NOT_ALLOWED


def test_reservation_and_companies():
    assert NOT_ALLOWED.reserved and not NOT_ALLOWED.allows("Acme")
    assert not AIUsage(Training.ALLOWED).reserved and AIUsage(Training.ALLOWED).allows("Acme")
    constrained = AIUsage(Training.CONSTRAINED, ("Acme",))
    assert constrained.reserved and constrained.allows("Acme") and not constrained.allows("Bee")
