"""What is due, when it is overdue and when done: shift, day, week and month boundaries
in Asia/Shanghai with a frozen clock."""
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.inspections import due, services
from blueprints.risk_points.services import ItemData
from tests import factories

SHANGHAI = ZoneInfo("Asia/Shanghai")


def utc(*args) -> datetime:
    """A Shanghai wall-clock time as the naive UTC the database holds."""
    return clock.to_utc(datetime(*args, tzinfo=SHANGHAI))


@pytest.fixture
def day_night(ent):
    """The standard team: day shift 08–20, night shift 20–08."""
    return ent.team


@pytest.fixture
def no_shifts(ent):
    return factories.make_team(ent.department, "电气维修班")


@pytest.mark.parametrize("local, start, end", [
    ((2025, 3, 12, 19, 59), (2025, 3, 12, 8), (2025, 3, 12, 20)),
    ((2025, 3, 12, 20, 0), (2025, 3, 12, 20), (2025, 3, 13, 8)),
    ((2025, 3, 13, 1, 0), (2025, 3, 12, 20), (2025, 3, 13, 8)),
    ((2025, 3, 13, 7, 59), (2025, 3, 12, 20), (2025, 3, 13, 8)),
    ((2025, 3, 13, 8, 0), (2025, 3, 13, 8), (2025, 3, 13, 20)),
])
def test_shift_periods_at_the_boundaries(day_night, local, start, end):
    """Does "every shift" switch exactly at 20:00 and 08:00, and does 01:00 belong to the
    night shift that began the evening before?"""
    period = due.period_for("shift", day_night, utc(*local), "Asia/Shanghai")
    assert (period.start, period.end) == (utc(*start), utc(*end))


@pytest.mark.parametrize("local, start", [
    ((2025, 3, 12, 19, 59), (2025, 3, 12, 8)),
    ((2025, 3, 13, 1, 0), (2025, 3, 12, 8)),   # the night shift's day is the previous date
    ((2025, 3, 13, 7, 59), (2025, 3, 12, 8)),
    ((2025, 3, 13, 8, 0), (2025, 3, 13, 8)),
])
def test_work_day_starts_with_the_first_shift(day_night, local, start):
    """Does the daily period run from the first shift's start to the same time next day?"""
    period = due.period_for("daily", day_night, utc(*local), "Asia/Shanghai")
    assert (period.start, period.end) == (utc(*start), utc(*start) + timedelta(days=1))


def test_teams_without_shifts_use_the_local_day(no_shifts):
    """Do "every shift" and "daily" mean the calendar day in Shanghai for a team without shifts?"""
    for key in ("shift", "daily"):
        late = due.period_for(key, no_shifts, utc(2025, 3, 12, 23, 59), "Asia/Shanghai")
        early = due.period_for(key, no_shifts, utc(2025, 3, 13, 0, 0), "Asia/Shanghai")
        assert (late.start, late.end) == (utc(2025, 3, 12, 0), utc(2025, 3, 13, 0))
        assert early.start == utc(2025, 3, 13, 0)


@pytest.mark.parametrize("local, start, end", [
    ((2025, 3, 12, 8, 0), (2025, 3, 12, 8), (2025, 3, 12, 10)),
    ((2025, 3, 12, 9, 59), (2025, 3, 12, 8), (2025, 3, 12, 10)),
    ((2025, 3, 12, 10, 0), (2025, 3, 12, 10), (2025, 3, 12, 12)),
    ((2025, 3, 13, 7, 30), (2025, 3, 13, 6), (2025, 3, 13, 8)),
])
def test_every_two_hours_counts_from_the_first_shift(day_night, local, start, end):
    """Are two-hour windows counted from 08:00, the team's first shift?"""
    period = due.period_for("hours:2", day_night, utc(*local), "Asia/Shanghai")
    assert (period.start, period.end) == (utc(*start), utc(*end))


@pytest.mark.parametrize("local, start", [
    ((2025, 3, 17, 7, 59), (2025, 3, 10, 8)),   # Monday before the first shift: last week
    ((2025, 3, 17, 8, 0), (2025, 3, 17, 8)),
    ((2025, 3, 23, 23, 0), (2025, 3, 17, 8)),   # Sunday night
])
def test_weeks_start_on_monday_at_the_day_start(day_night, local, start):
    """Does the week begin on Monday at the team's day start?"""
    period = due.period_for("weekly", day_night, utc(*local), "Asia/Shanghai")
    assert (period.start, period.end) == (utc(*start), utc(*start) + timedelta(days=7))


@pytest.mark.parametrize("local, start, end", [
    ((2025, 3, 31, 23, 59), (2025, 3, 1, 0), (2025, 4, 1, 0)),
    ((2025, 4, 1, 0, 0), (2025, 4, 1, 0), (2025, 5, 1, 0)),
    ((2024, 12, 31, 12, 0), (2024, 12, 1, 0), (2025, 1, 1, 0)),
])
def test_months_are_calendar_months_in_shanghai(no_shifts, local, start, end):
    """Does the month turn at local midnight (16:00 UTC the day before)?"""
    period = due.period_for("monthly", no_shifts, utc(*local), "Asia/Shanghai")
    assert (period.start, period.end) == (utc(*start), utc(*end))


