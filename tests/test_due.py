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
from tests.factories_briefings import keep_off_work
from tests.test_org import settings_form

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


MADE = utc(2025, 3, 12, 8)


@pytest.fixture
def made_early(app):
    """The standard enterprise as made at 08:00 on Wednesday 12 March 2025 (Shanghai), the
    start of its day shift: periods that began before then cannot be missed."""
    with clock.frozen(MADE):
        return factories.standard_enterprise()


def _point(ent, key, level="team", made=MADE):
    """A point of the standard team with one item checked `key` at `level`, made at `made`."""
    kind, _, hours = key.partition(":")
    with clock.frozen(made):
        point = factories.make_risk_point(ent.enterprise, ent.department, ent.team, items=[
            ItemData("围堰完好", frequency=kind, every_hours=int(hours) if hours else None,
                     level=level)])
    db.session.commit()
    return point


def _state(user, point, moment):
    units = [u for u in due.units_for(user, moment) if u.point.id == point.id]
    return units[0].state


def _check(user, point, moment):
    with clock.frozen(moment):
        services.submit_check(user, point, "team", "shift",
                              [services.Answer(i.id, "ok") for i in point.checklist.items])
    db.session.commit()


def test_a_shift_check_is_overdue_when_its_shift_ends(made_early):
    """Is a shift check still due one second before its shift ends, overdue at the end,
    overdue in the next shift until someone checks, and done then?"""
    worker, point = made_early.worker, made_early.point
    assert _state(worker, point, utc(2025, 3, 12, 14, 1)) == due.DueState.DUE
    assert _state(worker, point, utc(2025, 3, 12, 19, 59, 59)) == due.DueState.DUE
    assert _state(worker, point, utc(2025, 3, 12, 20, 0)) == due.DueState.OVERDUE
    [unit] = due.units_for(worker, utc(2025, 3, 13, 1, 0))
    assert unit.state == due.DueState.OVERDUE and unit.due_by == utc(2025, 3, 12, 20, 0)
    _check(worker, point, utc(2025, 3, 12, 22, 0))
    assert _state(worker, point, utc(2025, 3, 13, 1, 0)) == due.DueState.DONE
    assert _state(worker, point, utc(2025, 3, 13, 8, 0)) == due.DueState.DUE


def test_a_shift_done_in_time_is_not_overdue_in_the_next(made_early):
    """Is the next shift's check merely due when the last shift was checked?"""
    worker, point = made_early.worker, made_early.point
    _check(worker, point, utc(2025, 3, 12, 15, 0))
    assert _state(worker, point, utc(2025, 3, 12, 19, 59, 59)) == due.DueState.DONE
    assert _state(worker, point, utc(2025, 3, 12, 20, 0)) == due.DueState.DUE


def test_periods_before_the_unit_existed_are_not_missed(ent):
    """A point made today: is the night shift of last year not held against it?"""
    assert _state(ent.worker, ent.point, utc(2025, 3, 12, 9, 0)) == due.DueState.DUE


def test_due_by_is_the_end_of_the_period(made_early):
    """Without an enterprise setting, is a period due by its end, and overdue from then?"""
    unit = due.units_for(made_early.worker, utc(2025, 3, 12, 9, 0))[0]
    assert unit.period.due_by == unit.period.end == utc(2025, 3, 12, 20, 0)
    assert not due.is_overdue(unit.period, unit.period.due_by - timedelta(seconds=1))
    assert due.is_overdue(unit.period, unit.period.due_by)


@pytest.mark.parametrize("key", ["shift", "daily", "hours:4"])
def test_complete_within_hours_of_the_start(made_early, key):
    """With "complete within 2 hours", is a shift, daily or 4-hourly check overdue from
    10:00 in a period that began at 08:00, and still due one second before?"""
    made_early.enterprise.check_within_hours = 2
    point = _point(made_early, key)
    worker = made_early.worker
    assert _state(worker, point, utc(2025, 3, 12, 9, 59, 59)) == due.DueState.DUE
    assert _state(worker, point, utc(2025, 3, 12, 10, 0)) == due.DueState.OVERDUE
    [unit] = [u for u in due.units_for(worker, utc(2025, 3, 12, 10)) if u.point.id == point.id]
    assert unit.due_by == utc(2025, 3, 12, 10, 0)


