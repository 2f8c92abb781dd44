""" "People I approve", and the creator's decisions on remix requests: both consent changes,
each one ledger entry however many people or requests it covers."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet

from consent.errors import ConsentError
from consent.ledger import ledger_append
from consent.models import ApprovedPerson, CreatorPolicy, LedgerEntry
from consent.services import change_announce, policy_lock, policy_update_fields
from creatorhub.accounts.models import User

MAX_PEOPLE = 1000


def approved_people(*, creator: User) -> QuerySet[ApprovedPerson]:
    return ApprovedPerson.objects.filter(creator=creator).select_related("person")


def is_approved(*, creator_id: int, person_id: int) -> bool:
    return ApprovedPerson.objects.filter(creator_id=creator_id, person_id=person_id).exists()


def _add(policy: CreatorPolicy, person_ids: set[int], seq: int) -> None:
    ApprovedPerson.objects.bulk_create(
        [
            ApprovedPerson(creator_id=policy.creator_id, person_id=p, ledger_seq=seq)
            for p in person_ids
        ],
        ignore_conflicts=True,
    )


@transaction.atomic
def people_change(
    *,
    creator: User,
    actor: User,
    add: Iterable[User] = (),
    remove: Iterable[User] = (),
    withdraw: bool = False,
) -> LedgerEntry | None:
    """Add people to the creator's approved list and remove others; None when nothing changes.
    Removing someone stops their new requests skipping the queue and withdraws nothing, unless
    `withdraw` (the remixer takes down what they published of the creator's videos then)."""
    policy = policy_lock(creator=creator)
    current = set(
        ApprovedPerson.objects.filter(creator=creator).values_list("person_id", flat=True)
    )
    adding = {person.id for person in add} - current
    if creator.id in adding:
        raise ConsentError("You can always remix your own videos.", code="invalid_person")
    removing = {person.id for person in remove} & current
    if len(current) + len(adding) - len(removing) > MAX_PEOPLE:
        raise ConsentError(f"At most {MAX_PEOPLE} people can be on the list.", code="too_many")
    if not adding and not removing:
        return None
    people = {"added": sorted(adding), "removed": sorted(removing)}
    if removing and withdraw:
        people["withdraw"] = True
    entry = ledger_append(
        policy=policy,
        actor=actor,
        action=LedgerEntry.Action.PEOPLE,
        reason="",
        payload={"people": people},
        affected=0,
    )
    _add(policy, adding, entry.seq)
    ApprovedPerson.objects.filter(creator=creator, person_id__in=removing).delete()
    policy.save(update_fields=policy_update_fields(None))
    change_announce(entry)
    return entry


def decision_record(
    *,
    policy: CreatorPolicy,
    actor: User,
    approved: list[str],
    declined: list[str],
    always_allow: Iterable[int] = (),
    message: str = "",
) -> LedgerEntry:
    """Record the creator's decision on remix requests (by public id), with the requesters
    they chose to always allow from now on, as one entry. The caller (the remixer) holds the
    creator's `policy` locked (policy_lock) and applies the decision in the same transaction."""
    current = set(
        ApprovedPerson.objects.filter(creator_id=policy.creator_id).values_list(
            "person_id", flat=True
        )
    )
    adding = set(always_allow) - current - {policy.creator_id}
    payload: dict = {"decisions": {"approved": approved, "declined": declined}}
    if adding:
        payload["people"] = {"added": sorted(adding), "removed": []}
    entry = ledger_append(
        policy=policy,
        actor=actor,
        action=LedgerEntry.Action.DECISION,
        reason=message,
        payload=payload,
        affected=len(approved) + len(declined),
    )
    _add(policy, adding, entry.seq)
    policy.save(update_fields=policy_update_fields(None))
    change_announce(entry)
    return entry
