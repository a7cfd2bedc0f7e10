"""Does the escalation ladder tell the right people once, and only once, at each rung?"""
import threading
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from blueprints.common import clock
from blueprints.common.cli import make_vapid_keys
from blueprints.common.extensions import db
from blueprints.hazards import transitions
from blueprints.hazards.models import Hazard, RegulatorReport
from blueprints.inspections import services as inspections
from blueprints.notifications import escalation, services
from blueprints.notifications.models import (
    Delivery,
    EscalationSettings,
    Notification,
    PushSubscription,
    RobotWebhook,
)
from blueprints.risk_points.services import ItemData
from tests import factories, push_endpoint
from tests.test_notifications_push import subscription_keys

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 3, 10, 9, 0, tzinfo=SHANGHAI)  # a Tuesday morning


@pytest.fixture
def endpoint(app):
    endpoint, stop = push_endpoint.serve()
    app.config["PUSH_ENDPOINT_ALLOWLIST"] = ["127.0.0.1"]
    app.config["ROBOT_HOST_ALLOWLIST"] = ["127.0.0.1"]
    private, public = make_vapid_keys()
    app.config.update(VAPID_PRIVATE_KEY=private, VAPID_PUBLIC_KEY=public)
    yield endpoint
    stop()


@pytest.fixture
def wired(ent, endpoint):
    """Every person of the enterprise has one phone; the enterprise has one WeCom group."""
    for user in (ent.worker, ent.dept_head, ent.safety_officer, ent.director, ent.principal):
        _private, keys = subscription_keys()
        db.session.add(PushSubscription(enterprise_id=ent.enterprise.id, user_id=user.id,
                                        endpoint=f"{endpoint.url}/push/{user.id}", **keys))
    db.session.add(RobotWebhook(enterprise_id=ent.enterprise.id, platform="wecom",
                                url=f"{endpoint.url}/wecom"))
    db.session.commit()
    return ent


def at(hours: float) -> datetime:
    return START + timedelta(hours=hours)


def run_twice(moment):
    with clock.frozen(moment):
        services.run_pass()
        services.run_pass()


def hazard_rows(model, hazard_id):
    return list(db.session.scalars(select(model).where(model.subject_type == "hazard",
                                                       model.subject_id == hazard_id)))


def inbox(hazard_id):
    return Counter((n.rung, n.user_id) for n in hazard_rows(Notification, hazard_id))


def deliveries(hazard_id):
    return Counter((d.rung, d.occurrence, d.recipient_id, d.channel)
                   for d in hazard_rows(Delivery, hazard_id))


def assert_once_each(hazard_id, endpoint):
    """One inbox row per rung and person, one delivery per rung, recipient and channel,
    and exactly one request at the far side per delivery sent (every person has one phone)."""
    rows = hazard_rows(Notification, hazard_id)
    assert len({(n.rung, n.occurrence, n.user_id) for n in rows}) == len(rows)
    assert set(deliveries(hazard_id).values()) == {1}
    sent = db.session.scalars(select(Delivery).where(Delivery.status == "sent")).all()
    pushes = [r for r in endpoint.received if r.path.startswith("/push/")]
    assert len(pushes) == len([d for d in sent if d.channel == "webpush"])
    assert len(endpoint.to("/wecom")) == len([d for d in sent if d.channel == "robot"])
    return [d for d in sent if d.subject_type == "hazard" and d.subject_id == hazard_id]


