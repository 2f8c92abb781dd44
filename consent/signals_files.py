"""The site-wide signal files (robots.txt, tdmrep.json, ai.txt, ODRL policies), rendered from
each creator's AIUsage.

Training consent is an account-wide choice, and every public page and file of a creator also
lives under the creator's prefix /@<handle>/ (a remix under its source video's creator), so
each file has one rule per creator who allowed training, never one per video: their size
follows the number of opted-in creators, not the library. Everything not under an opted-in
creator's prefix is reserved, including the unscoped aliases (/v/…, /media/…, /remixes/…),
whose per-resource headers still carry the exact answer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Max, Q

from consent.crawlers import AI_CRAWLERS, COMPANIES, allowed_companies
from consent.models import CreatorPolicy
from consent.usage import AIUsage, Training, ai_usage

FORMAT_VERSION = "1"  # bump when the rendering below changes


def creator_prefix(handle: str) -> str:
    return f"/@{handle}/"


def creator_policy_path(handle: str) -> str:
    return f"/@{handle}/tdm-policy.jsonld"


SITE_POLICY_PATH = "/tdm-policy.jsonld"


@dataclass(frozen=True)
class Stamp:
    """What the signal files depend on, from one cheap aggregate: every consent change saves
    the creator's policy row (updated_at moves), so a change shows at the next request."""

    etag: str
    last_modified: dt.datetime


def signals_stamp() -> Stamp:
    figures = CreatorPolicy.objects.aggregate(
        changed=Max("updated_at"),
        opted_in=Count("pk", filter=Q(training_allowed=True)),
    )
    changed = figures["changed"] or dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    crawlers = ",".join(f"{c.token}={c.company}" for c in AI_CRAWLERS)
    digest = hashlib.sha256(
        f"{FORMAT_VERSION}|{changed.isoformat()}|{figures['opted_in']}|{crawlers}".encode()
    ).hexdigest()[:32]
    return Stamp(etag=f'"{digest}"', last_modified=changed.replace(microsecond=0))


def opted_in_creators() -> list[tuple[str, AIUsage]]:
    """(handle, usage) of every creator whose usage is not NOT_ALLOWED, by handle: one query."""
    rows = (
        CreatorPolicy.objects.filter(training_allowed=True)
        .order_by("creator__username")
        .values_list("creator__username", "training_companies")
    )
    return [
        (handle, ai_usage(training_allowed=True, companies=companies or ()))
        for handle, companies in rows
    ]


ROBOTS_HEADER = """\
# robots.txt for Creator Hub (RFC 9309), generated from each creator's AI-training choice.
# A creator's public pages and media are under /@<handle>/ (remixes under their source
# video's creator). AI crawlers may fetch only those of creators who allowed training for
# their company; everything else is disallowed for them. Search crawlers are not blocked.
# Content-Usage lines use the IETF AIPREF vocabulary (train-ai=y / train-ai=n).
# Per-resource answers: tdm-reservation, X-Robots-Tag and Content-Usage headers, and
# /api/v1/videos/<id>/consent.
"""


def robots_txt(creators: list[tuple[str, AIUsage]]) -> str:
    fully_open = [h for h, usage in creators if usage.training == Training.ALLOWED]
    lines = [ROBOTS_HEADER, "User-agent: *", "Content-Usage: train-ai=n"]
    lines += [f"Content-Usage: {creator_prefix(h)} train-ai=y" for h in fully_open]
    lines += ["Disallow: /admin/", ""]
    # One group per distinct set of allowed creators; companies sharing one share the group.
    handles_of = {company: [] for company in COMPANIES.values()}
    for handle, usage in creators:
        for company in allowed_companies(usage):
            handles_of[company].append(handle)
    groups: dict[tuple[str, ...], list[str]] = {}
    for crawler in AI_CRAWLERS:
        groups.setdefault(tuple(handles_of[crawler.company]), []).append(crawler.token)
    for handles, tokens in groups.items():
        lines += [f"User-agent: {token}" for token in tokens]
        lines.append("Content-Usage: train-ai=n")
        lines += [f"Content-Usage: {creator_prefix(h)} train-ai=y" for h in handles]
        # Allow lines first: parsers that take the first match (Python's) agree with the
        # longest-match rule of RFC 9309.
        lines += [f"Allow: {creator_prefix(h)}" for h in handles]
        lines += ["Disallow: /", ""]
    return "\n".join(lines)


def tdmrep_rules(creators: list[tuple[str, AIUsage]], absolute: Callable[[str], str]) -> list[dict]:
    """W3C TDMRep rules, first match wins: one per opted-in creator, then everything else."""
    rules = []
    for handle, usage in creators:
        rule = {"location": f"{creator_prefix(handle)}*", "tdm-reservation": int(usage.reserved)}
        if usage.reserved:
            rule["tdm-policy"] = absolute(creator_policy_path(handle))
        rules.append(rule)
    rules.append({"location": "/*", "tdm-reservation": 1, "tdm-policy": absolute(SITE_POLICY_PATH)})
    return rules


AI_TXT_HEADER = """\
# ai.txt (Spawning AI permissions) for Creator Hub, generated from each creator's choice.
# Media and pages under /@<handle>/ of creators who allowed AI training for every company
# are allowed; everything else is not. Company allow-lists: see /robots.txt.
# Per-resource answers: /api/v1/videos/<id>/consent, tdm-reservation and X-Robots-Tag headers.
"""


def ai_txt(creators: list[tuple[str, AIUsage]]) -> str:
    lines = [AI_TXT_HEADER, "User-Agent: *", "Allow: /api/v1/"]
    lines += [
        f"Allow: {creator_prefix(h)}" for h, usage in creators if usage.training == Training.ALLOWED
    ]
    lines += ["Disallow: /", ""]
    return "\n".join(lines)


ODRL_CONTEXT = ["http://www.w3.org/ns/odrl.jsonld", {"tdm": "http://www.w3.org/ns/tdmrep#"}]


def odrl_policy(usage: AIUsage, *, uid: str, target: str, assigner: str) -> dict:
    """The TDMRep policy (ODRL 2.2 JSON-LD, TDMRep profile) a usage amounts to: mining
    permitted to everyone, to the named companies only, or to no one."""
    policy = {
        "@context": ODRL_CONTEXT,
        "@type": "Offer",
        "profile": "http://www.w3.org/ns/tdmrep",
        "uid": uid,
        "assigner": assigner,
    }
    if usage.training == Training.ALLOWED:
        policy["permission"] = [{"target": target, "action": "tdm:mine"}]
    elif usage.training == Training.CONSTRAINED:
        policy["permission"] = [
            {"target": target, "action": "tdm:mine", "assignee": company}
            for company in usage.companies
        ]
        policy["prohibition"] = [{"target": target, "action": "tdm:mine"}]
        policy["conflict"] = "perm"  # the named companies' permission wins over the rest
    else:
        policy["prohibition"] = [{"target": target, "action": "tdm:mine"}]
    return policy
