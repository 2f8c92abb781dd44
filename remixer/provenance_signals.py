"""Machine-readable AI-use signals in a remix: CAWG training-mining entries for the C2PA
manifest, and XMP (IPTC/PLUS data-mining, credit line, digital source type).

The XMP is written as an APP1 segment straight into the encoded bytes, so the JPEG is not
decoded and re-encoded (no quality loss, ~microseconds). c2pa keeps the segment when it signs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING
from xml.sax.saxutils import quoteattr

if TYPE_CHECKING:
    from remixer.provenance import ProvenanceInfo

COMPOSITE_AI = "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia"
XMP_HEADER = b"http://ns.adobe.com/xap/1.0/\x00"
PLUS_VOCAB = "http://ns.useplus.org/ldf/vocab/"
DMI_PROHIBITED_TRAINING = PLUS_VOCAB + "DMI-PROHIBITED-AIMLTRAINING"
DMI_ALLOWED = PLUS_VOCAB + "DMI-ALLOWED"
DMI_SEE_CONSTRAINT = PLUS_VOCAB + "DMI-PROHIBITED-SEECONSTRAINT"
MAX_SEGMENT = 65_533  # the 16-bit length counts itself

TRAINING_MINING_KEYS = (
    "cawg.ai_generative_training",
    "cawg.ai_training",
    "cawg.ai_inference",
    "cawg.data_mining",
)
TRAINING_MINING_USES = ("allowed", "notAllowed", "constrained")


def training_mining_entries(*, allowed: bool, companies: Sequence[str] = ()) -> dict:
    """The cawg.training-mining entries for a creator's training preference.

    Not allowed: every use notAllowed. Allowed for everyone: allowed. Allowed only for named
    companies: constrained, naming them (the TDM reservation stays, as in the consent app)."""
    if not allowed:
        entry = {"use": "notAllowed"}
    elif companies:
        entry = {
            "use": "constrained",
            "constraint_info": "Allowed only for: " + ", ".join(companies),
        }
    else:
        entry = {"use": "allowed"}
    return validate_training_mining({key: dict(entry) for key in TRAINING_MINING_KEYS})


def validate_training_mining(entries: Mapping) -> dict:
    """Check entries against the CAWG vocabulary (c2pa stores whatever it is given)."""
    if not isinstance(entries, Mapping) or not entries:
        raise ValueError("cawg.training-mining needs at least one entry.")
    unknown = set(entries) - set(TRAINING_MINING_KEYS)
    if unknown:
        raise ValueError(f"Unknown cawg.training-mining entries: {', '.join(sorted(unknown))}.")
    for key, entry in entries.items():
        if not isinstance(entry, Mapping) or set(entry) - {"use", "constraint_info"}:
            raise ValueError(f"{key}: an entry has 'use' and optionally 'constraint_info'.")
        if entry.get("use") not in TRAINING_MINING_USES:
            raise ValueError(f"{key}: use must be one of {', '.join(TRAINING_MINING_USES)}.")
        info = entry.get("constraint_info")
        if (entry["use"] == "constrained") != isinstance(info, str) or info == "":
            raise ValueError(f"{key}: constraint_info is required for constrained, and only then.")
    return {key: dict(entry) for key, entry in entries.items()}


def data_mining_value(*, allowed: bool, companies: tuple[str, ...] | list[str] = ()) -> str:
    """The PLUS DataMining URI for a training preference (an allow-list keeps a reservation)."""
    if not allowed:
        return DMI_PROHIBITED_TRAINING
    return DMI_SEE_CONSTRAINT if companies else DMI_ALLOWED


def xmp_packet(info: ProvenanceInfo) -> bytes:
    properties = {
        "plus:DataMining": data_mining_value(
            allowed=info.training_allowed, companies=info.training_companies
        ),
        "photoshop:Credit": f"@{info.creator} via Creator Hub (AI remix)",
        "Iptc4xmpExt:DigitalSourceType": COMPOSITE_AI,
    }
    if info.training_allowed and info.training_companies:
        properties["plus:OtherConstraints"] = "AI/ML training allowed only for: " + ", ".join(
            info.training_companies
        )
    attributes = "\n    ".join(f"{name}={quoteattr(value)}" for name, value in properties.items())
    packet = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:plus="http://ns.useplus.org/ldf/xmp/1.0/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
    {attributes}/>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return packet.encode()


def embed_xmp(jpeg: bytes, packet: bytes) -> bytes:
    """`jpeg` with its XMP replaced by `packet`, placed after the leading APPn segments
    (JFIF stays first)."""
    if not jpeg.startswith(b"\xff\xd8"):
        raise ValueError("Not a JPEG: XMP can only be embedded in JPEG bytes.")
    body = XMP_HEADER + packet
    if len(body) + 2 > MAX_SEGMENT:
        raise ValueError("The XMP packet is too large for one APP1 segment.")
    kept = [b"\xff\xd8"]
    pos = 2
    while pos + 4 <= len(jpeg) and jpeg[pos] == 0xFF and 0xE0 <= jpeg[pos + 1] <= 0xEF:
        length = int.from_bytes(jpeg[pos + 2 : pos + 4], "big")
        if length < 2 or pos + 2 + length > len(jpeg):
            raise ValueError("Corrupt JPEG: an APP segment runs past the end of the file.")
        segment = jpeg[pos : pos + 2 + length]
        if not (jpeg[pos + 1] == 0xE1 and segment[4:].startswith(XMP_HEADER)):
            kept.append(segment)
        pos += 2 + length
    app1 = b"\xff\xe1" + (len(body) + 2).to_bytes(2, "big") + body
    return b"".join([*kept, app1, jpeg[pos:]])
