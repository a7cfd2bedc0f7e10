"""Does every alert land in the right inbox at once, with a bell count, and open its hazard?"""
from datetime import datetime, timedelta

from sqlalchemy import select

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.hazards import transitions
from blueprints.notifications import services
from blueprints.notifications.escalation import settings_for
from blueprints.notifications.models import Notification
from blueprints.org.models import Role
from blueprints.photos.services import save_photo
from tests import factories


def report(ent, grade="general"):
    hazard = transitions.report_hazard(ent.worker, transitions.HazardReport(
        description="压力<0.5MPa", department_id=ent.department.id, grade=grade))
    db.session.commit()
    return hazard


def rows(user):
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id)).all()


def test_at_once_alerts_follow_the_hazards_life(app, ent):
    """Are the assignee, the verifier and the director told at once, and never the actor?"""
    hazard = report(ent, grade="major")
    assert [n.rung for n in rows(ent.director)] == ["event:new_major"]
    assert [n.rung for n in rows(ent.principal)] == ["event:new_major"]
    assert rows(ent.worker) == []  # the reporter made it
    transitions.assign(hazard, ent.director, ent.worker, clock.now() + timedelta(days=3))
    db.session.commit()
    assert [n.rung for n in rows(ent.worker)] == ["event:assigned"]
    assert [n.rung for n in rows(ent.director)] == ["event:new_major"]  # the director assigned it


def test_bell_inbox_and_open(app, client, auth, ent):
    """Does the bell count unread alerts on every page, and does tapping one mark it read
    and open the hazard?"""
    hazard = report(ent, grade="major")
    auth.login(ent.director)
    home = client.get("/home").get_data(as_text=True)
    assert 'class="bell-count" data-count="1"' in home
    page = client.get("/notifications").get_data(as_text=True)
    assert "新的重大隐患" in page and "压力&lt;0.5MPa" in page
    [note] = rows(ent.director)
    response = client.get(f"/notifications/{note.id}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/hazards/{hazard.id}")
    assert note.read_at is not None
    assert "bell-count" not in client.get("/notifications/bell").get_data(as_text=True)


def test_mark_all_read_and_others_inbox(app, client, auth, ent):
    """Does mark-all-read clear the count, and is another person's alert out of reach?"""
    report(ent, grade="major")
    [note] = rows(ent.principal)
    auth.login(ent.director)
    assert client.get(f"/notifications/{note.id}").status_code == 404
    assert client.post("/notifications/read-all").status_code == 302
    assert all(n.read_at for n in rows(ent.director)) and note.read_at is None


# The escalation screen's fields, each at a valid value; a test changes what it is about.
ESCALATION_TIMES = {"remind_before_hours": "24", "director_after_hours": "24",
                    "unassigned_officer_hours": "4", "unassigned_director_hours": "24",
                    "verify_director_hours": "24", "check_dept_head_hours": "8"}


def test_escalation_times_form(app, client, auth, ent):
    """Can the director change the ladder times, and is a bad value refused with a message?"""
    auth.login(ent.director)
    good = {**ESCALATION_TIMES, "remind_before_hours": "48", "director_after_hours": "12",
            "unassigned_officer_hours": "2", "unassigned_director_hours": "8"}
    assert client.post("/notifications/escalation", data=good).status_code == 302
    assert settings_for(db.session, ent.enterprise.id).remind_before_hours == 48
    bad = client.post("/notifications/escalation", data={**good, "director_after_hours": "-1"})
    assert bad.status_code == 400 and "0 到 720" in bad.get_data(as_text=True)
    assert settings_for(db.session, ent.enterprise.id).director_after_hours == 12
    auth.logout()
    auth.login(ent.worker)
    assert client.get("/notifications/escalation").status_code == 403


def test_overdue_check_goes_to_the_team_leader_then_the_department_head(app):
    """Does a check nobody did reach the team leader, and a shift later the department head?"""
    with clock.frozen(datetime(2026, 3, 9, 0, 0)):
        ent = factories.standard_enterprise()
    leader, head = ent.team_leader, ent.dept_head
    # Made at 08:00 Shanghai on 9 March; by 15:00 on the 10th two shifts have ended unchecked.
    with clock.frozen(datetime(2026, 3, 10, 7, 0)):
        services.run_pass()
        services.run_pass()

    def checks(user):
        return [n for n in rows(user) if n.subject_type == "check"]
    assert {n.rung for n in checks(leader)} >= {"check_overdue"}
    assert len(checks(leader)) == len({(n.rung, n.occurrence) for n in checks(leader)})
    with clock.frozen(datetime(2026, 3, 10, 14, 0)):
        services.run_pass()
    assert any(n.rung == "check_still_undone" for n in checks(head))


