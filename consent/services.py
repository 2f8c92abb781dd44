"""Every write to consent goes through here: one locked policy row, one set-based statement
per state, one ledger entry, all in one transaction; downstream is told on commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet

from consent import idsets
from consent.errors import ConsentError
from consent.idsets import INHERIT, Group, VideoState
from consent.ledger import entry_groups, ledger_append, policy_as_of, policy_state
from consent.models import Audience, CreatorPolicy, LedgerEntry, VideoOverride
from consent.scopes import ALL_SCOPES
from consent.selection import Selection
from consent.signals import consent_changing
from creatorhub.accounts.models import User
from creatorhub.enqueue import enqueue_on_commit
from creatorhub.videos.models import Video
from creatorhub.videos.selectors import library_video_count

MAX_COMPANIES = 50


@dataclass(frozen=True)
class PolicyChange:
    remix_allowed: bool
    remix_scopes: int
    audience: str
    training_allowed: bool
    training_companies: Sequence[str]
    remix_ask: bool = False


@dataclass(frozen=True)
class ChangeResult:
    """`entry` is None when the change would have changed nothing: nothing is recorded then."""

    entry: LedgerEntry | None
    selected: int
    changed: int
    policy_before: dict | None = None
    policy_after: dict | None = None


OPEN = {VideoOverride.Remix.ALLOW, VideoOverride.Remix.ASK}


def _validate_state(state: VideoState) -> None:
    if state.remix not in {INHERIT, *VideoOverride.Remix.values}:
        raise ConsentError("Remix must be allow, ask, deny or inherit.")
    if state.scopes is not None and not 0 <= state.scopes <= ALL_SCOPES:
        raise ConsentError("Unknown scopes.")
    if state.scopes == 0:
        raise ConsentError("Choose at least one kind of remix to allow.", code="no_scopes")
    if state.audience is not None and state.audience not in Audience.values:
        raise ConsentError(f"Audience must be one of {', '.join(Audience.values)}.")
    if state.remix not in OPEN and (state.scopes is not None or state.audience):
        raise ConsentError("Scopes and audience can only be set when allowing or asking.")


def policy_lock(*, creator: User) -> CreatorPolicy:
    """Lock the creator's policy row (creating it, with everything denied, if missing)."""
    CreatorPolicy.objects.get_or_create(creator=creator)
    return CreatorPolicy.objects.select_for_update().get(creator=creator)


def change_announce(entry: LedgerEntry) -> None:
    """Tell downstream (the remixer) twice: now, inside this transaction, so what the change
    forbids stops at once (consent_changing); and after commit through the broker, for the slow
    follow-up (consent_changed), which a dead broker delays but never undoes."""
    consent_changing.send(sender=LedgerEntry, entry=entry, creator_id=entry.creator_id)
    enqueue_on_commit("consent.tasks.consent_changed", entry.id)


def _overridden(groups: list[Group]) -> int:
    return sum(group.count for group in groups if group.state.remix != INHERIT)


def policy_update_fields(policy_before: dict | None) -> list[str]:
    """Only the chain head moves when videos change; updated_at moves with the policy."""
    head = ["ledger_seq", "ledger_head"]
    if policy_before is None:
        return head
    return [*head, *policy_before, "updated_at"]