def test_general_hazard_climbs_every_rung_once(app, wired, endpoint):
    """Does a general hazard reach the officer, the director, the assignee, the department
    head and the director again at the right times, each exactly once per channel?"""
    ent = wired
    with clock.frozen(at(0)):
        hazard = transitions.report_hazard(ent.worker, transitions.HazardReport(
            description="压力<0.5MPa，阀门泄漏", department_id=ent.department.id))
        db.session.commit()
    hid = hazard.id
    run_twice(at(3))
    told = ("event:reported", ent.dept_head.id)  # at once: a hazard in his department
    assert inbox(hid) == Counter({told: 1})
    run_twice(at(4))
    assert inbox(hid) == Counter({told: 1, ("unassigned_officer", ent.safety_officer.id): 1})
    run_twice(at(24))
    assert inbox(hid)[("unassigned_director", ent.director.id)] == 1

    deadline = clock.to_utc(START + timedelta(days=4))
    with clock.frozen(at(25)):
        transitions.assign(db.session.get(Hazard, hid), ent.dept_head, ent.worker, deadline)
        db.session.commit()
    run_twice(at(25))
    assert inbox(hid)[("event:assigned", ent.worker.id)] == 1
    run_twice(at(4 * 24 - 25))
    assert ("due_soon", ent.worker.id) not in inbox(hid)
    run_twice(at(4 * 24 - 24))
    assert inbox(hid)[("due_soon", ent.worker.id)] == 1
    run_twice(at(4 * 24))
    assert inbox(hid)[("deadline", ent.dept_head.id)] == 1
    run_twice(at(5 * 24 - 1))
    assert ("overdue", ent.director.id) not in inbox(hid)
    run_twice(at(5 * 24))
    assert inbox(hid)[("overdue", ent.director.id)] == 1
    run_twice(at(9 * 24))  # a general hazard is not repeated daily

    assert set(inbox(hid)) == {
        told, ("unassigned_officer", ent.safety_officer.id), ("unassigned_director", ent.director.id),
        ("event:assigned", ent.worker.id), ("due_soon", ent.worker.id),
        ("deadline", ent.dept_head.id), ("overdue", ent.director.id)}
    sent = assert_once_each(hid, endpoint)
    # Every rung went to each person's phone and once to the enterprise's WeCom group.
    assert {(d.rung, d.channel) for d in sent} == {(r, c) for r, _u in inbox(hid)
                                                  for c in ("webpush", "robot")}
    assert len(endpoint.to("/wecom")) == 7


def test_major_hazard_daily_rung_regulator_rung_and_closing(app, wired, endpoint):
    """Is a new major hazard told at once to the director and principal, the missing
    regulator report flagged after the day it was found, the overdue major hazard repeated
    every day, an extension a fresh start, and does closing stop it all?"""
    ent = wired
    with clock.frozen(at(0)):
        hazard = transitions.report_hazard(ent.worker, transitions.HazardReport(
            description="液氨储罐安全阀失效", department_id=ent.department.id, grade="major"))
        db.session.commit()
    hid = hazard.id
    run_twice(at(1))
    assert inbox(hid) == Counter({("event:new_major", ent.director.id): 1,
                                  ("event:new_major", ent.principal.id): 1,
                                  ("event:new_major", ent.dept_head.id): 1})
    run_twice(START.replace(hour=23, minute=59))
    assert ("regulator_report", ent.director.id) not in inbox(hid)
    run_twice(START.replace(hour=0) + timedelta(days=1))
    assert inbox(hid)[("regulator_report", ent.director.id)] == 1

    deadline = clock.to_utc(START + timedelta(days=2))
    with clock.frozen(at(25)):
        db.session.add(RegulatorReport(enterprise_id=ent.enterprise.id, hazard_id=hid,
                                       reported_at=clock.now(), reported_by_id=ent.director.id,
                                       method="电话"))
        transitions.assign(db.session.get(Hazard, hid), ent.director, ent.worker, deadline)
        db.session.commit()
    for day in (2, 3, 4):
        run_twice(START + timedelta(days=day, hours=1))
    daily = [n for n in hazard_rows(Notification, hid) if n.rung == "major_overdue_daily"]
    assert Counter(n.user_id for n in daily) == {ent.director.id: 3, ent.principal.id: 3}
    assert all(n.urgency == "high" for n in daily)
    # The grade is named once in each title, not repeated after titles that already say it.
    assert all(n.title.count("重大隐患") == 1 for n in hazard_rows(Notification, hid))

    # An extension moves the deadline: the deadline rungs start afresh for the new one.
    with clock.frozen(START + timedelta(days=4, hours=2)):
        db.session.get(Hazard, hid).deadline = clock.to_utc(START + timedelta(days=6))
        db.session.commit()
    run_twice(START + timedelta(days=5, hours=2))
    due_soon = [n for n in hazard_rows(Notification, hid) if n.rung == "due_soon"]
    assert len({n.occurrence for n in due_soon}) == 2

    with clock.frozen(START + timedelta(days=5, hours=3)):
        closed = db.session.get(Hazard, hid)
        closed.state, closed.closed_at = "closed", clock.now()
        db.session.commit()
    before = len(hazard_rows(Notification, hid))
    run_twice(START + timedelta(days=9))
    assert len(hazard_rows(Notification, hid)) == before
    assert_once_each(hid, endpoint)


