from __future__ import annotations

from django.contrib.auth.forms import UserCreationForm

from creatorhub.accounts.models import User


class SignupForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")
        help_texts = {"username": "Your public handle: letters, digits and @/./+/-/_ only."}
