"""开工第一课: lessons and their quiz, sessions given to a group, attendance by the
briefing's rotating code, and the gate: no lesson, no work (checks and briefings)."""
import uuid
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from blueprints.briefings.models import Presence, SignIn
from blueprints.common import clock
from blueprints.common import rotating_code as codes
from blueprints.common.audit import AuditLog
from blueprints.common.extensions import db
from blueprints.inspections.models import Inspection
from blueprints.org.models import Role
from blueprints.training import gate, services
from blueprints.training.models import Attempt, Attendance, Audience, Trainee, Waiver
from tests import factories
from tests.factories import count
from tests.factories_briefings import start_briefing
from tests.factories_training import give_lesson, right_answers, wrong_answers
from tests.test_inspections import form_for
from tests.test_sync import check_item
from tests.test_sync import post as post_outbox

# 2027-02-18 09:00 in Shanghai: the first working day after the Spring Festival.
DAY = date(2027, 2, 18)
NOW = datetime(2027, 2, 18, 1, 0)


@pytest.fixture(autouse=True)
def frozen_now(app):
    clock.freeze(NOW)


@pytest.fixture
def online(ent, lesson):
    """The lesson given to the team, read and answered on the phone (not in person)."""
    session = give_lesson(ent.safety_officer, lesson, DAY, in_person=False, team_id=ent.team.id)
    db.session.commit()
    return session


def _trainee(session, user) -> Trainee:
    db.session.expire_all()
    return db.session.scalar(select(Trainee).where(Trainee.session_id == session.id,
                                                   Trainee.user_id == user.id))


def _quiz(answers, signed=True, client_uuid=None):
    data = {f"q-{question}": [str(c) for c in chosen] for question, chosen in answers.items()}
    if signed:
        data["signed"] = "1"
    data["client_uuid"] = client_uuid or str(uuid.uuid4())
    return data


def _answer(client, trainee, answers, **kw):
    return client.post(f"/training/my/{trainee.id}/attempt", data=_quiz(answers, **kw))


# --- the quiz -------------------------------------------------------------------------------

@pytest.mark.parametrize(("chosen", "right"), [("both", True), ("one", False), ("all", False)])
def test_a_multiple_choice_question_counts_all_or_nothing(ent, lesson, chosen, right):
    """Does question 2 (two right choices of three) count only with exactly both ticked?"""
    question = lesson.questions[1]
    ids = [c.id for c in question.choices]
    picked = {"both": set(ids[:2]), "one": {ids[0]}, "all": set(ids)}[chosen]
    answers = {**right_answers(lesson), question.id: picked}
    assert services.score(lesson.questions, answers) == (5 if right else 4)


@pytest.mark.parametrize(("wrong", "passed"), [(1, True), (2, False)])
def test_the_pass_mark_is_reached_exactly(client, auth, ent, online, wrong, passed):
    """At an 80 % pass mark, do 4 of 5 pass (exactly the mark) and 3 of 5 not?"""
    trainee = _trainee(online, ent.worker)
    auth.login(ent.worker)
    response = _answer(client, trainee, wrong_answers(online.version, wrong))
    attempt = db.session.scalar(select(Attempt))
    assert response.status_code == 302 and response.location.endswith(f"/training/attempts/{attempt.id}")
    assert (attempt.correct, attempt.total, attempt.passed) == (5 - wrong, 5, passed)
    assert (_trainee(online, ent.worker).passed_at is not None) is passed


def test_passes_in_whole_numbers():
    assert services.passes(2, 3, 66) and not services.passes(2, 3, 67)
    assert not services.passes(0, 0, 1)


def test_a_failed_attempt_is_kept_and_a_retry_passes(client, auth, ent, online):
    """Retries are allowed and every attempt is kept; the pass lifts the gate, and once
    passed the quiz is closed."""
    trainee = _trainee(online, ent.worker)
    auth.login(ent.worker)
    assert gate.held_back(ent.worker) is not None
    failed = _answer(client, trainee, wrong_answers(online.version, 3))
    assert "未通过" in client.get(failed.location).get_data(as_text=True)
    assert gate.held_back(ent.worker) is not None
    _answer(client, trainee, right_answers(online.version))
    attempts = db.session.scalars(select(Attempt).order_by(Attempt.id)).all()
    assert [a.passed for a in attempts] == [False, True]
    assert gate.held_back(db.session.get(type(ent.worker), ent.worker.id)) is None
    again = _answer(client, trainee, right_answers(online.version))
    assert again.status_code == 409 and count(Attempt) == 2


