"""培训台账: a period's sessions and spot tests, one session's people, one person's record;
each printed from its page and downloaded in Excel with the same columns, real dates and
numbers, and text never taken for a formula."""
from datetime import date, datetime

import pytest

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.training import services, spot_tests
from blueprints.training.models import Audience
from tests import factories
from tests.factories_training import give_certificate, give_lesson, make_lesson, right_answers, wrong_answers

# 2027-02-18 09:00 in Shanghai.
NOW = datetime(2027, 2, 18, 1, 0)
DAY = date(2027, 2, 18)


@pytest.fixture(autouse=True)
def frozen_now(app):
    clock.freeze(NOW)


@pytest.fixture
def given(ent):
    """The principal's first lesson to the team today, in the canteen (its place typed as a
    formula); the worker attended, failed once and passed; a lesson of last year; a spot
    test of the worker."""
    version = make_lesson(ent.safety_officer)
    session = give_lesson(ent.safety_officer, version, DAY, teacher=ent.principal, team_id=ent.team.id,
                          place=factories.FORMULA)
    services.open_attendance(session, ent.principal)
    services.confirm_attendance(session, ent.principal, ent.worker.id, "没带手机，纸质签到")
    trainee = services.trainee_of(session, ent.worker.id)
    services.submit_attempt(trainee, ent.worker, wrong_answers(version, 2), True)
    services.submit_attempt(trainee, ent.worker, right_answers(version), True)
    old = make_lesson(ent.safety_officer, title="去年的课")
    give_lesson(ent.safety_officer, old, date(2026, 5, 6), in_person=False, audience=Audience.ENTERPRISE)
    asked = version.questions[:2]
    sheet = spot_tests.paper(ent.team_leader, ent.worker.id, [q.id for q in asked], None, 80)
    spot_tests.record(ent.team_leader, sheet, {q.id: q.right for q in asked}, True, "控制室")
    give_certificate(ent.safety_officer, ent.worker, date(2029, 1, 1), number="T3701020001")
    db.session.commit()
    return session


def test_the_period_ledger_shows_the_sessions_and_spot_tests_of_its_days(client, auth, ent, given):
    auth.login(ent.director)
    html = client.get("/training/ledger?from=2027-01-01&to=2027-12-31").get_data(as_text=True)
    assert "2027年春节后开工第一课" in html and "去年的课" not in html
    assert f'href="/training/sessions/{given.id}/ledger"' in html and "控制室" in html
    # Assigned 3 (the team's workers and leader), attended 1, passed 1, waived 0, not yet passed 2.
    assert "<td>3</td><td>1</td><td>1</td><td>0</td><td>2</td>" in html
    last_year = client.get("/training/ledger?from=2026-12-31&to=2026-01-01").get_data(as_text=True)
    assert "去年的课" in last_year and "已将两者对调" in last_year


def test_the_period_ledger_in_excel_has_real_dates_numbers_and_no_formula(client, auth, ent, given):
    auth.login(ent.safety_officer)
    book = factories.xlsx(client.get("/training/ledger?from=2027-01-01&to=2027-12-31&format=xlsx"))
    assert book.sheetnames == ["课程", "逢查必考"]
    lessons = book["课程"]
    assert ent.enterprise.name in lessons["A1"].value and "2027-01-01 至 2027-12-31" in lessons["A1"].value
    assert [c.value for c in lessons[2]][:4] == ["序号", "日期", "课程", "开课情形"]
    row = [c.value for c in lessons[3]]
    assert row[1] == datetime(2027, 2, 18) and lessons["B3"].number_format == "yyyy-mm-dd"
    assert row[7:] == [3, 1, 1, 0, 2] and lessons.freeze_panes == "A3"
    place = lessons["F3"]
    assert place.value == factories.FORMULA and place.data_type == "s" and place.quotePrefix
    tests = book["逢查必考"]
    assert [c.value for c in tests[3]][1:5] == [datetime(2027, 2, 18, 9, 0), ent.worker.name,
                                              ent.worker.employee_no, "合成车间 · 合成甲班"]
    assert tests.max_row == 3


def test_a_sessions_ledger_lists_each_person_with_attendance_and_result(client, auth, ent, given):
    auth.login(ent.team_leader)
    html = client.get(f"/training/sessions/{given.id}/ledger").get_data(as_text=True)
    assert "没带手机，纸质签到" in html and "授课人（签字）" in html
    book = factories.xlsx(client.get(f"/training/sessions/{given.id}/ledger?format=xlsx"))
    sheet = book.active
    rows = {r[1]: r for r in sheet.iter_rows(min_row=3, values_only=True)}
    worker, other = rows[ent.worker.name], rows[ent.worker2.name]
    assert worker[4:9] == ("授课人确认", datetime(2027, 2, 18, 9, 0), 2, "5/5", "已通过")
    assert other[4:9] == ("未到场", None, 0, None, "未通过")


def test_a_persons_record_prints_and_exports_to_themselves_and_the_leaders(client, auth, ent, given):
    other = factories.standard_enterprise()
    for name, status in (("worker", 200), ("dept_head", 200), ("worker2", 404)):
        auth.logout()
        auth.login(getattr(ent, name), enterprise_code=ent.enterprise.code)
        assert client.get(f"/training/people/{ent.worker.id}/ledger").status_code == status
    book = factories.xlsx(client.get(f"/training/people/{ent.worker2.id}/ledger?format=xlsx"))
    assert book.sheetnames == ["课程", "逢查必考", "证书"] and book["课程"].max_row == 4  # both his lessons
    auth.logout()
    auth.login(ent.worker, enterprise_code=ent.enterprise.code)
    book = factories.xlsx(client.get(f"/training/people/{ent.worker.id}/ledger?format=xlsx"))
    # Oldest first, as the ledger is read.
    lessons = [row[2] for row in book["课程"].iter_rows(min_row=3, values_only=True)]
    assert lessons == ["去年的课", "2027年春节后开工第一课"]
    assert [c.value for c in book["逢查必考"][3]][2:4] == [ent.team_leader.name, "控制室"]
    assert [c.value for c in book["证书"][3]][2] == "T3701020001"
    assert client.get(f"/training/people/{other.worker.id}/ledger").status_code == 404


def test_the_ledger_is_for_those_who_follow_the_lessons(client, auth, ent, given):
    auth.login(ent.worker)
    assert client.get("/training/ledger").status_code == 403
    assert client.get(f"/training/sessions/{given.id}/ledger").status_code == 404
