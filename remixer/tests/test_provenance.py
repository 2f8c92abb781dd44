"""Signing and reading Content Credentials, and the keys they need."""

from __future__ import annotations

import io
import stat
from xml.etree import ElementTree

import c2pa
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID
from django.core.management import CommandError, call_command
from PIL import Image, ImageFile

from consent.usage import ai_usage
from remixer import provenance
from remixer.provenance import (
    ProvenanceInputError,
    provenance_read,
    provenance_sign,
    training_mining_entries,
    validate_training_mining,
)
from remixer.provenance_keys import CA_CERT, SIGNER_CHAIN, SIGNER_KEY, provenance_keys_create
from remixer.provenance_signals import embed_xmp
from remixer.tests.factories import c2pa_report, flip_one_byte, info, remix_jpeg

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "plus": "http://ns.useplus.org/ldf/xmp/1.0/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "Iptc4xmpExt": "http://iptc.org/std/Iptc4xmpExt/2008-02-29/",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
COMPOSITE = "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia"


def active(report: dict) -> dict:
    return report["manifests"][report["active_manifest"]]


def xmp_of(data: bytes) -> ElementTree.Element:
    packet = Image.open(io.BytesIO(data)).info["xmp"]
    return ElementTree.fromstring(packet).find(".//rdf:Description", NS)


# --- keys ------------------------------------------------------------------------------------


def test_provenance_init_is_idempotent(settings, tmp_path):
    settings.PROVENANCE_DIR = tmp_path / "keys"
    out = io.StringIO()
    call_command("provenance_init", stdout=out)
    assert "Made a provenance CA" in out.getvalue()
    first = {name: (tmp_path / "keys" / name).read_bytes() for name in (CA_CERT, SIGNER_KEY)}
    out = io.StringIO()
    call_command("provenance_init", stdout=out)
    assert "already exist" in out.getvalue()
    assert first == {name: (tmp_path / "keys" / name).read_bytes() for name in first}
    assert stat.S_IMODE((tmp_path / "keys" / SIGNER_KEY).stat().st_mode) == 0o600

    call_command("provenance_init", "--force", stdout=io.StringIO())
    assert (tmp_path / "keys" / SIGNER_KEY).read_bytes() != first[SIGNER_KEY]


def test_provenance_init_refuses_a_half_written_set(settings, tmp_path):
    settings.PROVENANCE_DIR = tmp_path
    provenance_keys_create(directory=tmp_path)
    (tmp_path / SIGNER_KEY).unlink()
    with pytest.raises(CommandError, match="only part"):
        call_command("provenance_init", stdout=io.StringIO())


def test_signer_certificate_is_issued_by_the_ca_with_the_c2pa_profile(provenance_dir):
    ca = x509.load_pem_x509_certificate((provenance_dir / CA_CERT).read_bytes())
    signer, chained_ca = x509.load_pem_x509_certificates(
        (provenance_dir / SIGNER_CHAIN).read_bytes()
    )
    assert chained_ca == ca
    signer.verify_directly_issued_by(ca)
    assert isinstance(signer.public_key(), ec.EllipticCurvePublicKey)
    assert signer.public_key().curve.name == "secp256r1"

    ca_basic = ca.extensions.get_extension_for_class(x509.BasicConstraints)
    assert ca_basic.critical and ca_basic.value.ca
    basic = signer.extensions.get_extension_for_class(x509.BasicConstraints)
    assert basic.critical and not basic.value.ca
    usage = signer.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature and not usage.value.key_cert_sign
    eku = signer.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.EMAIL_PROTECTION]
    aki = signer.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    ca_ski = ca.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    assert aki.key_identifier == ca_ski.digest
    assert signer.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)


# --- signing ---------------------------------------------------------------------------------


