"""Reads of moderation: a person's reports, the report panel's state, the dashboard figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from creatorhub.accounts.models import User
from moderation.models import ModerationAction, Report
from remixer.models import Remix


def reports_by_reporter(*, reporter: User) -> QuerySet[Report]:
    return (
        Report.objects.filter(reporter=reporter)
        .select_related("remix__video__owner", "video__owner")
        .order_by("-created_at", "-id")
    )


def report_latest(*, reporter: User, remix: Remix) -> Report | None:
    """The person's unresolved report of the remix, else their latest one."""
    return (
        Report.objects.filter(reporter=reporter, remix=remix)
        .order_by(F("resolved_at").asc(nulls_first=True), "-created_at")
        .first()
    )


AGE_BUCKETS = (
    ("under 1 hour", dt.timedelta(0), dt.timedelta(hours=1)),
    ("1–24 hours", dt.timedelta(hours=1), dt.timedelta(days=1)),
    ("1–7 days", dt.timedelta(days=1), dt.timedelta(days=7)),
    ("over 7 days", dt.timedelta(days=7), None),
)


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    height: float = 0.0  # share of the tallest bar, 0..1


@dataclass(frozen=True)
class Dashboard:
    open_total: int
    escalated: int
    by_reason: list[Bar]
    by_age: list[Bar]
    takedowns: list[tuple[dt.date, int]]
    takedown_total: int
    takedown_max: int
    days: int


def _scaled(pairs: list[tuple[str, int]]) -> list[Bar]:
    top = max((count for _, count in pairs), default=0) or 1
    return [Bar(label, count, count / top) for label, count in pairs]


def dashboard(*, days: int, now: dt.datetime | None = None) -> Dashboard:
    """Open reports by reason and by age, and takedowns per day: three aggregate queries."""
    now = now or timezone.now()
    unresolved = Report.objects.filter(status__in=Report.UNRESOLVED)
    by_reason = dict(
        unresolved.values("reason").annotate(n=Count("id")).values_list("reason", "n").order_by()
    )
    age_counts = unresolved.aggregate(
        escalated=Count("id", filter=Q(status=Report.Status.ESCALATED)),
        **{
            f"age{index}": Count(
                "id",
                filter=Q(created_at__lte=now - low)
                & (Q(created_at__gt=now - high) if high else Q()),
            )
            for index, (_, low, high) in enumerate(AGE_BUCKETS)
        },
    )
    today = timezone.localdate(now)
    start = today - dt.timedelta(days=days - 1)
    per_day = dict(
        ModerationAction.objects.filter(
            action=ModerationAction.Kind.TAKEDOWN,
            created_at__gte=now - dt.timedelta(days=days + 1),
        )
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
        .order_by()
    )
    series = [
        (start + dt.timedelta(days=offset), per_day.get(start + dt.timedelta(days=offset), 0))
        for offset in range(days)
    ]
    return Dashboard(
        open_total=sum(by_reason.values()),
        escalated=age_counts["escalated"],
        by_reason=_scaled(
            [(label, by_reason.get(value, 0)) for value, label in Report.Reason.choices]
        ),
        by_age=_scaled(
            [(label, age_counts[f"age{index}"]) for index, (label, *_) in enumerate(AGE_BUCKETS)]
        ),
        takedowns=series,
        takedown_total=sum(count for _, count in series),
        takedown_max=max((count for _, count in series), default=0),
        days=days,
    )
