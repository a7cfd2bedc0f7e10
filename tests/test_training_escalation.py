"""A first lesson's day ended with people neither passed nor let work without it goes up
the escalation ladder: once per session, the day after, to the safety officers, the safety
directors and the heads of those people's departments."""
from collections import Counter
from datetime import date, datetime, timedelta

from sqlalchemy import select

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.notifications import escalation, services
from blueprints.notifications.models import Notification
from blueprints.training import services as training
from tests.factories_training import give_lesson, make_lesson, right_answers

DAY = date(2027, 2, 18)
# Midnight in Shanghai between the lesson's day and the next, as naive UTC.
MIDNIGHT = datetime(2027, 2, 18, 16, 0)


def _told(session):
    return Counter(n.user_id for n in db.session.scalars(select(Notification).where(
        Notification.subject_type == escalation.LESSON, Notification.subject_id == session.id)))


def _run(moment):
    with clock.frozen(moment):
        services.run_pass()


def test_people_not_passed_by_the_end_of_the_day_are_told_once(ent):
    with clock.frozen(MIDNIGHT - timedelta(hours=10)):
        version = make_lesson(ent.safety_officer)
        session = give_lesson(ent.safety_officer, version, DAY, in_person=False, team_id=ent.team.id)
        for passed in (ent.worker2, ent.team_leader):
            trainee = next(t for t in session.trainees if t.user_id == passed.id)
            training.submit_attempt(trainee, passed, right_answers(version), True)
        db.session.commit()
    _run(MIDNIGHT - timedelta(seconds=1))
    assert _told(session) == {}
    _run(MIDNIGHT)
    _run(MIDNIGHT + timedelta(hours=3))
    assert _told(session) == {ent.safety_officer.id: 1, ent.director.id: 1, ent.dept_head.id: 1}
    row = db.session.scalar(select(Notification).where(Notification.subject_type == escalation.LESSON))
    assert row.url == f"/training/sessions/{session.id}" and ent.worker.name in row.body
    assert ent.worker2.name not in row.body


def test_nobody_is_told_when_everyone_passed_or_was_let_work(ent):
    with clock.frozen(MIDNIGHT - timedelta(hours=10)):
        version = make_lesson(ent.safety_officer)
        session = give_lesson(ent.safety_officer, version, DAY, in_person=False, team_id=ent.team.id)
        for trainee in session.trainees:
            training.waive(trainee, ent.safety_officer, "已在总部参加")
        db.session.commit()
    _run(MIDNIGHT + timedelta(hours=1))
    assert _told(session) == {}