def test_signed_remix_is_trusted_with_actions_ingredient_and_our_assertion():
    signed = provenance_sign(jpeg=remix_jpeg(), info=info())
    report = c2pa_report(signed)
    assert report["validation_state"] == "Trusted"
    manifest = active(report)
    assert manifest["claim_generator_info"][0]["name"] == "Creator Hub"
    assert manifest["claim_generator_info"][0]["version"]
    assert manifest["signature_info"]["alg"] == "Es256"

    assertions = {a["label"]: a["data"] for a in manifest["assertions"]}
    actions = assertions["c2pa.actions.v2"]["actions"]
    assert [a["action"] for a in actions] == ["c2pa.opened", "c2pa.edited"]
    assert actions[1]["digitalSourceType"] == COMPOSITE
    assert assertions["com.creatorhub.remix"] == {
        "remix": "rmx123",
        "template": "caption",
        "scopes": ["caption"],
        "consent_seq": 7,
    }
    (poster,) = manifest["ingredients"]
    assert poster["relationship"] == "parentOf"
    assert poster["metadata"] == {
        "com.creatorhub.video": "vid456",
        "com.creatorhub.creator": "maya",
    }
    thumbnail = io.BytesIO()
    reader = c2pa.Reader("image/jpeg", io.BytesIO(signed), context=provenance._reader_context())
    with reader:
        reader.resource_to_stream(poster["thumbnail"]["identifier"], thumbnail)
    assert max(Image.open(thumbnail).size) == provenance.THUMBNAIL_LONG_EDGE

    credentials = provenance_read(data=signed)
    assert credentials.state == "trusted"
    assert (credentials.remix_id, credentials.video_id, credentials.creator) == (
        "rmx123",
        "vid456",
        "maya",
    )
    assert (credentials.template, credentials.scopes, credentials.consent_seq) == (
        "caption",
        ("caption",),
        7,
    )


TRAINING_ENTRIES = {
    "cawg.training-mining": {
        "cawg.ai_generative_training",
        "cawg.ai_training",
        "cawg.ai_inference",
        "cawg.data_mining",
    },
    "c2pa.training-mining": {
        "c2pa.ai_generative_training",
        "c2pa.ai_training",
        "c2pa.ai_inference",
        "c2pa.data_mining",
    },
}


@pytest.mark.parametrize(
    ("allowed", "companies", "use", "data_mining"),
    [
        # Not allowed: training, generative training, inference and data mining are all
        # notAllowed in C2PA, so the XMP says all data mining is prohibited (not only training).
        (False, [], "notAllowed", "DMI-PROHIBITED"),
        (True, [], "allowed", "DMI-ALLOWED"),
        (True, ["Acme AI"], "constrained", "DMI-PROHIBITED-SEECONSTRAINT"),
    ],
)
def test_training_preference_is_in_both_c2pa_labels_and_the_xmp(
    allowed, companies, use, data_mining
):
    usage = ai_usage(training_allowed=allowed, companies=companies)
    signed = provenance_sign(jpeg=remix_jpeg(), info=info(usage=usage))
    assertions = {a["label"]: a["data"] for a in active(c2pa_report(signed))["assertions"]}
    for label, keys in TRAINING_ENTRIES.items():
        entries = assertions[label]["entries"]
        assert set(entries) == keys
        assert {entry["use"] for entry in entries.values()} == {use}
        constraints = {entry.get("constraint_info") for entry in entries.values()}
        assert constraints == {"Allowed only for: Acme AI" if companies else None}
    credentials = provenance_read(data=signed)
    assert credentials.ai_training == use
    assert credentials.training["c2pa.ai_training"] == use

    xmp = xmp_of(signed)
    assert xmp.findtext("plus:DataMining", namespaces=NS) == (
        f"http://ns.useplus.org/ldf/vocab/{data_mining}"
    )
    assert xmp.findtext("photoshop:Credit", namespaces=NS) == "@maya via Creator Hub (AI remix)"
    assert xmp.findtext("Iptc4xmpExt:DigitalSourceType", namespaces=NS) == COMPOSITE
    # plus:OtherConstraints is a Lang Alt (rdf:Alt of one x-default rdf:li), only with a list.
    items = xmp.findall("plus:OtherConstraints/rdf:Alt/rdf:li", NS)
    if companies:
        assert [item.get(XML_LANG) for item in items] == ["x-default"]
        assert "Allowed only for: Acme AI" in items[0].text
    else:
        assert xmp.find("plus:OtherConstraints", NS) is None


@pytest.mark.parametrize(
    "entries",
    [
        {"cawg.ai_training": {"use": "maybe"}},
        {"cawg.ai_dreaming": {"use": "allowed"}},
        {"cawg.ai_training": {"use": "allowed", "note": "x"}},
        {"cawg.ai_training": {"use": "constrained"}},
        {"cawg.ai_training": {"use": "allowed", "constraint_info": "only Acme"}},
        {},
    ],
)
def test_training_mining_entries_outside_the_vocabulary_raise(entries):
    with pytest.raises(ValueError):
        validate_training_mining(entries)


