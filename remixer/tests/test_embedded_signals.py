"""The AI-use signals embedded in published remixes, read with third-party tools: ExifTool
validates the XMP, c2pa-python's Reader reads both training-mining labels."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from consent import services as consent_services
from consent.tests.factories import policy
from remixer.tests.factories import c2pa_report, make_postered_video, rendered_remix

pytestmark = pytest.mark.django_db

PLUS_VOCAB = "http://ns.useplus.org/ldf/vocab/"
STATES = [
    # (training, companies, C2PA use, plus:DataMining, plus:OtherConstraints)
    (False, (), "notAllowed", "DMI-PROHIBITED", None),
    (True, (), "allowed", "DMI-ALLOWED", None),
    (
        True,
        ("Acme AI", "Beta Labs"),
        "constrained",
        "DMI-PROHIBITED-SEECONSTRAINT",
        "Data mining and AI/ML training, generative training and inference: "
        "Allowed only for: Acme AI, Beta Labs",
    ),
]


@pytest.fixture(scope="module")
def exiftool() -> str:
    found = shutil.which("exiftool")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("exiftool is missing: `make test` installs it (libimage-exiftool-perl).")
        pytest.skip("exiftool is not installed (scripts/ensure-packages.sh exiftool)")
    return found


def c2pa_training(data: bytes) -> dict[str, dict]:
    """label → entries of every training-mining assertion, as c2pa-python's Reader shows them."""
    report = c2pa_report(data)
    assert report["validation_state"] == "Trusted", report.get("validation_status")
    manifest = report["manifests"][report["active_manifest"]]
    return {
        item["label"]: item["data"]["entries"]
        for item in manifest["assertions"]
        if item["label"].endswith("training-mining")
    }


def exif_read(exiftool: str, path, *args: str) -> tuple[dict, str]:
    run = subprocess.run(
        [exiftool, "-j", "-a", *args, str(path)], capture_output=True, text=True, check=True
    )
    return json.loads(run.stdout)[0], run.stderr


@pytest.mark.parametrize(("training", "companies", "use", "data_mining", "constraints"), STATES)
def test_published_remix_says_the_creators_choice_to_exiftool_and_c2pa(
    exiftool, tmp_path, creator, viewer, training, companies, use, data_mining, constraints
):
    consent_services.consent_set_policy(
        creator=creator,
        actor=creator,
        change=policy(training=training, companies=companies),
    )
    video = make_postered_video(creator, title="Pier at dusk")
    _, signed = rendered_remix(viewer, video)
    path = tmp_path / "remix.jpg"
    path.write_bytes(signed)

    # exiftool -validate -warning -a: no warning at all (the OtherConstraints list type
    # included; a plain string there is "Fixed incorrect list type").
    validation, stderr = exif_read(exiftool, path, "-validate", "-warning")
    assert validation["Validate"] == "OK", validation
    assert "Warning" not in validation and not stderr.strip(), (validation, stderr)

    tags, _ = exif_read(exiftool, path, "-XMP:all", "-n")
    assert tags["DataMining"] == PLUS_VOCAB + data_mining
    if constraints:
        assert tags["OtherConstraints"] == constraints
    else:
        assert "OtherConstraints" not in tags
    assert tags["Credit"] == f"@{creator.username} via Creator Hub (AI remix)"

    labels = c2pa_training(signed)
    assert set(labels) == {"cawg.training-mining", "c2pa.training-mining"}
    for label, entries in labels.items():
        prefix = label.split(".", 1)[0]
        assert set(entries) == {
            f"{prefix}.{name}"
            for name in ("ai_training", "ai_generative_training", "ai_inference", "data_mining")
        }
        assert {entry["use"] for entry in entries.values()} == {use}
