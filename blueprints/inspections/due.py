"""What is due: the one place that says which checks fall to whom, in which period,
and whether they are done, due or overdue. Escalation and the home screen both ask here.

A due unit is (risk point, check level, frequency key): the items of the point's current
checklist that are checked together in one inspection. Periods are local to the
enterprise's time zone and follow the team's shifts; the database holds naive UTC.
"""
import enum
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.inspections.models import Inspection
from blueprints.org.models import Role, Team, User
from blueprints.risk_points.models import (CheckLevel, ChecklistItem, Frequency,
                                           FREQUENCY_LABELS, RiskPoint)

# Past this share of its period an unchecked unit is overdue.
OVERDUE_FRACTION = 0.5


class DueState(str, enum.Enum):
    OVERDUE = "overdue"
    DUE = "due"
    DONE = "done"

    @property
    def label(self):
        return DUE_STATE_LABELS[self]


DUE_STATE_LABELS = {
    DueState.OVERDUE: _l("Overdue"),
    DueState.DUE: _l("Due"),
    DueState.DONE: _l("Done"),
}


@dataclass(frozen=True)
class Period:
    start: datetime  # naive UTC
    end: datetime    # naive UTC, exclusive

    @property
    def due_by(self) -> datetime:
        return self.start + (self.end - self.start) * OVERDUE_FRACTION

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


def is_overdue(period: Period, moment: datetime) -> bool:
    """Not done and more than OVERDUE_FRACTION of the period gone."""
    return moment > period.due_by


def frequency_label(frequency_key: str):
    kind, _, hours = frequency_key.partition(":")
    if kind == Frequency.HOURS.value:
        return _l("Every %(hours)s hours", hours=hours)
    return FREQUENCY_LABELS[Frequency(kind)]


@dataclass
class DueUnit:
    point: RiskPoint
    level: str
    frequency_key: str
    items: list[ChecklistItem]
    period: Period
    state: DueState

    @property
    def frequency_label(self):
        return frequency_label(self.frequency_key)

    @property
    def level_label(self):
        return CheckLevel(self.level).label

    def sort_key(self):
        order = {DueState.OVERDUE: 0, DueState.DUE: 1, DueState.DONE: 2}[self.state]
        return (order, self.period.due_by, self.point.grade.rank, self.point.code)


# --- periods -------------------------------------------------------------------------------

def _at(day: date, moment: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, moment, tzinfo=zone)


def _day_start_time(team: Team | None) -> time:
    """A team's work day begins with its first shift; without shifts, at midnight."""
    if team is None or not team.shifts:
        return time(0)
    return min(shift.start for shift in team.shifts)


def work_day_start(team: Team | None, local: datetime) -> datetime:
    """The start (local, aware) of the work day that `local` falls in: a moment before
    the first shift starts belongs to the previous day."""
    begins = _at(local.date(), _day_start_time(team), local.tzinfo)
    return begins if local >= begins else begins - timedelta(days=1)


def _shift_window(team: Team, local: datetime) -> tuple[datetime, datetime]:
    """The shift the moment falls in; in a gap between shifts, the last one that began.
    A shift whose end is not after its start runs past midnight."""
    windows = []
    for day in (local.date() - timedelta(days=1), local.date()):
        for shift in team.shifts:
            start = _at(day, shift.start, local.tzinfo)
            end = _at(day, shift.end, local.tzinfo)
            if end <= start:
                end += timedelta(days=1)
            windows.append((start, end))
    started = [w for w in windows if w[0] <= local]
    inside = [w for w in started if local < w[1]]
    return max(inside or started)


