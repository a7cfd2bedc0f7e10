"""逢查必考: a leader or the safety staff tests a person on the lessons' questions, on the
examiner's phone (through the outbox too); the result is kept, scored as the quizzes
are, and shows in the person's training record."""
import re
import uuid
from datetime import date, datetime

import pytest
from sqlalchemy import select

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.org.models import Role
from blueprints.training.models import SpotTest
from tests import factories
from tests.factories import count
from tests.factories_training import give_certificate, give_lesson, make_lesson, right_answers, wrong_answers
from tests.test_sync import post as post_outbox

NOW = datetime(2027, 3, 1, 1, 0)


@pytest.fixture(autouse=True)
def frozen_now(app):
    clock.freeze(NOW)


def _asked(lesson, n=None):
    return [q.id for q in lesson.questions[:n]]


def _take(client, person, asked=(), **args):
    return client.get("/training/spot-tests/take", query_string={
        "user_id": person.id, "ask": list(asked), "pass_percent": 80, **args})


def _answers_form(person, asked, answers, signed=True, client_uuid=None, pass_percent=80, place=""):
    data = {"user_id": str(person.id), "ask": [str(q) for q in asked], "pass_percent": str(pass_percent),
            "place": place, "client_uuid": client_uuid or str(uuid.uuid4())}
    data.update({f"q-{q}": [str(c) for c in answers[q]] for q in asked if q in answers})
    if signed:
        data["signed"] = "1"
    return data


def _send(client, person, asked, answers, **kw):
    return client.post("/training/spot-tests", data=_answers_form(person, asked, answers, **kw))


def _stored() -> list[SpotTest]:
    db.session.expire_all()
    return list(db.session.scalars(select(SpotTest).order_by(SpotTest.id)))


def test_a_leader_tests_his_worker_and_the_result_is_kept(client, auth, ent, lesson):
    """Does the team leader find his worker, ask three questions on his phone, and is a
    result of 2 of 3 (below 80 %) kept as not passed, with the answers as given?"""
    auth.login(ent.team_leader)
    assert 'href="/training/spot-tests"' in client.get("/home").get_data(as_text=True)
    picker = client.get("/training/spot-tests/new").get_data(as_text=True)
    assert f'<option value="{ent.worker.id}"' in picker
    assert f'<option value="{ent.dept_head.id}"' not in picker
    asked = _asked(lesson, 3)
    page = _take(client, ent.worker, asked)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-outbox="spot_test"' in html
    assert re.findall(r'name="ask" value="(\d+)"', html) == [str(q) for q in asked]
    answers = wrong_answers(lesson, 1)
    response = _send(client, ent.worker, asked, answers, place="合成车间控制室")
    [test] = _stored()
    assert response.status_code == 302 and response.location.endswith(f"/training/spot-tests/{test.id}")
    assert (test.user_id, test.examiner_id, test.team_id, test.department_id) == (
        ent.worker.id, ent.team_leader.id, ent.team.id, ent.department.id)
    assert (test.correct, test.total, test.passed, test.questions, test.place) == (
        2, 3, False, asked, "合成车间控制室")
    assert test.answers[str(asked[0])] == sorted(answers[asked[0]]) and test.done_at == NOW
    result = client.get(response.location).get_data(as_text=True)
    assert "未通过" in result and result.count(">答错<") == 1 and result.count(">答对<") == 2


def test_the_pass_mark_and_all_or_nothing_are_the_quizzes(client, auth, ent, lesson):
    """Do 4 of 5 pass at 80 %, and does a multiple-choice question with one of its two right
    choices count as wrong, as in a lesson's quiz?"""
    auth.login(ent.safety_officer)
    asked = _asked(lesson)
    answers = right_answers(lesson)
    multiple = lesson.questions[1]
    answers[multiple.id] = {next(iter(multiple.right))}
    _send(client, ent.worker, asked, answers)
    [test] = _stored()
    assert (test.correct, test.total, test.passed) == (4, 5, True)


def test_questions_are_drawn_from_every_lesson_when_none_is_chosen(client, auth, ent, lesson):
    other = make_lesson(ent.safety_officer, title="动火作业", questions=[
        ("动火前要：", False, [("办理作业票", True), ("不用管", False)])])
    db.session.commit()
    auth.login(ent.dept_head)
    html = _take(client, ent.worker, count=6).get_data(as_text=True)
    drawn = [int(q) for q in re.findall(r'name="ask" value="(\d+)"', html)]
    pool = {q.id for q in lesson.questions} | {q.id for q in other.questions}
    assert len(drawn) == 6 and len(set(drawn)) == 6 and set(drawn) <= pool


