"""Readable views of the ledger: the export rows, and one video's timeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from consent.idsets import INHERIT, VideoState, ranges_contain
from consent.ledger import DEFAULT_POLICY, entries_until, entry_groups, policy_as_of
from consent.models import LedgerEntry
from consent.scopes import mask_to_names
from creatorhub.accounts.models import User
from creatorhub.videos.models import Video


def ledger_rows(*, creator: User, seqs: list[int] | None = None) -> Iterator[dict]:
    """The creator's chain (or the `seqs` of it), oldest first, as plain data."""
    entries = LedgerEntry.objects.filter(creator=creator).select_related("actor").order_by("seq")
    if seqs is not None:
        entries = entries.filter(seq__in=seqs)
    for entry in entries.iterator(chunk_size=500):
        policy = entry.payload.get("policy") or {}
        yield {
            "seq": entry.seq,
            "created_at": entry.created_at.isoformat(),
            "action": entry.action,
            "what": describe_entry(entry),
            "videos": affected_videos(entry),
            "actor": entry.actor.username if entry.actor else None,
            "reason": entry.reason,
            "affected": entry.affected,
            "selection": entry.payload.get("selection", {}),
            "policy_before": policy.get("before"),
            "policy_after": policy.get("after"),
            "changes": entry.payload.get("changes", []),
            "before": entry.payload.get("before", []),
            "prev_hash": entry.prev_hash,
            "hash": entry.hash,
        }


def with_kind_names(value):
    """A ledger value with every remix-kind bit mask ("remix_scopes", "scopes") as names."""
    if isinstance(value, list):
        return [with_kind_names(item) for item in value]
    if not isinstance(value, dict):
        return value
    return {
        key: mask_to_names(item)
        if key in {"remix_scopes", "scopes"} and isinstance(item, int)
        else with_kind_names(item)
        for key, item in value.items()
    }


def describe_policy(policy: dict) -> str:
    kinds = ", ".join(mask_to_names(policy["remix_scopes"]))
    if policy["remix_allowed"]:
        return f"allowed ({kinds}; {policy['audience']})"
    if policy.get("remix_ask"):
        return f"ask me ({kinds}; {policy['audience']})"
    return "not allowed"


def _describe_rules(rules: dict) -> str:
    phrases = len(rules.get("blocked_phrases") or [])
    categories = ", ".join(rules.get("blocked_categories") or [])
    parts = [f"{phrases} blocked phrase{'s' if phrases != 1 else ''}"]
    if categories:
        parts.append(f"no {categories}")
    return "; ".join(parts)


def _describe_kinds(policy: dict) -> str:
    kinds = ", ".join(mask_to_names(policy["remix_scopes"])) or "none"
    return f"{kinds}; {policy['audience']}"


def _describe_training(policy: dict) -> str:
    if not policy["training_allowed"]:
        return "not allowed"
    companies = policy.get("training_companies") or []
    return f"allowed ({', '.join(companies)})" if companies else "allowed (any company)"


def describe_policy_change(before: dict, after: dict) -> list[str]:
    """What an account-switch change did, in words: "Remixes: not allowed → allowed (…)"."""
    parts = []
    if describe_policy(before) != describe_policy(after):
        parts.append(f"Remixes: {describe_policy(before)} → {describe_policy(after)}")
    elif _describe_kinds(before) != _describe_kinds(after):
        # Kept while remixes are off, for the day they are allowed again.
        parts.append(f"When allowed: {_describe_kinds(before)} → {_describe_kinds(after)}")
    if _describe_training(before) != _describe_training(after):
        parts.append(f"AI training: {_describe_training(before)} → {_describe_training(after)}")
    if _describe_rules(before) != _describe_rules(after):
        parts.append(f"Content rules: {_describe_rules(before)} → {_describe_rules(after)}")
    return parts


