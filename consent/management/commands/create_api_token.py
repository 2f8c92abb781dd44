from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from consent.tokens import api_token_create
from creatorhub.accounts.models import User


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print only the token."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="Command-line token")

    def handle(self, *args, username: str, name: str, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        try:
            _, token = api_token_create(user=user, name=name)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(token)