def test_month_of_a_shift_team_starts_at_its_first_shift(day_night):
    """Does 1 April 07:00 still belong to March for a team whose day starts at 08:00?"""
    period = due.period_for("monthly", day_night, utc(2025, 4, 1, 7, 0), "Asia/Shanghai")
    assert (period.start, period.end) == (utc(2025, 3, 1, 8), utc(2025, 4, 1, 8))


def _state(user, point, moment):
    units = [u for u in due.units_for(user, moment) if u.point.id == point.id]
    return units[0].state


def _check(user, point, moment):
    with clock.frozen(moment):
        services.submit_check(user, point, "team", "shift",
                              [services.Answer(i.id, "ok") for i in point.checklist.items])
    db.session.commit()


def test_due_overdue_and_done_across_a_shift_change(ent):
    """Is a shift check due early in the shift, overdue past its middle, done once checked,
    and due again when the next shift starts?"""
    worker, point = ent.worker, ent.point
    assert _state(worker, point, utc(2025, 3, 12, 13, 59)) == due.DueState.DUE
    assert _state(worker, point, utc(2025, 3, 12, 14, 1)) == due.DueState.OVERDUE
    _check(worker, point, utc(2025, 3, 12, 15, 0))
    assert _state(worker, point, utc(2025, 3, 12, 19, 59)) == due.DueState.DONE
    assert _state(worker, point, utc(2025, 3, 12, 20, 0)) == due.DueState.DUE
    # at 01:00 the night shift that began at 20:00 is still the period
    _check(worker, point, utc(2025, 3, 12, 22, 0))
    assert _state(worker, point, utc(2025, 3, 13, 1, 0)) == due.DueState.DONE
    assert _state(worker, point, utc(2025, 3, 13, 8, 0)) == due.DueState.DUE


def test_due_by_is_the_middle_of_the_period(ent):
    """Is the due-by time the moment the unit turns overdue?"""
    unit = due.units_for(ent.worker, utc(2025, 3, 12, 9, 0))[0]
    assert unit.period.due_by == utc(2025, 3, 12, 14, 0)
    assert not due.is_overdue(unit.period, unit.period.due_by)
    assert due.is_overdue(unit.period, unit.period.due_by + timedelta(seconds=1))


def test_who_sees_which_units_most_urgent_first(ent):
    """Do workers get the team checks of their team's points, the department head the
    workshop checks and the safety director the enterprise checks, overdue first?"""
    mixed = factories.make_risk_point(
        ent.enterprise, ent.department, ent.team, lec=(10, 6, 40), items=[
            ItemData("压力正常", frequency="hours", every_hours=2),
            ItemData("围堰完好", frequency="weekly", level="workshop"),
            ItemData("安全阀校验", frequency="monthly", level="enterprise")])
    other_team = factories.make_team(ent.department, "乙班")
    factories.make_risk_point(ent.enterprise, ent.department, other_team)
    db.session.commit()
    moment = utc(2025, 3, 12, 9, 30)  # the 08–10 window is past its middle
    units = due.units_for(ent.worker, moment)
    assert [(u.point.id, u.frequency_key, u.state) for u in units] == [
        (mixed.id, "hours:2", due.DueState.OVERDUE), (ent.point.id, "shift", due.DueState.DUE)]
    assert [(u.point.id, u.level) for u in due.units_for(ent.dept_head, moment)] == [
        (mixed.id, "workshop")]
    assert [(u.point.id, u.level) for u in due.units_for(ent.director, moment)] == [
        (mixed.id, "enterprise")]
    assert [u.level for u in due.units_for(ent.safety_officer, moment)] == ["enterprise"]


def test_equal_urgency_sorts_by_colour(ent):
    """With the same due-by time, does the more serious colour come first?"""
    red = factories.make_risk_point(ent.enterprise, ent.department, ent.team, lec=(10, 6, 40))
    db.session.commit()
    units = due.units_for(ent.worker, utc(2025, 3, 12, 9, 0))
    assert [u.point.id for u in units] == [red.id, ent.point.id]
    assert red.grade.rank < ent.point.grade.rank


def test_done_units_come_last(ent):
    """Does a done check sort after one still due, whatever its colour?"""
    red = factories.make_risk_point(ent.enterprise, ent.department, ent.team, lec=(10, 6, 40))
    db.session.commit()
    _check(ent.worker, red, utc(2025, 3, 12, 9, 0))
    units = due.units_for(ent.worker, utc(2025, 3, 12, 9, 30))
    assert [(u.point.id, u.state) for u in units] == [
        (ent.point.id, due.DueState.DUE), (red.id, due.DueState.DONE)]


def test_shift_start_in_a_gap_between_shifts(ent):
    """Between two shifts that leave a gap, is the last shift that began still the period?"""
    team = factories.make_team(ent.department, "检修班", shifts=[("早班", time(8), time(12)),
                                                               ("午班", time(13), time(17))])
    period = due.period_for("shift", team, utc(2025, 3, 12, 12, 30), "Asia/Shanghai")
    assert (period.start, period.end) == (utc(2025, 3, 12, 8), utc(2025, 3, 12, 12))
