"""Does every alert land in the right inbox at once, with a bell count, and open its hazard?"""
from datetime import datetime, timedelta

from sqlalchemy import select

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.hazards import services as hazards
from blueprints.notifications import services
from blueprints.notifications.escalation import settings_for
from blueprints.notifications.models import Notification
from tests import factories


def report(ent, grade="general"):
    hazard = hazards.report_hazard(ent.worker, hazards.HazardReport(
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
    hazards.assign(hazard, ent.director, ent.worker, clock.now() + timedelta(days=3))
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


def test_escalation_times_form(app, client, auth, ent):
    """Can the director change the ladder times, and is a bad value refused with a message?"""
    auth.login(ent.director)
    good = {"remind_before_hours": "48", "director_after_hours": "12",
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
    # Day shift 08:00-20:00 Shanghai = 00:00-12:00 UTC; overdue after half of it.
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
