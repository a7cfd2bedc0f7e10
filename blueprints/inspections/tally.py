"""How the checks of a span went: for each due unit, the periods that counted (they began
in the span after the unit appeared, and reached their due-by or were done), how many were
done and which were missed, by the same periods and the same "missed" as what is due now
(due.py). The statistics and the director's reports count from here."""
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, select, type_coerce

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.inspections.due import Period, periods_back, point_units, unit_since
from blueprints.inspections.models import Inspection
from blueprints.risk_points.models import CheckLevel, RiskPoint, frequency_label

CHUNK = 5000  # checks read at a time


@dataclass
class Tally:
    point: RiskPoint
    level: str
    frequency_key: str
    periods: list[Period]     # of the unit's team and frequency, oldest first (shared)
    first: int                # the unit's first period in the span
    passed: int               # periods before this index reached their due-by
    done: set[int]            # the indexes of the periods done

    @property
    def counted(self) -> int:
        return self.passed - self.first + sum(i >= self.passed for i in self.done)

    @property
    def missed(self) -> int:
        return self.counted - len(self.done)

    def missed_periods(self) -> list[Period]:
        """Newest first."""
        return [self.periods[i] for i in range(self.passed - 1, self.first - 1, -1) if i not in self.done]

    @property
    def level_label(self):
        return CheckLevel(self.level).label

    @property
    def frequency_label(self):
        return frequency_label(self.frequency_key)


def tallies(points: list[RiskPoint], tz_name: str, since: datetime, until: datetime,
            moment: datetime | None = None) -> list[Tally]:
    """The tally of each unit of these points (one enterprise's) over [since, until):
    the checks read in one statement, the periods of each team and frequency walked once."""
    moment = moment or clock.now()
    end = min(until, moment)
    units = [(point, level, key) for point in points for level, key, _items in point_units(point)]
    if not units or end <= since:
        return []
    runs = {}
    for point, _level, key in units:
        if (key, point.team_id) not in runs:
            periods = _periods(point, key, tz_name, since, end)
            runs[key, point.team_id] = periods, [p.start for p in periods], [p.due_by for p in periods]
    read_until = max((periods[-1].end for periods, _s, _d in runs.values() if periods), default=end)
    found = {}
    for point, level, key in units:
        periods, starts, due_bys = runs[key, point.team_id]
        first = bisect_left(starts, max(since, unit_since(point, level, key)))
        found[point.id, str(level), key] = Tally(point, level, key, periods, first,
                                            max(bisect_right(due_bys, moment), first), set())
    # Streamed, each check only marking its period done: five years of checks are not held.
    rows = db.session.execute(
        # The level as its stored text: a unit's key, no enum made per row.
        select(Inspection.risk_point_id, type_coerce(Inspection.level, String), Inspection.frequency_key,
               Inspection.done_at)
        .where(Inspection.enterprise_id == points[0].enterprise_id, Inspection.done_at >= since,
               Inspection.done_at < read_until).execution_options(yield_per=CHUNK))
    for point_id, level, key, done_at in rows:
        unit = found.get((point_id, level, key))
        if unit is None:
            continue
        starts = runs[key, unit.point.team_id][1]
        i = bisect_right(starts, done_at) - 1
        if i >= unit.first and unit.periods[i].contains(done_at):
            unit.done.add(i)
    return list(found.values())


def _periods(point: RiskPoint, frequency_key: str, tz_name: str, since: datetime,
             end: datetime) -> list[Period]:
    """The periods of the point's team and this frequency that begin in [since, end)."""
    found = []
    for period in periods_back(point, frequency_key, end - timedelta(microseconds=1), tz_name):
        if period.start < since:
            break
        found.append(period)
    return found[::-1]
