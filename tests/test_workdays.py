"""The enterprise's working-day calendar: the pure counting, and /org/calendar through HTTP."""
from datetime import date, datetime

import pytest
from sqlalchemy import select

from blueprints.common import clock
from blueprints.common.audit import AuditLog
from blueprints.common.extensions import db
from blueprints.common.workdays import add_working_days, is_working_day
from blueprints.org import services
from blueprints.org.models import CalendarDay, DayKind
from tests import factories
from tests.factories import count

# 国庆 2026: 1–7 October off, Sunday 27 September and Saturday 10 October worked instead.
NATIONAL_DAY = {date(2026, 10, d) for d in range(1, 8)}
NATIONAL_DAY_MAKEUP = {date(2026, 9, 27), date(2026, 10, 10)}


# --- the pure functions ---------------------------------------------------------------------

def test_friday_plus_one_working_day_is_monday():
    friday = date(2026, 9, 4)
    assert add_working_days(friday, 1, set(), set()) == date(2026, 9, 7)
    assert add_working_days(friday, 0, set(), set()) == friday
    assert add_working_days(date(2026, 9, 5), 1, set(), set()) == date(2026, 9, 7)  # Saturday
    assert add_working_days(friday, 5, set(), set()) == date(2026, 9, 11)


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 9, 4), -1, set(), set())


def test_a_holiday_week_with_make_up_days():
    """Counted by hand from Friday 25 September: 27 Sep (Sun, make-up) 1, 28–30 Sep 2–4,
    1–7 Oct off, 8–9 Oct 5–6, 10 Oct (Sat, make-up) 7, 12–16 Oct 8–12, 19–21 Oct 13–15."""
    start = date(2026, 9, 25)
    assert add_working_days(start, 15, NATIONAL_DAY, NATIONAL_DAY_MAKEUP) == date(2026, 10, 21)
    assert add_working_days(start, 1, NATIONAL_DAY, NATIONAL_DAY_MAKEUP) == date(2026, 9, 27)
    assert add_working_days(start, 5, NATIONAL_DAY, NATIONAL_DAY_MAKEUP) == date(2026, 10, 8)
    # Without the calendar, 15 working days are three plain weeks.
    assert add_working_days(start, 15, set(), set()) == date(2026, 10, 16)


def test_is_working_day():
    assert is_working_day(date(2026, 9, 28), NATIONAL_DAY, NATIONAL_DAY_MAKEUP)      # Monday
    assert not is_working_day(date(2026, 10, 1), NATIONAL_DAY, NATIONAL_DAY_MAKEUP)  # holiday
    assert not is_working_day(date(2026, 10, 11), NATIONAL_DAY, NATIONAL_DAY_MAKEUP)  # Sunday
    assert is_working_day(date(2026, 10, 10), NATIONAL_DAY, NATIONAL_DAY_MAKEUP)     # make-up


# --- the page -------------------------------------------------------------------------------

def day_form(day: str, kind: str = "holiday", name: str = "国庆节"):
    return {"day": day, "kind": kind, "name": name}


def listed(enterprise_id: int) -> list[tuple[date, DayKind, str]]:
    """The enterprise's calendar days as the database holds them, through a fresh query."""
    return [(row.day, row.kind, row.name) for row in db.session.scalars(
        select(CalendarDay).where(CalendarDay.enterprise_id == enterprise_id)
        .order_by(CalendarDay.day))]


@pytest.mark.parametrize("who", ["director", "admin"])
def test_holidays_and_make_up_days_are_added_and_counted(client, auth, ent, who):
    """Do the settings editors add a holiday and a make-up day, logged, and do deadlines
    in working days then follow them?"""
    auth.login(getattr(ent, who))
    response = client.post("/org/calendar", data=day_form("2026-10-01"))
    assert response.status_code == 302 and response.headers["Location"].endswith("year=2026")
    assert client.post("/org/calendar", data=day_form("2026-10-10", "makeup")).status_code == 302
    assert listed(ent.enterprise.id) == [(date(2026, 10, 1), DayKind.HOLIDAY, "国庆节"),
                                         (date(2026, 10, 10), DayKind.MAKEUP, "国庆节")]
    actions = list(db.session.scalars(select(AuditLog.action).where(
        AuditLog.action == "calendar_day.created")))
    assert len(actions) == 2
    page = client.get("/org/calendar?year=2026").get_data(as_text=True)
    assert "2026-10-01" in page and "2026-10-10" in page
    # Wednesday 30 September + 1: 1 October is off, so Friday the 2nd (2–7 not listed here).
    assert services.due_after_working_days(ent.enterprise.id, date(2026, 9, 30), 1) == date(2026, 10, 2)
    assert services.due_after_working_days(ent.enterprise.id, date(2026, 10, 9), 1) == date(2026, 10, 10)