def period_for(frequency_key: str, team: Team | None, moment: datetime, tz_name: str) -> Period:
    """The period of this frequency that the (naive UTC) moment falls in."""
    zone = ZoneInfo(tz_name)
    local = clock.to_local(moment, tz_name)
    day_start = work_day_start(team, local)
    kind, _, hours = frequency_key.partition(":")
    if kind == Frequency.HOURS.value:
        step = timedelta(hours=int(hours or 1))
        start = day_start + step * ((local - day_start) // step)
        end = min(start + step, day_start + timedelta(days=1))
    elif kind == Frequency.SHIFT.value and team is not None and team.shifts:
        start, end = _shift_window(team, local)
    elif kind in (Frequency.SHIFT.value, Frequency.DAILY.value):
        start, end = day_start, day_start + timedelta(days=1)
    elif kind == Frequency.WEEKLY.value:
        start = day_start - timedelta(days=day_start.weekday())
        end = start + timedelta(days=7)
    elif kind == Frequency.MONTHLY.value:
        first = day_start.date().replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        start = _at(first, day_start.time(), zone)
        end = _at(following, day_start.time(), zone)
    else:
        raise ValueError(f"unknown frequency {frequency_key!r}")
    return Period(clock.to_utc(start), clock.to_utc(end))


# --- units ---------------------------------------------------------------------------------

def point_units(point: RiskPoint) -> list[tuple[str, str, list[ChecklistItem]]]:
    """(level, frequency key, items) of the point's current checklist, in checklist order."""
    groups: dict[tuple[str, str], list[ChecklistItem]] = {}
    if point.checklist is not None:
        for item in point.checklist.items:
            groups.setdefault((item.level, item.frequency_key), []).append(item)
    return [(level, key, items) for (level, key), items in groups.items()]


def _is_done(point: RiskPoint, level: str, frequency_key: str, period: Period) -> bool:
    return db.session.scalar(select(Inspection.id).where(
        Inspection.risk_point_id == point.id, Inspection.level == level,
        Inspection.frequency_key == frequency_key, Inspection.done_at >= period.start,
        Inspection.done_at < period.end).limit(1)) is not None


def unit_state(point: RiskPoint, level: str, frequency_key: str, items: list[ChecklistItem],
               tz_name: str, moment: datetime | None = None) -> DueUnit:
    moment = moment or clock.now()
    period = period_for(frequency_key, point.team, moment, tz_name)
    if _is_done(point, level, frequency_key, period):
        state = DueState.DONE
    elif is_overdue(period, moment):
        state = DueState.OVERDUE
    else:
        state = DueState.DUE
    return DueUnit(point, level, frequency_key, items, period, state)


def units_of_point(point: RiskPoint, tz_name: str, levels: set[str] | None = None,
                   moment: datetime | None = None) -> list[DueUnit]:
    return [unit_state(point, level, key, items, tz_name, moment)
            for level, key, items in point_units(point) if levels is None or level in levels]


def _scope(user: User):
    """(check level, which points) that fall to this user."""
    if user.has_role(Role.WORKER, Role.TEAM_LEADER):
        if user.team_id is None:
            return None
        return CheckLevel.TEAM.value, RiskPoint.team_id == user.team_id
    if user.has_role(Role.DEPT_HEAD):
        if user.effective_department_id is None:
            return None
        return CheckLevel.WORKSHOP.value, RiskPoint.department_id == user.effective_department_id
    if user.has_role(Role.SAFETY_OFFICER, Role.SAFETY_DIRECTOR):
        return CheckLevel.ENTERPRISE.value, True
    return None


def levels_for(user: User) -> set[str]:
    scope = _scope(user)
    return {scope[0]} if scope else set()


def units_for(user: User, moment: datetime | None = None) -> list[DueUnit]:
    """The checks that fall to the user now, most urgent first."""
    scope = _scope(user)
    if scope is None:
        return []
    level, which = scope
    points = db.session.scalars(select(RiskPoint).where(
        RiskPoint.enterprise_id == user.enterprise_id, RiskPoint.active, which)).all()
    tz_name = user.enterprise.timezone
    units = [unit for point in points for unit in units_of_point(point, tz_name, {level}, moment)]
    return sorted(units, key=DueUnit.sort_key)