@pytest.mark.parametrize("examiner", ["team_leader", "dept_head", "worker2"])
def test_a_leader_tests_only_his_own_people(client, auth, ent, lesson, examiner):
    """May a team leader or department head test someone outside his team or department, or
    a worker test anyone? Refused on the page and the form, nothing stored."""
    other_department = factories.make_department(ent.enterprise, "储运车间")
    stranger = factories.make_user(ent.enterprise, Role.WORKER,
                                   team=factories.make_team(other_department, "储运甲班"))
    db.session.commit()
    auth.login(getattr(ent, examiner))
    asked = _asked(lesson, 2)
    assert _take(client, stranger, asked).status_code == 403
    posted = _send(client, stranger, asked, right_answers(lesson))
    assert posted.status_code == 403 and count(SpotTest) == 0


def test_nobody_tests_himself_or_another_enterprises_people(client, auth, ent, lesson):
    other = factories.standard_enterprise()
    auth.login(ent.safety_officer, enterprise_code=ent.enterprise.code)
    asked = _asked(lesson, 2)
    assert _take(client, ent.safety_officer, asked).status_code == 403
    refused = _take(client, other.worker, asked)
    assert refused.status_code == 400 and "请选择要考的人" in refused.get_data(as_text=True)
    assert count(SpotTest) == 0


def test_unanswered_or_unsigned_answers_are_refused_and_nothing_stored(client, auth, ent, lesson):
    auth.login(ent.team_leader)
    asked = _asked(lesson, 3)
    answers = right_answers(lesson)
    del answers[asked[1]]
    response = _send(client, ent.worker, asked, answers, signed=False)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "请回答第 2 题" in html and "签名" in html
    # What was ticked is kept for the retry.
    assert re.search(rf'value="{next(iter(answers[asked[0]]))}"\s+checked', html)
    assert count(SpotTest) == 0


def test_questions_of_a_lesson_saved_again_still_count(client, auth, ent, lesson):
    """A test answered offline while the lesson was saved as a new version: are its
    questions (the old version's) still accepted?"""
    asked = _asked(lesson, 2)
    make_lesson(ent.safety_officer, lesson=lesson.lesson, title="新版")
    db.session.commit()
    auth.login(ent.team_leader)
    response = _send(client, ent.worker, asked, right_answers(lesson))
    assert response.status_code == 302 and _stored()[0].passed


def test_a_spot_test_queued_offline_counts_once_at_the_phones_time(client, auth, ent, lesson):
    auth.login(ent.team_leader)
    asked = _asked(lesson, 2)
    item = {"_kind": "spot_test", "_user_id": str(ent.team_leader.id), "_done_at": "2027-03-01T00:40:00Z",
            "_action": "/training/spot-tests", **_answers_form(ent.worker, asked, right_answers(lesson))}
    first = post_outbox(client, item)
    again = post_outbox(client, item)
    assert first.json["ok"] and again.json["replayed"]
    [test] = _stored()
    assert test.done_at == datetime(2027, 3, 1, 0, 40) and test.passed
    assert first.json["url"].endswith(f"/training/spot-tests/{test.id}")


def test_a_result_is_seen_by_the_person_the_examiner_and_the_leaders_only(client, auth, ent, lesson):
    auth.login(ent.team_leader)
    _send(client, ent.worker, _asked(lesson, 2), right_answers(lesson))
    [test] = _stored()
    seen = {}
    for name in ("worker", "worker2", "director", "team_leader"):
        auth.logout()
        auth.login(getattr(ent, name))
        seen[name] = client.get(f"/training/spot-tests/{test.id}").status_code
    assert seen == {"worker": 200, "worker2": 404, "director": 200, "team_leader": 200}


def test_the_training_record_shows_lessons_spot_tests_and_certificates(client, auth, ent, lesson):
    """Does a person's record show their lesson with its attempts, their spot test and their
    certificate, to themselves and the director, and to no other worker?"""
    give_lesson(ent.safety_officer, lesson, date(2027, 3, 1), in_person=False, team_id=ent.team.id)
    give_certificate(ent.safety_officer, ent.worker, date(2029, 1, 1), number="T3701020001")
    db.session.commit()
    auth.login(ent.team_leader)
    _send(client, ent.worker, _asked(lesson, 2), right_answers(lesson))
    other = factories.standard_enterprise()
    pages = {}
    for name in ("worker", "director", "worker2"):
        auth.logout()
        auth.login(getattr(ent, name), enterprise_code=ent.enterprise.code)
        pages[name] = client.get(f"/training/people/{ent.worker.id}")
    assert pages["worker2"].status_code == 404
    for name in ("worker", "director"):
        html = pages[name].get_data(as_text=True)
        lessons = html[html.index('id="person-lessons"'):html.index('id="person-spot-tests"')]
        tests = html[html.index('id="person-spot-tests"'):html.index('id="person-certificates"')]
        assert "2027年春节后开工第一课" in lessons and "未通过" in lessons
        assert "答对 2/2" in tests and ent.team_leader.name in tests
        assert "T3701020001" in html[html.index('id="person-certificates"'):]
    assert client.get(f"/training/people/{other.worker.id}").status_code == 404
