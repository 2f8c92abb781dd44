"""The consent ledger: canonical hashing, appending, verification and replay.

Each creator has one hash chain: entry n stores the hash of entry n-1, and its own hash is
SHA-256 over a canonical JSON of all its fields. The creator's CreatorPolicy row holds the
chain head (seq + hash), so a deleted last entry is detected too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils import timezone

from consent.idsets import INHERIT, Group, VideoState, ranges_contain
from consent.models import Audience, CreatorPolicy, LedgerEntry
from creatorhub.accounts.models import User

GENESIS = "0" * 64


def policy_state(policy: CreatorPolicy) -> dict:
    return {
        "remix_allowed": policy.remix_allowed,
        "remix_scopes": policy.remix_scopes,
        "audience": policy.audience,
        "training_allowed": policy.training_allowed,
        "training_companies": list(policy.training_companies),
    }


DEFAULT_POLICY = {
    "remix_allowed": False,
    "remix_scopes": 0,
    "audience": Audience.EVERYONE.value,
    "training_allowed": False,
    "training_companies": [],
}


def _canonical(entry: LedgerEntry) -> bytes:
    body = {
        "creator": entry.creator_id,
        "seq": entry.seq,
        "prev": entry.prev_hash,
        "actor": entry.actor_id,
        "action": entry.action,
        "reason": entry.reason,
        "created_at": entry.created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "affected": entry.affected,
        "payload": entry.payload,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(entry: LedgerEntry) -> str:
    return hashlib.sha256(_canonical(entry)).hexdigest()


def ledger_append(
    *,
    policy: CreatorPolicy,
    actor: User | None,
    action: str,
    reason: str,
    payload: dict,
    affected: int,
) -> LedgerEntry:
    """Append to the creator's chain. `policy` must be locked; the caller saves it."""
    entry = LedgerEntry(
        creator_id=policy.creator_id,
        seq=policy.ledger_seq + 1,
        actor=actor,
        action=action,
        reason=reason[:500],
        created_at=timezone.now(),
        payload=payload,
        affected=affected,
        prev_hash=policy.ledger_head or GENESIS,
    )
    entry.hash = entry_hash(entry)
    entry.save()
    policy.ledger_seq, policy.ledger_head = entry.seq, entry.hash
    return entry


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    problem: str = ""


def ledger_verify() -> VerifyResult:
    """Walk every chain; the first entry that does not fit is named."""
    checked = 0
    rows = CreatorPolicy.objects.filter(ledger_seq__gt=0).values_list(
        "creator_id", "ledger_seq", "ledger_head"
    )
    heads = {creator_id: seq for creator_id, seq, _ in rows}
    head_hashes = {creator_id: head for creator_id, _, head in rows}
    seen: set[int] = set()
    creator, expected_seq, prev = None, 0, GENESIS
    for entry in LedgerEntry.objects.order_by("creator_id", "seq").iterator(chunk_size=2000):
        if entry.creator_id != creator:
            if creator is not None:
                problem = _check_head(creator, expected_seq, prev, heads, head_hashes)
                if problem:
                    return VerifyResult(False, checked, problem)
            creator, expected_seq, prev = entry.creator_id, 0, GENESIS
            seen.add(creator)
        expected_seq += 1
        where = f"entry id={entry.id} (creator {entry.creator_id}, seq {entry.seq})"
        if entry.seq != expected_seq:
            return VerifyResult(
                False,
                checked,
                f"{where}: expected seq {expected_seq}; entries are missing or reordered",
            )
        if entry.prev_hash != prev:
            return VerifyResult(False, checked, f"{where}: previous-hash link is broken")
        if entry_hash(entry) != entry.hash:
            return VerifyResult(False, checked, f"{where}: contents do not match its hash")
        prev = entry.hash
        checked += 1
    if creator is not None:
        problem = _check_head(creator, expected_seq, prev, heads, head_hashes)
        if problem:
            return VerifyResult(False, checked, problem)
    for missing in sorted(set(heads) - seen):
        return VerifyResult(
            False,
            checked,
            f"creator {missing}: policy records {heads[missing]} entries, none found",
        )
    return VerifyResult(True, checked)


def _check_head(creator, last_seq, last_hash, heads, head_hashes) -> str:
    if heads.get(creator) != last_seq or head_hashes.get(creator) != last_hash:
        return (
            f"creator {creator}: chain ends at seq {last_seq} but the policy records "
            f"seq {heads.get(creator)}; the last entries were removed or altered"
        )
    return ""


def entry_groups(entry: LedgerEntry, key: str = "changes") -> list[Group]:
    return [Group.from_json(group) for group in entry.payload.get(key, [])]


def entries_until(creator: User, at: dt.datetime | None) -> Iterator[LedgerEntry]:
    entries = LedgerEntry.objects.filter(creator=creator).select_related("actor").order_by("seq")
    if at is not None:
        entries = entries.filter(created_at__lte=at)
    return entries.iterator(chunk_size=500)


@dataclass(frozen=True)
class ReplayedVideo:
    policy: dict
    override: VideoState
    ledger_seq: int
    updated_at: dt.datetime | None


def replay_video(*, creator: User, video_id: int, at: dt.datetime | None) -> ReplayedVideo:
    """The policy and override a video had at `at`, rebuilt from the ledger alone."""
    policy, override, seq, updated = dict(DEFAULT_POLICY), VideoState(), 0, None
    for entry in entries_until(creator, at):
        seq = entry.seq
        if entry.payload.get("policy"):
            policy = entry.payload["policy"]["after"]
            updated = entry.created_at
        for group in entry_groups(entry):
            if ranges_contain(group.ranges, video_id):
                override, updated = group.state, entry.created_at
    return ReplayedVideo(policy, override, seq, updated)


def replay_creator(*, creator: User) -> tuple[dict, dict[int, VideoState]]:
    """Policy and every override, rebuilt from the whole chain (for verification and tests)."""
    policy: dict = dict(DEFAULT_POLICY)
    overrides: dict[int, VideoState] = {}
    for entry in entries_until(creator, None):
        if entry.payload.get("policy"):
            policy = entry.payload["policy"]["after"]
        for group in entry_groups(entry):
            for lo, hi in group.ranges:
                for video_id in range(lo, hi + 1):
                    if group.state.remix == INHERIT:
                        overrides.pop(video_id, None)
                    else:
                        overrides[video_id] = group.state
    return policy, overrides