def test_an_attempt_needs_every_answer_and_the_signature(client, auth, ent, online):
    trainee = _trainee(online, ent.worker)
    auth.login(ent.worker)
    answers = right_answers(online.version)
    first = online.version.questions[0].id
    unsigned = _answer(client, trainee, answers, signed=False)
    assert unsigned.status_code == 400 and "签字" in unsigned.get_data(as_text=True)
    missing = _answer(client, trainee, {q: c for q, c in answers.items() if q != first})
    assert missing.status_code == 400 and "请回答第 1 题" in missing.get_data(as_text=True)
    assert count(Attempt) == 0


def test_another_persons_lesson_is_not_found(client, auth, ent, online):
    auth.login(ent.worker2)
    trainee = _trainee(online, ent.worker)
    assert client.get(f"/training/my/{trainee.id}").status_code == 404
    assert _answer(client, trainee, right_answers(online.version)).status_code == 404
    assert count(Attempt) == 0


def test_an_attempt_queued_offline_counts_once(client, auth, ent, online):
    trainee = _trainee(online, ent.worker)
    auth.login(ent.worker)
    item = {"_kind": "lesson_attempt", "_user_id": str(ent.worker.id), "_done_at": "2027-02-18T00:50:00Z",
            "_action": f"/training/my/{trainee.id}/attempt", **_quiz(right_answers(online.version))}
    first = post_outbox(client, item)
    again = post_outbox(client, item)
    assert first.json["ok"] and again.json["replayed"] and count(Attempt) == 1
    assert _trainee(online, ent.worker).passed_at == datetime(2027, 2, 18, 0, 50)


# --- the gate: no lesson, no work -----------------------------------------------------------

def test_the_gate_holds_on_checks_and_lifts_when_passed(client, auth, ent, online):
    """From the lesson's day, is a worker refused checks (page, form, outbox) with the lesson
    named as the reason and nothing stored, and taken once he has passed?"""
    auth.login(ent.worker)
    home = client.get("/home").get_data(as_text=True)
    assert 'id="lesson-due-' in home and "2027年春节后开工第一课" in home and "due-today" not in home
    page = client.get(f"/points/{ent.point.id}/check")
    assert page.status_code == 403 and "不上第一课不开工" in page.get_data(as_text=True)
    form = client.post(f"/points/{ent.point.id}/check", data=form_for(ent.point, {0: "ok", 1: "ok"}))
    assert form.status_code == 403
    queued = post_outbox(client, check_item(ent.worker, ent.point, done_at=NOW - timedelta(minutes=5)))
    assert queued.status_code == 403 and "开工第一课" in queued.json["error"]
    assert count(Inspection) == 0
    _answer(client, _trainee(online, ent.worker), right_answers(online.version))
    taken = client.post(f"/points/{ent.point.id}/check", data=form_for(ent.point, {0: "ok", 1: "ok"}))
    assert taken.status_code == 302 and count(Inspection) == 1


def test_the_phone_keeps_the_lesson_and_not_check_pages_it_may_not_use(client, auth, ent, online):
    """Are a held-back worker's offline pages the lesson instead of the (refused) check
    pages, and the check pages kept again once he has passed?"""
    auth.login(ent.worker)
    trainee, check = _trainee(online, ent.worker), f"/points/{ent.point.id}/check"
    pages = client.get("/api/v1/offline-pages").json["pages"]
    assert f"/training/my/{trainee.id}" in pages and check not in pages
    _answer(client, trainee, right_answers(online.version))
    pages = client.get("/api/v1/offline-pages").json["pages"]
    assert f"/training/my/{trainee.id}" not in pages and check in pages


def test_a_lesson_of_a_later_day_does_not_hold_back_yet(ent, lesson):
    give_lesson(ent.safety_officer, lesson, DAY + timedelta(days=1), in_person=False, team_id=ent.team.id)
    db.session.commit()
    assert gate.held_back(ent.worker) is None
    with clock.frozen(NOW + timedelta(days=1)):
        assert gate.held_back(ent.worker) is not None