def _record_video_change(
    *,
    policy: CreatorPolicy,
    actor: User,
    action: str,
    reason: str,
    videos: QuerySet[Video] | None,
    state: VideoState,
    selection: dict,
    policy_before: dict | None = None,
    inheriting: int | None = None,
) -> ChangeResult:
    """Snapshot the selection's states, apply `state` in one statement, write the entry; a
    change that alters neither the policy nor any video writes nothing."""
    before, all_ranges, total = [], [], 0
    if videos is not None:
        before, all_ranges, total = idsets.state_groups(*idsets.selection_sql(videos))
    unchanged = sum(group.count for group in before if group.state == state)
    policy_after = policy_state(policy) if policy_before else None
    if unchanged == total and policy_before == policy_after:
        return ChangeResult(
            entry=None,
            selected=total,
            changed=0,
            policy_before=policy_before,
            policy_after=policy_after,
        )
    payload = {
        "selection": selection,
        "policy": {"before": policy_before, "after": policy_after} if policy_before else None,
        "changes": [Group(state, all_ranges, total).as_json()] if total else [],
        "before": [group.as_json() for group in before],
    }
    if inheriting is not None:
        payload["inheriting"] = inheriting
    entry = ledger_append(
        policy=policy,
        actor=actor,
        action=action,
        reason=reason,
        payload=payload,
        affected=total,
    )
    if total:
        idsets.apply_state(
            ranges=all_ranges,
            state=state,
            ledger_seq=entry.seq,
            had_overrides=_overridden(before),
            total=total,
        )
    policy.save(update_fields=policy_update_fields(policy_before))
    change_announce(entry)
    return ChangeResult(
        entry=entry,
        selected=total,
        changed=total - unchanged,
        policy_before=policy_before,
        policy_after=policy_after,
    )


@transaction.atomic
def consent_set_videos(
    *,
    creator: User,
    actor: User,
    videos: QuerySet[Video],
    state: VideoState,
    action: str = LedgerEntry.Action.BULK,
    reason: str = "",
    selection: dict | None = None,
) -> ChangeResult:
    """Give every video in `videos` (the creator's own) the override `state`."""
    return _set_videos(
        creator=creator,
        actor=actor,
        videos=videos,
        state=state,
        action=action,
        reason=reason,
        selection=selection or {},
    )


@transaction.atomic
def consent_set_selection(
    *,
    creator: User,
    actor: User,
    selection: Selection,
    state: VideoState,
    action: str = LedgerEntry.Action.BULK,
    reason: str = "",
) -> ChangeResult:
    """The one path from a selection (bulk form, API, moderators) to a change: resolve it to
    the creator's videos, then give them `state`."""
    return _set_videos(
        creator=creator,
        actor=actor,
        videos=selection.videos(owner=creator),
        state=state,
        action=action,
        reason=reason,
        selection=selection.as_json(),
    )


def _set_videos(
    *,
    creator: User,
    actor: User,
    videos: QuerySet[Video],
    state: VideoState,
    action: str,
    reason: str,
    selection: dict,
) -> ChangeResult:
    _validate_state(state)
    policy = policy_lock(creator=creator)
    if state.remix in OPEN and not (state.scopes or policy.remix_scopes):
        raise ConsentError(
            "Choose at least one kind of remix to allow for these videos.", code="no_scopes"
        )
    return _record_video_change(
        policy=policy,
        actor=actor,
        action=action,
        reason=reason,
        videos=videos.filter(owner=creator),
        state=state,
        selection=selection,
    )


@transaction.atomic
def consent_set_policy(
    *,
    creator: User,
    actor: User,
    change: PolicyChange,
    clear_exceptions: bool = False,
    action: str = LedgerEntry.Action.ACCOUNT,
    reason: str = "",
) -> ChangeResult:
    """The account switch: one row changes, however large the library; optionally every
    per-video exception is cleared in the same statement and entry."""
    companies = _clean_companies(change.training_companies)
    if change.audience not in Audience.values:
        raise ConsentError(f"Audience must be one of {', '.join(Audience.values)}.")
    if not 0 <= change.remix_scopes <= ALL_SCOPES:
        raise ConsentError("Unknown scopes.")
    if change.remix_allowed and change.remix_ask:
        raise ConsentError("Remixes are either allowed or asked for, not both.")
    if (change.remix_allowed or change.remix_ask) and not change.remix_scopes:
        raise ConsentError("Choose at least one kind of remix to allow.", code="no_scopes")
    policy = policy_lock(creator=creator)
    before = policy_state(policy)
    policy.remix_allowed = change.remix_allowed
    policy.remix_ask = change.remix_ask
    policy.remix_scopes = change.remix_scopes
    policy.audience = change.audience
    policy.training_allowed = change.training_allowed
    policy.training_companies = companies if change.training_allowed else []
    exceptions = VideoOverride.objects.filter(creator=creator).values("video_id")
    video_count = library_video_count(owner=creator)
    return _record_video_change(
        policy=policy,
        actor=actor,
        action=action,
        reason=reason,
        videos=Video.objects.filter(owner=creator, id__in=exceptions) if clear_exceptions else None,
        state=VideoState(),
        selection={"clear_exceptions": clear_exceptions},
        policy_before=before,
        # The videos that follow the switch once it is saved, as the history shows them.
        inheriting=video_count if clear_exceptions else video_count - exceptions.count(),
    )