def describe_state(state: VideoState, policy: dict) -> str:
    if state.remix == INHERIT:
        return f"account default — {describe_policy(policy)}"
    if state.remix == "deny":
        return "not allowed for this video"
    scopes = state.scopes if state.scopes is not None else policy["remix_scopes"]
    audience = state.audience or policy["audience"]
    mode = "ask me" if state.remix == "ask" else "allowed"
    return f"{mode} for this video ({', '.join(mask_to_names(scopes))}; {audience})"


def _describe_override(state: VideoState) -> str:
    if state.remix == INHERIT:
        return "account default"
    if state.remix == "deny":
        return "not allowed"
    kinds = ", ".join(mask_to_names(state.scopes)) if state.scopes is not None else "account kinds"
    mode = "ask me" if state.remix == "ask" else "allowed"
    return f"{mode} ({kinds}; {state.audience or 'account audience'})"


# Ledger payload keys that apps above consent write (likeness: "likeness"), each described in
# words by the app that writes it; registered from its AppConfig.ready().
_PAYLOAD_DESCRIBERS: dict[str, Callable[[dict], str]] = {}


def payload_describer_register(key: str, describe: Callable[[dict], str]) -> None:
    _PAYLOAD_DESCRIBERS[key] = describe


def describe_entry(entry: LedgerEntry) -> str:
    """One ledger entry, before → after, in words, as the history page and the CSV show it."""
    parts = []
    if entry.payload.get("policy"):
        parts += describe_policy_change(
            entry.payload["policy"]["before"], entry.payload["policy"]["after"]
        )
    after = entry_groups(entry, "changes")
    if after:
        before = ", ".join(
            dict.fromkeys(
                _describe_override(group.state) for group in entry_groups(entry, "before")
            )
        )
        parts.append(
            f"Videos: {before or 'account default'} → {_describe_override(after[0].state)}"
        )
    if rules := entry.payload.get("video_rules"):
        parts.append(
            f"A video's own content rules: {_describe_rules(rules['before'])} → "
            f"{_describe_rules(rules['after'])}"
        )
    if decisions := entry.payload.get("decisions"):
        approved, declined = len(decisions["approved"]), len(decisions["declined"])
        parts.append(f"Remix requests: {approved} approved, {declined} declined")
    if people := entry.payload.get("people"):
        added, removed = len(people.get("added", [])), len(people.get("removed", []))
        withdrawn = ", their remixes withdrawn" if people.get("withdraw") else ""
        parts.append(f"People I approve: {added} added, {removed} removed{withdrawn}")
    for key, describe in _PAYLOAD_DESCRIBERS.items():
        if change := entry.payload.get(key):
            parts.append(describe(change))
    text = "; ".join(parts) or "No change"
    if entry.action == LedgerEntry.Action.UNDO:
        return f"Undo of #{entry.payload['undoes']}: {text}"
    return text


def affected_videos(entry: LedgerEntry) -> int | None:
    """Videos an entry governs: the ones it changed, or for an account switch, the ones that
    followed the account default then (None for entries made before that was recorded)."""
    if entry.payload.get("policy") and not entry.affected:
        return entry.payload.get("inheriting")
    return entry.affected


@dataclass(frozen=True)
class HistoryRow:
    seq: int
    at: dt.datetime
    action: str
    actor: str
    reason: str
    before: str
    after: str


def video_history(*, video: Video) -> list[HistoryRow]:
    """Each change that altered this video's consent, newest first: its own overrides and
    the account changes it inherited."""
    policy, state = dict(DEFAULT_POLICY), VideoState()
    rows: list[HistoryRow] = []
    for entry in entries_until(video.owner, None):
        before = describe_state(state, policy)
        if entry.payload.get("policy"):
            policy = policy_as_of(entry.payload["policy"]["after"])
        for group in entry_groups(entry):
            if ranges_contain(group.ranges, video.id):
                state = group.state
        after = describe_state(state, policy)
        if after != before and entry.created_at >= video.added_at:
            rows.append(
                HistoryRow(
                    seq=entry.seq,
                    at=entry.created_at,
                    action=entry.get_action_display(),
                    actor=entry.actor.username if entry.actor else "system",
                    reason=entry.reason,
                    before=before,
                    after=after,
                )
            )
    return rows[::-1]