def test_the_safety_officer_waives_with_a_reason_that_is_logged(client, auth, ent, online):
    trainee = _trainee(online, ent.worker)
    auth.login(ent.team_leader)
    assert client.post(f"/training/trainees/{trainee.id}/waive", data={"reason": "x"}).status_code == 403
    auth.logout()
    auth.login(ent.safety_officer)
    empty = client.post(f"/training/trainees/{trainee.id}/waive", data={"reason": " "})
    assert empty.status_code == 400 and count(Waiver) == 0
    done = client.post(f"/training/trainees/{trainee.id}/waive", data={"reason": "节前已在总部参加同课"})
    assert done.status_code == 302
    waiver = db.session.scalar(select(Waiver))
    assert waiver.reason == "节前已在总部参加同课" and waiver.by_id == ent.safety_officer.id
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "trainee.waived")) is not None
    assert gate.held_back(ent.worker) is None
    auth.logout()
    auth.login(ent.worker)
    taken = client.post(f"/points/{ent.point.id}/check", data=form_for(ent.point, {0: "ok", 1: "ok"}))
    assert taken.status_code == 302


def test_the_gate_holds_at_the_briefing_and_lifts_when_passed(client, auth, ent, online):
    """Is a held-back worker refused his own sign-in and being marked present at the close
    (told why, next to his name), and may he sign in once he has passed?"""
    for other in (ent.worker2, ent.team_leader):   # they have passed
        services.submit_attempt(_trainee(online, other), other, right_answers(online.version), True)
    started = NOW - timedelta(minutes=30)   # 08:30, the day shift's briefing
    briefing = start_briefing(ent.team_leader, ent.team, started)
    clock.freeze(NOW)   # the factory leaves the clock unfrozen
    minute = codes.minute_of(NOW)
    fields = {"briefing_id": str(briefing.id), "minute": str(minute),
              "code": codes.code_for(briefing.secret, briefing.id, minute),
              "scanned_at": NOW.isoformat() + "+00:00", "client_uuid": str(uuid.uuid4())}
    auth.login(ent.worker)
    refused = client.post("/briefings/sign-in", data=fields)
    assert refused.status_code == 409 and "开工第一课" in refused.get_data(as_text=True)
    assert count(SignIn) == 0
    auth.logout()
    auth.login(ent.team_leader)
    run = client.get(f"/briefings/{briefing.id}/run").get_data(as_text=True)
    assert "未通过开工第一课" in run
    close = client.post(f"/briefings/{briefing.id}/close", data={f"presence-{ent.worker.id}": "present"})
    assert close.status_code == 400 and "未通过开工第一课" in close.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(type(briefing), briefing.id).closed_at is None
    auth.logout()
    auth.login(ent.worker)
    _answer(client, _trainee(online, ent.worker), right_answers(online.version))
    again = client.post("/briefings/sign-in", data={**fields, "client_uuid": str(uuid.uuid4())})
    assert again.status_code == 302
    auth.logout()
    auth.login(ent.team_leader)
    closed = client.post(f"/briefings/{briefing.id}/close", data={f"presence-{ent.worker.id}": "present"})
    assert closed.status_code == 302
    db.session.expire_all()
    lines = db.session.get(type(briefing), briefing.id).attendees
    line = next(a for a in lines if a.user_id == ent.worker.id)
    assert line.presence == Presence.PRESENT


# --- in person: attendance by the rotating code ------------------------------------------------

@pytest.fixture
def in_person(ent, lesson):
    """The principal's lesson to the whole enterprise, in the canteen, attendance open at 09:00."""
    session = give_lesson(ent.safety_officer, lesson, DAY, Audience.ENTERPRISE, teacher=ent.principal,
                          place="职工食堂")
    services.open_attendance(session, ent.principal)
    db.session.commit()
    return session


def _scan(session, scanned=NOW + timedelta(minutes=2), code_minute=None):
    minute = codes.minute_of(scanned if code_minute is None else code_minute)
    return {"session_id": str(session.id), "minute": str(minute),
            "code": codes.code_for(session.secret, session.id, minute),
            "scanned_at": scanned.isoformat() + "+00:00", "client_uuid": str(uuid.uuid4())}