def test_the_page_shows_the_current_local_year_by_default(client, auth, ent):
    """Is the year the enterprise's local one (31 December 17:00 UTC is 1 January in China)?"""
    new_year = CalendarDay(enterprise_id=ent.enterprise.id, day=date(2027, 1, 1),
                           kind=DayKind.HOLIDAY, name="元旦")
    db.session.add(new_year)
    db.session.commit()
    auth.login(ent.director)
    with clock.frozen(datetime(2026, 12, 31, 17, 0)):
        page = client.get("/org/calendar").get_data(as_text=True)
    assert "元旦" in page
    assert "元旦" not in client.get("/org/calendar?year=2026").get_data(as_text=True)
    assert client.get("/org/calendar?year=99999").status_code == 200


def test_working_calendar_and_year_filter(ent):
    for day, kind in [(date(2026, 10, 1), DayKind.HOLIDAY), (date(2026, 9, 27), DayKind.MAKEUP),
                      (date(2027, 1, 1), DayKind.HOLIDAY)]:
        services.save_calendar_day(ent.enterprise.id, day, kind, "", ent.director.id)
    assert [row.day for row in services.calendar_days(ent.enterprise.id, 2026)] == [
        date(2026, 9, 27), date(2026, 10, 1)]
    assert services.working_calendar(ent.enterprise.id) == (
        {date(2026, 10, 1), date(2027, 1, 1)}, {date(2026, 9, 27)})


def test_a_duplicate_date_is_refused_with_nothing_stored(client, auth, ent):
    auth.login(ent.director)
    assert client.post("/org/calendar", data=day_form("2026-10-01")).status_code == 302
    rows, audits = count(CalendarDay), count(AuditLog)
    response = client.post("/org/calendar", data=day_form("2026-10-01", "makeup", "again"))
    assert response.status_code == 400
    assert "2026-10-01 已在日历中" in response.get_data(as_text=True)
    assert (count(CalendarDay), count(AuditLog)) == (rows, audits)
    assert listed(ent.enterprise.id) == [(date(2026, 10, 1), DayKind.HOLIDAY, "国庆节")]


def test_a_make_up_day_on_a_weekday_is_refused(client, auth, ent):
    auth.login(ent.director)
    response = client.post("/org/calendar", data=day_form("2026-10-09", "makeup"))  # Friday
    assert response.status_code == 400
    assert "是工作日" in response.get_data(as_text=True)
    assert listed(ent.enterprise.id) == []


def test_a_holiday_on_a_weekend_is_allowed(client, auth, ent):
    auth.login(ent.director)
    assert client.post("/org/calendar", data=day_form("2026-10-03")).status_code == 302  # Saturday
    assert listed(ent.enterprise.id) == [(date(2026, 10, 3), DayKind.HOLIDAY, "国庆节")]


@pytest.mark.parametrize("data", [day_form(""), day_form("0001-01-01"), day_form("2026-10-01", "x")])
def test_bad_input_is_refused(client, auth, ent, data):
    auth.login(ent.director)
    assert client.post("/org/calendar", data=data).status_code == 400
    assert listed(ent.enterprise.id) == []


def test_a_day_is_deleted(client, auth, ent):
    row = services.save_calendar_day(ent.enterprise.id, date(2026, 10, 1), "holiday", "国庆节",
                                     ent.director.id)
    db.session.commit()
    row_id = row.id
    auth.login(ent.director)
    response = client.post(f"/org/calendar/{row_id}/delete")
    assert response.status_code == 302 and response.headers["Location"].endswith("year=2026")
    assert listed(ent.enterprise.id) == []
    assert db.session.scalar(select(AuditLog.action).where(
        AuditLog.action == "calendar_day.deleted", AuditLog.subject_id == row_id))


@pytest.mark.parametrize("who", ["worker", "team_leader", "dept_head", "safety_officer",
                                 "principal"])
def test_other_roles_get_403(client, auth, ent, who):
    row = services.save_calendar_day(ent.enterprise.id, date(2026, 10, 1), "holiday", "",
                                     ent.director.id)
    db.session.commit()
    auth.login(getattr(ent, who))
    assert client.get("/org/calendar").status_code == 403
    assert client.post("/org/calendar", data=day_form("2026-10-02")).status_code == 403
    assert client.post(f"/org/calendar/{row.id}/delete").status_code == 403
    assert listed(ent.enterprise.id) == [(date(2026, 10, 1), DayKind.HOLIDAY, "")]


def test_another_enterprises_day_gives_404_on_delete(client, auth, ent):
    other = factories.standard_enterprise(code="other")
    row = services.save_calendar_day(other.enterprise.id, date(2026, 10, 1), "holiday", "",
                                     other.director.id)
    db.session.commit()
    auth.login(ent.director, enterprise_code=ent.enterprise.code)
    assert client.post(f"/org/calendar/{row.id}/delete").status_code == 404
    assert listed(other.enterprise.id) == [(date(2026, 10, 1), DayKind.HOLIDAY, "")]


def test_the_settings_page_links_the_calendar(client, auth, ent):
    auth.login(ent.director)
    assert 'href="/org/calendar"' in client.get("/org/settings").get_data(as_text=True)
