"""Media serving: the access check sees the path that is served. Every spelling of a hidden
file (dot segments, percent-encoded dots and slashes, double slashes, backslashes) is 404."""

from __future__ import annotations

import http.client
import threading
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from consent.tests.factories import policy
from creatorhub.videos.models import Video
from remixer.models import Remix
from remixer.tests.factories import allow, make_postered_video, rendered_remix

pytestmark = pytest.mark.django_db


def spellings(name: str) -> list[str]:
    """Ways to name media file `name` (folder/rest) other than /media/<name>."""
    folder, rest = name.split("/", 1)
    return [
        f"/media/./{name}",
        f"/media/x/../{name}",
        f"/media/{folder}/./{rest}",
        f"/media/{folder}/x/../{rest}",
        f"/media/%2e/{name}",
        f"/media/%2E/{name}",
        f"/media/x/%2e%2e/{name}",
        f"/media/x/%2E%2E/{name}",
        f"/media/x%2f..%2f{name}",
        f"/media/x%2F%2e%2e%2F{name}",
        f"/media/.%2f{name}",
        f"/media//{name}",
        f"/media/{folder}//{rest}",
        f"/media/{name}/",
        f"/media/x\\..\\{name}",
        f"/media/x%5c..%5c{name}",
        f"/media/.\\{name}",
        f"/media/{folder.upper()}/{rest}",
        f"/media/{name}%00",
        f"/media/{name}%2500",
    ]


# A NUL in a URL is refused (400) by the middleware before any view; every other spelling is 404.
REFUSED = {400, 404}


@pytest.fixture
def hidden_remix(creator, viewer):
    """A remix whose file is still on disk but which is not published (held)."""
    allow(creator)
    remix, _ = rendered_remix(viewer, make_postered_video(creator))
    Remix.objects.filter(id=remix.id).update(status=Remix.Status.HELD)
    return remix


@pytest.fixture
def private_video(creator):
    video = make_postered_video(creator, visibility=Video.Visibility.PRIVATE)
    video.thumbnail.save(f"{video.public_id}.jpg", ContentFile(b"thumb"), save=False)
    video.original.save(f"{video.public_id}.mp4", ContentFile(b"original"), save=False)
    video.save()
    return video


def test_a_published_remix_is_served_and_a_hidden_one_is_not(anon_client, hidden_remix):
    name = hidden_remix.output.name
    assert default_storage.exists(name)
    assert anon_client.get(f"/media/{name}").status_code == 404
    Remix.objects.filter(id=hidden_remix.id).update(status=Remix.Status.PUBLISHED)
    assert anon_client.get(f"/media/{name}").status_code == 200


def test_no_spelling_of_a_hidden_remix_file_is_served(
    anon_client, viewer_client, creator_client, hidden_remix
):
    for client in (anon_client, viewer_client, creator_client):
        for path in spellings(hidden_remix.output.name):
            assert client.get(path).status_code in REFUSED, path


def test_no_spelling_of_a_published_remix_file_is_served_either(anon_client, hidden_remix):
    """Only the canonical path serves: a check that normalised instead could still be fooled."""
    Remix.objects.filter(id=hidden_remix.id).update(status=Remix.Status.PUBLISHED)
    for path in spellings(hidden_remix.output.name):
        assert anon_client.get(path).status_code in REFUSED, path


@pytest.mark.parametrize("field", ["poster", "thumbnail", "original"])
def test_a_private_videos_files_only_for_its_creator(
    anon_client, other_client, viewer_client, creator_client, private_video, field
):
    name = getattr(private_video, field).name
    assert creator_client.get(f"/media/{name}").status_code == 200
    for client in (anon_client, other_client, viewer_client):
        assert client.get(f"/media/{name}").status_code == 404
        for path in spellings(name):
            assert client.get(path).status_code in REFUSED, path
    for path in spellings(name):
        assert creator_client.get(path).status_code in REFUSED, path


def test_a_public_videos_poster_is_served(anon_client, creator, private_video):
    Video.objects.filter(id=private_video.id).update(visibility=Video.Visibility.PUBLIC)
    assert anon_client.get(private_video.poster.url).status_code == 200


def test_files_nothing_refers_to_are_not_served(anon_client):
    name = default_storage.save("posters/2026/01/orphan.jpg", ContentFile(b"x"))
    assert anon_client.get(f"/media/{name}").status_code == 404
    assert anon_client.get("/media/remixes/nothing/v1.jpg").status_code == 404
    assert anon_client.get("/media/remixes/x").status_code == 404


def test_shared_demo_posters_are_still_served(anon_client):
    name = default_storage.save("seed/posters/shared-x.jpg", ContentFile(b"x"))
    assert anon_client.get(f"/media/{name}").status_code == 200
    assert anon_client.get(f"/media/./{name}").status_code == 404


@pytest.fixture
def wsgi_server():
    """The project's WSGI application behind a real HTTP server (live_server would answer
    /media/ itself, bypassing the view)."""
    from django.core.wsgi import get_wsgi_application

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args) -> None:
            pass

    server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address
    server.shutdown()
    server.server_close()


def raw_get(address, path: str) -> int:
    connection = http.client.HTTPConnection(*address, timeout=10)
    try:
        connection.putrequest("GET", path, skip_host=False, skip_accept_encoding=True)
        connection.endheaders()
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_raw_request_lines_over_http(wsgi_server, creator, viewer):
    """Paths exactly as sent on the wire, with no client normalising them first."""
    from consent import services as consent_services

    consent_services.consent_set_policy(creator=creator, actor=creator, change=policy())
    remix, _ = rendered_remix(viewer, make_postered_video(creator))
    name = remix.output.name
    assert raw_get(wsgi_server, f"/media/{name}") == 200
    Remix.objects.filter(id=remix.id).update(status=Remix.Status.HELD)
    for path in [f"/media/{name}", *spellings(name)]:
        assert raw_get(wsgi_server, path) in {400, 404}, path
