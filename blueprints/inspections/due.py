"""What is due: the one place that says which checks fall to whom, in which period,
and whether they are done, due, due soon or overdue. Escalation, the home screen and the
risk point page all ask here, and here is the one rule of which checks fall to nobody.

A due unit is (risk point, check level, frequency key): the items of the point's current
checklist that are checked together in one inspection. Periods are local to the
enterprise's time zone and follow the team's shifts; the database holds naive UTC.

A period is overdue once it has ended undone; for shift, daily and every-N-hours checks
the enterprise may set an earlier "complete within N hours of the start". A period that
ended undone keeps the unit overdue until the next check is done.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, String, and_, column, false, func, or_, select, true, values
from sqlalchemy.orm import selectinload

from blueprints.briefings import services as briefings
from blueprints.common import clock
from blueprints.common.enums import LabelledEnum
from blueprints.common.extensions import db
from blueprints.common.predicates import holds
from blueprints.inspections.models import Inspection
from blueprints.org.models import Enterprise, Role, Team, User
from blueprints.risk_points.models import (
    CheckLevel,
    ChecklistItem,
    ChecklistVersion,
    Frequency,
    RiskPoint,
    frequency_label,
)
from blueprints.training import gate as lesson_gate

# The kinds an enterprise's "complete within N hours of the start" applies to.
EARLY_KINDS = {Frequency.SHIFT, Frequency.DAILY, Frequency.HOURS}
# Weekly and monthly checks are due soon in their last days: a week's from Friday, so that
# a department head working Monday to Friday is warned on a working day; a month's in its
# last five days, one working week.
DUE_SOON_DAYS = {Frequency.WEEKLY: 3, Frequency.MONTHLY: 5}


class DueState(LabelledEnum):
    """Most urgent first; the value names the badge's CSS class (state-<value>)."""
    OVERDUE = "overdue", _l("Overdue")
    DUE_SOON = "due_soon", _l("Due soon")
    DUE = "due", _l("Due")
    DONE = "done", _l("Done")


@dataclass(frozen=True)
class Period:
    start: datetime   # naive UTC
    end: datetime     # naive UTC, exclusive
    due_by: datetime  # naive UTC: undone from this moment on, the period is overdue

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


def is_overdue(period: Period, moment: datetime) -> bool:
    """Not done by its due-by moment (its end, or the enterprise's earlier complete-by)."""
    return moment >= period.due_by


def is_due_soon(frequency_key: str, period: Period, moment: datetime) -> bool:
    days = DUE_SOON_DAYS.get(frequency_key)
    return days is not None and moment >= period.end - timedelta(days=days)


@dataclass
class DueUnit:
    point: RiskPoint
    level: str
    frequency_key: str
    items: list[ChecklistItem]
    period: Period
    state: DueState
    missed: Period | None = None  # the period that ended (or passed its due-by) undone

    @property
    def frequency_label(self):
        return frequency_label(self.frequency_key)

    @property
    def level_label(self):
        return CheckLevel(self.level).label

    @property
    def due_by(self) -> datetime:
        return (self.missed or self.period).due_by

    def sort_key(self):
        order = list(DueState).index(self.state)
        return (order, self.due_by, self.point.grade.rank, self.point.code)


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