def test_department_head_is_told_of_a_new_hazard_and_a_regrade_to_major(app, ent):
    """Is the department head told at once of a hazard raised in his department and of its
    regrade to major, and is nobody told of his own report?"""
    elsewhere = factories.make_department(ent.enterprise, "罐区储运部")
    other_head = factories.make_user(ent.enterprise, Role.DEPT_HEAD, department=elsewhere)
    hazard = report(ent)
    assert [n.rung for n in rows(ent.dept_head)] == ["event:reported"]
    assert rows(other_head) == [] and rows(ent.safety_officer) == []
    transitions.change_grade(hazard, ent.safety_officer, "major", "需停产", ["stop_production"])
    db.session.commit()
    assert [n.rung for n in rows(ent.dept_head)] == ["event:reported", "event:new_major"]
    assert "重大隐患" in rows(ent.dept_head)[-1].title
    assert [n.rung for n in rows(ent.safety_officer)] == []  # the officer regraded it
    transitions.change_grade(hazard, ent.safety_officer, "general", "误判")
    db.session.commit()
    assert len(rows(ent.dept_head)) == 2  # a regrade to general is no news to him
    transitions.report_hazard(ent.dept_head, transitions.HazardReport(
        description="他自己报的", department_id=ent.department.id))
    db.session.commit()
    assert len(rows(ent.dept_head)) == 2


def test_fix_by_the_department_head_reaches_someone_who_may_verify(app, ent):
    """When the department head rectifies a general hazard, are the people who may verify it
    told (the safety staff), and not he himself?"""
    hazard = factories.make_hazard(ent, state="assigned", assignee=ent.dept_head)
    db.session.commit()
    photo = save_photo(factories.jpeg_bytes(), ent.enterprise.id, ent.dept_head.id)
    transitions.rectify(hazard, ent.dept_head, "已修复", photo_id=photo.id)
    db.session.commit()
    told = {n.user_id for n in db.session.scalars(select(Notification).where(
        Notification.rung == "event:rectified"))}
    assert told == {ent.safety_officer.id, ent.director.id}


def test_verification_wait_is_an_escalation_time(app, client, auth, ent):
    """Can the director set how long a fix waits for verification before he is told?"""
    auth.login(ent.director)
    assert "verify_director_hours" in client.get("/notifications/escalation").get_data(as_text=True)
    data = {**ESCALATION_TIMES, "verify_director_hours": "6"}
    assert client.post("/notifications/escalation", data=data).status_code == 302
    assert settings_for(db.session, ent.enterprise.id).verify_director_hours == 6
    assert settings_for(db.session, factories.make_enterprise().id).verify_director_hours == 24


def test_the_missed_check_wait_is_an_escalation_time(app, client, auth, ent):
    """Can the director set, on the screen, how long an overdue check waits before the
    next level up is told (check_dept_head_hours)? Is a bad value refused?"""
    auth.login(ent.director)
    screen = client.get("/notifications/escalation").get_data(as_text=True)
    assert 'name="check_dept_head_hours"' in screen and "检查逾期后又过多少小时仍未完成，通知上一级" in screen
    data = {**ESCALATION_TIMES, "check_dept_head_hours": "12"}
    assert client.post("/notifications/escalation", data=data).status_code == 302
    assert settings_for(db.session, ent.enterprise.id).check_dept_head_hours == 12
    bad = client.post("/notifications/escalation", data={**data, "check_dept_head_hours": "x"})
    assert bad.status_code == 400
    assert settings_for(db.session, ent.enterprise.id).check_dept_head_hours == 12


def test_a_hazard_nobody_may_assign_reaches_the_director(app, ent):
    """When the hazard's department has no head to assign it, is the director told at once?"""
    transitions.report_hazard(ent.worker, transitions.HazardReport(
        description="消防通道堵塞", department_id=ent.safety_officer.department_id))
    db.session.commit()
    assert [n.rung for n in rows(ent.director)] == ["event:reported"]
    assert rows(ent.dept_head) == [] and rows(ent.safety_officer) == []
