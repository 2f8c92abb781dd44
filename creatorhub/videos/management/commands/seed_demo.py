from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from creatorhub.accounts.services import follow_set
from creatorhub.videos.demo import (
    demo_posters_ensure,
    demo_seeded,
    demo_speech_ensure,
    demo_user,
    demo_videos_ensure,
)

OTHER_CREATORS = ["maya", "leo", "sam", "ana", "kofi", "yuki", "omar", "lena"]
VIDEOS_PER_OTHER_CREATOR = 24


class Command(BaseCommand):
    help = "Create (or top up) the demo accounts and libraries. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--videos", type=int, default=500, help="Videos in demo's library.")
        parser.add_argument("--creators", type=int, default=3, help="Other creators besides demo.")

    def handle(self, *args, videos: int, creators: int, **options):
        if videos < 0 or creators < 0:
            raise CommandError("--videos and --creators must not be negative.")
        demo_posters_ensure()
        demo = demo_user(username="demo", password="demo", display_name="Demo Creator")
        # The spoken videos first: they count towards --videos.
        made = demo_speech_ensure(owner=demo) if videos else 0
        made += demo_videos_ensure(owner=demo, count=videos, seed="demo")
        viewer = demo_user(username="viewer", password="viewer", display_name="Demo Viewer")
        moderator = demo_user(
            username="moderator", password="moderator", display_name="Moderator", is_staff=True
        )
        group, _ = Group.objects.get_or_create(name="Moderators")
        moderator.groups.add(group)
        follow_set(follower=viewer, followed=demo, following=True)
        logins = [
            ("creator", "demo", videos),
            ("viewer", "viewer", 0),
            ("moderator", "moderator", 0),
        ]
        for index in range(creators):
            name = OTHER_CREATORS[index % len(OTHER_CREATORS)]
            if index >= len(OTHER_CREATORS):
                name = f"{name}{index // len(OTHER_CREATORS) + 1}"
            creator = demo_user(username=name, password=name, display_name=name.title())
            made += demo_videos_ensure(owner=creator, count=VIDEOS_PER_OTHER_CREATOR, seed=name)
            logins.append(("creator", name, VIDEOS_PER_OTHER_CREATOR))
        demo_seeded.send(sender=self.__class__, demo=demo, viewer=viewer, moderator=moderator)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready ({made:,} videos created this run).")
        )
        self.stdout.write("Log in as (password = username):")
        for role, username, count in logins:
            library = f", {count:,} videos" if count else ""
            self.stdout.write(f"  {username:<10} {role}{library}")
