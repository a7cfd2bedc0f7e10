"""The hazard figures of a period: what was found (by grade, category and source), what
was closed on time or late, what is still open or past its deadline by department, how
long a close took, and found and closed week by week. Every figure counts the hazard
ledger's rows under one of its filters (ledger.found_in), so each links to exactly the
rows it counts."""
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from blueprints.common.extensions import db
from blueprints.common.ledger import LocalTime
from blueprints.hazards.ledger import STATES, LedgerFilter, found_in
from blueprints.hazards.models import Hazard, HazardCategory, HazardGrade, HazardSource, HazardState
from blueprints.hazards.permissions import seen_by
from blueprints.org.models import Department, User

# Counted for each (department, grade, category, source) in one statement: the ledger's states.
COUNTED = ("open", "overdue", "closed", "closed_late")


@dataclass
class DepartmentFigures:
    id: int
    name: str
    found: int = 0
    open: int = 0
    overdue: int = 0
    closed_late: int = 0


@dataclass
class Bucket:
    """A week (or, over a long period, a month) of the trend."""
    start: date
    found: int = 0
    closed: int = 0


@dataclass
class HazardFigures:
    found: int = 0
    open: int = 0
    overdue: int = 0
    closed: int = 0
    closed_late: int = 0
    by_grade: dict = field(default_factory=dict)      # HazardGrade: count
    by_category: dict = field(default_factory=dict)   # HazardCategory: count
    by_source: dict = field(default_factory=dict)     # HazardSource: count
    closed_by_grade: dict = field(default_factory=dict)     # HazardGrade: of those found, closed
    closed_by_category: dict = field(default_factory=dict)  # HazardCategory: of those found, closed
    departments: list = field(default_factory=list)   # DepartmentFigures, most open first
    days_to_close: float | None = None                # the mean, of those closed
    trend: list = field(default_factory=list)         # Bucket, oldest first

    @property
    def closed_on_time(self) -> int:
        return self.closed - self.closed_late


def figures(user: User, wanted: LedgerFilter, local: LocalTime) -> HazardFigures:
    """The figures of the hazards the user sees found in the period (as filtered), in
    three statements: the counts, the found and closed times, the closes in the period."""
    found = HazardFigures(by_grade=dict.fromkeys(HazardGrade, 0),
                          by_category=dict.fromkeys(HazardCategory, 0),
                          by_source=dict.fromkeys(HazardSource, 0),
                          closed_by_grade=dict.fromkeys(HazardGrade, 0),
                          closed_by_category=dict.fromkeys(HazardCategory, 0))
    kinds = (Hazard.department_id, Hazard.grade, Hazard.category, Hazard.source)
    states = (func.count().filter(STATES[name][1]) for name in COUNTED)
    counts = found_in(select(*kinds, func.count(), *states), user, wanted, local)
    departments = {}
    for department_id, grade, category, source, number, *states in db.session.execute(
            counts.group_by(*kinds)):
        row = departments.setdefault(department_id, DepartmentFigures(department_id, ""))
        row.found += number
        found.found += number
        found.by_grade[grade] += number
        found.by_category[category] += number
        found.by_source[source] += number
        for name, value in zip(COUNTED, states, strict=True):
            setattr(found, name, getattr(found, name) + value)
            if hasattr(row, name):
                setattr(row, name, getattr(row, name) + value)
        closed = states[COUNTED.index("closed")]
        found.closed_by_grade[grade] += closed
        found.closed_by_category[category] += closed
    names = dict(db.session.execute(select(Department.id, Department.name)
                                    .where(Department.id.in_(departments))).all())
    for row in departments.values():
        row.name = names[row.id]
    found.departments = sorted(departments.values(), key=lambda r: (-r.open, -r.overdue, r.name))
    times = db.session.execute(found_in(select(Hazard.found_at, Hazard.closed_at), user, wanted, local)).all()
    spans = [(closed - found_at).total_seconds() for found_at, closed in times if closed is not None]
    if spans:
        found.days_to_close = sum(spans) / len(spans) / 86400
    found.trend = _trend(wanted, local, [found_at for found_at, _closed in times],
                         _closed_in(user, wanted, local))
    return found


def majors_open_during(user: User, wanted: LedgerFilter, local: LocalTime) -> list[Hazard]:
    """The major hazards the user sees that were open at some time in the period: found in
    it, or found before and not yet closed when it began; oldest first."""
    since, until = local.bounds(wanted.start, wanted.end)
    return list(db.session.scalars(
        select(Hazard).where(seen_by(user), Hazard.grade == HazardGrade.MAJOR, Hazard.found_at < until,
                             or_(Hazard.closed_at.is_(None), Hazard.closed_at >= since))
        .options(selectinload(Hazard.risk_point), selectinload(Hazard.department),
                 selectinload(Hazard.regulator_reports))
        .order_by(Hazard.found_at, Hazard.id)))


def _closed_in(user: User, wanted: LedgerFilter, local: LocalTime) -> list[datetime]:
    """When the hazards the user sees (of the filter's department) were closed, in the period."""
    since, until = local.bounds(wanted.start, wanted.end)
    stmt = select(Hazard.closed_at).where(seen_by(user), Hazard.state == HazardState.CLOSED,
                                          Hazard.closed_at >= since, Hazard.closed_at < until)
    if wanted.department_id:
        stmt = stmt.where(Hazard.department_id == wanted.department_id)
    return list(db.session.scalars(stmt))


# Up to this many days the trend is by week; a longer period is by month.
WEEKLY_DAYS = 371


def weekly(start: date, end: date) -> bool:
    return (end - start).days < WEEKLY_DAYS


def bucket_starts(start: date, end: date) -> list[date]:
    """The first day of each bucket from the period's first day to its last: Mondays
    (the first bucket begins on the first day), or the firsts of the months."""
    if weekly(start, end):
        starts, day = [start], start + timedelta(days=7 - start.weekday())
        while day <= end:
            starts.append(day)
            day += timedelta(days=7)
        return starts
    starts, day = [start], (start.replace(day=1) + timedelta(days=32)).replace(day=1)
    while day <= end:
        starts.append(day)
        day = (day + timedelta(days=32)).replace(day=1)
    return starts


def _trend(wanted: LedgerFilter, local: LocalTime, found_at: list[datetime],
           closed_at: list[datetime]) -> list[Bucket]:
    starts = bucket_starts(wanted.start, wanted.end)
    buckets = [Bucket(day) for day in starts]

    def index(moment: datetime) -> int:
        return bisect_right(starts, local(moment).date()) - 1

    for i, number in Counter(map(index, found_at)).items():
        buckets[i].found = number
    for i, number in Counter(map(index, closed_at)).items():
        buckets[i].closed = number
    return buckets
