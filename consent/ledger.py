"""The consent ledger: canonical hashing, appending, verification and replay.

Each creator has one hash chain: entry n stores the hash of entry n-1, and its own hash is
SHA-256 over a canonical JSON of all its fields. The creator's CreatorPolicy row holds the
chain head (seq + hash), so a deleted last entry is detected too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from operator import itemgetter

from django.db import connection, transaction
from django.utils import timezone

from consent.idsets import INHERIT, Group, VideoState, ranges_contain
from consent.models import (
    ApprovedPerson,
    Audience,
    CreatorPolicy,
    LedgerEntry,
    VideoOverride,
    VideoRules,
)
from creatorhub.accounts.models import User
from creatorhub.videos.models import Video

GENESIS = "0" * 64


def policy_state(policy: CreatorPolicy) -> dict:
    return {
        "remix_allowed": policy.remix_allowed,
        "remix_ask": policy.remix_ask,
        "remix_scopes": policy.remix_scopes,
        "audience": policy.audience,
        "training_allowed": policy.training_allowed,
        "training_companies": list(policy.training_companies),
        "blocked_phrases": list(policy.blocked_phrases),
        "blocked_categories": list(policy.blocked_categories),
    }


DEFAULT_POLICY = {
    "remix_allowed": False,
    "remix_ask": False,
    "remix_scopes": 0,
    "audience": Audience.EVERYONE.value,
    "training_allowed": False,
    "training_companies": [],
    "blocked_phrases": [],
    "blocked_categories": [],
}


def policy_as_of(recorded: dict) -> dict:
    """A policy a ledger entry records, complete: entries written before a field existed
    lack it, and then it had its default."""
    return {**DEFAULT_POLICY, **recorded}


NO_RULES = {"blocked_phrases": [], "blocked_categories": []}


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


class _Chain:
    """One creator's chain being walked: links, hashes, and the state it replays to."""

    def __init__(self, creator_id: int) -> None:
        self.creator_id = creator_id
        self.seq, self.prev = 0, GENESIS
        self.policy: dict = dict(DEFAULT_POLICY)
        self.overrides: dict[int, VideoState] = {}
        self.video_rules: dict[int, dict] = {}
        self.people: set[int] = set()

    def add(self, entry: LedgerEntry) -> str:
        self.seq += 1
        where = f"entry id={entry.id} (creator {entry.creator_id}, seq {entry.seq})"
        if entry.seq != self.seq:
            return f"{where}: expected seq {self.seq}; entries are missing or reordered"
        if entry.prev_hash != self.prev:
            return f"{where}: previous-hash link is broken"
        if entry_hash(entry) != entry.hash:
            return f"{where}: contents do not match its hash"
        self.prev = entry.hash
        if entry.payload.get("policy"):
            self.policy = policy_as_of(entry.payload["policy"]["after"])
        if rules := entry.payload.get("video_rules"):
            if rules["after"] == NO_RULES:
                self.video_rules.pop(rules["video"], None)
            else:
                self.video_rules[rules["video"]] = rules["after"]
        if people := entry.payload.get("people"):
            self.people |= set(people.get("added", []))
            self.people -= set(people.get("removed", []))
        for group in entry_groups(entry):
            for lo, hi in group.ranges:
                for video_id in range(lo, hi + 1):
                    if group.state.remix == INHERIT:
                        self.overrides.pop(video_id, None)
                    else:
                        self.overrides[video_id] = group.state
        return ""

    def check_head(self, head: tuple[int, str] | None) -> str:
        seq, digest = head if head else (0, "")
        if seq != self.seq:
            return (
                f"creator {self.creator_id}: the chain ends at seq {self.seq} but the policy "
                f"records seq {seq}; entries were removed or added behind the ledger's back"
            )
        if self.seq and digest != self.prev:
            return f"creator {self.creator_id}: the policy's head hash does not match the chain"
        return ""

    def check_live_state(self, live: _LiveState) -> str:
        """The stored policy and overrides must be exactly what the chain replays to."""
        policies, overrides, videos, rules, people = live.of(self.creator_id)
        if policies and policy_state(policies[0][0]) != self.policy:
            return f"creator {self.creator_id}: the account policy differs from its ledger"
        if {person for (person,) in people} != self.people:
            return f"creator {self.creator_id}: the people they approve differ from the ledger"
        stored = {
            video_id: VideoState(remix, scopes, audience)
            for video_id, remix, scopes, audience in overrides
        }
        existing = {video_id for (video_id,) in videos}
        stored_rules = {
            video_id: {"blocked_phrases": phrases, "blocked_categories": categories}
            for video_id, phrases, categories in rules
        }
        if stored_rules != {k: v for k, v in self.video_rules.items() if k in existing}:
            return f"creator {self.creator_id}: a video's content rules differ from the ledger"
        replayed = {k: v for k, v in self.overrides.items() if k in existing}
        if stored != replayed:
            differing = {video_id for video_id, _ in set(stored.items()) ^ set(replayed.items())}
            ids = ", ".join(str(video_id) for video_id in sorted(differing)[:3])
            return (
                f"creator {self.creator_id}: per-video consent differs from its ledger "
                f"(videos {ids})"
            )
        return ""