def test_complete_within_hours_leaves_weeks_and_months_alone(made_early):
    """Is a weekly check unaffected by the shift setting?"""
    made_early.enterprise.check_within_hours = 2
    period = due.period_for("weekly", made_early.team, utc(2025, 3, 18, 9, 0), "Asia/Shanghai",
                            within_hours=2)
    assert period.due_by == period.end


@pytest.mark.parametrize("local, state", [
    ((2025, 3, 13, 21, 0), due.DueState.DUE),          # past the middle of the week
    ((2025, 3, 14, 7, 59, 59), due.DueState.DUE),
    ((2025, 3, 14, 8, 0), due.DueState.DUE_SOON),      # Friday at the day start
    ((2025, 3, 17, 7, 59, 59), due.DueState.DUE_SOON),
    ((2025, 3, 17, 8, 0), due.DueState.OVERDUE),       # the week ended undone
    ((2025, 3, 20, 12, 0), due.DueState.OVERDUE),
])
def test_weekly_check_due_soon_then_overdue(made_early, local, state):
    """Is a weekly workshop check due all week, due soon from Friday, and overdue only
    once the week has ended?"""
    point = _point(made_early, "weekly", level="workshop", made=utc(2025, 3, 10, 8))
    assert _state(made_early.dept_head, point, utc(*local)) == state


@pytest.mark.parametrize("local, state", [
    ((2025, 3, 20, 12, 0), due.DueState.DUE),
    ((2025, 3, 27, 7, 59, 59), due.DueState.DUE),
    ((2025, 3, 27, 8, 0), due.DueState.DUE_SOON),      # five days before the month ends
    ((2025, 4, 1, 7, 59, 59), due.DueState.DUE_SOON),
    ((2025, 4, 1, 8, 0), due.DueState.OVERDUE),
])
def test_monthly_check_due_soon_then_overdue(made_early, local, state):
    """Is a monthly enterprise check due soon in its last five days and overdue at its end?"""
    point = _point(made_early, "monthly", level="enterprise", made=utc(2025, 3, 1, 8))
    assert _state(made_early.director, point, utc(*local)) == state


def test_a_missed_week_stays_overdue_until_checked(made_early):
    """Does the check done in the next week clear the missed one from the list?"""
    point = _point(made_early, "weekly", level="workshop", made=utc(2025, 3, 10, 8))
    head = made_early.dept_head
    assert _state(head, point, utc(2025, 3, 18, 9, 0)) == due.DueState.OVERDUE
    with clock.frozen(utc(2025, 3, 18, 9, 0)):
        services.submit_check(head, point, "workshop", "weekly",
                              [services.Answer(i.id, "ok") for i in point.checklist.items])
    db.session.commit()
    assert _state(head, point, utc(2025, 3, 18, 9, 1)) == due.DueState.DONE


def test_state_labels_on_the_home_page(client, auth, made_early):
    """Does the home page say 即将到期 and 已超时 in Chinese?"""
    _point(made_early, "weekly", level="workshop", made=utc(2025, 3, 10, 8))
    _point(made_early, "monthly", level="workshop", made=utc(2025, 3, 1, 8))
    with clock.frozen(utc(2025, 3, 28, 9, 0)):  # last week missed; the month ends soon
        auth.login(made_early.dept_head)
        page = client.get("/home").get_data(as_text=True)
    assert "已超时" in page and "即将到期" in page
    assert "03-24 08:00 起超时" in page


