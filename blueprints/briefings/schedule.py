"""Which briefings are due: one before each of a team's shifts, or, for a team without
shifts, one before the enterprise's work day starts. Times local to the enterprise;
the database holds naive UTC."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from blueprints.common import clock
from blueprints.org.models import Enterprise, Team

# A briefing can be started this long before its shift begins.
OPENS_BEFORE = timedelta(hours=2)


@dataclass(frozen=True)
class Slot:
    """One shift (or work day) of one team, for which one briefing is held."""
    team_id: int
    shift_id: int | None
    name: str
    work_day: date
    start: datetime   # naive UTC
    end: datetime     # naive UTC, exclusive
    due_by: datetime  # naive UTC: not started by then, the briefing is missing

    @property
    def key(self) -> str:
        return f"{self.start:%Y%m%d%H%M}"


def _slots_of_day(team: Team, enterprise: Enterprise, day: date) -> list[Slot]:
    zone = ZoneInfo(enterprise.timezone)
    late = timedelta(minutes=enterprise.briefing_late_minutes)
    shifts = [(s.id, s.name, s.start, s.end) for s in team.shifts] or [
        (None, "", enterprise.workday_start, enterprise.workday_start)]
    slots = []
    for shift_id, name, begins, ends in shifts:
        start = datetime.combine(day, begins, tzinfo=zone)
        end = datetime.combine(day, ends, tzinfo=zone)
        if end <= start:  # past midnight, or a whole work day
            end += timedelta(days=1)
        start, end = clock.to_utc(start), clock.to_utc(end)
        slots.append(Slot(team.id, shift_id, name, day, start, end, start + late))
    return sorted(slots, key=lambda slot: slot.start)


def slots_between(team: Team, enterprise: Enterprise, since: datetime, until: datetime) -> list[Slot]:
    """The team's slots that start in [since, until), oldest first."""
    first = clock.to_local(since, enterprise.timezone).date() - timedelta(days=1)
    last = clock.to_local(until, enterprise.timezone).date()
    slots = []
    day = first
    while day <= last:
        slots += [s for s in _slots_of_day(team, enterprise, day) if since <= s.start < until]
        day += timedelta(days=1)
    return slots


def current_slot(team: Team, enterprise: Enterprise, moment: datetime | None = None) -> Slot | None:
    """The slot a briefing held now is for: of the slots that have opened (two hours before
    their start) and not yet ended, the latest to start."""
    moment = moment or clock.now()
    near = slots_between(team, enterprise, moment - timedelta(days=2),
                         moment + OPENS_BEFORE + timedelta(seconds=1))
    open_now = [s for s in near if s.start - OPENS_BEFORE <= moment < s.end]
    return open_now[-1] if open_now else None