def test_times_are_the_enterprises_own(app, wired):
    """Does an enterprise's own setting move a rung?"""
    ent = wired
    db.session.add(EscalationSettings(enterprise_id=ent.enterprise.id, remind_before_hours=24,
                                      director_after_hours=24, unassigned_officer_hours=1,
                                      unassigned_director_hours=24, check_dept_head_hours=8))
    with clock.frozen(at(0)):
        hazard = transitions.report_hazard(ent.worker, transitions.HazardReport(
            description="护栏缺失", department_id=ent.department.id))
        db.session.commit()
    run_twice(at(1))
    assert inbox(hazard.id)[("unassigned_officer", ent.safety_officer.id)] == 1


@pytest.mark.file_database
def test_two_passes_in_parallel_send_once(app, wired, endpoint):
    """Do two escalation passes started at the same moment in two threads send nothing twice?"""
    ent = wired
    with clock.frozen(at(0)):
        hazard = transitions.report_hazard(ent.worker, transitions.HazardReport(
            description="配电室挡鼠板缺失", department_id=ent.department.id, grade="major"))
        db.session.commit()
    hid = hazard.id
    errors = []

    def one_pass():
        try:
            with app.app_context():
                services.run_pass()
        except Exception as exc:
            errors.append(exc)

    db.session.close()  # this thread's open transaction would hold SQLite's write lock
    clock.freeze(clock.to_utc(at(30)))
    threads = [threading.Thread(target=one_pass) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    clock.freeze(None)
    assert errors == []
    sent = assert_once_each(hid, endpoint)
    assert len(sent) == len(hazard_rows(Delivery, hid)) > 0
    assert len(endpoint.to("/wecom")) == len({n.rung for n in hazard_rows(Notification, hid)})


def test_failing_channel_does_not_stop_the_others(app, wired, endpoint):
    """When the group robot fails, do the phones still ring and is the failure in the log?"""
    ent = wired
    endpoint.answer("/wecom", (200, {"errcode": 93000, "errmsg": "invalid webhook url"}))
    with clock.frozen(at(0)):
        hazard = transitions.report_hazard(ent.worker, transitions.HazardReport(
            description="叉车灯光不亮", department_id=ent.department.id, grade="major"))
        db.session.commit()
    run_twice(at(1))
    rows = hazard_rows(Delivery, hazard.id)
    assert {d.status for d in rows if d.channel == "webpush"} == {"sent"}
    robot = [d for d in rows if d.channel == "robot"]
    assert robot and {d.status for d in robot} == {"failed"} and "93000" in robot[0].last_error


def test_fix_waiting_for_verification_reaches_the_director(app, ent):
    """Does a fix nobody verifies reach the safety director after the enterprise's time
    (24 h by default), once, and a new fix after a rejection start afresh?"""
    with clock.frozen(at(0)):
        hazard = factories.make_hazard(ent, state="rectified", rectifier=ent.dept_head,
                                       assignee=ent.dept_head)
        fix = transitions.add_event(hazard, "rectified", ent.dept_head, note="已修复")
        db.session.commit()
    hid = hazard.id
    run_twice(at(23))
    assert ("verify_director", ent.director.id) not in inbox(hid)
    run_twice(at(24))
    assert inbox(hid)[("verify_director", ent.director.id)] == 1
    assert {d.occurrence for d in hazard_rows(Delivery, hid) if d.rung == "verify_director"} == {
        str(fix.id)}
    with clock.frozen(at(30)):
        transitions.reject(db.session.get(Hazard, hid), ent.safety_officer, "不合格")
        db.session.commit()
    run_twice(at(60))
    assert inbox(hid)[("verify_director", ent.director.id)] == 1  # nothing awaits verification


def test_regulator_rung_counts_from_the_regrade_to_major(app, ent):
    """Does a hazard regraded to major days after it was found have until the end of the
    regrade's day to reach the regulator?"""
    with clock.frozen(at(0)):
        hazard = factories.make_hazard(ent)
        db.session.commit()
    with clock.frozen(at(48)):
        transitions.change_grade(hazard, ent.safety_officer, "major", "需停产", ["stop_production"])
        db.session.commit()
    run_twice(START.replace(hour=23, minute=59) + timedelta(days=2))
    assert ("regulator_report", ent.director.id) not in inbox(hazard.id)
    run_twice(START.replace(hour=0) + timedelta(days=3))
    assert inbox(hazard.id)[("regulator_report", ent.director.id)] == 1


# --- checks nobody did ----------------------------------------------------------------------

def local(*args) -> datetime:
    """A Shanghai wall-clock time as the naive UTC the database holds."""
    return clock.to_utc(datetime(*args, tzinfo=SHANGHAI))


@pytest.fixture
def early(app):
    """The standard enterprise made at 08:00 on Tuesday 10 March 2026, as its day shift
    (08–20) starts; its one point is checked every shift by the team."""
    with clock.frozen(local(2026, 3, 10, 8)):
        return factories.standard_enterprise()


def check_rungs(point, moment):
    """{(rung, local start of the period, recipient ids)} of the check ladder at `moment`."""
    settings = escalation.settings_for(db.session, point.enterprise_id)
    found = set()
    for alert in escalation.check_ladder(db.session, point, moment, settings):
        start = datetime.strptime(alert.occurrence.rsplit("/", 1)[1], "%Y%m%d%H%M")
        found.add((alert.rung, clock.to_local(start, "Asia/Shanghai").strftime("%d %H:%M"),
                   tuple(u.id for u in alert.recipients)))
    return found


def test_check_overdue_when_the_shift_ends_and_one_level_up_a_shift_later(early):
    """Is the day shift's undone check nobody's business one second before 20:00, the team
    leader's at 20:00, and the department head's 8 hours later (not a second sooner)?"""
    point, leader, head = early.point, (early.team_leader.id,), (early.dept_head.id,)
    assert check_rungs(point, local(2026, 3, 10, 19, 59, 59)) == set()
    assert check_rungs(point, local(2026, 3, 10, 20, 0)) == {("check_overdue", "10 08:00", leader)}
    assert check_rungs(point, local(2026, 3, 11, 3, 59, 59)) == {
        ("check_overdue", "10 08:00", leader)}
    assert check_rungs(point, local(2026, 3, 11, 4, 0)) == {
        ("check_overdue", "10 08:00", leader), ("check_still_undone", "10 08:00", head)}


def test_check_overdue_at_the_enterprises_complete_by(early):
    """With "complete within 2 hours", does the team leader hear at 10:00, not before?"""
    early.enterprise.check_within_hours = 2
    db.session.commit()
    leader = (early.team_leader.id,)
    assert check_rungs(early.point, local(2026, 3, 10, 9, 59, 59)) == set()
    assert check_rungs(early.point, local(2026, 3, 10, 10, 0)) == {
        ("check_overdue", "10 08:00", leader)}


def test_weekly_check_escalates_only_when_the_week_ended(early):
    """Is a weekly workshop check undone on Sunday night nobody's alarm, the department
    head's when the week ends, and the director's a shift later?"""
    with clock.frozen(local(2026, 3, 9, 8)):  # Monday, as its week starts
        point = factories.make_risk_point(early.enterprise, early.department, early.team, items=[
            ItemData("围堰完好", frequency="weekly", level="workshop")])
    db.session.commit()
    head, director = (early.dept_head.id,), (early.director.id,)
    assert check_rungs(point, local(2026, 3, 12, 21, 0)) == set()
    assert check_rungs(point, local(2026, 3, 16, 7, 59, 59)) == set()
    assert check_rungs(point, local(2026, 3, 16, 8, 0)) == {("check_overdue", "09 08:00", head)}
    assert ("check_still_undone", "09 08:00", director) in check_rungs(point,
                                                                       local(2026, 3, 16, 16, 0))


def test_missed_two_hourly_check_still_reaches_the_department_head(early):
    """Is the 08–10 two-hourly check, missed, still taken one level up at 18:00, four
    periods later?"""
    with clock.frozen(local(2026, 3, 10, 8)):
        point = factories.make_risk_point(early.enterprise, early.department, early.team, items=[
            ItemData("压力正常", frequency="hours", every_hours=2)])
    db.session.commit()
    found = check_rungs(point, local(2026, 3, 10, 18, 0))
    assert ("check_still_undone", "10 08:00", (early.dept_head.id,)) in found
    assert ("check_overdue", "10 16:00", (early.team_leader.id,)) in found


def test_a_done_period_and_old_periods_raise_nothing(early):
    """Does a checked shift raise nothing, and are periods missed longer ago than a day
    past their rung left alone?"""
    with clock.frozen(local(2026, 3, 10, 9)):
        inspections.submit_check(early.worker, early.point, "team", "shift", [
            inspections.Answer(i.id, "ok") for i in early.point.checklist.items])
    db.session.commit()
    assert check_rungs(early.point, local(2026, 3, 11, 7, 59, 59)) == set()
    assert check_rungs(early.point, local(2026, 3, 11, 8, 0)) == {
        ("check_overdue", "10 20:00", (early.team_leader.id,))}
    assert {start for _rung, start, _who in check_rungs(early.point, local(2026, 3, 14, 9))} \
        == {"12 20:00", "13 08:00", "13 20:00"}