def period_for(frequency_key: str, team: Team | None, moment: datetime, tz_name: str,
               within_hours: int | None = None) -> Period:
    """The period of this frequency that the (naive UTC) moment falls in. within_hours:
    the enterprise's "complete within N hours of the start" (None: by the end)."""
    zone = ZoneInfo(tz_name)
    local = clock.to_local(moment, tz_name)
    day_start = work_day_start(team, local)
    kind, _, hours = frequency_key.partition(":")
    if kind == Frequency.HOURS:
        step = timedelta(hours=int(hours or 1))
        start = day_start + step * ((local - day_start) // step)
        end = min(start + step, day_start + timedelta(days=1))
    elif kind == Frequency.SHIFT and team is not None and team.shifts:
        start, end = _shift_window(team, local)
    elif kind in (Frequency.SHIFT, Frequency.DAILY):
        start, end = day_start, day_start + timedelta(days=1)
    elif kind == Frequency.WEEKLY:
        start = day_start - timedelta(days=day_start.weekday())
        end = start + timedelta(days=7)
    elif kind == Frequency.MONTHLY:
        first = day_start.date().replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        start = _at(first, day_start.time(), zone)
        end = _at(following, day_start.time(), zone)
    else:
        raise ValueError(f"unknown frequency {frequency_key!r}")
    start, end = clock.to_utc(start), clock.to_utc(end)
    due_by = end
    if within_hours is not None and kind in EARLY_KINDS:
        due_by = min(start + timedelta(hours=within_hours), end)
    return Period(start, end, due_by)


def periods_back(point: RiskPoint, frequency_key: str, moment: datetime, tz_name: str):
    """The unit's period at the moment, then each one before it."""
    within = db.session.get(Enterprise, point.enterprise_id).check_within_hours
    period = period_for(frequency_key, point.team, moment, tz_name, within)
    while True:
        yield period
        period = period_for(frequency_key, point.team, period.start - timedelta(seconds=1),
                            tz_name, within)


# --- units ---------------------------------------------------------------------------------

def point_units(point: RiskPoint) -> list[tuple[str, str, list[ChecklistItem]]]:
    """(level, frequency key, items) of the point's current checklist, in checklist order."""
    groups: dict[tuple[str, str], list[ChecklistItem]] = {}
    if point.checklist is not None:
        for item in point.checklist.items:
            groups.setdefault((item.level, item.frequency_key), []).append(item)
    return [(level, key, items) for (level, key), items in groups.items()]


def unit_since(point: RiskPoint, level: str, frequency_key: str) -> datetime:
    """When the unit first appeared on the point's checklist: a period that began earlier
    cannot be missed, nobody could have checked it."""
    for version in point.checklist_versions:
        if any((i.level, i.frequency_key) == (level, frequency_key) for i in version.items):
            return version.created_at
    return point.created_at


def _done_times(point: RiskPoint, level: str, frequency_key: str, since: datetime):
    return list(db.session.scalars(select(Inspection.done_at).where(
        Inspection.risk_point_id == point.id, Inspection.level == level,
        Inspection.frequency_key == frequency_key, Inspection.done_at >= since)))


def _missed(period: Period, moment: datetime, since: datetime, done: list[datetime]) -> bool:
    return (period.start >= since and is_overdue(period, moment)
            and not any(period.contains(t) for t in done))


def unit_state(point: RiskPoint, level: str, frequency_key: str, items: list[ChecklistItem],
               tz_name: str, moment: datetime | None = None,
               done: list[datetime] | None = None) -> DueUnit:
    """done: the unit's check times since the previous period began, when the caller
    fetched them for many units at once (the latest one is enough)."""
    moment = moment or clock.now()
    periods = periods_back(point, frequency_key, moment, tz_name)
    period, previous = next(periods), next(periods)
    if done is None:
        done = _done_times(point, level, frequency_key, previous.start)
    if any(period.contains(t) for t in done):
        return DueUnit(point, level, frequency_key, items, period, DueState.DONE)
    since = unit_since(point, level, frequency_key)
    missed = next((p for p in (previous, period) if _missed(p, moment, since, done)), None)
    if missed is not None:
        state = DueState.OVERDUE
    elif is_due_soon(frequency_key, period, moment):
        state = DueState.DUE_SOON
    else:
        state = DueState.DUE
    return DueUnit(point, level, frequency_key, items, period, state, missed)


def missed_periods(point: RiskPoint, level: str, frequency_key: str, tz_name: str,
                   moment: datetime, back: timedelta) -> list[Period]:
    """The unit's periods that reached their due-by undone, no longer than `back` before
    the moment, newest first (the escalation ladder's input)."""
    since = unit_since(point, level, frequency_key)
    periods = []
    for period in periods_back(point, frequency_key, moment, tz_name):
        if period.start < since or period.due_by < moment - back:
            break
        periods.append(period)
    if not periods:
        return []
    done = _done_times(point, level, frequency_key, periods[-1].start)
    return [p for p in periods if _missed(p, moment, since, done)]


def units_of_point(point: RiskPoint, tz_name: str, levels: set[str] | None = None,
                   moment: datetime | None = None) -> list[DueUnit]:
    return [unit_state(point, level, key, items, tz_name, moment)
            for level, key, items in point_units(point) if levels is None or level in levels]


# --- who ------------------------------------------------------------------------------------

CHECKERS = (Role.WORKER, Role.TEAM_LEADER)


def _team_points(user: User):
    return RiskPoint.team_id == user.team_id if user.team_id is not None else false()


def _department_points(user: User):
    department_id = user.effective_department_id
    return RiskPoint.department_id == department_id if department_id is not None else false()


def off_work(user: User, moment: datetime | None = None) -> bool:
    """不安全不上岗: a worker kept off work at a closed briefing does no checks until the
    shift ends; the team's checks stay due to the rest of the team."""
    return user.has_role(*CHECKERS) and briefings.off_work(user, moment) is not None


def no_lesson(user: User, moment: datetime | None = None) -> bool:
    """不上第一课不开工: a person with an assigned lesson not yet passed (nor waived) does no
    checks; the checks stay due to the rest of the team."""
    return lesson_gate.held_back(user, moment) is not None


def _scope(user: User, moment: datetime | None = None):
    """(check level, which points): the checks that fall due to this user."""
    if no_lesson(user, moment):
        return None
    if user.has_role(*CHECKERS):
        if user.team_id is None or off_work(user, moment):
            return None
        return CheckLevel.TEAM, and_(_team_points(user), lesson_gate.certified_user(user, moment))
    if user.has_role(Role.DEPT_HEAD):
        if user.effective_department_id is None:
            return None
        return CheckLevel.WORKSHOP, _department_points(user)
    if user.has_role(Role.SAFETY_OFFICER, Role.SAFETY_DIRECTOR):
        return CheckLevel.ENTERPRISE, true()
    return None


def checkable(user: User, level: str, moment: datetime | None = None):
    """The points where the user may do a check of this level at the moment, as one
    condition (built from the same parts as the checks that fall due to them): team checks
    to the point's own team, or for a point without a team to its department's people,
    unless kept off work, and to the department head; workshop checks to that department
    head; the safety staff and the principal may do any check. Nobody held back by an
    unpassed lesson does one, and a team check that needs a certificate only someone
    holding it valid. Anyone else reports a hazard instead."""
    if level == CheckLevel.TEAM:
        return and_(_uncertified(user, level, moment), lesson_gate.certified_user(user, moment))
    return _uncertified(user, level, moment)


def _uncertified(user: User, level: str, moment: datetime | None = None):
    """checkable, certificates aside."""
    if no_lesson(user, moment):
        allowed = false()
    elif user.has_role(Role.SAFETY_OFFICER, Role.SAFETY_DIRECTOR, Role.PRINCIPAL):
        allowed = true()
    elif level == CheckLevel.TEAM and off_work(user, moment):
        allowed = false()
    elif level == CheckLevel.TEAM and user.has_role(*CHECKERS):
        allowed = or_(_team_points(user),
                      and_(RiskPoint.team_id.is_(None), _department_points(user)))
    elif level in (CheckLevel.TEAM, CheckLevel.WORKSHOP) and user.has_role(Role.DEPT_HEAD):
        allowed = _department_points(user)
    else:
        allowed = false()
    return and_(RiskPoint.enterprise_id == user.enterprise_id, allowed)


def lacks_certificate(user: User, point: RiskPoint, level: str, moment: datetime | None = None) -> bool:
    """持证上岗: the check would be the user's but for a certificate he does not hold valid."""
    return (level == CheckLevel.TEAM and holds(_uncertified(user, level, moment), point)
            and not holds(lesson_gate.certified_user(user, moment), point))


def levels_for(user: User) -> set[str]:
    scope = _scope(user)
    return {scope[0]} if scope else set()


@dataclass(frozen=True)
class Gap:
    """A check level of a point that falls to nobody (see _scope)."""
    point: RiskPoint
    level: str
    message: str


def gaps(enterprise_id: int, points: list[RiskPoint] | None = None) -> list[Gap]:
    """The team checks of a point without a team, or whose team has no active member, and
    the workshop checks of a point whose department has no active department head; of
    the given points, else of every active point of the enterprise."""
    if points is None:
        points = active_points(enterprise_id)
    holders = db.session.scalars(select(User).where(
        User.enterprise_id == enterprise_id, User.active.is_(True),
        User.role.in_((*CHECKERS, Role.DEPT_HEAD)))).all()
    checkers = [u for u in holders if u.has_role(*CHECKERS)]
    staffed = {u.team_id for u in checkers}
    headed = {u.effective_department_id for u in holders if u.has_role(Role.DEPT_HEAD)}
    held = {}
    if any(point.required_certificate for point in points):
        enterprise = db.session.get(Enterprise, enterprise_id)
        held = lesson_gate.held_certificates([u.id for u in checkers],
                                             clock.today(enterprise.timezone))
    found = []
    for point in points:
        levels = {level for level, _key, _items in point_units(point)}
        if CheckLevel.TEAM in levels:
            if point.team is None:
                found.append(Gap(point, CheckLevel.TEAM, _l(
                    "Team checks have nobody: the risk point has no responsible team")))
            elif point.team_id not in staffed:
                found.append(Gap(point, CheckLevel.TEAM, _l(
                    "Team checks have nobody: %(team)s has no active member",
                    team=point.team.name)))
            elif point.required_certificate and not any(
                    holds(lesson_gate.certified(held.get(u.id, set())), point)
                    for u in checkers if u.team_id == point.team_id):
                found.append(Gap(point, CheckLevel.TEAM, _l(
                    "Team checks have nobody: nobody of %(team)s holds a valid %(certificate)s",
                    team=point.team.name, certificate=point.required_certificate_title)))
        if CheckLevel.WORKSHOP in levels and point.department_id not in headed:
            found.append(Gap(point, CheckLevel.WORKSHOP, _l(
                "Workshop checks have nobody: %(department)s has no department head",
                department=point.department.name)))
    return found


def gaps_for(user: User) -> list[Gap]:
    """The safety officer and the director are shown every check that falls to nobody."""
    if user.has_role(Role.SAFETY_OFFICER, Role.SAFETY_DIRECTOR):
        return gaps(user.enterprise_id)
    return []


def units_for(user: User, moment: datetime | None = None,
              gaps_known: list[Gap] | None = None) -> list[DueUnit]:
    """The checks that fall to the user now, most urgent first. The safety director's
    list also holds every check that falls to nobody, until someone is named (gaps_known:
    the caller's gaps_for(user), so that a page showing both finds them once)."""
    tz_name = user.enterprise.timezone
    units = []
    scope = _scope(user, moment)
    if scope is not None:
        level, which = scope
        # One query of the checks for all the points (see units_of_points).
        units = units_of_points(active_points(user.enterprise_id, which), tz_name, {level}, moment)
    if user.has_role(Role.SAFETY_DIRECTOR):
        held = gaps_for(user) if gaps_known is None else gaps_known
        for level in {gap.level for gap in held}:
            units += units_of_points([gap.point for gap in held if gap.level == level], tz_name,
                                     {level}, moment)
    return sorted(units, key=DueUnit.sort_key)


# --- many units at once (the homes and their counts) --------------------------------------

# The furthest back a unit's state looks: the start of the previous month's period.
LOOK_BACK = timedelta(days=64)
# What unit_state reads of a point, loaded for all the points at once.
POINT_LOADS = (selectinload(RiskPoint.checklist_versions).selectinload(ChecklistVersion.items),
               selectinload(RiskPoint.team).selectinload(Team.shifts))


def latest_done(units: list[tuple[int, str, str]], moment: datetime) -> dict[tuple, datetime]:
    """The latest check of each (point id, level, frequency key) since LOOK_BACK, in one
    statement: a unit's state needs no more than that (see unit_state). Each unit's latest
    is its own correlated max(), which an index on inspection (risk_point_id, level,
    frequency_key, done_at) answers by one seek, however long the history."""
    if not units:
        return {}
    wanted = values(column("point_id", Integer), column("level", String), column("key", String),
                    name="unit").data(units).cte()
    last = (select(func.max(Inspection.done_at))
            .where(Inspection.risk_point_id == wanted.c.point_id, Inspection.level == wanted.c.level,
                   Inspection.frequency_key == wanted.c.key, Inspection.done_at >= moment - LOOK_BACK)
            .scalar_subquery())
    rows = db.session.execute(select(wanted.c.point_id, wanted.c.level, wanted.c.key, last))
    return {(point_id, level, key): done for point_id, level, key, done in rows if done is not None}


def units_of_points(points: list[RiskPoint], tz_name: str, levels: set[str] | None = None,
                    moment: datetime | None = None) -> list[DueUnit]:
    """units_of_point for many points, reading the checks once; most urgent first."""
    moment = moment or clock.now()
    wanted = [(point, level, key, items) for point in points for level, key, items in point_units(point)
              if levels is None or level in levels]
    latest = latest_done([(point.id, level, key) for point, level, key, _items in wanted], moment)
    units = []
    for point, level, key, items in wanted:
        last = latest.get((point.id, level, key))
        units.append(unit_state(point, level, key, items, tz_name, moment, [last] if last else []))
    return sorted(units, key=DueUnit.sort_key)


def active_points(enterprise_id: int, *where) -> list[RiskPoint]:
    return list(db.session.scalars(select(RiskPoint).options(*POINT_LOADS).where(
        RiskPoint.enterprise_id == enterprise_id, RiskPoint.active.is_(True), *where)
        .order_by(RiskPoint.code)))


def overdue_units(enterprise_id: int, moment: datetime | None = None) -> list[DueUnit]:
    """Every check of the enterprise, at any level, that is overdue now: its period (or the
    one before) reached its due-by undone, whether or not anyone holds it."""
    # Held while the units are worked out: each asks for the enterprise by id, which the
    # session answers from memory only while someone holds the object.
    enterprise = db.session.get(Enterprise, enterprise_id)
    units = units_of_points(active_points(enterprise_id), enterprise.timezone, None, moment)
    return [unit for unit in units if unit.state == DueState.OVERDUE]


def department_team_units_undone(user: User, moment: datetime | None = None) -> list[DueUnit]:
    """A department head's view of his teams: the team checks of his department's points
    not done in their current period, most urgent first."""
    if user.effective_department_id is None:
        return []
    points = active_points(user.enterprise_id, _department_points(user))
    units = units_of_points(points, user.enterprise.timezone, {CheckLevel.TEAM}, moment)
    return [unit for unit in units if unit.state != DueState.DONE]
