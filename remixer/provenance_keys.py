"""Signing keys for Content Credentials: a local P-256 CA and an end-entity signer it issues.

c2pa refuses a self-signed end-entity certificate, so `provenance_keys_create` makes two:
a CA (the trust anchor verifiers are given) and a signing certificate with the extensions
the C2PA certificate profile asks for (digitalSignature, emailProtection EKU, AKI/SKI, CA:false).
Pure file + crypto code: no Django models, no network.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_CERT = "ca.pem"
CA_KEY = "ca-key.pem"
SIGNER_CHAIN = "signer-chain.pem"
SIGNER_KEY = "signer-key.pem"
ALL_FILES = (CA_CERT, CA_KEY, SIGNER_CHAIN, SIGNER_KEY)

CA_LIFETIME = dt.timedelta(days=3650)
SIGNER_LIFETIME = dt.timedelta(days=825)


class ProvenanceKeysError(Exception):
    """The key directory is unusable (half-written, unreadable); the message says what to do."""


@dataclass(frozen=True)
class KeysResult:
    directory: Path
    created: bool


def _name(common_name: str, organization: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
        ]
    )


def _key_usage(*, signing: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signing,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=not signing,
        crl_sign=not signing,
        encipher_only=False,
        decipher_only=False,
    )


def make_ca(
    common_name: str = "Creator Hub Provenance CA", organization: str = "Creator Hub"
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(common_name, organization)
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + CA_LIFETIME)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(signing=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def make_signer(
    ca_key: ec.EllipticCurvePrivateKey,
    ca_cert: x509.Certificate,
    common_name: str = "Creator Hub remix signer",
    organization: str = "Creator Hub",
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organization))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(min(now + SIGNER_LIFETIME, ca_cert.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(signing=True), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return key, cert


def cert_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _write(path: Path, data: bytes, *, secret: bool) -> None:
    """Write via a temporary file and rename, so a crash never leaves half a key behind."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if secret else 0o644)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def provenance_keys_create(*, directory: Path, force: bool = False) -> KeysResult:
    """Make the CA and signer in `directory`, unless they are all there already (idempotent).

    `force` replaces them (rotation): files signed before keep verifying only while verifiers
    still trust the old CA."""
    directory = Path(directory)
    present = [name for name in ALL_FILES if (directory / name).exists()]
    if len(present) == len(ALL_FILES) and not force:
        return KeysResult(directory, created=False)
    if present and not force:
        missing = sorted(set(ALL_FILES) - set(present))
        raise ProvenanceKeysError(
            f"{directory} holds only part of the provenance keys (missing {', '.join(missing)}); "
            "run provenance_init --force to make a new set."
        )
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    ca_key, ca_cert = make_ca()
    signer_key, signer_cert = make_signer(ca_key, ca_cert)
    _write(directory / CA_KEY, key_pem(ca_key), secret=True)
    _write(directory / SIGNER_KEY, key_pem(signer_key), secret=True)
    _write(directory / SIGNER_CHAIN, cert_pem(signer_cert) + cert_pem(ca_cert), secret=False)
    # The anchor last: its presence is what marks the set complete.
    _write(directory / CA_CERT, cert_pem(ca_cert), secret=False)
    return KeysResult(directory, created=True)


@dataclass(frozen=True)
class KeyPaths:
    cert_chain: Path
    key: Path
    trust_anchor: Path


def key_paths(settings) -> KeyPaths:
    """The configured files; each defaults to its file in PROVENANCE_DIR."""
    directory = Path(settings.PROVENANCE_DIR)
    return KeyPaths(
        cert_chain=Path(settings.PROVENANCE_CERT_CHAIN or directory / SIGNER_CHAIN),
        key=Path(settings.PROVENANCE_KEY or directory / SIGNER_KEY),
        trust_anchor=Path(settings.PROVENANCE_TRUST_ANCHOR or directory / CA_CERT),
    )
