from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from creatorhub.accounts.models import ApiToken, User
from creatorhub.accounts.tokens import api_token_create


class Command(BaseCommand):
    help = (
        "Create an API token for USERNAME and print only the token. Without --scope it has full "
        "access (read and write)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="Command-line token")
        parser.add_argument(
            "--scope",
            action="append",
            dest="scopes",
            choices=ApiToken.Scope.values,
            help="repeat for several; default: read and write",
        )
        parser.add_argument(
            "--expires-days", type=int, default=None, help="expire after this many days"
        )

    def handle(self, *args, username: str, name: str, scopes, expires_days, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        try:
            _, token = api_token_create(
                user=user, name=name, scopes=scopes, expires_in_days=expires_days
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(token)
