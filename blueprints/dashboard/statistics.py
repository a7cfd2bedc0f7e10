"""The statistics of a period for the director, the safety staff, the principal and the
department heads: the hazard figures (hazards/statistics.py), how the checks went by team
and by level (inspections/tally.py), the checks made without a scan, and the briefings
held. Each figure links to the ledger rows it counts, under the same filter."""
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import false

from blueprints.briefings import queries as briefings
from blueprints.common.ledger import LocalTime
from blueprints.hazards import statistics as hazard_statistics
from blueprints.hazards.ledger import LedgerFilter
from blueprints.inspections import due, tally
from blueprints.inspections import ledger as records
from blueprints.org.models import Enterprise, Role, Team, User
from blueprints.risk_points.models import CheckLevel, RiskPoint

NO_TEAM = _l("No team")
NONE = "none"   # the team filter's value for the points of no team


@dataclass
class Rate:
    """Checks that counted, done and missed, of a team, a level or all."""
    label: object
    key: str = ""        # the team's id or the level, for the links
    counted: int = 0
    done: int = 0

    @property
    def missed(self) -> int:
        return self.counted - self.done

    @property
    def percent(self) -> int | None:
        return None if not self.counted else round(100 * self.done / self.counted)

    def add(self, unit: tally.Tally) -> None:
        self.counted += unit.counted
        self.done += len(unit.done)


@dataclass
class Checks:
    total: Rate
    teams: list[Rate] = field(default_factory=list)
    levels: list[Rate] = field(default_factory=list)
    unscanned: int = 0


@dataclass
class Figures:
    start: date
    end: date
    department_id: int | None
    hazards: hazard_statistics.HazardFigures
    checks: Checks
    briefings: list          # briefings.Tally, by team

    briefings_due = property(lambda self: sum(t.due for t in self.briefings))
    briefings_held = property(lambda self: sum(t.held for t in self.briefings))
    briefings_late = property(lambda self: sum(t.late for t in self.briefings))


def department_of(user: User, chosen: int | None) -> int | None:
    """A department head's figures are his department's; the others choose one, or all."""
    if user.has_role(Role.DEPT_HEAD):
        return user.effective_department_id
    return chosen


def _of_department(user: User, department_id: int | None, column) -> list:
    """The condition on a department column: the one chosen (a department head's own), or
    for a department head of none, nothing."""
    if department_id:
        return [column == department_id]
    return [false()] if user.has_role(Role.DEPT_HEAD) else []


def units(user: User, enterprise: Enterprise, start: date, end: date,
          department_id: int | None) -> list[tally.Tally]:
    """The tally of each check of the active points in scope over the period."""
    where = _of_department(user, department_id, RiskPoint.department_id)
    since, until = LocalTime(enterprise.timezone).bounds(start, end)
    return tally.tallies(due.active_points(enterprise.id, *where), enterprise.timezone, since, until)


def checks(user: User, enterprise: Enterprise, start: date, end: date, department_id: int | None) -> Checks:
    found = Checks(Rate(_l("All checks")))
    teams, levels = {}, {level: Rate(level.label, level.value) for level in CheckLevel}
    for unit in units(user, enterprise, start, end, department_id):
        team = unit.point.team
        if team not in teams:
            teams[team] = Rate(team.name if team else NO_TEAM, str(team.id) if team else NONE)
        for rate in (found.total, teams[team], levels[CheckLevel(unit.level)]):
            rate.add(unit)
    found.teams = sorted((rate for rate in teams.values() if rate.counted),
                         key=lambda r: (r.percent, str(r.label)))
    found.levels = [rate for rate in levels.values() if rate.counted]
    local = LocalTime(enterprise.timezone)
    found.unscanned = records.check_count(user, records.RecordFilter(
        start, end, department_id, unscanned_only=True), local)
    return found


@dataclass
class Month:
    """The principal's home: this month's hazard figures and checks done of due."""
    start: date
    end: date
    hazards: hazard_statistics.HazardFigures
    checks: Rate


def month(user: User, today: date) -> Month:
    start = today.replace(day=1)
    local = LocalTime(user.enterprise.timezone)
    done = Rate(_l("All checks"))
    for unit in units(user, user.enterprise, start, today, department_of(user, None)):
        done.add(unit)
    return Month(start, today, hazard_statistics.figures(user, LedgerFilter(start, today), local), done)


def figures(user: User, start: date, end: date, chosen_department: int | None) -> Figures:
    enterprise = user.enterprise
    department_id = department_of(user, chosen_department)
    local = LocalTime(enterprise.timezone)
    hazards = hazard_statistics.figures(user, LedgerFilter(start, end, department_id), local)
    since, until = local.bounds(start, end)
    where = _of_department(user, department_id, Team.department_id)
    held = briefings.tallies(briefings.briefing_teams(enterprise.id, *where), enterprise, since, until)
    return Figures(start, end, department_id, hazards,
                   checks(user, enterprise, start, end, department_id), held)


@dataclass
class Missed:
    unit: tally.Tally
    period: due.Period


def missed(user: User, start: date, end: date, chosen_department: int | None, team: str = "",
           level: str = "") -> list[Missed]:
    """The checks missed in the period (of a team's points, of a level), newest first: the
    rows behind the statistics' "missed"."""
    enterprise = user.enterprise
    found = [Missed(unit, period)
             for unit in units(user, enterprise, start, end, department_of(user, chosen_department))
             if (not team or str(unit.point.team_id or NONE) == team) and (not level or unit.level == level)
             for period in unit.missed_periods()]
    return sorted(found, key=lambda m: (m.period.start, m.unit.point.code), reverse=True)