def test_training_mining_entries_for_an_allow_list_name_the_companies():
    entries = training_mining_entries(
        ai_usage(training_allowed=True, companies=["Acme AI", "Beta"])
    )
    assert entries["cawg.ai_training"] == {
        "use": "constrained",
        "constraint_info": "Allowed only for: Acme AI, Beta",
    }


def test_embedding_xmp_replaces_an_existing_packet_and_keeps_jfif_first():
    jpeg = remix_jpeg()
    once = embed_xmp(jpeg, b"<x:xmpmeta xmlns:x='adobe:ns:meta/'>first</x:xmpmeta>")
    twice = embed_xmp(once, b"<x:xmpmeta xmlns:x='adobe:ns:meta/'>second</x:xmpmeta>")
    assert twice.count(b"http://ns.adobe.com/xap/1.0/\x00") == 1
    assert b"second" in twice and b"first" not in twice
    assert twice[2:4] == b"\xff\xe0"  # JFIF APP0 still leads
    assert Image.open(io.BytesIO(twice)).size == Image.open(io.BytesIO(jpeg)).size


def test_signing_without_keys_says_how_to_make_them(settings, tmp_path):
    settings.PROVENANCE_DIR = tmp_path / "nowhere"
    with pytest.raises(provenance.ProvenanceError, match="provenance_init"):
        provenance_sign(jpeg=remix_jpeg(), info=info())


# --- reading ---------------------------------------------------------------------------------


def test_one_changed_byte_is_tampered():
    signed = provenance_sign(jpeg=remix_jpeg(), info=info())
    credentials = provenance_read(data=flip_one_byte(signed))
    assert credentials.state == "tampered"
    assert "assertion.dataHash.mismatch" in credentials.failures


def test_an_image_from_elsewhere_has_no_credentials():
    assert provenance_read(data=remix_jpeg()).state == "none"
    png = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(png, "PNG")
    assert provenance_read(data=png.getvalue()).state == "none"


def test_a_file_signed_by_another_ca_is_untrusted(settings, tmp_path):
    trusted_dir = settings.PROVENANCE_DIR
    settings.PROVENANCE_DIR = tmp_path / "elsewhere"
    provenance_keys_create(directory=settings.PROVENANCE_DIR)
    signed_elsewhere = provenance_sign(jpeg=remix_jpeg(), info=info())
    assert provenance_read(data=signed_elsewhere).state == "trusted"  # by its own anchor

    settings.PROVENANCE_DIR = trusted_dir
    credentials = provenance_read(data=signed_elsewhere)
    assert credentials.state == "untrusted"
    assert credentials.failures == ("signingCredential.untrusted",)


def test_non_images_and_oversize_files_are_refused(settings):
    with pytest.raises(ProvenanceInputError) as refusal:
        provenance_read(data=b"%PDF-1.7 not an image")
    assert refusal.value.code == "invalid_image"
    with pytest.raises(ProvenanceInputError):
        provenance_read(data=b"")
    # Formats Pillow could parse but we never take in (TIFF here) are not handed to it.
    tiff = io.BytesIO()
    Image.new("RGB", (8, 8)).save(tiff, "TIFF")
    with pytest.raises(ProvenanceInputError, match="JPEG, PNG, GIF or WebP"):
        provenance_read(data=tiff.getvalue())
    settings.VERIFY_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(ProvenanceInputError) as refusal:
        provenance_read(data=remix_jpeg())
    assert refusal.value.code == "too_large"


def test_too_many_pixels_is_refused_without_decoding(settings, monkeypatch):
    settings.IMAGE_MAX_PIXELS = 100
    data = remix_jpeg()

    def no_decoding(self):
        raise AssertionError("the pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    with pytest.raises(ProvenanceInputError, match="pixels") as refusal:
        provenance_read(data=data)
    assert refusal.value.code == "too_large"


def test_signer_is_loaded_once_per_process():
    first = provenance._signer()
    provenance_sign(jpeg=remix_jpeg(), info=info())
    assert provenance._signer() is first


def test_threads_share_the_signer_and_reader_safely():
    from concurrent.futures import ThreadPoolExecutor

    jpeg = remix_jpeg()

    def sign_and_read(n: int) -> tuple[str, str | None]:
        signed = provenance_sign(jpeg=jpeg, info=info(remix_id=f"r{n}"))
        credentials = provenance_read(data=signed)
        return credentials.state, credentials.remix_id

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(sign_and_read, range(12)))
    assert results == [("trusted", f"r{n}") for n in range(12)]
