"""A team's briefing not started by its shift's start plus the enterprise's late minutes
goes up the escalation ladder: once per team and shift, to the department's head and
the safety directors."""
from collections import Counter
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.notifications import escalation, services
from blueprints.notifications.models import Notification
from blueprints.org.models import Role
from tests import factories
from tests.factories_briefings import hold_briefing, start_briefing

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args) -> datetime:
    """A Shanghai wall-clock time as the naive UTC the database holds."""
    return clock.to_utc(datetime(*args, tzinfo=SHANGHAI))


@pytest.fixture
def ent(app):
    """The standard enterprise, whose team held both briefings of 9 March (so that only
    the shifts after them can be missing)."""
    with clock.frozen(local(2026, 3, 9, 7)):
        ent = factories.standard_enterprise()
    hold_briefing(ent.team_leader, ent.team, local(2026, 3, 9, 7, 50))
    hold_briefing(ent.team_leader, ent.team, local(2026, 3, 9, 19, 50))
    return ent


def run_pass(moment):
    with clock.frozen(moment):
        services.run_pass()


def told(team):
    """{(occurrence, recipient id): notifications} of the team's missing briefings."""
    return Counter((n.occurrence, n.user_id) for n in db.session.scalars(select(Notification).where(
        Notification.subject_type == escalation.BRIEFING, Notification.subject_id == team.id)))


def test_a_missing_briefing_is_told_once_to_the_department_head_and_the_directors(ent):
    """Nobody hears before 08:30; at 08:30 the day shift's briefing is missing, and passes
    run twice then and later tell the department head and the director once each."""
    run_pass(local(2026, 3, 10, 8, 29, 59))
    assert told(ent.team) == {}
    run_pass(local(2026, 3, 10, 8, 30))
    run_pass(local(2026, 3, 10, 8, 30))
    run_pass(local(2026, 3, 10, 11, 0))
    assert told(ent.team) == {("202603100000", ent.dept_head.id): 1, ("202603100000", ent.director.id): 1}
    row = db.session.scalar(select(Notification).where(Notification.user_id == ent.dept_head.id,
                                                       Notification.subject_type == escalation.BRIEFING))
    assert row.rung == "briefing_missing" and row.url == "/briefings/today"
    assert row.title == "班前会未召开" and "合成甲班" in row.body and "白班" in row.body
    assert "2026-03-10 08:00" in row.body and "08:30" in row.body


def test_a_briefing_started_in_time_raises_nothing_and_a_late_one_still_does(ent):
    """Started at 08:29 (closed or not), the day shift's briefing is not missing; the night
    shift's, started at 20:40 past its 20:30, is."""
    start_briefing(ent.team_leader, ent.team, local(2026, 3, 10, 8, 29))
    run_pass(local(2026, 3, 10, 12, 0))
    assert told(ent.team) == {}
    start_briefing(ent.team_leader, ent.team, local(2026, 3, 10, 20, 40))
    run_pass(local(2026, 3, 10, 20, 45))
    assert set(told(ent.team)) == {("202603101200", ent.dept_head.id), ("202603101200", ent.director.id)}


def test_no_alert_for_a_team_without_roster_or_for_an_old_shift(ent):
    """A team nobody works in holds no briefing; a shift that has ended is left alone (the
    pass was not running then, or an upgrade brought the briefings in): at 08:31 only the
    day shift that runs, not the night shift missed at 20:30 the day before."""
    empty = factories.make_team(ent.department, "空班组", shifts=[("白班", time(8), time(20))])
    factories.make_user(ent.enterprise, Role.WORKER, team=empty, active=False)
    db.session.commit()
    run_pass(local(2026, 3, 11, 8, 31))
    assert told(empty) == {}
    assert {occurrence for occurrence, _user in told(ent.team)} == {"202603110000"}


def test_when_the_department_has_no_head_the_directors_are_told(ent):
    ent.dept_head.active = False
    db.session.commit()
    run_pass(local(2026, 3, 10, 9, 0))
    assert told(ent.team) == {("202603100000", ent.director.id): 1}


def test_shifts_before_the_enterprise_was_set_up_are_not_missing(app):
    """An enterprise set up at 10:00 hears nothing of the briefing its team could not have
    held at 08:00 that day; the night shift's, at 20:30, is its first."""
    with clock.frozen(local(2026, 3, 10, 10)):
        ent = factories.standard_enterprise()
    run_pass(local(2026, 3, 10, 12))
    assert told(ent.team) == {}
    run_pass(local(2026, 3, 10, 20, 30))
    assert {occurrence for occurrence, _user in told(ent.team)} == {"202603101200"}