def test_a_session_assigns_its_group_but_not_its_teacher(ent, in_person):
    people = {t.user_id for t in in_person.trainees}
    assert people == {ent.worker.id, ent.worker2.id, ent.team_leader.id, ent.dept_head.id}
    assert {t.due_on for t in in_person.trainees} == {DAY}


def test_attendance_by_the_briefings_code_then_the_quiz(client, auth, ent, in_person):
    """The teacher's code is the briefing's mechanism: the session's secret, id and minute.
    Before signing in, the quiz is refused; after, it is taken."""
    trainee = _trainee(in_person, ent.worker)
    auth.login(ent.worker)
    early = _answer(client, trainee, right_answers(in_person.version))
    assert early.status_code == 409 and count(Attempt) == 0
    signed = client.post("/training/attend", data=_scan(in_person))
    assert signed.status_code == 302 and signed.location.endswith(f"/training/my/{trainee.id}")
    attendance = db.session.scalar(select(Attendance))
    assert attendance.user_id == ent.worker.id and attendance.signed_at == NOW + timedelta(minutes=2)
    assert _answer(client, trainee, right_answers(in_person.version)).status_code == 302


@pytest.mark.parametrize("case", ["stale", "wrong", "before_open", "after_close"])
def test_codes_that_do_not_prove_presence_are_refused_by_the_briefings_rules(client, auth, ent, in_person,
                                                                             case):
    fields = _scan(in_person)
    if case == "stale":           # a photo of the code, used later
        fields = _scan(in_person, scanned=NOW + timedelta(minutes=8), code_minute=NOW + timedelta(minutes=2))
    elif case == "wrong":
        fields["code"] = "0" * 8 if fields["code"] != "0" * 8 else "1" * 8
    elif case == "before_open":
        fields = _scan(in_person, scanned=NOW - timedelta(minutes=5))
    elif case == "after_close":
        with clock.frozen(NOW + timedelta(minutes=1)):
            services.close_attendance(in_person, ent.principal)
            db.session.commit()
        fields = _scan(in_person, scanned=NOW + timedelta(minutes=5))
    clock.freeze(NOW + timedelta(minutes=10))
    auth.login(ent.worker)
    response = client.post("/training/attend", data=fields)
    expected = {"stale": "已经换了", "wrong": "不是本次课", "before_open": "签到未开放",
                "after_close": "签到未开放"}[case]
    assert response.status_code in (400, 409) and expected in response.get_data(as_text=True)
    assert count(Attendance) == 0


def test_a_sign_in_kept_offline_counts_after_the_close(client, auth, ent, in_person):
    scanned = NOW + timedelta(minutes=3)
    with clock.frozen(NOW + timedelta(minutes=40)):
        services.close_attendance(in_person, ent.principal)
        db.session.commit()
    clock.freeze(NOW + timedelta(hours=2))
    auth.login(ent.worker)
    item = {"_kind": "lesson_attend", "_user_id": str(ent.worker.id), "_done_at": scanned.isoformat() + "Z",
            "_action": "/training/attend", **_scan(in_person, scanned=scanned)}
    assert post_outbox(client, item).json["ok"] and post_outbox(client, item).json["replayed"]
    assert count(Attendance) == 1


def test_the_teacher_confirms_a_person_without_a_phone(client, auth, ent, in_person):
    auth.login(ent.principal)
    run = client.get(f"/training/sessions/{in_person.id}/run").get_data(as_text=True)
    assert in_person.secret in run and "js/lesson-run.js" in run
    no_note = client.post(f"/training/sessions/{in_person.id}/confirm", data={"user_id": ent.worker2.id})
    assert no_note.status_code == 302 and count(Attendance) == 0
    client.post(f"/training/sessions/{in_person.id}/confirm",
                data={"user_id": ent.worker2.id, "note": "手机没电"})
    attendance = db.session.scalar(select(Attendance))
    assert attendance.user_id == ent.worker2.id and attendance.confirmed_by_id == ent.principal.id


