"""Machine-readable AI-use signals in a remix, all rendered from one `AIUsage`
(consent/usage.py): the training-mining entries of the C2PA manifest, under both the CAWG label
(`cawg.training-mining`) and the older C2PA 1.x label (`c2pa.training-mining`) that some readers
still know alone, and XMP (IPTC/PLUS data mining, credit line, digital source type).

- allowed: every C2PA entry (both labels) `allowed`; plus:DataMining DMI-ALLOWED.
- constrained: every entry `constrained`, "Allowed only for: A, B";
  DMI-PROHIBITED-SEECONSTRAINT, and the same in plus:OtherConstraints (a Lang Alt).
- notAllowed: every entry (training, generative training, inference, data mining)
  `notAllowed`; DMI-PROHIBITED (all data mining, AI/ML training included).

The XMP is written as an APP1 segment straight into the encoded bytes, so the JPEG is not
decoded and re-encoded (no quality loss, ~microseconds). c2pa keeps the segment when it signs.
"""

from __future__ import annotations

from collections.abc import Mapping
from xml.sax.saxutils import escape

from consent.usage import AIUsage, Training

COMPOSITE_AI = "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia"
XMP_HEADER = b"http://ns.adobe.com/xap/1.0/\x00"
PLUS_VOCAB = "http://ns.useplus.org/ldf/vocab/"
DMI_PROHIBITED = PLUS_VOCAB + "DMI-PROHIBITED"
DMI_ALLOWED = PLUS_VOCAB + "DMI-ALLOWED"
DMI_SEE_CONSTRAINT = PLUS_VOCAB + "DMI-PROHIBITED-SEECONSTRAINT"
MAX_SEGMENT = 65_533  # the 16-bit length counts itself

CAWG_TRAINING_LABEL = "cawg.training-mining"
C2PA_TRAINING_LABEL = "c2pa.training-mining"  # C2PA 1.x; removed in 2.0, still read by some
USES = ("ai_generative_training", "ai_training", "ai_inference", "data_mining")
TRAINING_LABELS = {
    CAWG_TRAINING_LABEL: tuple(f"cawg.{use}" for use in USES),
    C2PA_TRAINING_LABEL: tuple(f"c2pa.{use}" for use in USES),
}
TRAINING_MINING_KEYS = TRAINING_LABELS[CAWG_TRAINING_LABEL]
TRAINING_MINING_USES = ("allowed", "notAllowed", "constrained")


def constraint_text(usage: AIUsage) -> str:
    return "Allowed only for: " + ", ".join(usage.companies)


def training_mining_entries(usage: AIUsage, *, label: str = CAWG_TRAINING_LABEL) -> dict:
    """The entries of a training-mining assertion (`label`) for `usage`: every use (training,
    generative training, inference, data mining) says the same: allowed, notAllowed, or
    constrained naming the companies (the TDM reservation stays, as in the consent app)."""
    if usage.training == Training.CONSTRAINED:
        entry = {"use": "constrained", "constraint_info": constraint_text(usage)}
    else:
        entry = {"use": str(usage.training)}
    return validate_training_mining(
        {key: dict(entry) for key in TRAINING_LABELS[label]}, label=label
    )


def training_mining_assertions(usage: AIUsage) -> list[dict]:
    """Both training-mining assertions for a manifest, saying the same thing."""
    return [
        {"label": label, "data": {"entries": training_mining_entries(usage, label=label)}}
        for label in TRAINING_LABELS
    ]


def validate_training_mining(entries: Mapping, *, label: str = CAWG_TRAINING_LABEL) -> dict:
    """Check entries against the label's vocabulary (c2pa stores whatever it is given)."""
    if not isinstance(entries, Mapping) or not entries:
        raise ValueError(f"{label} needs at least one entry.")
    unknown = set(entries) - set(TRAINING_LABELS[label])
    if unknown:
        raise ValueError(f"Unknown {label} entries: {', '.join(sorted(unknown))}.")
    for key, entry in entries.items():
        if not isinstance(entry, Mapping) or set(entry) - {"use", "constraint_info"}:
            raise ValueError(f"{key}: an entry has 'use' and optionally 'constraint_info'.")
        if entry.get("use") not in TRAINING_MINING_USES:
            raise ValueError(f"{key}: use must be one of {', '.join(TRAINING_MINING_USES)}.")
        info = entry.get("constraint_info")
        if (entry["use"] == "constrained") != isinstance(info, str) or info == "":
            raise ValueError(f"{key}: constraint_info is required for constrained, and only then.")
    return {key: dict(entry) for key, entry in entries.items()}


def data_mining_value(usage: AIUsage) -> str:
    """The PLUS DataMining URI saying what the C2PA entries say. Not allowed covers inference
    and all data mining too, hence DMI-PROHIBITED rather than DMI-PROHIBITED-AIMLTRAINING; an
    allow-list keeps a reservation, with the companies in plus:OtherConstraints."""
    if usage.training == Training.ALLOWED:
        return DMI_ALLOWED
    if usage.training == Training.CONSTRAINED:
        return DMI_SEE_CONSTRAINT
    return DMI_PROHIBITED


def other_constraints(usage: AIUsage) -> str | None:
    if usage.training != Training.CONSTRAINED:
        return None
    return "Data mining and AI/ML training, generative training and inference: " + (
        constraint_text(usage)
    )


def xmp_packet(*, usage: AIUsage, creator: str) -> bytes:
    """The XMP packet: plus:DataMining (and plus:OtherConstraints as the Lang Alt the PLUS
    schema defines), the credit line and the digital source type."""
    properties = [
        f"<plus:DataMining>{escape(data_mining_value(usage))}</plus:DataMining>",
        f"<photoshop:Credit>{escape(f'@{creator} via Creator Hub (AI remix)')}</photoshop:Credit>",
        f"<Iptc4xmpExt:DigitalSourceType>{COMPOSITE_AI}</Iptc4xmpExt:DigitalSourceType>",
    ]
    constraints = other_constraints(usage)
    if constraints:
        properties.append(
            "<plus:OtherConstraints><rdf:Alt>"
            f'<rdf:li xml:lang="x-default">{escape(constraints)}</rdf:li>'
            "</rdf:Alt></plus:OtherConstraints>"
        )
    body = "\n   ".join(properties)
    packet = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:plus="http://ns.useplus.org/ldf/xmp/1.0/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/">
   {body}
  </rdf:Description>
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