class _Grouped:
    """Rows `(creator_id, *rest)` streamed in creator order, handed out one creator at a time
    as the chains (walked in the same order) ask for them."""

    def __init__(self, rows: Iterable[tuple]) -> None:
        self._groups = itertools.groupby(rows, key=itemgetter(0))
        self._current = next(self._groups, None)

    def take(self, creator_id: int) -> list[tuple]:
        while self._current is not None and self._current[0] < creator_id:
            self._current = next(self._groups, None)
        if self._current is None or self._current[0] != creator_id:
            return []
        rows = [row[1:] for row in self._current[1]]
        self._current = next(self._groups, None)
        return rows


class _LiveState:
    """The stored policies, overrides, video ids, video rules and approved people: five queries
    streamed beside the chains (not five per creator: that was nine tenths of a verification)."""

    def __init__(self) -> None:
        chunk = 5000
        self._policies = _Grouped(
            (policy.creator_id, policy)
            for policy in CreatorPolicy.objects.order_by("creator_id").iterator(chunk_size=chunk)
        )
        self._overrides = _Grouped(
            VideoOverride.objects.order_by("creator_id")
            .values_list("creator_id", "video_id", "remix", "scopes", "audience")
            .iterator(chunk_size=chunk)
        )
        self._videos = _Grouped(
            Video.objects.order_by("owner_id")
            .values_list("owner_id", "id")
            .iterator(chunk_size=chunk)
        )
        self._rules = _Grouped(
            VideoRules.objects.order_by("creator_id")
            .values_list("creator_id", "video_id", "blocked_phrases", "blocked_categories")
            .iterator(chunk_size=chunk)
        )
        self._people = _Grouped(
            ApprovedPerson.objects.order_by("creator_id")
            .values_list("creator_id", "person_id")
            .iterator(chunk_size=chunk)
        )

    def of(self, creator_id: int) -> tuple[list[tuple], ...]:
        """(policy,), overrides, (video id,), video rules and (person,) rows of one creator;
        creators come in order."""
        return (
            self._policies.take(creator_id),
            self._overrides.take(creator_id),
            self._videos.take(creator_id),
            self._rules.take(creator_id),
            self._people.take(creator_id),
        )


def ledger_verify(*, live_state: bool = True) -> VerifyResult:
    """Walk every chain in one snapshot; the first entry (or state) that does not fit is named.

    Checks links, hashes and sequence per creator, the head recorded on the policy row, and
    (with `live_state`) that the stored policy and overrides equal what the chain replays to.
    """
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        heads = {
            creator_id: (seq, digest)
            for creator_id, seq, digest in CreatorPolicy.objects.filter(
                ledger_seq__gt=0
            ).values_list("creator_id", "ledger_seq", "ledger_head")
        }
        checked = 0
        chain: _Chain | None = None
        seen: set[int] = set()
        live = _LiveState() if live_state else None

        def finish(chain: _Chain) -> str:
            return chain.check_head(heads.get(chain.creator_id)) or (
                chain.check_live_state(live) if live else ""
            )

        for entry in LedgerEntry.objects.order_by("creator_id", "seq").iterator(chunk_size=2000):
            if chain is None or entry.creator_id != chain.creator_id:
                if chain is not None and (problem := finish(chain)):
                    return VerifyResult(False, checked, problem)
                chain = _Chain(entry.creator_id)
                seen.add(entry.creator_id)
            if problem := chain.add(entry):
                return VerifyResult(False, checked, problem)
            checked += 1
        if chain is not None and (problem := finish(chain)):
            return VerifyResult(False, checked, problem)
        for missing in sorted(set(heads) - seen):
            return VerifyResult(
                False,
                checked,
                f"creator {missing}: the policy records {heads[missing][0]} entries, none found",
            )
        return VerifyResult(True, checked)


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
            policy = policy_as_of(entry.payload["policy"]["after"])
            updated = entry.created_at
        for group in entry_groups(entry):
            if ranges_contain(group.ranges, video_id):
                override, updated = group.state, entry.created_at
    return ReplayedVideo(policy, override, seq, updated)


def replay_creator(*, creator: User) -> tuple[dict, dict[int, VideoState]]:
    """Policy and every override, rebuilt from the whole chain (verification and tests)."""
    chain = _Chain(creator.id)
    for entry in entries_until(creator, None):
        chain.add(entry)
    return chain.policy, chain.overrides