def test_only_the_teacher_and_the_safety_staff_see_the_code(client, auth, ent, in_person):
    for user in (ent.worker, ent.team_leader, ent.dept_head):
        auth.login(user)
        response = client.get(f"/training/sessions/{in_person.id}/run")
        assert response.status_code in (403, 404) and in_person.secret not in response.get_data(as_text=True)
        auth.logout()


# --- lessons and sessions -------------------------------------------------------------------

def test_a_saved_lesson_is_a_new_version_and_a_session_keeps_its_own(client, auth, ent, online):
    auth.login(ent.safety_officer)
    lesson_id = online.version.lesson_id
    page = client.get(f"/training/lessons/{lesson_id}/edit").get_data(as_text=True)
    assert "某厂闪爆事故" in page
    form = {"title": "开工第一课（修订）", "occasion": "holiday", "pass_percent": "60",
            "section-1-kind": "risks", "section-1-text": "液氨储罐区泄漏风险",
            "question-1-text": "液氨泄漏应当向哪个方向撤离？", "question-1-choice-1": "上风向",
            "question-1-choice-2": "下风向", "question-1-correct": "1"}
    assert client.post(f"/training/lessons/{lesson_id}/edit", data=form).status_code == 302
    db.session.expire_all()
    session = db.session.get(type(online), online.id)
    assert session.version.number == 1 and session.version.lesson.current.number == 2
    assert session.version.lesson.current.questions[0].right == {session.version.lesson.current
                                                                 .questions[0].choices[0].id}


def test_a_lesson_with_a_wrong_quiz_is_refused_and_says_where(client, auth, ent):
    auth.login(ent.safety_officer)
    form = {"title": "新员工三级教育", "occasion": "new_worker", "pass_percent": "80",
            "section-1-kind": "rules", "section-1-text": "规程",
            "question-1-text": "单选题", "question-1-choice-1": "甲", "question-1-choice-2": "乙",
            "question-1-correct": ["1", "2"]}
    response = client.post("/training/lessons/new", data=form)
    assert response.status_code == 400 and "第 1 题有多个正确选项" in response.get_data(as_text=True)
    from blueprints.training.models import Lesson
    assert count(Lesson) == 0


def test_the_safety_officer_gives_a_lesson_to_chosen_people(client, auth, ent, lesson):
    auth.login(ent.safety_officer)
    response = client.post("/training/sessions/new", data={
        "lesson_id": lesson.lesson_id, "held_on": DAY.isoformat(), "audience": "people",
        "people": [ent.worker.id], "teacher_id": ent.safety_officer.id, "in_person": "1"})
    assert response.status_code == 302
    assert [t.user_id for t in db.session.scalars(select(Trainee))] == [ent.worker.id]
    auth.logout()
    auth.login(ent.dept_head)
    assert client.post("/training/sessions/new", data={}).status_code == 403


def test_a_team_leader_without_a_team_counts_nobody(client, auth, ent, lesson):
    """Not the people without a team (a department head held back by his lesson here)."""
    give_lesson(ent.safety_officer, lesson, DAY, audience=Audience.PEOPLE, in_person=False,
                people=[ent.dept_head.id])
    teamless = factories.make_user(ent.enterprise, Role.TEAM_LEADER, department=ent.department)
    db.session.commit()
    auth.login(ent.safety_officer)
    assert "1 人未通过开工第一课" in client.get("/home").get_data(as_text=True)
    auth.logout()
    auth.login(teamless)
    assert "没有人因未通过开工第一课而不能上岗" in client.get("/home").get_data(as_text=True)


def test_the_homes_above_count_who_is_held_back(client, auth, ent, online):
    elsewhere = factories.make_user(ent.enterprise, Role.DEPT_HEAD, department=factories.make_department(
        ent.enterprise))
    db.session.commit()
    three = "3 人未通过开工第一课"
    for user, shown in ((ent.team_leader, three), (ent.dept_head, three), (ent.director, three),
                        (elsewhere, "没有人因未通过开工第一课而不能上岗")):
        auth.login(user)
        assert shown in client.get("/home").get_data(as_text=True)
        auth.logout()
    auth.login(ent.safety_officer)
    page = client.get("/training/").get_data(as_text=True)
    assert ent.worker.name in page and "3 人待通过" in page