def _clean_companies(companies: Sequence[str]) -> list[str]:
    cleaned = []
    for company in companies:
        name = " ".join(str(company).split())
        if not name:
            continue
        if len(name) > 100:
            raise ConsentError("A company name is longer than 100 characters.")
        if name not in cleaned:
            cleaned.append(name)
    if len(cleaned) > MAX_COMPANIES:
        raise ConsentError(f"At most {MAX_COMPANIES} companies can be allowed.")
    return cleaned


def undo_target(*, creator: User) -> LedgerEntry | None:
    """The change Undo reverts next: the newest one not yet undone. Undo entries are skipped
    with the change each reverted, so repeated Undos walk back through the history; so are
    entries Undo does not revert (decisions on requests, the approved list, a video's rules:
    each has its own way back)."""
    undone: set[int] = set()
    entries = LedgerEntry.objects.filter(creator=creator).order_by("-seq")
    for entry in entries.only("seq", "action", "payload").iterator(chunk_size=50):
        if entry.action == LedgerEntry.Action.UNDO:
            undone.add(entry.payload["undoes"])
        elif entry.seq not in undone and (
            entry.payload.get("policy") or "changes" in entry.payload
        ):
            return entry
    return None


@transaction.atomic
def consent_undo(*, creator: User, actor: User, seq: int) -> ChangeResult:
    """Revert the creator's newest change not yet undone, itself recorded as a new entry."""
    policy = policy_lock(creator=creator)
    target = undo_target(creator=creator)
    if target is None or target.seq != seq:
        entry = LedgerEntry.objects.filter(creator=creator, seq=seq).only("action").first()
        if entry is None:
            raise ConsentError("There is no such change to undo.", code="not_found")
        if entry.action == LedgerEntry.Action.UNDO:
            raise ConsentError("That change was itself an undo.", code="already_undone")
        raise ConsentError(
            "Only the newest change that is not undone yet can be undone.", code="not_latest"
        )
    recorded = target.payload.get("policy")
    policy_change = None
    if recorded:
        policy_change = {"before": policy_state(policy), "after": policy_as_of(recorded["before"])}
        for field, value in policy_change["after"].items():
            setattr(policy, field, value)
    restores = entry_groups(target, "before")
    total = sum(group.count for group in restores)
    entry = ledger_append(
        policy=policy,
        actor=actor,
        action=LedgerEntry.Action.UNDO,
        reason=f"Undo of change #{seq}",
        payload={
            "undoes": seq,
            "selection": target.payload.get("selection", {}),
            "policy": policy_change,
            "changes": target.payload.get("before", []),
            "before": target.payload.get("changes", []),
        },
        affected=total,
    )
    # Every restored video has the target's state now (whatever came after it was undone), so
    # it has an override row unless that state was inherit.
    target_state = entry_groups(target, "changes")
    had_rows = bool(target_state) and target_state[0].state.remix != INHERIT
    for group in restores:
        idsets.apply_state(
            ranges=group.ranges,
            state=group.state,
            ledger_seq=entry.seq,
            had_overrides=group.count if had_rows else 0,
            total=group.count,
        )
    policy.save(
        update_fields=policy_update_fields(policy_change["before"] if policy_change else None)
    )
    change_announce(entry)
    return ChangeResult(
        entry=entry,
        selected=total,
        changed=total,
        policy_before=policy_change["before"] if policy_change else None,
        policy_after=policy_change["after"] if policy_change else None,
    )