def test_who_sees_which_units_most_urgent_first(made_early):
    """Do workers get the team checks of their team's points, the department head the
    workshop checks and the safety director the enterprise checks, overdue first?"""
    ent = made_early
    with clock.frozen(utc(2025, 3, 12, 8)):
        mixed = factories.make_risk_point(
            ent.enterprise, ent.department, ent.team, lec=(10, 6, 40), items=[
                ItemData("压力正常", frequency="hours", every_hours=2),
                ItemData("围堰完好", frequency="weekly", level="workshop"),
                ItemData("安全阀校验", frequency="monthly", level="enterprise")])
        other_team = factories.make_team(ent.department, "乙班")
        factories.make_user(ent.enterprise, team=other_team)
        factories.make_risk_point(ent.enterprise, ent.department, other_team)
    db.session.commit()
    moment = utc(2025, 3, 12, 10, 30)  # the 08–10 window ended undone
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


@pytest.mark.parametrize("value, saved", [("2", 2), ("", None), ("24", 24)])
def test_director_sets_complete_within_hours(client, auth, ent, value, saved):
    """Can the director set (or clear) "complete within N hours" on the settings page?"""
    ent.enterprise.check_within_hours = 5
    db.session.commit()
    auth.login(ent.director)
    response = client.post("/org/settings", data=settings_form(check_within_hours=value))
    assert response.status_code == 302
    db.session.refresh(ent.enterprise)
    assert ent.enterprise.check_within_hours == saved


@pytest.mark.parametrize("value", ["0", "25", "-3"])
def test_complete_within_hours_out_of_range_is_refused(client, auth, ent, value):
    """Is 0, 25 or a negative number refused in Chinese, leaving the setting as it was?"""
    auth.login(ent.director)
    response = client.post("/org/settings", data=settings_form(check_within_hours=value))
    assert response.status_code == 400
    assert "请填写 1 到 24 之间的整小时数" in response.get_data(as_text=True)
    db.session.refresh(ent.enterprise)
    assert ent.enterprise.check_within_hours is None


def test_whoever_a_check_falls_to_may_do_it_and_the_sql_agrees(ent):
    """Who checks what is one definition: every check on someone's list is one they may
    do, and the points the SQL condition selects are those the one-point check allows."""
    from sqlalchemy import select

    from blueprints.risk_points.models import CheckLevel, RiskPoint
    teamless = factories.make_risk_point(ent.enterprise, ent.department, name="无班组的点",
                                         items=[ItemData("阀门关闭", level="team")])
    other = factories.make_department(ent.enterprise)
    elsewhere = factories.make_risk_point(ent.enterprise, other, name="别处的点")
    points = [ent.point, teamless, elsewhere]
    people = [ent.worker, ent.team_leader, ent.dept_head, ent.safety_officer, ent.director,
              ent.principal, ent.admin]
    for user in people:
        for unit in due.units_for(user):
            assert services.may_check(user, unit.point, unit.level), (user.role, unit.point.name)
        for level in CheckLevel:
            selected = set(db.session.scalars(select(RiskPoint.id).where(
                due.checkable(user, level.value), RiskPoint.id.in_([p.id for p in points]))))
            allowed = {p.id for p in points if services.may_check(user, p, level.value)}
            assert selected == allowed, (user.role, level)
    assert services.may_check(ent.worker, teamless, "team")
    assert not services.may_check(ent.worker, elsewhere, "team")


def test_a_worker_kept_off_work_has_no_checks_and_the_team_keeps_them(ent):
    """不安全不上岗: once the briefing keeps W1 off work, the team's checks are no longer his
    and he may not do them, while W2 still has them and may; after the shift he has them
    again."""
    def has_unit(user):
        return [u.point.id for u in due.units_for(user)] == [ent.point.id]

    clock.freeze(utc(2025, 3, 12, 7, 30))
    assert has_unit(ent.worker) and has_unit(ent.worker2)
    keep_off_work(ent, ent.worker, ent.worker2, utc(2025, 3, 12, 7, 40))
    clock.freeze(utc(2025, 3, 12, 10))
    assert due.units_for(ent.worker) == [] and not services.may_check(ent.worker, ent.point, "team")
    assert has_unit(ent.worker2) and services.may_check(ent.worker2, ent.point, "team")
    clock.freeze(utc(2025, 3, 12, 20, 30))
    assert has_unit(ent.worker) and services.may_check(ent.worker, ent.point, "team")
