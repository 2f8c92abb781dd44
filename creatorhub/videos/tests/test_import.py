from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from creatorhub.videos import imports
from creatorhub.videos.models import Video, VideoImport
from creatorhub.videos.tests.factories import image_bytes

pytestmark = pytest.mark.django_db
URL = reverse("videos:import")


def stage(client, name: str, content: bytes):
    return client.post(URL, {"file": SimpleUploadedFile(name, content)})


def test_csv_preview_then_commit(creator_client, creator):
    csv_text = (
        "title,description,tags,created_at,extra\n"
        'Morning run,By the river,"running, outdoors",2024-05-01,x\n'
        "Bread,,cooking,2023-01-02T08:30:00Z,y\n"
    )
    response = stage(creator_client, "library.csv", csv_text.encode())
    assert response.status_code == 302
    staged = VideoImport.objects.get(owner=creator)
    preview = creator_client.get(response.url)
    assert "2</strong> valid rows" in preview.text
    assert "Ignored columns: extra" in preview.text
    assert not Video.objects.exists()  # nothing until confirmed

    commit = creator_client.post(response.url)
    assert commit.status_code == 302
    videos = {v.title: v for v in Video.objects.filter(owner=creator).prefetch_related("tags")}
    assert set(videos) == {"Morning run", "Bread"}
    assert sorted(t.name for t in videos["Morning run"].tags.all()) == ["outdoors", "running"]
    assert videos["Bread"].created_at.isoformat() == "2023-01-02T08:30:00+00:00"
    staged.refresh_from_db()
    assert staged.status == VideoImport.Status.COMMITTED
    # Committing twice does not import twice.
    creator_client.post(response.url)
    assert Video.objects.count() == 2


def test_errors_are_listed_per_row_and_nothing_is_imported(creator_client, creator):
    csv_text = "title,tags,created_at\nGood,a,2024-01-01\n,b,2024-01-01\nBad date,c,yesterday\n"
    response = stage(creator_client, "library.csv", csv_text.encode())
    preview = creator_client.get(response.url)
    assert "<td>3</td><td>title</td><td>is required</td>" in preview.text
    assert "<td>4</td><td>created_at</td>" in preview.text
    assert "Nothing can be imported" in preview.text
    creator_client.post(response.url)
    assert not Video.objects.exists()


def test_json_import_thousands_of_rows_in_one_go(
    creator_client, creator, django_assert_max_num_queries
):
    rows = [{"title": f"Clip {n}", "tags": ["bulk", f"t{n % 7}"]} for n in range(3000)]
    response = stage(creator_client, "library.json", json.dumps({"videos": rows}).encode())
    staged = VideoImport.objects.get(owner=creator)
    assert staged.row_count == 3000
    with django_assert_max_num_queries(20):
        count = imports.import_commit(staged=staged)
    assert count == 3000
    assert Video.objects.filter(owner=creator, tags__name="bulk").count() == 3000
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("x.json", b"{not json", "The JSON is malformed"),
        ("x.csv", b"name,when\nfoo,bar\n", "needs a header row"),
        ("x.csv", b"\xff\xfe\x00garbage", "not UTF-8"),
        ("x.json", b"[]", "no rows"),
        ("x.json", b"[1, 2]", "Item 1 is not an object"),
        ("x.zip", b"PK\x03\x04broken", "ZIP file is corrupt"),
    ],
)
def test_unreadable_files_get_a_clear_error(creator_client, name, content, message):
    response = stage(creator_client, name, content)
    assert response.status_code == 400
    assert message in response.text
    assert not VideoImport.objects.exists()


@pytest.mark.parametrize("content", [b"[" * 50_000, b'{"videos": ' * 50_000])
def test_deeply_nested_json_is_a_clear_error_not_a_500(creator_client, content):
    response = stage(creator_client, "x.json", content)
    assert response.status_code == 400
    assert "nested too deeply" in response.text
    assert not VideoImport.objects.exists()


def test_row_limit(creator_client, settings):
    settings.IMPORT_MAX_ROWS = 5
    response = stage(creator_client, "x.json", json.dumps([{"title": "a"}] * 6).encode())
    assert response.status_code == 400
    assert "at most 5" in response.text


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_zip_with_posters(creator_client, creator, django_capture_on_commit_callbacks):
    content = zip_bytes(
        {
            "library.csv": b"title,poster\nWith poster,img/a.png\nNo poster,\n",
            "img/a.png": image_bytes(size=(1600, 900)),
        }
    )
    response = stage(creator_client, "export.zip", content)
    staged = VideoImport.objects.get(owner=creator)
    assert staged.poster_count == 1
    with django_capture_on_commit_callbacks() as callbacks:
        creator_client.post(response.url)
    assert len(callbacks) == 1
    imports.import_posters_process(import_id=str(staged.id))
    with_poster = Video.objects.get(title="With poster")
    assert with_poster.poster and with_poster.thumbnail
    assert not Video.objects.get(title="No poster").poster
    staged.refresh_from_db()
    assert staged.posters_done == 1
    progress = creator_client.get(reverse("videos:import_progress", args=[staged.id]))
    assert progress.status_code == 286


def test_zip_poster_problems_are_row_errors(creator_client, creator):
    content = zip_bytes(
        {
            "library.csv": b"title,poster\nA,missing.png\nB,../escape.png\nC,notes.txt\n",
            "notes.txt": b"hello",
        }
    )
    response = stage(creator_client, "export.zip", content)
    preview = creator_client.get(response.url).text
    assert "is not in the ZIP" in preview
    assert "must be a path inside the ZIP" in preview
    assert "is not a JPEG, PNG, GIF or WebP image" in preview


def test_poster_column_without_zip_is_an_error(creator_client):
    response = stage(creator_client, "x.csv", b"title,poster\nA,a.png\n")
    assert "poster paths need a ZIP upload" in creator_client.get(response.url).text


def test_someone_elses_import_is_404(creator_client, other_client, creator):
    response = stage(creator_client, "x.csv", b"title\nA\n")
    assert other_client.get(response.url).status_code == 404
    assert other_client.post(response.url).status_code == 404
    assert not Video.objects.exists()
